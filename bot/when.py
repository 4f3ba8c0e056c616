"""Reading when a member means to do something: `/commit send the note by Friday 3pm`.

Everything is interpreted in the member's zone and returned in UTC. The common shapes
(weekdays, "tomorrow morning", "in 3 days", "3 Dec", "12/3", "end of month") are read
here with fixed rules, because dateparser's answers for them are missing or guesses
(midnight for "friday", None for "end of month", a month for a stray number).
dateparser reads only what is left without digits or day and month names ("last week").

Clock times ("3pm", "19h00", "half past 7", "tonight", "8 in the evening") are read by
`bot.clocktime`, the one reader the whole bot shares: morning 09:00, afternoon 14:00,
evening/tonight 19:00, noon 12:00, midnight 23:59. An hour alone ("friday at 3") is
refused with a question here, because a deadline read as 03:00 instead of 15:00 is
missed; "at 15" and "tonight at 8" are clear.

Rules where the words give no clock time, or leave the day open:
- a day alone → `default_time` that day; end of day/eod 17:00;
- "today" → `default_time` if still ahead, else 17:00 if still ahead, else refused;
- a time alone ("3pm", "noon", "in the morning") → today if still ahead, else tomorrow;
- "friday" → the next Friday, today included only if the time is still ahead;
  "next friday" → the first Friday after today; "friday next week" → in next week;
- "next week" → Monday of next week; "end of week"/"this week" → Friday 17:00;
  "next month" → the 1st; "end of month"/"this month" → its last day;
  "this weekend" → Saturday; "next weekend" → Saturday of next week;
- "in N minutes/hours" → exactly then; "in N days/weeks/months/years" → that date;
- a date without a year ("3 Dec", "12/3", US order) → this year's, unless that was
  more than 30 days ago (then next year's); within 30 days it is refused as past;
- "the 15th" → this month's if still ahead, else next month's.
Anything at or before now is refused (`WhenInPast`), as is anything over 5 years ahead.
Inside a DST gap the next valid minute is used; a repeated hour means its first pass.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.clocktime import TimeOfDayError, take_time_of_day
from bot.errors import UserError
from bot.text import NUMBER_WORDS
from bot.timezones import add_months, local_instant, show_time

__all__ = [
    "MissingTextError",
    "When",
    "WhenError",
    "WhenInPast",
    "parse_when",
    "split_text_and_when",
]

MAX_YEARS_AHEAD = 5
RECENT_PAST_DAYS = 30
"""A yearless date this many days back or fewer is a mistake, not next year's date."""

END_OF_DAY = time(17, 0)
_EXAMPLES = "Try e.g. “friday 3pm”, “tomorrow morning” or “in 2 days”."


@dataclass(frozen=True)
class When:
    """A due time read from a member's words."""

    due_at: datetime
    phrase: str
    explicit_time: bool
    skipped: time | None = None
    """The wall-clock time asked for when it doesn't exist that day (a daylight-saving
    gap); `due_at` is then the first minute that does."""


class WhenError(UserError, ValueError):
    """The words can't be used as a due time; `str(err)` is the message for the member."""


class WhenInPast(WhenError):
    """The words were read, but name a moment that has already passed.

    From `split_text_and_when`, `text` holds the words before the time phrase.
    """

    def __init__(self, message: str, due_at: datetime, text: str | None = None) -> None:
        super().__init__(message)
        self.due_at = due_at
        self.text = text


class MissingTextError(WhenError):
    """The whole input was a time: there is nothing to commit to."""


# Vocabulary ----------------------------------------------------------------------------

_WEEKDAYS = {
    **dict.fromkeys(("monday", "mon"), 0),
    **dict.fromkeys(("tuesday", "tue", "tues"), 1),
    **dict.fromkeys(("wednesday", "wed", "weds"), 2),
    **dict.fromkeys(("thursday", "thu", "thur", "thurs"), 3),
    **dict.fromkeys(("friday", "fri"), 4),
    **dict.fromkeys(("saturday", "sat"), 5),
    **dict.fromkeys(("sunday", "sun"), 6),
}
_MONTHS = {
    **dict.fromkeys(("january", "jan"), 1),
    **dict.fromkeys(("february", "feb"), 2),
    **dict.fromkeys(("march", "mar"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    "may": 5,
    **dict.fromkeys(("june", "jun"), 6),
    **dict.fromkeys(("july", "jul"), 7),
    **dict.fromkeys(("august", "aug"), 8),
    **dict.fromkeys(("september", "sep", "sept"), 9),
    **dict.fromkeys(("october", "oct"), 10),
    **dict.fromkeys(("november", "nov"), 11),
    **dict.fromkeys(("december", "dec"), 12),
}
_COUNTS = {"a": 1, "an": 1, **NUMBER_WORDS}
_TODAY_WORDS = frozenset({"today", "tdy"})
_TOMORROW_WORDS = frozenset({"tomorrow", "tmrw", "tmr", "tmw", "tomorow", "tommorow", "tommorrow"})
_PREPOSITIONS = frozenset({"by", "on", "at", "in", "before", "until", "till", "til", "due"})


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_WD = _alternatives(_WEEKDAYS)
_MO = _alternatives(_MONTHS)
_RELDAY = _alternatives(_TODAY_WORDS | _TOMORROW_WORDS)
_N = r"\d{1,6}|" + _alternatives(_COUNTS)
_UNIT = r"minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|fortnights?|months?|years?|yrs?"

# Normalising ---------------------------------------------------------------------------

_LEADING_PREPOSITION = re.compile(
    rf"^(?:due(?:\s+(?:by|on|before))?|by|on|at|before|until|till|til|for|no later than"
    rf"|in(?=\s+(?:the|{_MO})\b))(?:\s*[:,]\s*|\s+)",
    re.IGNORECASE,
)
_TRAILING_PUNCTUATION = re.compile(r"(?<![ap]\.m)[\s.,;:!?…]+$", re.IGNORECASE)
_AMPM_DOTS = re.compile(r"\b([ap])\.\s?m\b\.?")
_ISO_T = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})t(?=\d)")
_PUNCTUATION = re.compile(r"[,;!?()\"“”]|(?<!\d):|:(?!\d)|(?<=[a-z])\.")
_ASAP = re.compile(
    r"asap|as soon as (?:possible|you can|i can)|now|right now|immediately|right away"
    r"|straight away|urgent(?:ly)?"
)
_VAGUE = re.compile(
    r"soon|some ?day|some ?time|eventually|later|whenever|never|one day|tbd|tba"
    r"|when(?:ever)? i can|no rush"
)

# Clock times (the rest is bot.clocktime) --------------------------------------------------

_SECONDS = re.compile(r"\b(\d{1,2}:\d{2}):\d{2}\b")
_EOD = re.compile(
    r"(?:\bthe\s+)?\b(?:end of (?:the\s+)?(?:business\s+|work\s+)?day|eod|cob|eob"
    r"|close of (?:business|play)|end of business)\b"
)
_CONNECTORS = re.compile(r"^(?:on|at|of|the)\s+|\s+(?:on|at|of)$")

# Days ------------------------------------------------------------------------------

_TODAY = re.compile(_alternatives(_TODAY_WORDS))
_TOMORROW = re.compile(_alternatives(_TOMORROW_WORDS))
_DAY_AFTER_TOMORROW = re.compile(rf"(?:the\s+)?day after (?:{_alternatives(_TOMORROW_WORDS)})")
_YESTERDAY = re.compile(r"(?P<before>(?:the\s+)?day before\s+)?yesterday")
_WEEKDAY = re.compile(
    rf"(?:(?P<mod>this coming|this|next|coming|last|on)\s+)?(?P<wd>{_WD})"
    r"(?:\s+(?P<week>next week|this week|after next))?"
)
_NEXT_WEEK_WEEKDAY = re.compile(rf"next week(?:\s+on)?\s+(?P<wd>{_WD})")
_PERIOD = re.compile(
    r"(?P<which>this|next)\s+(?P<unit>week|month|year|weekend)|(?:the\s+)?weekend"
    r"|(?P<after_next>week after next)"
)
_END_OF = re.compile(
    r"(?:the\s+)?end of\s+(?:the\s+)?(?:(?P<which>this|next)\s+)?(?P<unit>week|month|year)"
    r"|(?P<abbr>eow|eom|eoy)"
)
_IN = re.compile(rf"(?:in|within)\s+(?:(?P<half>half an?)|(?P<n>{_N}))\s+(?P<unit>{_UNIT})")
_FROM_NOW = re.compile(rf"(?P<n>{_N})\s+(?P<unit>{_UNIT})\s+from\s+(?:now|today)")
_AGO = re.compile(rf"(?P<n>{_N})\s+(?P<unit>{_UNIT})\s+ago")
_ISO = re.compile(r"(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})")
_US = re.compile(r"(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?")
_ORDINAL = r"(?:st|nd|rd|th)?"
_DAY_MONTH = re.compile(
    rf"(?:(?P<wd>{_WD})\s+)?(?:the\s+)?(?P<d>\d{{1,2}}){_ORDINAL}(?:\s+of)?\s+(?P<m>{_MO})"
    r"(?:\s+(?P<y>\d{4}))?"
)
_MONTH_DAY = re.compile(
    rf"(?:(?P<wd>{_WD})\s+)?(?P<m>{_MO})\s+(?:the\s+)?(?P<d>\d{{1,2}}){_ORDINAL}"
    r"(?:\s+(?P<y>\d{4}))?"
)
_DAY_OF_MONTH = re.compile(rf"(?:(?P<wd>{_WD})\s+)?(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)")
_MONTH_ONLY = re.compile(
    rf"(?:(?:early|mid|late|(?:the\s+)?(?:end|start|beginning) of)\s+)?(?:this\s+|next\s+)?"
    rf"(?P<m>{_MO})(?:\s+\d{{4}})?"
)
_BARE_NUMBER = re.compile(
    rf"(?:(?:{_WD}|{_RELDAY})\s+)?(?P<n>\d{{1,2}})|(?P<n2>\d{{1,2}})\s+(?:{_WD}|{_RELDAY})"
)
_NOT_FOR_DATEPARSER = re.compile(rf"\d|\b(?:{_WD}|{_MO}|{_alternatives(_PREPOSITIONS)})\b")

# Splitting a sentence ---------------------------------------------------------------------

_TIME_WORDS = frozenset(
    set(_WEEKDAYS)
    | set(_MONTHS)
    | set(_COUNTS)
    | _TODAY_WORDS
    | _TOMORROW_WORDS
    | _PREPOSITIONS
    | {
        "tonight", "tonite", "yesterday", "morning", "afternoon", "evening", "night",
        "noon", "midday", "midnight", "eod", "eow", "eom", "eoy", "cob", "eob",
        "end", "close", "business", "work", "play", "of", "the", "this", "next", "coming",
        "last", "after", "from", "now", "ago", "within", "half", "day", "days", "week",
        "weeks", "wks", "weekend", "fortnight", "fortnights", "month", "months", "year",
        "years", "yrs", "minute", "minutes", "min", "mins", "hour", "hours", "hr", "hrs",
        "am", "pm", "a.m", "p.m", "a.m.", "p.m.", "@", "quarter", "past", "to",
        "o'clock", "oclock", "lunchtime", "mornings", "evenings",
    }
)  # fmt: skip
_TIME_TOKEN = re.compile(
    r"\d{1,2}h(?:\d{2})?|\d{1,2}(?:[:.]\d{2})?(?:[ap]\.?m\.?)?-?ish|noonish"
    r"|\d{1,6}(?:st|nd|rd|th)?|\d{1,2}(?:[:.]\d{2})?(?:[ap]\.?m\.?)?|\d{1,2}:\d{2}(?::\d{2})?"
    r"|\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:t\d{1,2}:\d{2})?|\d{1,2}/\d{1,2}(?:/\d{2,4})?"
)
_WD_UNMISTAKABLE = _alternatives(set(_WEEKDAYS) - {"sun", "sat"})  # "book the sat"
_VAGUE_WORDS = frozenset({"asap", "soon", "someday", "sometime", "eventually"})
_STRONG = re.compile(
    rf"\b(?:{_WD_UNMISTAKABLE}|{_RELDAY}|tonight|tonite|yesterday|noon|midday|midnight|eod|eow|eom|eoy|cob"
    rf"|end of|asap|soon|someday|sometime|eventually)\b"
    rf"|\d\s*(?:[ap]\.?m)\b|\d:\d\d|\d{{4}}[-/]\d|\b\d{{1,2}}/\d{{1,2}}\b"
    rf"|\b(?:in|within)\s+(?:{_N}|half)\s+(?:an?\s+)?(?:{_UNIT})\b"
    rf"|\b(?:{_N})\s+(?:{_UNIT})\s+(?:ago|from)\b"
    rf"|\b\d{{1,2}}{_ORDINAL}\s+(?:of\s+)?(?:{_MO})\b|\b(?:{_MO})\s+\d{{1,2}}"
    r"|\b(?:next|this|last)\s+(?:week|month|year|weekend)\b|\bat\s+\d{1,2}\b"
    r"|\bthis\s+(?:morning|afternoon|evening)\b|\b\d{1,2}h\d{2}\b|\b(?:half|quarter)\s+(?:past|to)\s|\bo'?clock\b|\blunchtime\b"
    rf"|\b(?:by|before|until|till|in|on|due)\s+(?:{_MO})\b|\b(?:by|before|until|till)\s+\d{{1,2}}$"
)
_WEAK = re.compile(
    rf"\b(?:week|month|year|weekend|morning|afternoon|evening|night|sun|sat|{_MO})\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)\b"
)
_TOKEN = re.compile(r"\S+")
_TOKEN_EDGES = "\"'“”‘’()[]{}.,;:!?…"
_TEXT_TAIL = re.compile(r"[\s,;:.!?…—–-]+$")
_DANGLING_PREPOSITION = re.compile(
    r"\s*\b(?:due(?:\s+(?:by|on|before))?|by|on|at|in|before|until|till|til)$", re.IGNORECASE
)


# Public API ------------------------------------------------------------------------------


def parse_when(phrase: str, now: datetime, zone: ZoneInfo, default_time: time = time(9, 0)) -> When:
    """Read `phrase` ("friday 3pm", "by tomorrow morning") as a due time after `now`."""
    now = _as_utc(now)
    shown, preposition = _shown_words(phrase)
    if not shown:
        raise WhenError(f"I didn't see a time there. {_EXAMPLES}")
    text = _normalize(shown)
    if _ASAP.fullmatch(text):
        raise WhenError(
            f"“{shown}” isn't a time I can hold you to — try “today 17:00” or “in 2 hours”."
        )
    if _VAGUE.fullmatch(text):
        raise WhenError(f"“{shown}” is too open to hold you to. {_EXAMPLES}")

    reading = _Reading(shown, now, zone, default_time)
    # "at 15" is a clock time, "15" alone is not
    clock, rest = reading.clock(f"at {text}" if preposition == "at" and text[0].isdigit() else text)
    days = reading.days(rest)
    hint = ""
    if isinstance(days, datetime):
        if clock is not None:
            raise reading.unreadable()  # "in 2 hours at 3pm"
        due, explicit, asked = days, True, None
    else:
        if days is None:
            if clock is None:
                raise reading.unreadable()
            today = reading.today
            days = _Days((today, today + timedelta(days=1)) if clock.may_roll else (today,))
        times = (clock.at,) if clock else days.fallback_times or (default_time,)
        due, asked = _first_ahead(days.candidates, times, zone, now)
        explicit = clock is not None and clock.explicit
        if days.today_word and clock is None:
            hint = " Try “tomorrow” or a later time today."
    if due <= now:
        raise WhenInPast(
            f"“{shown}” is {_show(due, zone, now)}, which is already in the past.{hint}", due
        )
    if due > _years_later(now, MAX_YEARS_AHEAD):
        raise _too_far(shown)
    skipped = asked if asked is not None and _wall(due, zone) != asked else None
    return When(due_at=due, phrase=shown, explicit_time=explicit, skipped=skipped)


def split_text_and_when(
    text: str, now: datetime, zone: ZoneInfo, default_time: time = time(9, 0)
) -> tuple[str, When | None]:
    """Split "call Ana tomorrow at 10:30" into ("call Ana", When(...)).

    Only a time phrase at the end counts, and only words that are all time-like are tried,
    longest first. A clear time that can't be used raises; no time at all gives None.
    """
    tokens = list(_TOKEN.finditer(text))
    words = [token.group().strip(_TOKEN_EDGES).lower() for token in tokens]
    start = len(tokens)
    while start > 0 and _is_time_word(words[start - 1]):
        start -= 1
    first_error: WhenError | None = None
    for i in range(start, len(tokens)):
        candidate = text[tokens[i].start() :]
        lowered = _normalize(candidate)
        with_preposition = words[i] in _PREPOSITIONS
        strong = bool(_STRONG.search(lowered))
        if not strong and not (with_preposition and _WEAK.search(lowered)):
            continue
        try:
            when = parse_when(candidate, now, zone, default_time)
        except WhenInPast as err:
            # Read fine; a shorter tail ("monday" of "last monday") would misread it.
            err.text = _tidy_text(text[: tokens[i].start()], drop_preposition=not with_preposition)
            raise
        except WhenError as err:
            if strong and first_error is None:
                first_error = err
            continue
        if first_error is not None and _STRONG.search(_normalize(" ".join(words[start:i]))):
            raise first_error  # "tomorrow morning 3pm": don't keep half of a time as text
        rest = _tidy_text(text[: tokens[i].start()], drop_preposition=not with_preposition)
        if not rest:
            raise MissingTextError(
                f"I read “{when.phrase}” as the time, but what are you committing to? "
                "Put it first, e.g. “/commit send the thank-you note by friday 3pm”."
            )
        return rest, when
    if first_error is not None:
        raise first_error
    return text.strip(), None


# Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clock:
    at: time
    explicit: bool
    may_roll: bool = True  # a time alone moves to tomorrow once passed; "eod" doesn't


@dataclass(frozen=True)
class _Days:
    candidates: tuple[date, ...]  # the first that is still ahead wins
    fallback_times: tuple[time, ...] = ()  # when the words give no clock time
    today_word: bool = False


class _Reading:
    """One phrase being read; holds what the messages and rules need."""

    def __init__(self, shown: str, now: datetime, zone: ZoneInfo, default: time) -> None:
        self.shown = shown
        self.now = now
        self.local_now = now.astimezone(zone).replace(tzinfo=None)
        self.today = self.local_now.date()
        self.zone = zone
        self.default = default

    def unreadable(self) -> WhenError:
        return WhenError(f"I couldn't read “{self.shown}” as a time. {_EXAMPLES}")

    def ambiguous_hour(self, hour: int) -> WhenError:
        return WhenError(
            f"Is “{self.shown}” am or pm? Add it, like “{hour}pm”, or use 24-hour time."
        )

    # -- clock time -------------------------------------------------------------------

    def clock(self, text: str) -> tuple[_Clock | None, str]:
        """Take the time of day out of `text`; return it and the words left for the day."""
        try:
            found, rest = take_time_of_day(_SECONDS.sub(r"\1", text))
        except TimeOfDayError:
            raise self.unreadable() from None  # "tomorrow morning 3pm", "25:00"
        clock: _Clock | None = None
        eod = _EOD.search(rest)
        if eod:
            if found is not None:
                raise self.unreadable()
            rest = _cut(rest, eod)
            clock = _Clock(END_OF_DAY, explicit=False, may_roll=False)
        elif found is not None:
            if found.bare:
                raise self.ambiguous_hour(found.at.hour)
            clock = _Clock(found.at, explicit=found.explicit)
            if found.today:  # "tonight", "this afternoon"
                rest = f"today {rest}"
        rest = " ".join(rest.split())
        if rest != text:
            rest = _CONNECTORS.sub("", rest).strip()
        return clock, rest

    # -- day ----------------------------------------------------------------------------

    def days(self, rest: str) -> _Days | datetime | None:
        """The day(s) `rest` names; an exact instant for "in 2 hours"; None if no day."""
        if not rest:
            return None
        today = self.today
        one = timedelta(days=1)
        if _TODAY.fullmatch(rest):
            return _Days((today,), (self.default, END_OF_DAY), today_word=True)
        if _TOMORROW.fullmatch(rest):
            return _Days((today + one,))
        if _DAY_AFTER_TOMORROW.fullmatch(rest):
            return _Days((today + 2 * one,))
        if match := _YESTERDAY.fullmatch(rest):
            return _Days((today - (2 if match["before"] else 1) * one,))
        if match := _WEEKDAY.fullmatch(rest):
            return self._weekday(_WEEKDAYS[match["wd"]], match["mod"], match["week"])
        if match := _NEXT_WEEK_WEEKDAY.fullmatch(rest):
            return self._weekday(_WEEKDAYS[match["wd"]], None, "next week")
        if match := _END_OF.fullmatch(rest):
            unit = match["unit"] or {"eow": "week", "eom": "month", "eoy": "year"}[match["abbr"]]
            return self._end_of(unit, later=match["which"] == "next")
        if match := _PERIOD.fullmatch(rest):
            return self._period(match)
        if match := _IN.fullmatch(rest):
            if match["half"]:
                return self._shift(30, "minutes")
            return self._shift(_count(match["n"]), match["unit"])
        if match := _FROM_NOW.fullmatch(rest):
            return self._shift(_count(match["n"]), match["unit"])
        if match := _AGO.fullmatch(rest):
            return self._shift(-_count(match["n"]), match["unit"])
        if match := _ISO.fullmatch(rest):
            return _Days((self._date(int(match["y"]), int(match["m"]), int(match["d"])),))
        if match := _US.fullmatch(rest):
            return self._calendar(match["y"], int(match["m"]), int(match["d"]), None)
        if match := _DAY_MONTH.fullmatch(rest) or _MONTH_DAY.fullmatch(rest):
            month = _MONTHS[match["m"]]
            return self._calendar(match["y"], month, int(match["d"]), match["wd"])
        if match := _DAY_OF_MONTH.fullmatch(rest):
            return self._day_of_month(int(match["d"]), match["wd"])
        if match := _MONTH_ONLY.fullmatch(rest):
            month = match["m"].capitalize()
            raise WhenError(f"Which day in {month}? Try e.g. “{month} 15” or “15 {month} 3pm”.")
        if (match := _BARE_NUMBER.fullmatch(rest)) and int(match["n"] or match["n2"]) <= 12:
            raise self.ambiguous_hour(int(match["n"] or match["n2"]))
        return self._dateparser_day(rest)

    def _weekday(self, weekday: int, mod: str | None, week: str | None) -> _Days:
        today = self.today
        ahead = (weekday - today.weekday()) % 7
        if week in ("next week", "this week"):
            monday = today - timedelta(days=today.weekday())
            if week == "next week":
                monday += timedelta(days=7)
            return _Days((monday + timedelta(days=weekday),))
        if mod == "last":
            return _Days((today - timedelta(days=(today.weekday() - weekday) % 7 or 7),))
        if mod == "next" or week == "after next":
            day = today + timedelta(days=ahead or 7)
            return _Days((day + timedelta(days=7) if week else day,))
        day = today + timedelta(days=ahead)
        return _Days((day, day + timedelta(days=7)))

    def _end_of(self, unit: str, *, later: bool) -> _Days:
        today = self.today
        if unit == "week":
            friday = today + timedelta(days=4 - today.weekday() + (7 if later else 0))
            return _Days((friday,), (END_OF_DAY,))
        if unit == "month":
            first = add_months(today.replace(day=1), 1 if later else 0)
            return _Days((first.replace(day=monthrange(first.year, first.month)[1]),))
        return _Days((date(today.year + (1 if later else 0), 12, 31),))

    def _period(self, match: re.Match[str]) -> _Days:
        today = self.today
        monday = today - timedelta(days=today.weekday())
        if match["after_next"]:
            return _Days((monday + timedelta(days=14),))
        unit, which = match["unit"] or "weekend", match["which"] or "this"
        if unit == "weekend":
            return _Days((monday + timedelta(days=5 + (7 if which == "next" else 0)),))
        if which != "next":  # "this week", "the month": by its end
            return self._end_of(unit, later=False)
        if unit == "week":
            return _Days((monday + timedelta(days=7),))
        if unit == "month":
            return _Days((add_months(today.replace(day=1), 1),))
        return _Days((date(today.year + 1, 1, 1),))

    def _shift(self, count: int, unit: str) -> _Days | datetime:
        try:
            if unit.startswith(("min", "h")):
                minutes = count * (60 if unit.startswith("h") else 1)
                return self.now + timedelta(minutes=minutes)
            if unit.startswith("d"):
                day = self.today + timedelta(days=count)
            elif unit.startswith("w"):
                day = self.today + timedelta(weeks=count)
            elif unit.startswith("f"):
                day = self.today + timedelta(weeks=2 * count)
            else:
                day = add_months(self.today, count * (12 if unit.startswith("y") else 1))
        except (OverflowError, ValueError):
            raise _too_far(self.shown) from None
        return _Days((day,))

    def _date(self, year: int, month: int, day: int) -> date:
        try:
            return date(year, month, day)
        except ValueError:
            raise WhenError(
                f"“{self.shown}” isn't a date on the calendar (dates are month/day, like 12/3)."
            ) from None

    def _calendar(self, year: str | None, month: int, day: int, weekday: str | None) -> _Days:
        """A date by month and day; without a year, the nearest sensible one."""
        if year is not None:
            found = self._date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        else:
            found = self._yearless(month, day)
        if weekday is not None and _WEEKDAYS[weekday] != found.weekday():
            raise WhenError(
                f"{found.day} {found:%b %Y} is a {found:%A}, not a "
                f"{_weekday_name(_WEEKDAYS[weekday])} — which did you mean?"
            )
        return _Days((found,))

    def _yearless(self, month: int, day: int) -> date:
        recent = self.today - timedelta(days=RECENT_PAST_DAYS)
        for offset in range(5):  # 29 Feb may be 4 years away
            try:
                found = date(self.today.year + offset, month, day)
            except ValueError:
                continue
            if offset or found >= recent:
                return found
        return self._date(self.today.year, month, day)  # raises: no such date

    def _day_of_month(self, day: int, weekday: str | None) -> _Days:
        if not 1 <= day <= 31:
            raise self.unreadable()
        first = self.today.replace(day=1)
        found = []
        for months in range(3):  # the 31st may skip a month
            month = add_months(first, months)
            if (
                day <= monthrange(month.year, month.month)[1]
                and month.replace(day=day) >= self.today
            ):
                found.append(month.replace(day=day))
        found = found[:2]
        if weekday is not None:
            found = [d for d in found if d.weekday() == _WEEKDAYS[weekday]]
            if not found:
                raise WhenError(
                    f"“{self.shown}” isn't a date this month or next — which day did you mean?"
                )
        return _Days(tuple(found))

    def _dateparser_day(self, rest: str) -> _Days:
        """What dateparser makes of words the rules above don't know ("last week")."""
        # dateparser reads stray numbers as months or years ("friday 2" → 25 Feb) and skips
        # words it doesn't know ("april by friday" → 25 Apr, "in by friday" → Friday), so
        # only words without digits, day or month names and prepositions reach it.
        if _NOT_FOR_DATEPARSER.search(rest):
            raise self.unreadable()
        found = _dateparser(rest, self.local_now, self.zone)
        if found is None:
            raise self.unreadable()
        return _Days((found.astimezone(self.zone).date(),))


# Helpers ----------------------------------------------------------------------------------


def _dateparser(text: str, local_now: datetime, zone: ZoneInfo) -> datetime | None:
    import dateparser  # deferred: importing and warming it up is the slow part

    settings: dict[str, Any] = {
        "PREFER_DATES_FROM": "future",
        "TIMEZONE": zone.key,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": local_now,
    }
    return dateparser.parse(text, languages=["en"], settings=settings)


def _show(instant: datetime, zone: ZoneInfo, now: datetime) -> str:
    year = instant.astimezone(zone).year
    shown = show_time(instant, zone)
    return shown if year == now.astimezone(zone).year else f"{shown} in {year}"


def _too_far(shown: str) -> WhenError:
    return WhenError(
        f"“{shown}” is more than {MAX_YEARS_AHEAD} years ahead — pick something sooner."
    )


def _as_utc(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)


def _shown_words(phrase: str) -> tuple[str, str]:
    """The phrase as typed, minus a leading preposition (returned too) and end punctuation."""
    words = _TRAILING_PUNCTUATION.sub("", " ".join(phrase.split()))
    lead = _LEADING_PREPOSITION.match(words)
    if lead is None:
        return words, ""
    return words[lead.end() :].strip(), lead.group().strip(" :,").lower()


def _normalize(words: str) -> str:
    text = words.lower().replace("’", "'")
    text = _AMPM_DOTS.sub(r"\1m", text)
    text = _ISO_T.sub(r"\1 ", text)
    text = _PUNCTUATION.sub(" ", text)
    return " ".join(text.split())


def _cut(text: str, match: re.Match[str]) -> str:
    return f"{text[: match.start()]} {text[match.end() :]}"


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _COUNTS[word]


def _weekday_name(weekday: int) -> str:
    return date(2024, 1, 1 + weekday).strftime("%A")  # 1 Jan 2024 was a Monday


def _years_later(instant: datetime, years: int) -> datetime:
    try:
        return instant.replace(year=instant.year + years)
    except ValueError:  # 29 Feb
        return instant.replace(year=instant.year + years, day=28)


def _to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """Local wall time → UTC (a gap moves to its end; a repeated hour takes its first pass)."""
    return local_instant(local.date(), local.time(), zone)


def _first_ahead(
    days: tuple[date, ...], times: tuple[time, ...], zone: ZoneInfo, now: datetime
) -> tuple[datetime, time | None]:
    """The first day-and-time still after `now` (else the last one tried), and its time."""
    tried, asked = now, None
    for day in days:
        for at in times:
            tried, asked = _to_utc(datetime.combine(day, at), zone), at
            if tried > now:
                return tried, asked
    return tried, asked


def _wall(instant: datetime, zone: ZoneInfo) -> time:
    return instant.astimezone(zone).time().replace(second=0, microsecond=0)


def _is_time_word(word: str) -> bool:
    return word in _TIME_WORDS or word in _VAGUE_WORDS or bool(_TIME_TOKEN.fullmatch(word))


def _tidy_text(text: str, *, drop_preposition: bool) -> str:
    text = _TEXT_TAIL.sub("", text)
    if drop_preposition:
        text = _TEXT_TAIL.sub("", _DANGLING_PREPOSITION.sub("", text))
    return text.strip()
