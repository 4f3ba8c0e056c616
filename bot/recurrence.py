"""Repeating commitments: "every 2 weeks", "monthly", "first Monday of each month".

A `Recurrence` is a wall-clock rule in the member's zone, so a 09:00 reminder stays
at 09:00 across daylight-saving changes. Instants are resolved with APScheduler's
`CronTrigger`, with two corrections on DST days:

* a time that does not exist (inside a skipped hour) fires at the first minute that
  does, e.g. 03:00 EDT for a 02:30 rule on the day New York springs forward;
* a time that happens twice (inside a repeated hour) fires once, at the first of
  the two instants.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, cast
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.text import NUMBER_WORDS

Unit = Literal["day", "week", "month"]
UNITS: tuple[Unit, ...] = ("day", "week", "month")
MAX_EVERY = 1200
_MAX_STEPS = 64
"""Candidates tried before giving up; a handful always suffices."""

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_NTH_NAMES = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_NTH_CRON = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", -1: "last"}


@dataclass(frozen=True)
class Recurrence:
    """A repeat rule in wall-clock time; invalid combinations raise ValueError."""

    unit: Unit
    every: int = 1
    """Every N units; a year is 12 months."""
    weekday: int | None = None
    """0=Monday; for weekly rules, or with `nth` for monthly ones."""
    nth: int | None = None
    """1..4 or -1 (last), with `weekday`: 'the first Monday of each month'."""
    hour: int = 9
    minute: int = 0
    day: int | None = None
    """Day of the month (1..31) for monthly rules without `nth`; clamped in short months."""

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}")
        _check_int("every", self.every, 1, MAX_EVERY)
        _check_int("hour", self.hour, 0, 23)
        _check_int("minute", self.minute, 0, 59)
        if self.weekday is not None:
            _check_int("weekday", self.weekday, 0, 6)
            if self.unit == "day":
                raise ValueError("a daily rule has no weekday")
        if self.nth is not None:
            if type(self.nth) is not int or self.nth not in _NTH_NAMES:
                raise ValueError(f"nth must be 1..4 or -1, not {self.nth!r}")
            if self.unit != "month" or self.weekday is None:
                raise ValueError("nth needs a monthly rule with a weekday")
        elif self.unit == "month" and self.weekday is not None:
            raise ValueError("a monthly rule with a weekday needs nth")
        if self.day is not None:
            _check_int("day", self.day, 1, 31)
            if self.unit != "month" or self.nth is not None:
                raise ValueError("day is only for monthly rules without nth")

    def to_json(self) -> dict[str, int | str | None]:
        return {
            "unit": self.unit,
            "every": self.every,
            "weekday": self.weekday,
            "nth": self.nth,
            "day": self.day,
            "hour": self.hour,
            "minute": self.minute,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Recurrence:
        """The inverse of `to_json`; raises ValueError for anything malformed."""
        unit = data.get("unit")
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r}")
        return cls(
            unit=cast(Unit, unit),
            every=cast(int, data.get("every", 1)),
            weekday=cast("int | None", data.get("weekday")),
            nth=cast("int | None", data.get("nth")),
            hour=cast(int, data.get("hour", 9)),
            minute=cast(int, data.get("minute", 0)),
            day=cast("int | None", data.get("day")),
        )

    def describe(self) -> str:
        """E.g. 'every 2 weeks on Monday at 09:00'."""
        return f"{self._when()} at {self.hour:02d}:{self.minute:02d}"

    def anchored(self, now: datetime, zone: ZoneInfo) -> Recurrence:
        """This rule pinned to the day it is set up (`now`, as for `first_occurrence`).

        Store this one: a monthly rule then remembers its day of the month, so
        31 Jan -> 28 Feb -> 31 Mar instead of drifting to the 28th, and a weekly rule
        its weekday. The occurrences are the same as the unpinned rule's.
        """
        today = _utc(now).astimezone(zone).date()
        if self.unit == "month" and self.nth is None and self.day is None:
            return replace(self, day=today.day)
        if self.unit == "week" and self.weekday is None:
            return replace(self, weekday=today.weekday())
        return self

    def _when(self) -> str:
        n = self.every
        if self.unit == "day":
            return "every day" if n == 1 else f"every {n} days"
        if self.unit == "week":
            if self.weekday is None:
                return "every week" if n == 1 else f"every {n} weeks"
            name = WEEKDAY_NAMES[self.weekday]
            return f"every {name}" if n == 1 else f"every {n} weeks on {name}"
        if self.nth is not None and self.weekday is not None:
            which = f"the {_NTH_NAMES[self.nth]} {WEEKDAY_NAMES[self.weekday]}"
            return f"on {which} of each month" if n == 1 else f"on {which} every {n} months"
        if n == 1:
            base = "every month"
        elif n % 12 == 0:
            base = "every year" if n == 12 else f"every {n // 12} years"
        else:
            base = f"every {n} months"
        return base if self.day is None else f"{base} on the {_ordinal(self.day)}"


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if type(value) is not int or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}, not {value!r}")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# --- parsing ---------------------------------------------------------------------------

_WD = (
    r"(?P<wd>mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)s?"
)
_WD_PLURAL = r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)s"
_ORD = r"(?P<ord>first|1st|second|2nd|third|3rd|fourth|4th|last)"
_NUM = r"(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|other|second)"
_OF_MONTH = r"(?:of|in)\s+(?:each|every|the|a)\s+month"
_NUMBERS = {**NUMBER_WORDS, "other": 2, "second": 2}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
_ORDINALS |= {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4}

Builder = Callable[[re.Match[str]], dict[str, object]]


def _weekday(found: re.Match[str]) -> int:
    return ("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(found["wd"][:3].lower())


def _count(found: re.Match[str], default: int = 1) -> int:
    text = found.groupdict().get("n")
    if not text:
        return default
    return int(text) if text.isdigit() else _NUMBERS[text.lower()]


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Each phrase with the rule it means; invalid ones ("every 0 days") are dropped later.
_PHRASES: tuple[tuple[re.Pattern[str], Builder], ...] = (
    (
        _p(rf"\b(?:on\s+)?every\s+(?:the\s+)?{_ORD}\s+{_WD}(?:\s+{_OF_MONTH})?\b"),
        lambda m: {"unit": "month", "nth": _ORDINALS[m["ord"].lower()], "weekday": _weekday(m)},
    ),
    (
        _p(rf"\b(?:on\s+)?(?:the\s+)?{_ORD}\s+{_WD}\s+{_OF_MONTH}\b"),
        lambda m: {"unit": "month", "nth": _ORDINALS[m["ord"].lower()], "weekday": _weekday(m)},
    ),
    (
        _p(
            r"\b(?:on\s+)?the\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+"
            r"(?:day\s+)?of\s+(?:each|every|the)\s+month\b"
        ),
        lambda m: {"unit": "month", "day": int(m["day"])},
    ),
    (
        _p(rf"\b(?:on\s+)?every\s+other\s+{_WD}\b"),
        lambda m: {"unit": "week", "every": 2, "weekday": _weekday(m)},
    ),
    (
        _p(rf"\b(?:on\s+)?(?:every|each)\s+{_WD}\b"),
        lambda m: {"unit": "week", "weekday": _weekday(m)},
    ),
    (
        _p(rf"\bon\s+{_WD_PLURAL}\b"),
        lambda m: {"unit": "week", "weekday": _weekday(m)},
    ),
    (
        _p(rf"\b(?:every\s+(?:single\s+)?day|each\s+day|once\s+a\s+day|every\s+{_NUM}\s+days?)\b"),
        lambda m: {"unit": "day", "every": _count(m)},
    ),
    (
        _p(rf"\b(?:every\s+week|each\s+week|once\s+a\s+week|every\s+{_NUM}\s+weeks?)\b"),
        lambda m: {"unit": "week", "every": _count(m)},
    ),
    (
        _p(r"\bevery\s+fortnight\b"),
        lambda m: {"unit": "week", "every": 2},
    ),
    (
        _p(rf"\b(?:every\s+month|each\s+month|once\s+a\s+month|every\s+{_NUM}\s+months?)\b"),
        lambda m: {"unit": "month", "every": _count(m)},
    ),
    (
        _p(r"\bevery\s+quarter\b"),
        lambda m: {"unit": "month", "every": 3},
    ),
    (
        _p(r"\b(?:twice\s+a\s+year|every\s+half[\s-]+year)\b"),
        lambda m: {"unit": "month", "every": 6},
    ),
    (
        _p(rf"\b(?:every\s+year|each\s+year|once\s+a\s+year|every\s+{_NUM}\s+years?)\b"),
        lambda m: {"unit": "month", "every": 12 * _count(m)},
    ),
)

# Single words like "weekly" are also adjectives ("write weekly notes"), so they count
# only at the very end of the text, or at its start before a colon or dash.
_ADVERBS: dict[str, dict[str, object]] = {
    "daily": {"unit": "day"},
    "weekly": {"unit": "week"},
    "biweekly": {"unit": "week", "every": 2},
    "fortnightly": {"unit": "week", "every": 2},
    "monthly": {"unit": "month"},
    "quarterly": {"unit": "month", "every": 3},
    "semiannually": {"unit": "month", "every": 6},
    "halfyearly": {"unit": "month", "every": 6},
    "yearly": {"unit": "month", "every": 12},
    "annually": {"unit": "month", "every": 12},
}
_ADVERB = _p(
    r"\b(?P<adv>daily|weekly|bi-?weekly|fortnightly|monthly|quarterly|semi-?annually"
    r"|half-?yearly|yearly|annually)\b"
)
_LEADING_ADVERB_END = re.compile(r"\s*[:\-–—]")

_TIME = (
    r"(?:(?P<word>noon|midday|midnight)"
    r"|(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?)(?![\w:])"
)
_TIME_AFTER = _p(rf"^\s*,?\s*(?P<at>at\s+|@\s*)?{_TIME}")
_TIME_BEFORE = _p(rf"(?:\bat\s+|@\s*){_TIME}\s*,?\s*$")
_ON_WEEKDAY = _p(rf"^\s*,?\s*on\s+(?:a\s+)?{_WD}\b")
_ON_NTH = _p(rf"^\s*,?\s*on\s+the\s+{_ORD}\s+{_WD}\b")
_ON_DAY = _p(r"^\s*,?\s*on\s+the\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:\s+day\b)?")

_DANGLING = {"and", "&", "then", "repeat", "repeating", "recurring"}
_EDGE_PUNCTUATION = " ,;:-–—."


@dataclass
class _Found:
    start: int
    end: int
    fields: dict[str, object]


def parse_recurrence(
    text: str, default_hour: int = 9, default_minute: int = 0
) -> tuple[str, Recurrence | None]:
    """Split a repeat phrase off `text`: ('prepare 3 stories', every 2 weeks) or (text, None).

    An "at 10:30" / "at 4pm" next to the phrase sets the time; a bare "at 5" is 05:00.
    """
    best: tuple[_Found, Recurrence] | None = None
    for found in _candidates(text):
        fields = {"hour": default_hour, "minute": default_minute, **found.fields}
        try:
            rule = Recurrence(**fields)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        if best is None or (found.end, found.end - found.start) > (
            best[0].end,
            best[0].end - best[0].start,
        ):
            best = (found, rule)
    if best is None:
        return text, None
    found, rule = best
    return _tidy(text[: found.start] + " " + text[found.end :]), rule


def _candidates(text: str) -> Iterator[_Found]:
    for pattern, build in _PHRASES:
        for match in pattern.finditer(text):
            yield _extend(text, _Found(match.start(), match.end(), build(match)))
    for match in _ADVERB.finditer(text):
        key = match["adv"].lower().replace("-", "")
        found = _extend(text, _Found(match.start(), match.end(), dict(_ADVERBS[key])))
        at_end = not text[found.end :].strip(_EDGE_PUNCTUATION + "!?")
        at_start = not text[: found.start].strip() and bool(
            _LEADING_ADVERB_END.match(text, found.end)
        )
        if at_end or at_start:
            yield found


def _extend(text: str, found: _Found) -> _Found:
    """Take in a time and an 'on Monday' / 'on the 15th' right next to the phrase."""
    fields = found.fields
    while True:
        rest = text[found.end :]
        if "hour" not in fields and (time_match := _TIME_AFTER.match(rest)):
            clock = _clock(time_match, needs_marker=not time_match["at"])
            if clock is not None:
                fields["hour"], fields["minute"] = clock
                found.end += time_match.end()
                continue
        if (
            fields["unit"] == "week"
            and "weekday" not in fields
            and (weekday_match := _ON_WEEKDAY.match(rest))
        ):
            fields["weekday"] = _weekday(weekday_match)
            found.end += weekday_match.end()
            continue
        if fields["unit"] == "month" and not {"nth", "day"} & fields.keys():
            if nth_match := _ON_NTH.match(rest):
                fields["nth"] = _ORDINALS[nth_match["ord"].lower()]
                fields["weekday"] = _weekday(nth_match)
                found.end += nth_match.end()
                continue
            if day_match := _ON_DAY.match(rest):
                fields["day"] = int(day_match["day"])
                found.end += day_match.end()
                continue
        break
    if "hour" not in fields and (time_match := _TIME_BEFORE.search(text[: found.start])):
        clock = _clock(time_match, needs_marker=False)
        if clock is not None:
            fields["hour"], fields["minute"] = clock
            found.start = time_match.start()
    return found


def _clock(found: re.Match[str], *, needs_marker: bool) -> tuple[int, int] | None:
    """(hour, minute) from a time match, or None when it is not a valid time.

    Without 'at', only '9:30' or '9am' count as times, so '3 stories' is left alone.
    """
    word = (found["word"] or "").lower()
    if word:
        return (0, 0) if word == "midnight" else (12, 0)
    hour, minute = int(found["h"]), int(found["m"] or 0)
    ampm = (found["ampm"] or "").lower().replace(".", "")
    if needs_marker and not (ampm or found["m"]):
        return None
    if minute > 59:
        return None
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    return (hour, minute) if hour <= 23 else None


def _tidy(text: str) -> str:
    """Close the gap the phrase left: spaces, stray commas, a dangling 'and'."""
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"[ \t]+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    while True:
        before = text
        text = text.strip(_EDGE_PUNCTUATION)
        words = text.split(" ")
        if words and words[-1].lower() in _DANGLING:
            words.pop()
        if words and words[0].lower() in _DANGLING:
            words.pop(0)
        text = " ".join(words)
        if text == before:
            return text


# --- occurrences -----------------------------------------------------------------------


def first_occurrence(rule: Recurrence, now: datetime, zone: ZoneInfo) -> datetime:
    """The first instant strictly after `now` that fits the rule (aware, UTC).

    Rules without a weekday, nth or day start from today's local date: today at the
    rule's time if that is still ahead, otherwise one unit later.
    """
    now = _utc(now)
    today = now.astimezone(zone).date()
    for instant in _series_from(rule, today, zone):
        if instant > now:
            return instant
    raise RuntimeError(f"no occurrence of {rule} after {now}")  # pragma: no cover


def next_occurrence(rule: Recurrence, previous: datetime, zone: ZoneInfo) -> datetime:
    """The occurrence after `previous` (an earlier one): `every` units later, local time."""
    previous = _utc(previous)
    last = previous.astimezone(zone).date()
    for step in range(1, _MAX_STEPS):
        instant = _step(rule, last, step, zone)
        if instant > previous:
            return instant
    raise RuntimeError(f"no occurrence of {rule} after {previous}")  # pragma: no cover


def _series_from(rule: Recurrence, today: date, zone: ZoneInfo) -> Iterator[datetime]:
    """Candidate occurrences in order, starting with the period that holds `today`."""
    if rule.unit == "month":
        anchor = rule.day or today.day
        for months in range(_MAX_STEPS):
            year, month = _add_months(today.year, today.month, months)
            yield _monthly(rule, year, month, anchor, zone)
        return
    if rule.unit == "week" and rule.weekday is not None:
        start = today + timedelta(days=(rule.weekday - today.weekday()) % 7)
        stride = 7
    else:
        start, stride = today, 1 if rule.unit == "day" else 7
    for steps in range(_MAX_STEPS):
        yield _at(zone, start + timedelta(days=stride * steps), rule.hour, rule.minute)


def _step(rule: Recurrence, last: date, step: int, zone: ZoneInfo) -> datetime:
    """The `step`-th occurrence after the one on local date `last`."""
    if rule.unit == "month":
        year, month = _add_months(last.year, last.month, rule.every * step)
        return _monthly(rule, year, month, rule.day or last.day, zone)
    stride = rule.every * (7 if rule.unit == "week" else 1)
    target = last + timedelta(days=stride * step)
    if rule.weekday is not None:
        # Back to the rule's weekday if `last` was off it (say, the rule was edited).
        earliest = target - timedelta(days=6)
        target = earliest + timedelta(days=(rule.weekday - earliest.weekday()) % 7)
    return _at(zone, target, rule.hour, rule.minute)


def _monthly(rule: Recurrence, year: int, month: int, anchor: int, zone: ZoneInfo) -> datetime:
    if rule.nth is not None and rule.weekday is not None:
        weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[rule.weekday]
        day: int | str = f"{_NTH_CRON[rule.nth]} {weekday}"
    else:
        day = min(anchor, calendar.monthrange(year, month)[1])
    return _resolve(zone, year, month, day, rule.hour, rule.minute)


def _at(zone: ZoneInfo, day: date, hour: int, minute: int) -> datetime:
    return _resolve(zone, day.year, day.month, day.day, hour, minute)


def _resolve(
    zone: ZoneInfo, year: int, month: int, day: int | str, hour: int, minute: int
) -> datetime:
    """The instant of hour:minute on a day ('15' or cron's '1st mon'), in UTC, DST-fixed."""
    trigger = CronTrigger(year=year, month=month, day=day, hour=hour, minute=minute, timezone=zone)
    eve = datetime(year, month, 1, 12, tzinfo=zone) - timedelta(days=1)
    fire = trigger.get_next_fire_time(None, eve)
    if fire is None:  # pragma: no cover - every day expression used here exists
        raise ValueError(f"no day {day!r} in {year}-{month:02d}")
    wall = datetime.combine(fire.date(), time(hour, minute))
    if fire.replace(tzinfo=None) == wall and _exists(wall, zone):
        # fold=0 is the first of two instants when the wall-clock time repeats.
        return fire.replace(fold=0).astimezone(UTC)
    return _first_existing(wall, zone)


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    """Whether a naive local time happens at all (it does not inside a DST gap)."""
    there_and_back = wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return there_and_back.replace(tzinfo=None) == wall


def _first_existing(wall: datetime, zone: ZoneInfo) -> datetime:
    """The first minute at or after a naive local time that exists, in UTC."""
    for minutes in range(2 * 24 * 60):
        candidate = wall + timedelta(minutes=minutes)
        if _exists(candidate, zone):
            return candidate.replace(tzinfo=zone, fold=0).astimezone(UTC)
    raise ValueError(f"{wall} does not exist in {zone.key}")  # pragma: no cover


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _utc(instant: datetime) -> datetime:
    """Aware UTC; a naive value is taken to be UTC already, as the clocks do."""
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)
