"""When a member's daily prep nudge is due: their days, time, pause and zone.

A nudge goes out at most once per local day (the delivery key is member + local
date). Wall-clock rules: a nudge time inside a skipped daylight-saving hour goes out
at the first minute that exists; inside a repeated hour, once (its first pass).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Delivery, Member
from bot.timezones import local_instant

DEFAULT_TIME = time(9, 0)
WEEKDAYS = "1111100"
DAILY = "1111111"
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*$")
STALE_AFTER = timedelta(hours=3)
"""A nudge claimed this long after its time (the bot was down) is skipped, not sent late."""


def parse_days(text: str) -> str | None:
    """'weekdays', 'daily', 'weekends' or 'mon,wed,fri' → seven 0/1 flags; None if unreadable."""
    words = text.lower().replace(" and ", ",").replace(" ", ",").strip(",")
    if words in ("weekdays", "workdays", "weekday"):
        return WEEKDAYS
    if words in ("daily", "everyday", "every,day", "all"):
        return DAILY
    if words in ("weekends", "weekend"):
        return "0000011"
    flags = ["0"] * 7
    parts = [p for p in words.split(",") if p]
    for part in parts:
        found = _DAY.match(part)
        if not found:
            return None
        flags[DAY_NAMES.index(found.group(1))] = "1"
    return "".join(flags) if parts else None


def describe_days(mask: str) -> str:
    if mask == WEEKDAYS:
        return "weekdays"
    if mask == DAILY:
        return "every day"
    return ", ".join(name.title() for name, on in zip(DAY_NAMES, mask, strict=True) if on == "1")


@dataclass(frozen=True)
class NudgePrefs:
    time: time
    days: str
    paused_until: datetime | None

    @classmethod
    def of(cls, member: Member) -> NudgePrefs:
        minutes = member.nudge_minutes
        at = DEFAULT_TIME if minutes is None else time(minutes // 60, minutes % 60)
        return cls(at, member.nudge_days or WEEKDAYS, member.nudges_paused_until)


def next_nudge(
    prefs: NudgePrefs, zone: ZoneInfo, after: datetime, not_on_or_before: date | None = None
) -> datetime | None:
    """The first nudge instant strictly after `after`, on a nudge day, outside any pause.

    `not_on_or_before` skips local dates up to and including that one (today's nudge was
    already sent), which is what keeps a change of zone from giving a second nudge.
    """
    if "1" not in prefs.days:
        return None
    start = after.astimezone(zone).date()
    if prefs.paused_until is not None and prefs.paused_until > after:
        start = max(start, prefs.paused_until.astimezone(zone).date())
    for offset in range(0, 400):
        day = start + timedelta(days=offset)
        if not_on_or_before is not None and day <= not_on_or_before:
            continue
        if prefs.days[day.weekday()] != "1":
            continue
        instant = local_instant(day, prefs.time, zone)
        if instant <= after:
            continue
        if prefs.paused_until is not None and instant < prefs.paused_until:
            continue
        return instant
    return None


async def last_nudge_day(session: AsyncSession, member: Member, zone: ZoneInfo) -> date | None:
    """The local date of the member's latest nudge (claimed or sent), if any."""
    last = await session.scalar(
        select(func.max(Delivery.due_at)).where(
            Delivery.member_id == member.id, Delivery.kind == "nudge"
        )
    )
    return last.astimezone(zone).date() if last else None


async def reschedule(
    session: AsyncSession, member: Member, zone: ZoneInfo, now: datetime, *, keep_today: bool
) -> None:
    """Recompute `next_nudge_at` after a change of settings or zone.

    Never on a local day that already had its nudge. With `keep_today`, a nudge still
    pending today stays where it was (a zone change takes effect from the next day).
    """
    if not member.nudges_on:
        member.next_nudge_at = None
        return
    current = member.next_nudge_at
    pending_today = (
        current is not None
        and current > now
        and current.astimezone(zone).date() == now.astimezone(zone).date()
    )
    if keep_today and pending_today:
        return
    done_day = await last_nudge_day(session, member, zone)
    member.next_nudge_at = next_nudge(NudgePrefs.of(member), zone, now, done_day)
