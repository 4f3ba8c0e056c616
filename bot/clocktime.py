"""Clock times as members type them, read the same way everywhere in the bot.

Due times (`bot/when.py`), repeats (`bot/recurrence.py`), nudges (`bot/nudges.py`), the
day start and the digest time all read a time of day through this module, so "8",
"tonight" or "midnight" never mean one thing in `/commit` and another in `/nudges`.

What it reads: "8pm", "8 pm", "8p.m.", "8:30", "08:00", "8.30", "0800", "19h00", "20h",
"noon", "midday", "lunchtime", "midnight", "12 noon", "half past 7", "quarter to 9",
"10 past 6", "half 7" (UK: 7:30), "8 o'clock", "eight", "8ish", "around 8", and the
parts of the day: "morning", "this afternoon", "in the evening", "tonight", "at night",
alone or with a clock time ("8 in the evening", "tonight at 8", "8pm tonight", "evening 6"),
and their short and regional forms ("mornin", "arvo" (Australian), "evng", "nite").
"morn", "aft" and "eve" are not read here: alone they are names and words ("call Eve",
"the aft deck"); `bot.when` spells them out only right after a day word ("tmrw eve").

The meanings, chosen once:
- morning 09:00, afternoon 14:00, evening / night / tonight 19:00 (the hour people
  settle down after work; the same as the "Tonight" button), noon and lunchtime 12:00;
- midnight is 23:59, the last minute of the day it is attached to: "friday midnight"
  stays on Friday, and a nudge "at midnight" never slips into the next day;
- an hour alone ("8", "at 8", "half past 7") is read on the 24-hour clock: "8" is
  08:00 and "20" is 20:00. A part of the day settles it the other way ("8 in the
  evening", "tonight at 8" are 20:00). `TimeOfDay.bare` says am/pm was left open, so a
  caller for whom a wrong guess is costly (a one-off deadline) can ask instead;
  `TimeOfDay.open` says the same of an hour with minutes ("4:30"), which is read on the
  24-hour clock too, but which a deadline reader may still want to question;
- "around", "about", "-ish" are accepted and don't change the time.

A plain number is only a time with a sign that it is one: "at"/"@", "o'clock", am/pm,
a part of the day, or when the whole text is the time (`parse_time_of_day`). So in
"prepare 3 stories" or "3 dec" the 3 stays a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from bot.text import NUMBER_WORDS

__all__ = [
    "MIDNIGHT",
    "NOON",
    "PARTS_OF_DAY",
    "TONIGHT",
    "TimeOfDay",
    "TimeOfDayError",
    "parse_minutes",
    "parse_time_of_day",
    "take_time_of_day",
    "time_after",
    "time_before",
]

NOON = time(12, 0)
MIDNIGHT = time(23, 59)
TONIGHT = time(19, 0)
PARTS_OF_DAY = {
    "morning": time(9, 0),
    "afternoon": time(14, 0),
    "evening": TONIGHT,
    "night": TONIGHT,
}
_NAMED = {"noon": NOON, "midday": NOON, "lunchtime": NOON, "lunch time": NOON}
_NAMED["midnight"] = MIDNIGHT
_MINUTE_WORDS = {"half": 30, "quarter": 15, "a quarter": 15, "twenty five": 25}
_MINUTE_WORDS |= {"twenty-five": 25, "twenty": 20, "ten": 10, "five": 5}


@dataclass(frozen=True)
class TimeOfDay:
    """A wall-clock time read from a member's words."""

    at: time
    explicit: bool = True
    """A clock time was given; False for a part of the day alone ("evening")."""
    bare: bool = False
    """An hour without am/pm or a part of the day ("at 8"): `at` is its 24-hour reading."""
    today: bool = False
    """The words name today as well ("tonight", "this evening")."""
    part: str | None = None
    """morning, afternoon, evening or night, when the words name one."""
    open: bool = False
    """Hours and minutes ("4:30") from 1:00 to 12:59 without am/pm, a leading zero or a
    part of the day: `at` is the 24-hour reading, but the afternoon is as likely."""

    @property
    def minutes(self) -> int:
        return self.at.hour * 60 + self.at.minute


class TimeOfDayError(ValueError):
    """Words that look like a clock time but aren't one ("25:00", "3pm in the morning")."""


# Patterns ---------------------------------------------------------------------------------

_HOUR = r"\d{1,2}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_REL_MINUTES = r"half|(?:a\s+)?quarter|twenty[- ]five|twenty|ten|five|\d{1,2}"
_CLOCK = (
    r"(?<![\w:./-])(?:"
    rf"(?P<rel>{_REL_MINUTES})\s+(?:minutes?\s+)?(?P<dir>past|after|to|before|till|til)"
    rf"\s+(?P<rh>{_HOUR})"
    r"|(?:12\s+)?(?P<named>noon|midday|midnight|lunch\s?time)(?P<nish>-?ish)?"
    rf"|half\s+(?P<uk>{_HOUR})"
    r"|(?P<h>\d{1,2})(?P<sep>[:.h])(?P<m>\d{2})"
    r"|(?P<mil>(?:[01]\d|2[0-3])[0-5]\d)(?:\s*(?P<hrs>hrs|hours|h))?"
    r"|(?P<hh>\d{1,2})h"
    rf"|(?P<bare>{_HOUR})(?P<oclock>\s*o['’]?\s*clock)?"
    r")"
    r"(?:\s*(?P<ampm>[ap])\.?\s?m\b\.?)?"
    r"(?:\s*-?ish\b)?"
    r"(?![\w:/]|\.\d)"
)
_LEAD = (
    r"(?P<lead>(?:\b(?:at|from)\s+|@\s*)?"  # \b: the "at" of "sat 11am" is not "at 11am"
    r"(?:\b(?:around|about|roughly|approx\.?|approximately)\s+|~\s*)?)"
)


_PART_WORDS = {
    **dict.fromkeys(("morning", "mornin"), "morning"),
    **dict.fromkeys(("afternoon", "arvo"), "afternoon"),
    **dict.fromkeys(("evening", "evng", "evenin"), "evening"),
    **dict.fromkeys(("night", "nite"), "night"),
    **dict.fromkeys(("tonight", "tonite"), "tonight"),
}
"""Short and regional names for the parts of the day ("arvo" is the Australian afternoon)."""


def _part(name: str) -> str:
    words = "|".join(sorted((f"{w}s?" for w in _PART_WORDS), key=len, reverse=True))
    return (
        rf"(?:\b(?P<{name}_this>this)\s+|\b(?:(?:in|during)\s+)?the\s+|\bat\s+)?"
        rf"(?P<{name}>{words})\b"
    )


_UNIT_SOURCE = (
    rf"(?:(?:{_part('pa')})\s*,?\s+(?P<at2>at\s+|@\s*)?)?{_LEAD}{_CLOCK}"
    rf"(?:\s*,?\s+{_part('pb')})?"
    rf"|(?<![\w-]){_part('pc')}"
)
_UNIT = re.compile(_UNIT_SOURCE, re.IGNORECASE)
_PART_ONLY = re.compile(rf"(?<![\w-]){_part('pc')}", re.IGNORECASE)
_WHOLE = re.compile(rf"\s*(?:{_UNIT_SOURCE})\s*[.!]?\s*", re.IGNORECASE)
_AFTER = re.compile(rf"\s*,?\s*(?:{_UNIT_SOURCE})", re.IGNORECASE)
_PART_AFTER = re.compile(rf"\s*,?\s*{_part('pc')}", re.IGNORECASE)
_BEFORE = re.compile(rf"(?:{_UNIT_SOURCE})\s*,?\s*$", re.IGNORECASE)


# Reading ------------------------------------------------------------------------------------


def parse_time_of_day(text: str) -> TimeOfDay | None:
    """The whole of `text` as a time of day ("8", "8pm", "noon", "tonight"), else None.

    Here a number alone is an hour (24-hour clock): the text has nothing else to be.
    """
    found = _WHOLE.fullmatch(text)
    if found is None:
        return None
    try:
        return _read(found, whole=True)
    except TimeOfDayError:
        return None


def parse_minutes(text: str) -> int | None:
    """`parse_time_of_day` as minutes after midnight, for settings stored that way."""
    found = parse_time_of_day(text)
    return found.minutes if found else None


def take_time_of_day(text: str, *, numbers_are_hours: bool = False) -> tuple[TimeOfDay | None, str]:
    """The time of day inside a phrase, and the phrase without it.

    "friday 3pm" → (15:00, "friday"); "tomorrow at 10 in the morning" → (10:00,
    "tomorrow"); "tonight" → (19:00, today, ""). A clock time and a part of the day
    apart from each other are combined ("at 8 tomorrow evening" is 20:00). With
    `numbers_are_hours`, a plain number counts as an hour even without "at" (for
    arguments where a number can be nothing else, like `/nudges on weekdays 8`).

    Raises TimeOfDayError for two clock times, a clock time the part of the day
    contradicts ("3pm in the morning") or one that can't exist ("25:00").
    """
    clocks: list[TimeOfDay] = []
    parts: list[TimeOfDay] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    while (found := _UNIT.search(text, pos)) is not None:
        reading = _read(found, whole=numbers_are_hours)
        if reading is None:  # a number with nothing to say it is a time
            part = _PART_ONLY.match(text, found.start())
            if part is not None:
                parts.append(_read_part(part, "pc"))
                spans.append(part.span())
            pos = part.end() if part is not None else found.end()
            continue
        (clocks if reading.explicit else parts).append(reading)
        spans.append(found.span())
        pos = found.end()
    if len(clocks) > 1 or len(parts) > 1:
        raise TimeOfDayError("two times of day")
    rest = text
    for start, end in reversed(spans):
        rest = f"{rest[:start]} {rest[end:]}"
    rest = " ".join(rest.split())
    if not clocks:
        return (parts[0] if parts else None), rest
    clock = clocks[0]
    if parts:
        clock = _with_part(clock, parts[0], settled=not clock.bare)
    return clock, rest


def time_after(text: str, pos: int) -> tuple[TimeOfDay, int] | None:
    """A time of day starting at `pos` (after a comma or "at"), and where it ends.

    For words after a repeat phrase: "every day at 8", "every weekday, 9:30",
    "every day in the evening". A plain number needs "at" here ("every day 3 stories").
    """
    found = _AFTER.match(text, pos)
    if found is not None:
        try:
            reading = _read(found, whole=False)
        except TimeOfDayError:
            return None
        if reading is not None:
            return reading, found.end()
    part = _PART_AFTER.match(text, pos)
    if part is not None:
        return _read_part(part, "pc"), part.end()
    return None


def time_before(text: str) -> tuple[TimeOfDay, int] | None:
    """A time of day after "at" that ends `text` (before a repeat phrase), and its start.

    Only with "at": in "by friday 3pm every week" the 3pm belongs to the date.
    """
    found = _BEFORE.search(text)
    if found is None or not (found["lead"] or "").strip().startswith(("at", "@")):
        return None
    try:
        reading = _read(found, whole=False)
    except TimeOfDayError:
        return None
    return (reading, found.start()) if reading is not None else None


# Interpreting a match ---------------------------------------------------------------------------


def _read(found: re.Match[str], *, whole: bool) -> TimeOfDay | None:
    """The time a unit match names; None when a plain number has no sign of being a time."""
    if found["pc"]:
        return _read_part(found, "pc")
    # a part of the day either side marks a number as a time: "evening 6", "6 in the evening"
    marked = bool(found["lead"].strip()) or bool(found["at2"]) or bool(found["pb"] or found["pa"])
    try:
        at, strong, bare, settled = _clock(found)
    except TimeOfDayError:
        if marked or whole or not _plain_number(found):
            raise
        return None  # "feb 30": a number, not a broken time
    if not (strong or marked or whole):
        return None
    clock = TimeOfDay(at, explicit=True, bare=bare, open=not settled and not bare)
    for name in ("pa", "pb"):
        if found[name]:
            clock = _with_part(clock, _read_part(found, name), settled=settled)
    return clock


def _read_part(found: re.Match[str], name: str) -> TimeOfDay:
    typed = found[name].lower()
    word = _PART_WORDS.get(typed) or _PART_WORDS[typed.removesuffix("s")]
    today = word == "tonight" or bool(found[f"{name}_this"])
    if word == "tonight":
        word = "night"
    return TimeOfDay(PARTS_OF_DAY[word], explicit=False, today=today, part=word)


def _with_part(clock: TimeOfDay, part: TimeOfDay, *, settled: bool) -> TimeOfDay:
    """A clock time placed in a part of the day: "8" + evening → 20:00; "3pm" + morning → error.

    `settled`: the clock said am/pm itself (or 0, 13..23, a leading zero); otherwise
    "7:30" this evening is 19:30.
    """
    name = part.part or "evening"
    hour, minute = clock.at.hour, clock.at.minute
    if not settled and 1 <= hour <= 12:  # am/pm open: the part of the day settles it
        if name == "morning":
            at = time(hour % 12, minute)
        elif hour == 12:
            at = NOON if name == "afternoon" else MIDNIGHT
        elif name == "night" and hour <= 4:
            at = time(hour, minute)  # "2 at night"
        else:
            at = time(hour + 12, minute)
        return TimeOfDay(at, explicit=True, today=part.today, part=name)
    late = hour >= 12 or (name == "night" and hour < 5)
    fits = hour < 12 if name == "morning" else late
    if not fits:
        raise TimeOfDayError("the part of the day contradicts the clock time")
    return TimeOfDay(clock.at, explicit=True, today=part.today, part=name)


def _clock(found: re.Match[str]) -> tuple[time, bool, bool, bool]:
    """(time, strong, bare, settled) for a clock match.

    strong: a time anywhere (else it needs "at"); bare: an hour with am/pm open;
    settled: am/pm is known (said, or 0, 13..23, a leading zero, four digits).
    """
    ampm = (found["ampm"] or "").lower()
    if found["named"]:
        if ampm:
            raise TimeOfDayError("noon or midnight with am/pm")
        return _NAMED[" ".join(found["named"].lower().split())], True, False, True
    if found["rel"]:
        minutes, hour = _minutes_word(found["rel"]), _hour(found["rh"])
        after = found["dir"].lower() in ("past", "after")
        if not 1 <= minutes <= 59 or (minutes == 30 and not after):
            raise TimeOfDayError("not a clock time")
        at = _at(hour, minutes, ampm)  # checks the hour before "to" moves it back
        if not after:  # "quarter to 9" is 8:45
            at = time((at.hour - 1) % 24, 60 - minutes)
        strong = not found["rel"].isdigit()  # "half past", "quarter to"; "10 to 5" needs "at"
        open_ = not ampm and 1 <= hour <= 12
        return at, strong or bool(ampm), open_, not open_
    if found["uk"]:
        hour = _hour(found["uk"])
        open_ = not ampm and 1 <= hour <= 12
        return _at(hour, 30, ampm), bool(ampm), open_, not open_
    if found["h"]:
        strong = found["sep"] != "." or bool(ampm)  # "8.30" alone could be a date or a price
        hour = int(found["h"])
        settled = bool(ampm) or not 1 <= hour <= 12 or found["h"].startswith("0")
        return _at(hour, int(found["m"]), ampm), strong, False, settled
    if found["mil"]:
        if ampm:
            raise TimeOfDayError("four-digit time with am/pm")
        digits = found["mil"]
        return time(int(digits[:2]), int(digits[2:])), bool(found["hrs"]), False, True
    if found["hh"]:
        hour = int(found["hh"])
        return _at(hour, 0, ampm), bool(ampm), False, True
    hour = _hour(found["bare"])
    open_ = not ampm and 1 <= hour <= 12
    return _at(hour, 0, ampm), bool(ampm or found["oclock"]), open_, not open_


def _plain_number(found: re.Match[str]) -> bool:
    """Digits with nothing about them that says clock time (no am/pm, colon, o'clock)."""
    if found["ampm"] or found["oclock"] or found["hrs"] or found["named"]:
        return False
    return bool(found["bare"] or found["mil"] or found["hh"] or found["uk"]) or (
        found["sep"] == "." or bool(found["rel"] and found["rel"].isdigit())
    )


def _at(hour: int, minute: int, ampm: str) -> time:
    if minute > 59:
        raise TimeOfDayError("minutes past 59")
    if ampm:
        if not 1 <= hour <= 12:
            raise TimeOfDayError("am/pm needs an hour from 1 to 12")
        hour = hour % 12 + (12 if ampm == "p" else 0)
    if hour > 23:
        raise TimeOfDayError("hours past 23")
    return time(hour, minute)


def _hour(word: str) -> int:
    lowered = word.lower()
    return int(lowered) if lowered.isdigit() else NUMBER_WORDS[lowered]


def _minutes_word(word: str) -> int:
    lowered = " ".join(word.lower().split())
    return int(lowered) if lowered.isdigit() else _MINUTE_WORDS[lowered]
