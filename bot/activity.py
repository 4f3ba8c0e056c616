"""Days a member was active, for streaks and the club digest (counts only, never content)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.database import insert_ignoring_conflict
from bot.store.models import ActivityDay, Member


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
    """Consecutive active days ending today (or yesterday, so a streak survives until tonight)."""
    days = set(
        await session.scalars(
            select(ActivityDay.day).where(
                ActivityDay.member_id == member.id,
                ActivityDay.day >= now.astimezone(zone).date() - timedelta(days=400),
            )
        )
    )
    today = now.astimezone(zone).date()
    current: date = today if today in days else today - timedelta(days=1)
    count = 0
    while current in days:
        count += 1
        current -= timedelta(days=1)
    return count
