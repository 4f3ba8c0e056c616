"""Repeating commitments: "every 2 weeks", "every weekday at 8", "first Monday of each month".

A `Recurrence` is a wall-clock rule in the member's zone, so a 09:00 reminder stays
at 09:00 across daylight-saving changes. It is stored as standard iCalendar RRULE text
(`to_rrule`, e.g. ``RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=0``), and
its dates come from `dateutil.rrule` in local wall-clock time. Each local date and time
becomes an instant through `bot.timezones.local_instant`, the one local-to-UTC path:

* a time that does not exist (inside a skipped hour) fires at the first minute that
  does, e.g. 03:00 EDT for a 02:30 rule on the day New York springs forward;
* a time that happens twice (inside a repeated hour) fires once, at the first of
  the two instants.

Clock times next to a repeat phrase ("at 8", "in the evening", "tonight") are read by
`bot.clocktime`, like every other time in the bot; a bare "at 8" is 08:00.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil import rrule as rr

from bot.clocktime import time_after, time_before
from bot.text import NUMBER_WORDS
from bot.timezones import local_instant

Unit = Literal["day", "week", "month"]
UNITS: tuple[Unit, ...] = ("day", "week", "month")
MAX_EVERY = 1200
_MAX_STEPS = 64
"""Candidates tried before giving up; a handful always suffices."""

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WORKWEEK = (0, 1, 2, 3, 4)
WEEKEND = (5, 6)
_NTH_NAMES = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_FREQS = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY"}


@dataclass(frozen=True)
class Recurrence:
    """A repeat rule in wall-clock time; invalid combinations raise ValueError."""

    unit: Unit
    every: int = 1
    """Every N units; a year is 12 months."""
    weekdays: tuple[int, ...] = ()
    """0=Monday, in order; for weekly rules, or one with `nth` for monthly ones."""
    nth: int | None = None
    """1..4 or -1 (last), with one weekday: 'the first Monday of each month'."""
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
        if type(self.weekdays) is not tuple:
            raise ValueError(f"weekdays must be a tuple, not {self.weekdays!r}")
        for weekday in self.weekdays:
            _check_int("weekday", weekday, 0, 6)
        if list(self.weekdays) != sorted(set(self.weekdays)):
            raise ValueError(f"weekdays must be distinct and in order, not {self.weekdays!r}")
        if self.weekdays and self.unit == "day":
            raise ValueError("a daily rule has no weekday")
        if self.nth is not None:
            if type(self.nth) is not int or self.nth not in _NTH_NAMES:
                raise ValueError(f"nth must be 1..4 or -1, not {self.nth!r}")
            if self.unit != "month" or len(self.weekdays) != 1:
                raise ValueError("nth needs a monthly rule with one weekday")
        elif self.unit == "month" and self.weekdays:
            raise ValueError("a monthly rule with a weekday needs nth")
        if self.day is not None:
            _check_int("day", self.day, 1, 31)
            if self.unit != "month" or self.nth is not None:
                raise ValueError("day is only for monthly rules without nth")

    @property
    def at(self) -> time:
        return time(self.hour, self.minute)

    # -- RRULE text ---------------------------------------------------------------------

    def to_rrule(self) -> str:
        """Standard iCalendar text: 'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=9;BYMINUTE=0'.

        A day of the month is written as the last of 28..day that exists
        (BYMONTHDAY=28,29,30,31;BYSETPOS=-1 for the 31st), which is how RRULE says
        "the 31st, or the month's last day when it is shorter".
        """
        parts = [f"FREQ={_FREQS[self.unit]}"]
        if self.every != 1:
            parts.append(f"INTERVAL={self.every}")
        if self.nth is not None:
            parts.append(f"BYDAY={self.nth}{_ICAL_DAYS[self.weekdays[0]]}")
        elif self.weekdays:
            parts.append("BYDAY=" + ",".join(_ICAL_DAYS[d] for d in self.weekdays))
        if self.day is not None:
            if self.day <= 28:
                parts.append(f"BYMONTHDAY={self.day}")
            else:
                days = ",".join(str(d) for d in range(28, self.day + 1))
                parts.append(f"BYMONTHDAY={days};BYSETPOS=-1")
        parts.append(f"BYHOUR={self.hour};BYMINUTE={self.minute}")
        return "RRULE:" + ";".join(parts)

    @classmethod
    def from_rrule(cls, text: str) -> Recurrence:
        """The inverse of `to_rrule`; raises ValueError for anything it would not write."""
        body = text.strip().removeprefix("RRULE:")
        fields: dict[str, str] = {}
        for part in body.split(";"):
            key, sep, value = part.partition("=")
            if not sep or key in fields or not value:
                raise ValueError(f"not an RRULE: {text!r}")
            fields[key] = value
        freq = fields.pop("FREQ", "")
        unit = next((u for u, f in _FREQS.items() if f == freq), None)
        if unit is None:
            raise ValueError(f"unsupported FREQ in {text!r}")
        values: dict[str, object] = {"unit": unit}
        values["every"] = _rrule_int(fields.pop("INTERVAL", "1"))
        values["hour"] = _rrule_int(fields.pop("BYHOUR", "9"))
        values["minute"] = _rrule_int(fields.pop("BYMINUTE", "0"))
        if byday := fields.pop("BYDAY", ""):
            found = re.fullmatch(r"(-1|[1-4])?([A-Z]{2})", byday)
            if found and found[1]:
                values["nth"] = int(found[1])
                values["weekdays"] = (_ical_day(found[2]),)
            else:
                values["weekdays"] = tuple(sorted({_ical_day(d) for d in byday.split(",")}))
        if monthdays := fields.pop("BYMONTHDAY", ""):
            days = [_rrule_int(d) for d in monthdays.split(",")]
            setpos = fields.pop("BYSETPOS", None)
            clamped = days == list(range(28, days[-1] + 1)) and setpos == "-1"
            if not (len(days) == 1 and setpos is None) and not clamped:
                raise ValueError(f"unsupported BYMONTHDAY in {text!r}")
            values["day"] = days[-1]
        if fields:
            raise ValueError(f"unsupported parts {sorted(fields)} in {text!r}")
        return cls(**values)  # type: ignore[arg-type]

    # -- words ----------------------------------------------------------------------------

    def describe(self) -> str:
        """E.g. 'every 2 weeks on Monday at 09:00', 'every weekday at 08:00'."""
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
        if self.unit == "week" and not self.weekdays:
            return replace(self, weekdays=(today.weekday(),))
        return self

    def _when(self) -> str:
        n = self.every
        if self.unit == "day":
            return "every day" if n == 1 else f"every {n} days"
        if self.unit == "week":
            if not self.weekdays:
                return "every week" if n == 1 else f"every {n} weeks"
            names = _day_names(self.weekdays)
            if n == 1:
                return f"every {names}"
            return f"every {n} weeks on {'weekdays' if names == 'weekday' else names}"
        if self.nth is not None:
            which = f"the {_NTH_NAMES[self.nth]} {WEEKDAY_NAMES[self.weekdays[0]]}"
            return f"on {which} of each month" if n == 1 else f"on {which} every {n} months"
        if n == 1:
            base = "every month"
        elif n % 12 == 0:
            base = "every year" if n == 12 else f"every {n // 12} years"
        else:
            base = f"every {n} months"
        return base if self.day is None else f"{base} on the {_ordinal(self.day)}"


def _day_names(weekdays: tuple[int, ...]) -> str:
    if weekdays == WORKWEEK:
        return "weekday"
    names = [WEEKDAY_NAMES[d] for d in weekdays]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _rrule_int(text: str) -> int:
    if not re.fullmatch(r"-?\d{1,4}", text):
        raise ValueError(f"not a number in an RRULE: {text!r}")
    return int(text)


def _ical_day(code: str) -> int:
    if code not in _ICAL_DAYS:
        raise ValueError(f"unknown RRULE day {code!r}")
    return _ICAL_DAYS.index(code)


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
_WD_WORD = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)s?\b"
)
_FULL_DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_RANGE_SEP = r"\s*(?:-|–|—|\bto\b|\bthrough\b|\bthru\b|\btill\b|\buntil\b)\s*"
_LIST_SEP = r"\s*(?:,\s*(?:and\s+)?|\band\s+|&\s*|/\s*|\+\s*)"
_DAYS = rf"(?P<days>{_WD_WORD}{_RANGE_SEP}{_WD_WORD}|{_WD_WORD}(?:{_LIST_SEP}{_WD_WORD})*)"
_WORKDAYS = r"(?:week|work(?:ing)?)[\s-]?days?"
_PARTS = r"(?:morning|afternoon|evening|night)s?\b"
_ORD = r"(?P<ord>first|1st|second|2nd|third|3rd|fourth|4th|last)"
_NUM = r"(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|other|second)"
_OF_MONTH = r"(?:of|in)\s+(?:each|every|the|a)\s+month"
_NUMBERS = {**NUMBER_WORDS, "other": 2, "second": 2}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
_ORDINALS |= {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Builder = Callable[[re.Match[str]], "dict[str, object] | None"]


def _weekday(found: re.Match[str]) -> int:
    return _DAY_KEYS.index(found["wd"][:3].lower())


def _weekdays(text: str) -> tuple[int, ...]:
    """'mon, wed and fri' → (0, 2, 4); 'mon-fri' or 'monday to friday' → 0..4 (wrapping)."""
    names = [_DAY_KEYS.index(w[:3].lower()) for w in re.findall(_WD_WORD, text, re.IGNORECASE)]
    if len(names) == 2 and re.search(_RANGE_SEP, text, re.IGNORECASE):
        first, last = names
        return tuple(sorted((first + k) % 7 for k in range((last - first) % 7 + 1)))
    return tuple(sorted(set(names)))


def _count(found: re.Match[str], default: int = 1) -> int:
    text = found.groupdict().get("n")
    if not text:
        return default
    return int(text) if text.isdigit() else _NUMBERS[text.lower()]


def _plural_days(found: re.Match[str]) -> dict[str, object] | None:
    """'on Tuesdays', 'on mondays and thursdays' repeat; 'on Tuesday' is one date."""
    if not found["days"].lower().endswith("days"):
        return None
    return {"unit": "week", "weekdays": _weekdays(found["days"])}


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Each phrase with the rule it means; invalid ones ("every 0 days") are dropped later.
_PHRASES: tuple[tuple[re.Pattern[str], Builder], ...] = (
    (
        _p(rf"\b(?:on\s+)?every\s+(?:the\s+)?{_ORD}\s+{_WD}(?:\s+{_OF_MONTH})?\b"),
        lambda m: {"unit": "month", "nth": _ORDINALS[m["ord"].lower()], "weekdays": (_weekday(m),)},
    ),
    (
        _p(rf"\b(?:on\s+)?(?:the\s+)?{_ORD}\s+{_WD}\s+{_OF_MONTH}\b"),
        lambda m: {"unit": "month", "nth": _ORDINALS[m["ord"].lower()], "weekdays": (_weekday(m),)},
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
        lambda m: {"unit": "week", "every": 2, "weekdays": (_weekday(m),)},
    ),
    (
        # "every weekday", "each working day", "on weekdays", "weekday mornings"
        _p(
            rf"\b(?:(?:on\s+)?(?:every|each)\s+{_WORKDAYS}\b|(?:on\s+)?(?:week|work)[\s-]?days\b"
            rf"|weekday(?=\s+{_PARTS}))"
        ),
        lambda m: {"unit": "week", "weekdays": WORKWEEK},
    ),
    (
        _p(r"\b(?:(?:on\s+)?(?:every|each)\s+weekend|(?:at|on|over)\s+(?:the\s+)?weekends)\b"),
        lambda m: {"unit": "week", "weekdays": WEEKEND},
    ),
    (
        # "every monday", "every mon, wed and fri", "every tuesday to thursday"
        _p(rf"\b(?:on\s+)?(?:every|each)\s+{_DAYS}"),
        lambda m: {"unit": "week", "weekdays": _weekdays(m["days"])},
    ),
    (
        _p(rf"\bon\s+{_DAYS}"),
        _plural_days,
    ),
    (
        # "mon-fri", "from monday to friday"
        _p(rf"(?:\bfrom\s+{_WD_WORD}{_RANGE_SEP}|\b{_WD_WORD}\s*[-–—]\s*){_WD_WORD}"),
        lambda m: {"unit": "week", "weekdays": _weekdays(m[0].lower().removeprefix("from "))},
    ),
    (
        # "Monday to Friday", "tuesday through thursday": whole day names only
        _p(rf"\b{_FULL_DAY}\s+(?:to|through|thru|till|until)\s+{_FULL_DAY}\b"),
        lambda m: {"unit": "week", "weekdays": _weekdays(m[0])},
    ),
    (
        # "monday evenings", "on tuesday mornings": the part of the day is read as the time
        _p(rf"\b(?:on\s+)?{_WD}(?=\s+(?:morning|afternoon|evening|night)s\b)"),
        lambda m: {"unit": "week", "weekdays": (_weekday(m),)},
    ),
    (
        # "every morning", "each evening": daily, the part of the day is read as the time
        _p(rf"\b(?:every|each)(?=\s+{_PARTS})"),
        lambda m: {"unit": "day"},
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

_ON_WEEKDAYS = _p(rf"^\s*,?\s*on\s+(?:a\s+)?{_DAYS}")
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

    A time next to the phrase ("at 10:30", "at 4pm", "in the evening") sets the time;
    a bare "at 5" is 05:00, as everywhere a time of day is set (`bot.clocktime`).
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
            fields = build(match)
            if fields is not None:
                yield _extend(text, _Found(match.start(), match.end(), fields))
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
        if "hour" not in fields and (clock := time_after(text, found.end)) is not None:
            reading, end = clock
            fields["hour"], fields["minute"] = reading.at.hour, reading.at.minute
            found.end = end
            continue
        if (
            fields["unit"] == "week"
            and "weekdays" not in fields
            and (weekday_match := _ON_WEEKDAYS.match(rest))
        ):
            fields["weekdays"] = _weekdays(weekday_match["days"])
            found.end += weekday_match.end()
            continue
        if fields["unit"] == "month" and not {"nth", "day"} & fields.keys():
            if nth_match := _ON_NTH.match(rest):
                fields["nth"] = _ORDINALS[nth_match["ord"].lower()]
                fields["weekdays"] = (_weekday(nth_match),)
                found.end += nth_match.end()
                continue
            if day_match := _ON_DAY.match(rest):
                fields["day"] = int(day_match["day"])
                found.end += day_match.end()
                continue
        break
    if "hour" not in fields and (clock := time_before(text[: found.start])) is not None:
        reading, start = clock
        fields["hour"], fields["minute"] = reading.at.hour, reading.at.minute
        found.start = start
    return found


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
    for instant in _instants(rule, today, zone, interval=1):
        if instant > now:
            return instant
    raise RuntimeError(f"no occurrence of {rule} after {now}")  # pragma: no cover


def next_occurrence(rule: Recurrence, previous: datetime, zone: ZoneInfo) -> datetime:
    """The occurrence after `previous` (an earlier one): `every` units on, local time.

    The rhythm counts from `previous`'s local date, so "every 2 weeks" stays two weeks
    apart even after a snooze moved one occurrence.
    """
    previous = _utc(previous)
    last = previous.astimezone(zone).date()
    for instant in _instants(rule, last, zone, interval=rule.every):
        if instant > previous:
            return instant
    raise RuntimeError(f"no occurrence of {rule} after {previous}")  # pragma: no cover


def first_gap(
    rule: Recurrence, now: datetime, zone: ZoneInfo, within: timedelta = timedelta(days=366)
) -> tuple[time, datetime] | None:
    """The first occurrence within `within` whose time the clocks skip: (time, instant used).

    For the confirmation, so "every day at 02:30" says ahead that 02:30 doesn't exist
    on the night the clocks go forward. None when every occurrence has the rule's time.
    """
    first = first_occurrence(rule, now, zone)
    last_day = (_utc(now) + within).astimezone(zone).date()
    for local in _wall_clock(rule, first.astimezone(zone).date(), rule.every):
        if local.date() > last_day:
            return None
        instant = local_instant(local.date(), local.time(), zone)
        if instant.astimezone(zone).replace(tzinfo=None) != local:
            return rule.at, instant
    return None  # pragma: no cover - rrule series here are endless


def _instants(
    rule: Recurrence, start: date, zone: ZoneInfo, *, interval: int
) -> Iterator[datetime]:
    """The rule's occurrences from local date `start` on, in UTC, in order.

    dateutil.rrule gives the wall-clock dates and times; `local_instant` turns each into
    an instant (a skipped time moves to the first minute that exists, a repeated one
    takes its first pass), so the UTC instants may not be evenly spaced, only the
    wall clock is.
    """
    for local in islice(_wall_clock(rule, start, interval), _MAX_STEPS):
        yield local_instant(local.date(), local.time(), zone)


def _wall_clock(rule: Recurrence, start: date, interval: int) -> rr.rrule:
    """The rule as a dateutil rrule over naive local times, counted from `start`.

    A rule not pinned to a weekday or a day of the month (made before `anchored`
    existed) takes them from `start`, as it always has.
    """
    options: dict[str, object] = {
        "dtstart": datetime.combine(start, rule.at),
        "interval": interval,
        "byhour": rule.hour,
        "byminute": rule.minute,
        "bysecond": 0,
        "wkst": rr.MO,
    }
    if rule.unit == "day":
        return rr.rrule(rr.DAILY, **options)  # type: ignore[arg-type]
    if rule.unit == "week":
        options["byweekday"] = rule.weekdays or (start.weekday(),)
        return rr.rrule(rr.WEEKLY, **options)  # type: ignore[arg-type]
    if rule.nth is not None:
        options["byweekday"] = rr.weekday(rule.weekdays[0], rule.nth)
        return rr.rrule(rr.MONTHLY, **options)  # type: ignore[arg-type]
    day = rule.day or start.day
    # The day, or the month's last day when it is shorter: the last of 28..day that exists.
    options["bymonthday"] = tuple(range(min(day, 28), day + 1))
    options["bysetpos"] = -1
    return rr.rrule(rr.MONTHLY, **options)  # type: ignore[arg-type]


def _utc(instant: datetime) -> datetime:
    """Aware UTC; a naive value is taken to be UTC already, as the clocks do."""
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)
