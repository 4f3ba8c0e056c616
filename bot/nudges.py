"""When a member's daily prep nudge is due: their days, time, pause and zone.

A nudge goes out at most once per local day (the delivery key is member + local
date). Wall-clock rules: a nudge time inside a skipped daylight-saving hour goes out
at the first minute that exists; inside a repeated hour, once (its first pass).

Times are read by `bot.clocktime`, as everywhere in the bot: `/nudges on weekdays at 8`
is 08:00 (an hour alone is on the 24-hour clock), "8pm", "19h00", "half past 7",
"this evening" (19:00) and "weekday mornings" (09:00) all work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clocktime import TimeOfDayError, take_time_of_day
from bot.store.models import Delivery, Member
from bot.timezones import gap_note, local_instant, skipped_time

DEFAULT_TIME = time(9, 0)
WEEKDAYS = "1111100"
DAILY = "1111111"
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STALE_AFTER = timedelta(hours=3)
"""A nudge claimed this long after its time (the bot was down) is skipped, not sent late."""


_DAY_NAMES = {
    **dict.fromkeys(("mon", "monday"), 0),
    **dict.fromkeys(("tue", "tues", "tuesday"), 1),
    **dict.fromkeys(("wed", "weds", "wednesday"), 2),
    **dict.fromkeys(("thu", "thur", "thurs", "thursday"), 3),
    **dict.fromkeys(("fri", "friday"), 4),
    **dict.fromkeys(("sat", "saturday"), 5),
    **dict.fromkeys(("sun", "sunday"), 6),
}
_GROUPS = {
    **dict.fromkeys(("weekdays", "weekday", "workdays", "workday", "weeknights"), WEEKDAYS),
    **dict.fromkeys(("daily", "everyday", "all", "nightly"), DAILY),
    **dict.fromkeys(("weekends", "weekend"), "0000011"),
}
_FILLER = frozenset({"on", "every", "each", "at", "the", "only", "a", "and", "in", "from"})
_PHRASES = (
    (
        re.compile(r"\b(?:every|each|all)\s+(?:single\s+)?days?\b|\b7\s+days(?:\s+a\s+week)?\b"),
        "daily",
    ),
    (re.compile(r"\b(?:week|work(?:ing)?)[\s-]days?\b"), "weekdays"),
    (re.compile(r"\bweek[\s-]?ends?\b"), "weekends"),
)
_RANGE = re.compile(
    r"\b([a-z]{3,9})\s*(?:-|–|—|\bto\b|\bthrough\b|\bthru\b|\btill\b|\buntil\b)\s*([a-z]{3,9})\b"
)


def parse_days(text: str) -> str | None:
    """Nudge days as seven 0/1 flags (Monday first); None if a word isn't a day.

    'weekdays', 'every weekday', 'daily', 'every day', 'weekends', 'mon,wed,fri',
    'Monday and Thursday', 'mondays', 'mon-fri', 'tuesday to thursday', 'weekdays and
    saturday' (days add up).
    """
    words = text.lower().replace("’", "'")
    for pattern, word in _PHRASES:
        words = pattern.sub(word, words)
    words = _RANGE.sub(_expand_range, words)
    flags = ["0"] * 7
    named = False
    for token in re.split(r"[\s,;/&+.]+", words):
        if not token or token in _FILLER:
            continue
        if token in _GROUPS:
            flags = [max(a, b) for a, b in zip(flags, _GROUPS[token], strict=True)]
        elif (day := _day(token)) is not None:
            flags[day] = "1"
        else:
            return None
        named = True
    return "".join(flags) if named else None


def _day(token: str) -> int | None:
    return _DAY_NAMES.get(token, _DAY_NAMES.get(token.removesuffix("s")))


def _expand_range(found: re.Match[str]) -> str:
    first, last = _day(found.group(1)), _day(found.group(2))
    if first is None or last is None:
        return found.group(0)
    days = [(first + k) % 7 for k in range((last - first) % 7 + 1)]
    return " ".join(DAY_NAMES[d] for d in days)


@dataclass(frozen=True)
class NudgeSchedule:
    """What `/nudges on ...` asked for; None where the words didn't say."""

    days: str | None
    at: time | None


def parse_schedule(text: str) -> NudgeSchedule | None:
    """'weekdays at 8', 'at 07:30 mon,wed,fri', 'daily 8pm', 'weekday mornings' → days, time.

    A number alone is an hour here ("weekdays 8" is 08:00): it can be nothing else.
    None when some words are neither a time nor days.
    """
    try:
        found, rest = take_time_of_day(text, numbers_are_hours=True)
    except TimeOfDayError:
        return None
    rest = rest.strip(" ,.;")
    days = parse_days(rest) if rest else None
    if rest and days is None:
        return None
    return NudgeSchedule(days, found.at if found is not None else None)


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


def skipped_nudge_note(
    prefs: NudgePrefs, zone: ZoneInfo, after: datetime, within: int = 366
) -> str | None:
    """Names the first nudge day in the coming year whose time the clocks skip.

    E.g. "02:30 doesn't exist on Sun 14 Mar (the clocks go forward that night); that
    day's nudge comes at 03:00." None when every nudge day has the time.
    """
    start = after.astimezone(zone).date()
    for offset in range(within):
        day = start + timedelta(days=offset)
        if prefs.days[day.weekday()] != "1":
            continue
        instant = skipped_time(day, prefs.time, zone)
        if instant is not None and instant > after:
            return gap_note(prefs.time, instant, zone, "that day's nudge comes")
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
