"""Days a member was active, for streaks and the club digest (counts only, never content).

What a streak is (the one definition; `/progress`, the nudge and the digest all ask
`streak`): the number of days the member was active in an unbroken run that ends today
or, if today is not over, on their last active day. Only a *practice day* without
activity breaks the run. A member's practice days are their nudge days (weekdays unless
they chose otherwise), so for a Monday-to-Friday practiser a quiet weekend is a rest, not
a break: on Monday morning they are still on a five-day streak. Activity on a rest day
still counts, it just isn't owed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.nudges import NudgePrefs
from bot.store.database import insert_ignoring_conflict
from bot.store.models import ActivityDay, Member

LOOK_BACK = timedelta(days=400)
"""No streak is counted further back than this (a bound on the query, not a rule)."""


async def record(
    session: AsyncSession, dialect: str, member: Member, zone: ZoneInfo, now: datetime, kind: str
) -> None:
    """Note that the member did `kind` today (their local day); once per day and kind."""
    await session.execute(
        insert_ignoring_conflict(
            dialect,
            ActivityDay.__table__,
            {
                "member_id": member.id,
                "day": now.astimezone(zone).date(),
                "kind": kind,
                "at": now,
            },
            ["member_id", "day", "kind"],
        )
    )


async def streak(session: AsyncSession, member: Member, zone: ZoneInfo, now: datetime) -> int:
    """The member's streak today (see the module's docstring for what counts)."""
    today = now.astimezone(zone).date()
    days = set(
        await session.scalars(
            select(ActivityDay.day).where(
                ActivityDay.member_id == member.id, ActivityDay.day >= today - LOOK_BACK
            )
        )
    )
    return streak_on(days, member, today)


async def streaks(
    session: AsyncSession, people: Sequence[tuple[Member, ZoneInfo]], now: datetime
) -> dict[int, int]:
    """Each member's streak today, by member id, from one read of their active days.

    For a report or a digest that shows many members: one query for them all instead of
    one per member. Each member's own today (their zone) bounds their own days, so the
    figure is the one `streak` gives.
    """
    if not people:
        return {}
    today = {member.id: now.astimezone(zone).date() for member, zone in people}
    found: dict[int, set[date]] = {}
    for member_id, day in await session.execute(
        select(ActivityDay.member_id, ActivityDay.day)
        .where(
            ActivityDay.member_id.in_(today),
            ActivityDay.day >= min(today.values()) - LOOK_BACK,
            ActivityDay.day <= max(today.values()),
        )
        .distinct()
    ):
        found.setdefault(member_id, set()).add(day)
    return {
        member.id: streak_on(found.get(member.id, set()), member, today[member.id])
        for member, _ in people
    }


def streak_on(active: set[date], member: Member, today: date) -> int:
    """The member's streak on `today` from their active days (any span: days older than
    `LOOK_BACK` or after `today` are left out here, so every caller counts alike)."""
    recent = {day for day in active if today - LOOK_BACK <= day <= today}
    return count_streak(recent, practice_days(member), today)


def practice_days(member: Member) -> str:
    """Seven 0/1 flags, Monday first: the days a streak expects activity on."""
    return NudgePrefs.of(member).days


def count_streak(active: set[date], practice: str, today: date) -> int:
    """Active days in the run ending today; a practice day without activity ends it.

    Today never ends it (the day is not over), and a week with no practice day at all
    counts every day as one, so nobody's streak is unbreakable by accident.
    """
    owed = practice if "1" in practice else "1111111"
    if not active:
        return 0
    count = 0
    current = today
    oldest = min(active)
    while current >= oldest:
        if current in active:
            count += 1
        elif current != today and owed[current.weekday()] == "1":
            break
        current -= timedelta(days=1)
    return count
