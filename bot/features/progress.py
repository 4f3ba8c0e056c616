"""`/progress`: streak, practice per category, stories n/8, quiz scores and commitments kept.

The chart is plain text: the bar comes first on each line, so it lines up the same in
Slack, Discord and the console whatever the font, and no code block is needed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot import activity
from bot.context import Context
from bot.features.base import Feature, feature
from bot.features.stories import STORY_GOAL, ready_count
from bot.replies import Button, ButtonStyle, Reply, Section, Visibility
from bot.router import Router
from bot.store.models import Commitment, PracticeAnswer, QuizRun

BAR_WIDTH = 10
FULL, EMPTY = "█", "░"
TREND_MARGIN = 2
"""Score changes within this many points count as level (→)."""


def bar(value: float, total: float = 100, width: int = BAR_WIDTH) -> str:
    """A fixed-width bar, e.g. `██████░░░░` for 60 of 100."""
    share = 0.0 if total <= 0 else max(0.0, min(1.0, value / total))
    filled = round(share * width)
    return FULL * filled + EMPTY * (width - filled)


def trend_arrow(before: float, after: float) -> str:
    if after > before + TREND_MARGIN:
        return "↑"
    if after < before - TREND_MARGIN:
        return "↓"
    return "→"


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
        session, member = ctx.session, ctx.member
        streak = await activity.streak(session, member, ctx.zone, ctx.now)
        rows = (
            await session.execute(
                select(PracticeAnswer.category, func.count(), func.avg(PracticeAnswer.overall))
                .where(PracticeAnswer.member_id == member.id)
                .group_by(PracticeAnswer.category)
            )
        ).all()
        practice = {category: (count, round(float(avg))) for category, count, avg in rows}
        ready, _total = await ready_count(session, member)
        quizzes = list(
            await session.scalars(
                select(QuizRun)
                .where(QuizRun.member_id == member.id, QuizRun.status == "done")
                .order_by(QuizRun.finished_at, QuizRun.id)
            )
        )
        kept = await session.scalar(
            select(func.count())
            .select_from(Commitment)
            .where(Commitment.member_id == member.id, Commitment.status == "done")
        )

        answers = sum(c for c, _ in practice.values())
        lines = [_streak_line(streak), ""]
        if answers:
            average = round(sum(c * a for c, a in practice.values()) / answers)
            plural = "s" if answers != 1 else ""
            lines.append(f"Practice · {answers} answer{plural}, average {average}")
        else:
            lines.append("Practice · no answers yet")
        categories = [c for c in ctx.library.categories if ctx.library.questions_in(c.id)]
        known = {c.id for c in categories}
        for c in categories:
            count, avg = practice.get(c.id, (0, None))
            score = f"{avg:>3}" if avg is not None else "  –"
            lines.append(f"{bar(avg or 0)} {score}  {c.title} ({count})")
        for category, (count, avg) in sorted(practice.items()):
            if category not in known:
                lines.append(f"{bar(avg)} {avg:>3}  {category} ({count})")
        lines += [
            "",
            f"Stories · {ready}/{STORY_GOAL} ready",
            bar(min(ready, STORY_GOAL), STORY_GOAL, STORY_GOAL),
            "",
        ]
        if quizzes:
            best = max(quizzes, key=lambda q: (q.score / max(1, len(q.item_ids)), q.id))
            last = quizzes[-1]
            lines.append(
                f"Quiz · best {best.score}/{len(best.item_ids)}, last {last.score}/"
                f"{len(last.item_ids)} ({len(quizzes)} quiz{'zes' if len(quizzes) != 1 else ''})"
            )
        else:
            lines.append("Quiz · not taken yet")
        lines.append(f"Commitments kept · {kept or 0}")
        meta: dict[str, Any] = {
            "streak": streak,
            "practice": {k: {"count": c, "average": a} for k, (c, a) in practice.items()},
            "stories": {"ready": ready, "goal": STORY_GOAL},
            "quiz": [{"score": q.score, "total": len(q.item_ids)} for q in quizzes],
            "commitments_kept": kept or 0,
        }
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
