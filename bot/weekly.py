"""The week of a job search as members count it: Monday to Sunday in their zone.

Shared by the weekly check-in and `/progress`: which week an instant falls in, when a
week ends (edits stop then), the next instant of a weekly schedule, and reading the
counts members type ("3", "three", "none", "3 apps", "10+") and their goals
("10 applications, 3 conversations").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.stems import stem
from bot.text import NUMBER_WORDS, ascii_number, fold
from bot.timezones import local_instant


@dataclass(frozen=True)
class Count:
    """One of the five things a member counts each week."""

    key: str
    """The column on `checkin_weeks` and the key in goals."""
    label: str
    """How a member reads it in a list ("applications sent")."""
    question: str
    short: str
    """A word for tight places (a chart legend, a goal line)."""
    stems: tuple[str, ...]
    """Word stems that name it when typed ("apps", "applied", "cv" all mean applications)."""


COUNTS: tuple[Count, ...] = (
    Count(
        "applications",
        "applications sent",
        "How many applications did you send this week?",
        "applications",
        ("applic", "app", "appli", "cv", "resum", "job"),
    ),
    Count(
        "conversations",
        "networking conversations",
        "How many networking conversations did you have (coffee chats, calls, messages "
        "that turned into a talk)?",
        "conversations",
        ("convers", "network", "chat", "coffe", "call", "talk", "contact", "meet"),
    ),
    Count(
        "interviews",
        "interviews",
        "How many interviews did you have?",
        "interviews",
        ("interview", "screen"),
    ),
    Count(
        "follow_ups",
        "follow-ups sent",
        "How many follow-ups did you send (thank-you notes, checking on an application)?",
        "follow-ups",
        ("follow", "followup", "thank", "note", "chase"),
    ),
    Count("offers", "offers", "Any offers this week? How many?", "offers", ("offer",)),
)
COUNT_KEYS = tuple(c.key for c in COUNTS)
BY_KEY = {c.key: c for c in COUNTS}
CHART_WEEKS = 12
"""How many weeks `/progress` charts, this one included."""
MAX_COUNT = 500
"""Larger numbers are a typo more often than a week's work; the member is asked again."""

_NONE_WORDS = frozenset({"none", "zero", "no", "nothing", "nil", "nope", "zilch", "nada"})
_FEW_WORDS = {"a couple": 2, "couple": 2, "a pair": 2, "a dozen": 12, "dozen": 12, "once": 1}
_TOKEN = re.compile(r"\d+|[a-z]+")


def week_start(instant: datetime, zone: ZoneInfo) -> date:
    """The Monday of the member's week that `instant` falls in."""
    day = instant.astimezone(zone).date()
    return day - timedelta(days=day.weekday())


def week_end(start: date, zone: ZoneInfo) -> datetime:
    """The instant the week starting `start` ends: the next Monday's midnight, local."""
    return local_instant(start + timedelta(days=7), time(0, 0), zone)


def week_bounds(start: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return local_instant(start, time(0, 0), zone), week_end(start, zone)


def recent_starts(now: datetime, zone: ZoneInfo, count: int = CHART_WEEKS) -> list[date]:
    """The Mondays of the last `count` weeks, this one included, oldest first."""
    last = week_start(now, zone)
    return [last - timedelta(days=7 * i) for i in range(count - 1, -1, -1)]


def next_weekly(weekday: int, minutes: int, zone: ZoneInfo, after: datetime) -> datetime:
    """The next `weekday` (0 = Monday) at `minutes` past midnight on `zone`'s wall clock,
    strictly after `after`.

    The one path for every weekly schedule (check-ins, their club summary, the digest,
    partner rounds), so they agree across daylight saving: the wall-clock time stays put
    and the UTC instant moves. A time the clocks skip that night happens at the first
    minute that exists, and one they repeat happens once (`local_instant`).
    """
    clock = time(minutes // 60, minutes % 60)
    start = after.astimezone(zone).date()
    day = start + timedelta(days=(weekday - start.weekday()) % 7)
    instant = local_instant(day, clock, zone)
    if instant <= after:  # today's has gone by (or is `after` itself): a week on
        instant = local_instant(day + timedelta(days=7), clock, zone)
    return instant


def week_label(start: date) -> str:
    """'week of Mon 14 Dec'."""
    return f"week of {start:%a} {start.day} {start:%b}"


def read_count(text: str) -> int | None:
    """A count as a member types it: "3", "three", "none", "3 apps", "10+", "a couple".

    None when no count can be read, or it is more than `MAX_COUNT`: the member is asked
    again rather than something guessed.
    """
    words = _TOKEN.findall(fold(text.replace("+", " ")))
    if not words:
        return None
    phrase = " ".join(words)
    for few, value in _FEW_WORDS.items():
        if phrase == few or phrase.startswith(few + " "):
            return value
    numbers = [n for w in words if (n := _number(w)) is not None]
    if numbers:
        return numbers[0] if numbers[0] <= MAX_COUNT else None
    if words[0] in _NONE_WORDS or (len(words) > 1 and words[:2] == ["not", "any"]):
        return 0
    return None


_AROUND_A_COUNT = frozenset(
    {
        "a",
        "couple",
        "pair",
        "dozen",
        "once",
        "not",
        "any",
        "this",
        "week",
        "so",
        "far",
        "about",
        "around",
        "roughly",
        "just",
        "only",
        "the",
        "one",
        "i",
        "think",
        "sent",
        "had",
    }
)


def read_bare_count(text: str) -> int | None:
    """A count typed with nothing else around it ("3", "three apps", "none so far").

    For a DM that may be about something else entirely: "see you at 5" or "no thanks"
    hold a number word but are not an answer, so every word must be part of a count.
    """
    value = read_count(text)
    if value is None:
        return None
    words = _TOKEN.findall(fold(text.replace("+", " ")))
    rest = [
        w
        for w in words
        if _number(w) is None
        and w not in _NONE_WORDS
        and w not in _AROUND_A_COUNT
        and _count_named(w) is None
    ]
    polite = {"thanks", "thx", "cheers"} & set(words)  # "no thanks" declines, it counts nothing
    return None if rest or polite else value


def read_goal(text: str) -> dict[str, int] | None:
    """A goal such as "10 applications, 3 conversations" or "apps 10 and 2 coffee chats".

    Each number goes with the count named right after it, or right before it when none
    follows. None when nothing could be read; counts not named are left out.
    """
    words = _TOKEN.findall(fold(text))
    goal: dict[str, int] = {}
    pending: int | None = None
    last_key: str | None = None
    for word in words:
        number = _number(word)
        if number is not None:
            if number > MAX_COUNT:
                return None
            if pending is not None and last_key is not None and last_key not in goal:
                goal[last_key] = pending
            pending = number
            continue
        key = _count_named(word)
        if key is None:
            continue
        if pending is not None:
            goal.setdefault(key, pending)
            pending, last_key = None, None
        else:
            last_key = key
    if pending is not None and last_key is not None:
        goal.setdefault(last_key, pending)
    return goal or None


def describe(counts: dict[str, int], *, short: bool = False) -> str:
    """'10 applications, 3 conversations' in the usual order; 'nothing' for none."""
    parts = [f"{counts[c.key]} {c.short if short else c.label}" for c in COUNTS if c.key in counts]
    return ", ".join(parts) if parts else "nothing"


def _number(word: str) -> int | None:
    if word.isdigit():
        return ascii_number(word, max_digits=4)
    return NUMBER_WORDS.get(word)


def _count_named(word: str) -> str | None:
    stemmed = stem(word)
    for count in COUNTS:
        if any(stemmed.startswith(s) or word.startswith(s) for s in count.stems):
            return count.key
    return None
