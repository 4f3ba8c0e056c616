"""`/progress`: streak, practice per category, stories n/8, quiz scores and commitments kept,
and the job search week by week.

Each feature's block is plain text; the check-in block is the text chart (the last four
weeks, each once, a bar first so it lines up on every platform). With weekly check-ins
or practice on record, a PNG goes with it (`bot/chart_image.py`: the last 12 weeks, the
goal line, practice and story days), drawn in a worker thread; its alt text states the
numbers, and the text stays for wherever images do not go.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity
from bot.chart_image import WeeklyChart, weekly_png
from bot.context import Context
from bot.features.base import Feature, ProgressPart, feature
from bot.replies import Attachment, Button, ButtonStyle, Reply, Section, Visibility
from bot.router import Router
from bot.store.models import ActivityDay, Member
from bot.weekly import BY_KEY, COUNT_KEYS, recent_starts


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
        chart = await _weekly_chart(ctx.session, member, parts, ctx.now, ctx.zone)
        image: Attachment | None = None
        if chart is not None:
            data = await asyncio.to_thread(weekly_png, chart)
            name = f"progress-{member.id}-{chart.weeks[-1]}.png"
            image = Attachment(data, name, _alt_text(chart), "image/png")
            meta["chart"] = {"alt": image.alt, "bytes": len(data)}
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
            attachments=[image] if image else [],
        )

    async def home_sections(self, ctx: Context) -> list[Section]:
        streak = await activity.streak(ctx.session, ctx.member, ctx.zone, ctx.now)
        return [Section(title="Streak", text=_streak_line(streak))]


def _streak_line(days: int) -> str:
    if days == 0:
        return "No streak yet: practise, build a story or take a quiz today to start one."
    return f"Streak · {days} day{'s' if days != 1 else ''} in a row"


async def _weekly_chart(
    session: AsyncSession,
    member: Member,
    parts: list[ProgressPart],
    now: datetime,
    zone: ZoneInfo,
) -> WeeklyChart | None:
    """The last 12 weeks from the features' weekly series and the member's active days;
    None when there is nothing to draw."""
    weeks = recent_starts(now, zone)
    series: dict[str, list[int | None]] = {}
    for part in parts:
        for key, values in (part.weekly or {}).items():
            if len(values) == len(weeks):
                series[key] = values
    practice, stories = await _days_per_week(session, member, weeks)
    counts = {BY_KEY[key].short: series[key] for key in COUNT_KEYS if key in series}
    if not any(v for values in counts.values() for v in values) and not any(practice + stories):
        return None
    missed = [bool(flag) for flag in series.get("missed", [0] * len(weeks))]
    return WeeklyChart(
        weeks=weeks,
        counts=counts,
        goal=series.get("goal", [None] * len(weeks)),
        practice=practice,
        stories=stories,
        missed=missed,
    )


async def _days_per_week(
    session: AsyncSession, member: Member, weeks: list[date]
) -> tuple[list[int], list[int]]:
    """Days with practice, and with story work, in each week (from the core's active days)."""
    rows = await session.execute(
        select(ActivityDay.day, ActivityDay.kind).where(
            ActivityDay.member_id == member.id,
            ActivityDay.day >= weeks[0],
            ActivityDay.kind.in_(("practice", "story")),
        )
    )
    practice, stories = [0] * len(weeks), [0] * len(weeks)
    for day, kind in rows:
        index = (day - weeks[0]).days // 7
        if 0 <= index < len(weeks):
            (practice if kind == "practice" else stories)[index] += 1
    return practice, stories


def _alt_text(chart: WeeklyChart) -> str:
    """Every number the picture shows, in words, weeks without any data left out."""
    parts = []
    for i, week in enumerate(chart.weeks):
        bits = []
        if chart.missed[i]:
            bits.append("check-in missed")
        else:
            counted = [f"{values[i]} {name}" for name, values in chart.counts.items() if values[i]]
            bits += counted
        if chart.goal[i] is not None:
            bits.append(f"goal {chart.goal[i]}")
        if chart.practice[i]:
            bits.append(f"{chart.practice[i]} practice days")
        if chart.stories[i]:
            bits.append(f"{chart.stories[i]} story days")
        asked = any(values[i] is not None for values in chart.counts.values())
        if bits and (asked or chart.practice[i] or chart.stories[i] or chart.missed[i]):
            parts.append(f"week of {week.day} {week:%b}: " + ", ".join(bits))
        elif asked:
            parts.append(f"week of {week.day} {week:%b}: nothing counted")
    first, last = chart.weeks[0], chart.weeks[-1] + timedelta(days=6)
    head = (
        f"Bar chart of your job search from {first.day} {first:%b} to {last.day} {last:%b}"
        " (applications, conversations, interviews, follow-ups and offers per week, "
        "the goal as a dashed line, practice and story days below)."
    )
    return head + (" " + "; ".join(parts) + "." if parts else " No data yet.")
