"""When a member can practise, read from their own words, in their own zone.

`/partners on weekdays 18:00-20:00, sat 10:00-12:00` and its many other phrasings
("tuesdays and thursdays from 6 to 8pm", "weekend afternoons", "lunchtimes",
"mondays after 6pm") become a list of weekly windows: a weekday (Monday 0) and a start
and an end in minutes after the member's local midnight. The pairing turns those into
instants week by week with `bot.timezones.local_instant`, so 18:00 stays 18:00 for the
member across daylight saving.

How the words are read, so it works on phrasings nobody listed:
- a scanner turns the text into units: days ("mon", "weekdays", "tue-thu", "weeknights"),
  clock ranges ("6-8pm", "18.30-20.00", "noon to 2pm", "between 12 and 2pm", "17h-19h"),
  bounds ("after 6pm", "before 9am", "at 7pm"), parts of the day ("evenings",
  "lunchtime", "all day") and filler ("on", "every", "from", "i'm free"). A word that is
  none of these is named back to the member, with examples;
- a part of the day next to a clock range settles am/pm ("7 to 9 in the evening" is
  19:00-21:00), next to a bound it is cut by it ("evenings after 7pm");
- times attach to the days before them ("weekdays 18-20 and 7-8am"); times with no day
  before them wait for the days after them ("10-12 on saturdays") and otherwise mean
  every day; a comma or semicolon after a day's time closes that day's list;
- what is left unsaid takes a default that `PRESETS` names: days alone mean their usual
  free time (weekend days 10:00-17:00, weekdays 18:00-21:00), a part of the day alone
  means every day (lunchtime: weekdays).

Windows shorter than an hour are refused: no partner could be matched inside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from bot.clocktime import parse_time_of_day

MIN_WINDOW = 60
"""Minutes: the shortest window that can hold a practice session."""
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ALL_DAYS = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
WEEKEND = frozenset({5, 6})

PARTS: dict[str, tuple[int, int]] = {
    "morning": (8 * 60, 11 * 60),
    "lunchtime": (12 * 60, 14 * 60),
    "afternoon": (13 * 60, 17 * 60),
    "evening": (18 * 60, 21 * 60),
    "night": (20 * 60, 23 * 60),
    "all day": (9 * 60, 21 * 60),
}
"""What a part of the day means when no clock time narrows it."""
DAY_DEFAULTS = {"weekday": PARTS["evening"], "weekend": (10 * 60, 17 * 60)}
"""Days named with no time: the time people usually have free on them."""
PRESETS = {
    "evenings": "every day 18:00-21:00",
    "lunchtimes": "Mon-Fri 12:00-14:00",
    "mornings": "every day 08:00-11:00",
    "afternoons": "every day 13:00-17:00",
    "weekends": "Sat-Sun 10:00-17:00",
    "weekdays": "Mon-Fri 18:00-21:00",
}
"""The one-word answers the help offers, and what each means (docs/partners.md)."""

EXAMPLES = (
    "`/partners on weekdays 18:00-20:00, sat 10:00-12:00`, `/partners on evenings` "
    "or `/partners on tue,thu 7-9pm`"
)

_DAY_WORDS = {
    **dict.fromkeys(("mon", "monday"), 0),
    **dict.fromkeys(("tue", "tues", "tuesday"), 1),
    **dict.fromkeys(("wed", "weds", "wednesday"), 2),
    **dict.fromkeys(("thu", "thur", "thurs", "thursday"), 3),
    **dict.fromkeys(("fri", "friday"), 4),
    **dict.fromkeys(("sat", "saturday"), 5),
    **dict.fromkeys(("sun", "sunday"), 6),
}
_DAY_GROUPS = {
    **dict.fromkeys(("weekday", "workday", "weeknight", "working day", "work day"), WEEKDAYS),
    **dict.fromkeys(("weekend", "week end"), WEEKEND),
    **dict.fromkeys(("daily", "everyday", "every day", "any day", "all week"), ALL_DAYS),
}
_PART_WORDS = {
    **dict.fromkeys(("morning", "breakfast", "before work"), "morning"),
    **dict.fromkeys(("lunch", "lunchtime", "lunch time", "lunch break", "midday"), "lunchtime"),
    **dict.fromkeys(("afternoon",), "afternoon"),
    **dict.fromkeys(("evening", "after work", "tonight"), "evening"),
    **dict.fromkeys(("night", "late"), "night"),
    **dict.fromkeys(("all day", "any time", "anytime", "whole day"), "all day"),
}
_FILLER = frozenset(
    (
        "on at from in during the a an and or also plus every each any all most usually "
        "normally generally mostly only just i i'm im can could free available around "
        "about is are be works work good fine ok okay for me my of time times"
    ).split()
)

_T = (
    r"(?:\d{4}|\d{1,2}(?:[:.]\d{2})?h?(?:\d{2})?|noon|midday|midnight)"
    r"(?:\s*[ap]\.?\s?m\b\.?)?"
)
_DAY = r"(?:" + "|".join(sorted(_DAY_WORDS, key=len, reverse=True)) + r")s?"
_SCANNER = re.compile(
    rf"(?P<range>(?:(?:from|between)\s+)?(?P<a>{_T})\s*(?:-|to|till|til|until|through|thru"
    rf"|(?<=\s)and(?=\s))\s*(?P<b>{_T}))(?![\w:])"
    rf"|(?P<bound>(?:after|before|from|at|by)\b|@)\s*(?P<t>{_T})(?![\w:])"
    rf"|(?P<dayrange>(?P<d1>{_DAY})\s*(?:-|to|through|thru|till|until)\s*(?P<d2>{_DAY}))\b"
    r"|(?P<word>[a-z][a-z']*(?:\s(?:day|end|time|break|work|week|night)s?\b)?)"
    r"|(?P<stray>\d[\w:.]*)"
    r"|(?P<brk>[,;])",
    re.IGNORECASE,
)


class AvailabilityError(ValueError):
    """Words that say no usable time; the message is for the member."""


@dataclass(frozen=True, order=True)
class Window:
    """A weekly window in the member's wall-clock time: `day` (Monday 0), minutes."""

    day: int
    start: int
    end: int

    def shown(self) -> str:
        return f"{DAY_NAMES[self.day]} {_hhmm(self.start)}–{_hhmm(self.end)}"


@dataclass(frozen=True)
class _Spec:
    """A time of day as said: a range, a bound, a part, or a part narrowed by one of them."""

    start: int | None = None
    end: int | None = None
    bare: bool = False
    """A clock range with am/pm left open ("7 to 9"): a part of the day may settle it."""
    bound: str | None = None
    part: str | None = None

    def minutes(self) -> list[tuple[int, int]]:
        part = PARTS.get(self.part or "")
        if self.bound and self.start is not None:
            at = self.start
            if self.bound == "before":
                lo, hi = (part[0], min(at, part[1])) if part else (max(0, at - 120), at)
            elif self.bound == "at":
                lo, hi = at, at + 60
            else:  # after / from
                lo, hi = (at, part[1]) if part and part[1] - at >= MIN_WINDOW else (at, at + 180)
            return [(lo, min(hi, 24 * 60))]
        if self.start is not None and self.end is not None:
            start, end = self.start, self.end
            if self.bare and self.part in ("afternoon", "evening", "night") and start < 12 * 60:
                start, end = start + 12 * 60, end + 12 * 60 if end <= 12 * 60 else end
            return [(start, end)]
        assert part is not None
        return [part]


@dataclass(frozen=True)
class Availability:
    """The windows a member gave, merged per day, in their own zone."""

    windows: tuple[Window, ...]

    def as_rows(self) -> list[list[int]]:
        """For the `partner_prefs.windows` column."""
        return [[w.day, w.start, w.end] for w in self.windows]

    @classmethod
    def from_rows(cls, rows: list[list[int]]) -> Availability:
        return cls(tuple(Window(int(d), int(s), int(e)) for d, s, e in rows))

    def describe(self) -> str:
        """E.g. "Mon–Fri 18:00–20:00, Sat 10:00–12:00": days with the same hours together."""
        by_day: dict[int, tuple[tuple[int, int], ...]] = {}
        for w in self.windows:
            by_day[w.day] = (*by_day.get(w.day, ()), (w.start, w.end))
        groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
        for day in sorted(by_day):
            groups.setdefault(by_day[day], []).append(day)
        parts = []
        for hours, days in sorted(groups.items(), key=lambda item: item[1][0]):
            spans = " and ".join(f"{_hhmm(s)}–{_hhmm(e)}" for s, e in hours)
            parts.append(f"{describe_days(days)} {spans}")
        return ", ".join(parts)

    @property
    def weekly_minutes(self) -> int:
        return sum(w.end - w.start for w in self.windows)


def describe_days(days: list[int]) -> str:
    """[0,1,2,3,4] → "Mon–Fri"; [0,2] → "Mon, Wed"; all → "every day"."""
    if len(days) == 7:
        return "every day"
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]]}–{DAY_NAMES[days[-1]]}"
    return ", ".join(DAY_NAMES[d] for d in days)


def preset_help() -> str:
    return "; ".join(f"`{name}` ({meaning})" for name, meaning in PRESETS.items())


def parse_availability(text: str) -> Availability:
    """The member's weekly windows, or `AvailabilityError` saying what could not be read."""
    cleaned = _normalise(text)
    if not cleaned:
        raise AvailabilityError(f"Say when you can practise, e.g. {EXAMPLES}.")
    tokens = _tokens(cleaned)
    windows = _assemble(_merge_specs(tokens))
    if not windows:
        raise AvailabilityError(
            f"I could not find a day or a time in “{text[:60]}”. Try {EXAMPLES}."
        )
    short = [w for w in windows if w.end - w.start < MIN_WINDOW]
    if short:
        raise AvailabilityError(
            f"{short[0].shown()} is shorter than an hour, and a practice session needs one "
            "(15 minutes a side plus feedback). Give a window of an hour or more."
        )
    return Availability(tuple(_merged(windows)))


# -- scanning ------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    lowered = text.lower().replace("’", "'").replace("–", "-").replace("—", "-")
    lowered = lowered.replace("/", ",").replace("&", " and ").replace("+", " and ")
    return " ".join(lowered.split()).strip(" .!")


def _tokens(text: str) -> list[tuple[str, object]]:
    """Units of meaning, left to right: ("days", set), ("spec", _Spec), ("break", None)."""
    out: list[tuple[str, object]] = []
    pos = 0
    while pos < len(text):
        if text[pos] in " .!?()":
            pos += 1
            continue
        found = _SCANNER.match(text, pos)
        if found is None:
            raise AvailabilityError(f"I could not read “{text[pos : pos + 20]}”. Try {EXAMPLES}.")
        pos = found.end()
        if found["range"]:
            out.append(("spec", _range(found["a"], found["b"])))
        elif found["bound"]:
            kind = {"from": "after", "@": "at", "by": "before"}.get(found["bound"], found["bound"])
            out.append(("spec", _Spec(start=_minutes(found["t"]), bound=kind)))
        elif found["dayrange"]:
            first, last = _day(found["d1"]), _day(found["d2"])
            assert first is not None and last is not None
            out.append(("days", {(first + k) % 7 for k in range((last - first) % 7 + 1)}))
        elif found["brk"]:
            out.append(("break", None))
        elif found["stray"]:
            raise AvailabilityError(
                f"“{found['stray']}” is not a time I can read. Try times like 18:00-20:00 "
                f"or 6-8pm, e.g. {EXAMPLES}."
            )
        else:
            out.extend(_word(found["word"]))
    return out


def _word(word: str) -> list[tuple[str, object]]:
    singular = _singular(word)
    if (day := _day(word)) is not None:
        return [("days", {day})]
    if singular in _DAY_GROUPS:
        if singular == "weeknight":  # the days, and a hint that the hours are evening ones
            return [("days", set(WEEKDAYS)), ("hint", "evening")]
        return [("days", set(_DAY_GROUPS[singular]))]
    if singular in _PART_WORDS:
        return [("spec", _Spec(part=_PART_WORDS[singular]))]
    if " " in word:  # "every day" matched nothing as a pair: read the words one by one
        return [t for w in word.split() for t in _word(w)]
    if word == "and":
        return [("and", None)]
    if word in _FILLER:
        return []
    raise AvailabilityError(
        f"I don't know “{word}” as a day or a time. Name days and hours in your own time "
        f"zone, e.g. {EXAMPLES}. One word works too: {', '.join(PRESETS)}."
    )


def _singular(word: str) -> str:
    if word.endswith("s") and not word.endswith("ss") and word not in ("pms", "ams"):
        return word[:-1]
    return word


def _day(word: str) -> int | None:
    lowered = word.lower()
    return _DAY_WORDS.get(lowered, _DAY_WORDS.get(lowered.removesuffix("s")))


def _minutes(fragment: str) -> int:
    if re.fullmatch(r"24(?:[:.h]?00)?h?", fragment.strip()):
        return 24 * 60  # the end of the day, as a window's end
    reading = parse_time_of_day(fragment)
    if reading is None:
        raise AvailabilityError(f"“{fragment}” is not a clock time. Try e.g. {EXAMPLES}.")
    return 24 * 60 if reading.at.hour == 23 and reading.at.minute == 59 else reading.minutes


_AMPM = re.compile(r"[ap]\.?\s?m\b", re.IGNORECASE)


def _range(a: str, b: str) -> _Spec:
    """A clock range; am/pm said on one side only is shared ("6-8pm", "11-1pm", "6pm-8")."""
    start, end = _minutes(a), _minutes(b)
    a_said, b_said = bool(_AMPM.search(a)), bool(_AMPM.search(b))
    pm_end = b_said and "p" in b.lower()
    if pm_end and not a_said and start < 12 * 60 and start + 12 * 60 < end:
        start += 12 * 60  # "6-8pm": the pm is both's
    if a_said and "p" in a.lower() and not b_said and end < 12 * 60 and end + 12 * 60 > start:
        end += 12 * 60  # "6pm-8"
    if end == 0:
        end = 24 * 60
    bare = not (a_said or b_said)
    if bare and end <= start and end < 12 * 60 and end + 12 * 60 > start:
        end += 12 * 60  # "9-5"
    return _Spec(start=start, end=end, bare=bare and end <= 12 * 60)


# -- assembling ----------------------------------------------------------------------------


def _merge_specs(tokens: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """A part of the day beside a clock range or bound narrows it into one spec; a hint
    ("weeknights") settles the clock that follows it, or else stands as its part."""
    out: list[tuple[str, object]] = []
    hint: str | None = None
    for kind, value in tokens:
        if kind == "hint":
            hint = str(value)
            continue
        if hint is not None:
            if kind == "spec" and isinstance(value, _Spec) and value.part is None:
                value = _Spec(value.start, value.end, value.bare, value.bound, hint)
            else:
                out.append(("spec", _Spec(part=hint)))
            hint = None
        if kind == "spec" and out and out[-1][0] == "spec":
            last = out[-1][1]
            assert isinstance(last, _Spec) and isinstance(value, _Spec)
            if (joined := _join(last, value)) is not None:
                out[-1] = ("spec", joined)
                continue
        out.append((kind, value))
    if hint is not None:
        out.append(("spec", _Spec(part=hint)))
    return out


def _join(first: _Spec, second: _Spec) -> _Spec | None:
    """One part of the day and one clock spec make a single spec; anything else stays two."""
    parts = [s for s in (first, second) if s.part and s.start is None]
    clocks = [s for s in (first, second) if s.start is not None and s.part is None]
    if len(parts) != 1 or len(clocks) != 1:
        return None
    clock = clocks[0]
    return _Spec(clock.start, clock.end, clock.bare, clock.bound, parts[0].part)


def _assemble(tokens: list[tuple[str, object]]) -> list[Window]:
    windows: list[Window] = []
    days: set[int] | None = None
    attached = False
    waiting: list[_Spec] = []
    for kind, value in tokens:
        if kind in ("break", "and"):
            if waiting and days is None:  # "evenings and weekends": each its own
                windows += _expand(_default_days(waiting), waiting)
                waiting = []
            if attached and kind == "break":
                days, attached = None, False
            continue
        if kind == "days":
            assert isinstance(value, set)
            if waiting and days is None:
                windows += _expand(value, waiting)
                waiting, attached, days = [], True, set(value)
                continue
            if attached or days is None:
                days, attached = set(value), False
            else:
                days |= value
            continue
        assert isinstance(value, _Spec)
        if days is None:
            waiting.append(value)
        else:
            windows += _expand(days, [value])
            attached = True
    if waiting:
        windows += _expand(_default_days(waiting), waiting)
    if days is not None and not attached:
        for day in sorted(days):
            start, end = DAY_DEFAULTS["weekend" if day in WEEKEND else "weekday"]
            windows.append(Window(day, start, end))
    return windows


def _default_days(specs: list[_Spec]) -> set[int]:
    if all(spec.part == "lunchtime" for spec in specs):
        return set(WEEKDAYS)
    return set(ALL_DAYS)


def _expand(days: set[int], specs: list[_Spec]) -> list[Window]:
    out = []
    for spec in specs:
        for start, end in spec.minutes():
            for day in sorted(days):
                if end > start:
                    out.append(Window(day, start, end))
                else:  # past midnight: the rest goes on the next day
                    out.append(Window(day, start, 24 * 60))
                    if end > 0:
                        out.append(Window((day + 1) % 7, 0, end))
    return out


def _merged(windows: list[Window]) -> list[Window]:
    """Sorted, with overlapping or touching windows of a day joined."""
    out: list[Window] = []
    for w in sorted(set(windows)):
        if out and out[-1].day == w.day and w.start <= out[-1].end:
            last = out[-1]
            out[-1] = Window(last.day, last.start, max(last.end, w.end))
        else:
            out.append(w)
    return out


def _hhmm(minutes: int) -> str:
    if minutes >= 24 * 60:
        return "24:00"
    return time(minutes // 60, minutes % 60).strftime("%H:%M")
