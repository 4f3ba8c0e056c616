"""`/progress`: streak, practice per category, stories n/8, quiz scores and commitments kept.

The chart is plain text: the bar comes first on each line, so it lines up the same in
Slack, Discord and the console whatever the font, and no code block is needed.
"""

from __future__ import annotations

from typing import Any

from bot import activity
from bot.context import Context
from bot.features.base import Feature, feature
from bot.replies import Button, ButtonStyle, Reply, Section, Visibility
from bot.router import Router


@feature
class Progress(Feature):
    name = "progress"

    def register(self, router: Router) -> None:
        router.add_command(
            "progress",
            "Your streak, practice scores per category, stories ready and commitments kept.",
            "/progress",
            self.on_progress,
        )
        router.add_action("progress:show", self.on_progress)

    async def on_progress(self, ctx: Context) -> Reply:
        """The streak, then each feature's own block (`Feature.progress`), in their order.

        Progress reads no other feature's tables: practice, stories, quiz and commitments
        each report their own counts through the hook.
        """
        member = ctx.member
        streak = await activity.streak(ctx.session, member, ctx.zone, ctx.now)
        parts = [
            part for feat in ctx.services.features if (part := await feat.progress(ctx)) is not None
        ]
        parts.sort(key=lambda part: part.order)
        lines = [_streak_line(streak)]
        meta: dict[str, Any] = {"streak": streak}
        for part in parts:
            lines += ["", *part.lines]
            meta[part.key] = part.meta
        return Reply(
            title=f"Your progress, {member.display_name}",
            text="\n".join(lines),
            buttons=[
                Button("Practise what I need most", "practice:new:any", ButtonStyle.PRIMARY),
                Button("Build a story", "story:start"),
                Button("Take a quiz", "quiz:new"),
            ],
            visibility=Visibility.DM if ctx.in_dm else Visibility.ONLY_MEMBER,
            meta=meta,
        )

    async def home_sections(self, ctx: Context) -> list[Section]:
        streak = await activity.streak(ctx.session, ctx.member, ctx.zone, ctx.now)
        return [Section(title="Streak", text=_streak_line(streak))]


def _streak_line(days: int) -> str:
    if days == 0:
        return "No streak yet: practise, build a story or take a quiz today to start one."
    return f"Streak · {days} day{'s' if days != 1 else ''} in a row"
