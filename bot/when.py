"""Reading when a member means to do something: `/commit send the note by Friday 3pm`.

Everything is interpreted in the member's zone and returned in UTC. The common shapes
(weekdays, "tomorrow morning", "in 3 days", "3 Dec", "12/3", "end of month") are read
here with fixed rules, because dateparser's answers for them are missing or guesses
(midnight for "friday", None for "end of month", a month for a stray number).
dateparser reads only what is left without digits, day or month names, today/tomorrow
or am/pm ("last week"): it skips words it doesn't know, so "the PM tomorrow" would lose
"the PM".

Members' own words are read too: short forms and common misspellings ("tmrw", "thurs",
"nxt wk", "b4", "tomorow"), "arvo", "first thing" (the member's day start), "after
lunch" (13:00), "by/before/at lunch" (noon; a bare "lunch" is the task's own word: "book
lunch tomorrow"), "eve"/"morn"/"aft" typed in lower case right after a day word ("tmrw
eve"; "call Eve" is a name), ordinal words ("the fourth"), and words after the time that
don't change it ("friday pls", "10:30 sharp", "at the latest", emoji). A clear time at
the start counts when none ends the text ("tmrw: call Ana").

Typos on day, month and time words ("wendesday", "fridsy": `bot.typos`, same first
letter, one slip, two in long words) are read, but only offered: "Did you mean Wed 2
Dec?" with that reading as the one choice, since "call fridah" may be a name. A word
typed with a capital after the first ("call Fridah", "Augusta") is never corrected.

Clock times ("3pm", "19h00", "half past 7", "tonight", "8 in the evening") are read by
`bot.clocktime`, the one reader the whole bot shares: morning 09:00, afternoon 14:00,
evening/tonight 19:00, noon 12:00, midnight 23:59. An hour alone ("friday at 3") is
refused with a question here, because a deadline read as 03:00 instead of 15:00 is
missed; "at 15" and "tonight at 8" are clear. So is "4:30" from 1:00 to 7:59 without
am/pm (04:30 is never a deadline; "10:30" is read as written). Words that read two
ways carry both readings in `WhenError.choices`, for buttons.

Rules where the words give no clock time, or leave the day open:
- a day alone → `default_time` that day; end of day/eod 17:00;
- "today" → `default_time` if still ahead, else 17:00 if still ahead, else refused;
- a time alone ("3pm", "noon", "in the morning") → today if still ahead, else tomorrow;
- "friday" → the next Friday, today included only if the time is still ahead;
  "next friday" → the first Friday after today; "friday next week" → in next week;
- "next week" → Monday of next week; "end of week"/"this week" → Friday 17:00;
  "next month" → the 1st; "end of month"/"this month" → its last day;
  "this weekend" → Saturday (Sunday once Saturday's time has passed); "next weekend"
  → Saturday of next week;
- "monday week", "a week on monday" → the Monday after the coming one; "a week today",
  "tomorrow fortnight" likewise; "end of March" → 31 March;
- "in N minutes/hours" (also "in 2h", "in an hour and a half", "in 1.5 hours") →
  exactly then; "in/after/within N days/weeks/months/years", "in 3 days' time" → that
  date; "a couple" is 2, "a few" is asked. A length of time alone ("2 hrs") counts only
  when it is the whole phrase (a snooze), never inside a sentence ("study 2 hours");
- numbers "3/12", "3-12-2026", "3.12." → in the order the member's zone writes
  (`bot.dateorder`: day first in most of the world, month first in the US); where both
  orders are written or the zone gives no country, a date that fits both is asked with
  both readings; one that fits only one order ("25/12") is read that way; a dotted date
  is always day first;
- a date without a year ("3 Dec", "12/3") → this year's, unless that was
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
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from bot.clocktime import NOON, TimeOfDayError, take_time_of_day
from bot.dateorder import DateOrder, date_order
from bot.errors import UserError
from bot.text import NUMBER_WORDS
from bot.timezones import add_months, local_instant, show_time
from bot.typos import keyboard_slips

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
    """The words can't be used as a due time; `str(err)` is the message for the member.

    `choices` holds the readings the words allow when they allow more than one ("friday
    at 3": 03:00 or 15:00; "3/4" where both orders are written), so the member can pick
    one instead of typing it again.
    """

    def __init__(self, message: str, choices: tuple[datetime, ...] = ()) -> None:
        super().__init__(message)
        self.choices = choices


class _TwoWays(WhenError):
    """Words that read two ways, as (days, time of day) pairs; a None time means the one
    the words gave. `_read_when` turns them into instants to choose from."""

    def __init__(self, message: str, options: tuple[tuple[_Days | None, time | None], ...]) -> None:
        super().__init__(message)
        self.options = options


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
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90}
_TEENS = ("thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_COUNTS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "a couple of": 2,
    "a couple": 2,
    "couple of": 2,
    "couple": 2,
    **NUMBER_WORDS,
    **{word: 13 + i for i, word in enumerate(_TEENS)},
    **_TENS,
    **{
        f"{tens}{sep}{unit}": value + NUMBER_WORDS[unit]
        for tens, value in _TENS.items()
        if value < 60
        for unit in ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
        for sep in (" ", "-")
    },
}
_TODAY_WORDS = frozenset({"today", "tdy", "2day"})
_TOMORROW_WORDS = frozenset(
    {"tomorrow", "tmrw", "tmr", "tmw", "tmrow", "tmro", "tmrrw", "tomoz", "tmoz", "2moro",
     "2morrow", "2mrw", "2mro", "tomorow", "tommorow", "tommorrow", "tomorrw", "tomoro"}
)  # fmt: skip
_PREPOSITIONS = frozenset(
    {"by", "on", "at", "in", "before", "until", "till", "til", "due", "during", "b4"}
)
_ABBREVIATIONS = {
    "nxt": "next", "wk": "week", "wks": "weeks", "b4": "before", "bfr": "before",
    "thru": "through", "mins": "minutes", "min": "minutes", "hrs": "hours", "hr": "hours",
}  # fmt: skip
"""Short forms rewritten before reading (the longer vocabulary is then the only one)."""

_ORDINAL_WORDS = {
    word: i + 1
    for i, word in enumerate(
        ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
         "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
         "twentieth").split()
    )
} | {"thirtieth": 30}  # fmt: skip
_ORDINAL_WORDS |= {
    f"{tens}{sep}{word}": base + _ORDINAL_WORDS[word]
    for tens, base in (("twenty", 20), ("thirty", 30))
    for word in (("first",) if base == 30 else tuple(_ORDINAL_WORDS)[:9])
    for sep in (" ", "-")
}
_SUFFIX = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}

# Typos -----------------------------------------------------------------------------------

_TYPO_TARGETS = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "august", "september", "october", "november", "december",
    "tomorrow", "tonight", "yesterday", "morning", "afternoon", "evening", "fortnight",
    "midnight", "minutes", "hours", "weeks", "months",
)  # fmt: skip
_REAL_WORDS = frozenset(
    {"sundry", "mourning", "minute", "houses", "weekly", "monthly", "fortnightly", "nightly"}
)
"""English words one slip away from a day or time word; never corrected."""


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_WD = _alternatives(_WEEKDAYS)
_MO = _alternatives(_MONTHS)
_RELDAY = _alternatives(_TODAY_WORDS | _TOMORROW_WORDS)
_N = r"\d{1,6}|" + _alternatives(_COUNTS)
_UNIT = r"minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|fortnights?|months?|years?|yrs?"

# Normalising ---------------------------------------------------------------------------

_LEADING_PREPOSITION = re.compile(
    rf"^(?:due(?:\s+(?:by|on|before))?|by|on|at|before|b4|until|till|til|for|no later than"
    rf"|during|latest by|in(?=\s+(?:the|{_MO}|{_WD})\b)"
    rf"|over(?=\s+(?:the\s+|this\s+|next\s+)?weekend\b))(?:\s*[:,]\s*|\s+)",
    re.IGNORECASE,
)
_DOTTED_END = re.compile(r"(?<![\d.:])(?<!at )(?<!@)\b(?:[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])$")
_TRAILING_PUNCTUATION = re.compile(r"(?<![ap]\.m)[\s.,;:!?…]+$", re.IGNORECASE)
_AMPM_DOTS = re.compile(r"\b([ap])\.\s?m\b\.?")
_ISO_T = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})t(?=\d)")
_PUNCTUATION = re.compile(r"[,;!?()\"“”]|(?<!\d):|:(?!\d)|(?<=[a-z])\.")
_WORD = re.compile(r"[a-z0-9]+")
_TYPED_WORD = re.compile(r"[A-Za-z]+")
_SHORT_PARTS = {"morn": "morning", "aft": "afternoon", "eve": "evening"}
_SHORT_PART = re.compile(r"(?i:\b(?P<day>[a-z0-9]+))(?P<gap>\s+)(?P<part>morn|aft|eve)\b")
"""Case-sensitive on the short form: "Eve" is a name. See `_spell_part`."""
_PART_DAYS = frozenset(_WEEKDAYS) | _TODAY_WORDS | _TOMORROW_WORDS | {"this", "today"}
_ATTACHED_UNIT = re.compile(
    r"\b((?:in|within|after) \d+(?:\.\d+)?)(h|hrs?|hours?|mins?|minutes?|days?|wks?|weeks?)\b"
)  # "in 2h", "in 3hrs" (alone, "20h" is 8pm in much of Europe)
_WORD_ORDINAL = re.compile(
    rf"\b(?:(?<=the )({_alternatives(_ORDINAL_WORDS)})\b"
    rf"|({_alternatives(_ORDINAL_WORDS)})(?=\s+of\s+(?:{_MO})\b))"
)
_DOTTED_ORDINAL = re.compile(rf"\b(\d{{1,2}})\.(?=\s+(?:of\s+)?(?:{_MO})\b)")  # "3. march"
_PART_AMPM = re.compile(rf"\b((?:{_WD}|{_RELDAY}|today) )([ap])m\b")  # "tmrw am", "Mon PM"
_DAY_DOT_TIME = (
    re.compile(rf"\b((?:{_WD}|{_RELDAY}|tonight) )(\d{{1,2}})\.(\d{{2}})\b(?!\.)"),
    re.compile(rf"\b()(\d{{1,2}})\.(\d{{2}})(?= (?:{_WD}|{_RELDAY}|tonight)\b)"),
)  # "monday 9.30": next to a day it is a time, not a price
_SYNONYMS = (
    (re.compile(r"\blater (?=today|tonight|this)"), ""),
    (re.compile(r"\b(?:in )?the coming week\b|\bcoming week\b"), "next week"),
    (re.compile(r"\b(month|week|year) end\b"), r"end of \1"),
    (re.compile(r"\bat the (?:very )?latest$"), ""),
    (re.compile(r"\b(?:within|in) the (?:next )?hour\b"), "in 1 hour"),
    (re.compile(r"\b(?:within|in) the next (?=\S+ (?:minutes|hours|days|weeks)\b)"), "in "),
)
_ASAP = re.compile(
    r"asap|as soon as (?:possible|you can|i can)|now|right now|immediately|right away"
    r"|straight away|urgent(?:ly)?|at the earliest"
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
_FIRST_THING = re.compile(r"(?<!the )\bfirst thing(?:\s+in the morning)?\b")
_AFTER_LUNCH = re.compile(r"\bafter lunch(?:\s?time)?\b")
_LUNCH = re.compile(r"(?P<lead>\b(?:by|before|till|until|til|at)\s+)?\blunch(?:\s?time)?\b")
_LUNCH_LEADS = frozenset({"by", "before", "b4", "till", "until", "til", "at", "due", "due by"})
"""Only "by/before/until/at lunch" names a time: a bare "lunch" is usually the task itself
("book lunch tomorrow", "plan team lunch friday")."""
_SOFT_WORDS = re.compile(r"\b(?:first thing|(?:after|before|by) lunch)\b")
"""Times named by what happens then; beside a clock time ("first thing today 10am") they
are more likely the commitment's own words than a second time."""
AFTER_LUNCH = time(13, 0)
OPEN_HOURS = range(1, 8)
"""An "H:MM" on these hours without am/pm ("4:30") is asked about: 04:30 is never meant."""

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
_SPAN = (
    rf"(?:(?P<half>half an?)\s+(?P<hunit>hour|day)"
    rf"|(?P<n>\d{{1,6}}(?:\.5)?|{_N})(?P<and_half>\s+and\s+a\s+half)?\s*(?P<unit>{_UNIT}|h)"
    rf"(?P<and_half2>\s+and\s+a\s+half)?)(?:(?:'s|')?\s+time)?"
)
_IN = re.compile(rf"(?:in|within|after)\s+{_SPAN}")
_SPAN_ALONE = re.compile(_SPAN)  # "2 hrs", "an hour": a snooze, when it is all the words
_WEEK_ON = re.compile(
    rf"(?P<n>a|one|1|two|2)\s+(?P<unit>weeks?|fortnights?)\s+(?:(?:on|from|after)\s+)?(?P<day>.+)"
    rf"|(?P<day2>(?:(?:this|next|coming)\s+)?(?:{_WD})|{_RELDAY}|today)\s+(?P<unit2>week|fortnight)"
)  # "a week on friday", "monday week", "tomorrow fortnight"
_FROM_NOW = re.compile(rf"(?P<n>{_N})\s+(?P<unit>{_UNIT})\s+from\s+(?:now|today)")
_AGO = re.compile(rf"(?P<n>{_N})\s+(?P<unit>{_UNIT})\s+ago")
_ISO = re.compile(r"(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})")
_NUMERIC = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/-])(?P<b>\d{1,2})(?:(?P=sep)(?P<y>\d{4}|\d{2}))?")
_DOTTED = re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?:(?P<y>\d{4}|\d{2}))?")
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
_END_OF_MONTH = re.compile(rf"(?:the\s+)?end of\s+(?:the\s+)?(?P<m>{_MO})")
_MONTH_ONLY = re.compile(
    rf"(?:(?:early|mid|late|(?:the\s+)?(?:end|start|beginning) of)\s+)?(?:this\s+|next\s+)?"
    rf"(?P<m>{_MO})(?:\s+\d{{4}})?"
)
_BARE_NUMBER = re.compile(
    rf"(?:(?:{_WD}|{_RELDAY})\s+)?(?P<n>\d{{1,2}})|(?P<n2>\d{{1,2}})\s+(?:{_WD}|{_RELDAY})"
)
_NOT_FOR_DATEPARSER = re.compile(
    rf"\d|\b(?:{_WD}|{_MO}|{_RELDAY}|today|am|pm|{_alternatives(_PREPOSITIONS)})\b"
)  # dateparser skips words it doesn't know: "the pm tomorrow" would lose "the pm"

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
        "o'clock", "oclock", "lunchtime", "mornings", "evenings", "lunch", "first", "thing",
        "around", "about", "approx", "roughly", "ish", "arvo", "aft", "morn", "evng",
        "couple", "and", "time", "during", "nxt", "wk", "b4",
        "earliest", "later", "sharp", "eve", "mornin", "over",
    }
    | set(_ORDINAL_WORDS)
    | {word for phrase in _COUNTS for word in phrase.split()}
)  # fmt: skip
_MONTH_NAMES = frozenset(name for name in _MONTHS if len(name) > 4)
_KNOWN_WORDS = _TIME_WORDS | set(_WEEKDAYS) | set(_MONTHS)
_TIME_TOKEN = re.compile(
    r"@?\d{1,2}(?:[:.]\d{2}(?::\d{2})?)?(?:[ap]\.?m\.?)?(?:-?ish)?|noonish"  # @3, 9.30am, 8ish
    r"|\d{1,4}(?:\.5)?(?:h|hrs?|hours?|mins?|minutes?|days?|wks?|weeks?)|\d{1,2}h\d{2}"  # 2hrs
    r"|\d{1,6}(?:st|nd|rd|th)?"  # 3rd, 2026
    r"|\d{1,2}\.\d{1,2}\.?(?:\d{2,4})?|\d{1,2}([-/])\d{1,2}(?:\1\d{2,4})?"  # 3.12., 3/12/26
    r"|\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:t\d{1,2}:\d{2})?"  # 2026-12-03t10:00
)
_WD_UNMISTAKABLE = _alternatives(set(_WEEKDAYS) - {"sun", "sat"})  # "book the sat"
_VAGUE_WORDS = frozenset({"asap", "soon", "someday", "sometime", "eventually"})
_STRONG = re.compile(
    rf"\b(?:{_WD_UNMISTAKABLE}|{_RELDAY}|tonight|tonite|yesterday|noon|midday|midnight|eod|eow|eom|eoy|cob"
    rf"|end of|asap|soon|someday|sometime|eventually)\b"
    rf"|\d\s*(?:[ap]\.?m)\b|\d:\d\d|\d{{4}}[-/]\d|\b\d{{1,2}}/\d{{1,2}}\b"
    rf"|\b\d{{1,2}}\.\d{{1,2}}\.|\b\d{{1,2}}-\d{{1,2}}-\d{{2,4}}\b|\b\d{{4}}\s*(?:hrs|hours|h)\b"
    rf"|\b(?:in|within|after)\s+(?:{_N}|half)\s*(?:an?\s+)?(?:{_UNIT}|h)\b"
    rf"|\b(?:a|one|two)\s+(?:week|fortnight)\s+(?:on|from|today|tomorrow)\b"
    rf"|\b(?:{_WD_UNMISTAKABLE}|{_RELDAY})\s+(?:week|fortnight)\b|(?<!the )\bfirst thing\b"
    rf"|\b(?:after|before|by)\s+lunch\b|\barvo\b|\bthis\s+(?:morn|aft|eve|evng)\b"
    r"|\b(?:sat|sun)\s+(?:morning|afternoon|evening|night|morn|aft|arvo|eve|\d)"
    r"|\bover\s+(?:the\s+|this\s+|next\s+)?weekend\b|\bwithin\s+the\s+(?:next\s+)?hour\b"
    rf"|\b(?:{_N})\s+(?:{_UNIT})\s+(?:ago|from)\b"
    rf"|\b\d{{1,2}}{_ORDINAL}\s+(?:of\s+)?(?:{_MO})\b|\b(?:{_MO})\s+\d{{1,2}}"
    r"|\b(?:next|this|last)\s+(?:week|month|year|weekend)\b|\bat\s+\d{1,2}h?\b"
    r"|\bthis\s+(?:morning|afternoon|evening)\b|\b\d{1,2}h\d{2}\b|\b(?:half|quarter)\s+(?:past|to)\s|\bo'?clock\b|\blunchtime\b"
    rf"|\b(?:by|before|until|till|in|on|due)\s+(?:{_MO})\b|\b(?:by|before|until|till)\s+\d{{1,2}}$"
)
_WEAK = re.compile(
    rf"\b(?:week|month|year|weekend|morning|afternoon|evening|night|sun|sat|{_MO})\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)\b"
)
_TOKEN = re.compile(r"\S+")
_FILLER = frozenset({"please", "pls", "plz", "thanks", "thx", "ty", "sharp", "latest", "ok"})
"""Words after a time that don't change it ("friday pls", "10:30 sharp")."""
_NOT_A_DEADLINE_BEFORE = frozenset({"from", "since", "of", "for", "out", "score", "scored", "got"})
"""A past date or a fraction after these words describes something ("the recruiters from
last week", "aim for 10/10"): it is part of the commitment, not its due time."""
_LEAD_SEPARATOR = re.compile(r"^[\s,;:.!?…—–-]+")
_NUMERIC_DATE = re.compile(r"\d{1,2}/\d{1,2}|\d{1,2}\.\d{1,2}\.")
_ALNUM = re.compile(r"\w")
_TOKEN_EDGES = "\"'“”‘’()[]{}.,;:!?…"
_TEXT_TAIL = re.compile(r"[\s,;:.!?…—–-]+$")
_DANGLING_PREPOSITION = re.compile(
    r"\s*\b(?:due(?:\s+(?:by|on|before))?|by|on|at|in|before|b4|until|till|til|during)$",
    re.IGNORECASE,
)


# Public API ------------------------------------------------------------------------------


def parse_when(phrase: str, now: datetime, zone: ZoneInfo, default_time: time = time(9, 0)) -> When:
    """Read `phrase` ("friday 3pm", "by tomorrow morning") as a due time after `now`.

    The whole phrase is the time here, so a length of time alone ("2 hrs", "an hour",
    a snooze) counts as that long from now; inside a sentence it would be a duration.
    """
    return _read_when(phrase, now, zone, default_time, alone=True)


def _read_when(
    phrase: str, now: datetime, zone: ZoneInfo, default_time: time, *, alone: bool
) -> When:
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

    reading = _Reading(shown, now, zone, default_time, alone=alone, lead=preposition)
    # "at 15" is a clock time, "15" alone is not
    clock, rest = reading.clock(f"at {text}" if preposition == "at" and text[0].isdigit() else text)
    try:
        days = reading.days(rest)
    except _TwoWays as two:
        if clock is not None and clock.ask_ampm:
            raise WhenError(str(two)) from None  # four readings: too many to offer
        due_times = (
            reading.settle(days, _Clock(at, explicit=True) if at else clock)[0]
            for days, at in two.options
        )
        raise WhenError(str(two), reading.usable(due_times)) from None
    hint = ""
    if isinstance(days, datetime):
        if clock is not None:
            raise reading.unreadable()  # "in 2 hours at 3pm"
        due, explicit, asked = days, True, None
    else:
        if days is None and clock is None:
            raise reading.unreadable()
        if clock is not None and clock.ask_ampm:  # "friday at 3": 03:00 or 15:00?
            question = str(reading.ambiguous_hour(clock.at.hour, clock.at.minute or None))
            readings = (clock, clock.pm)
            raise WhenError(question, reading.usable(reading.settle(days, c)[0] for c in readings))
        due, asked = reading.settle(days, clock)
        explicit = clock is not None and clock.explicit
        if days is not None and days.today_word and clock is None:
            hint = " Try “tomorrow” or a later time today."
    if due <= now:
        raise WhenInPast(
            f"“{shown}” is {_show(due, zone, now)}, which is already in the past.{hint}", due
        )
    if due > _years_later(now, MAX_YEARS_AHEAD):
        raise _too_far(shown)
    if _read_through_typo(shown):  # "fridsy": likely Friday, but a name is possible too
        raise WhenError(
            f"Did you mean {_show(due, zone, now)}? I read “{shown}” as a typo.", (due,)
        )
    skipped = asked if asked is not None and _wall(due, zone) != asked else None
    return When(due_at=due, phrase=shown, explicit_time=explicit, skipped=skipped)


def split_text_and_when(
    text: str, now: datetime, zone: ZoneInfo, default_time: time = time(9, 0)
) -> tuple[str, When | None]:
    """Split "call Ana tomorrow at 10:30" into ("call Ana", When(...)).

    A time phrase at the end counts ("friday pls" and emoji after it are let through),
    and only words that are all time-like are tried, longest first. Failing that, a clear
    time at the start ("tmrw: call Ana") counts. A clear time that can't be used raises;
    no time at all gives None.
    """
    tokens = list(_TOKEN.finditer(text))
    words = [_split_word(token.group(), first=i == 0) for i, token in enumerate(tokens)]
    end = len(tokens)
    while end > 0:  # "friday pls", "tmrw 🙏", "by friday at the latest"
        if end >= 3 and words[end - 3 : end] == ["at", "the", "latest"]:
            end -= 3
        elif words[end - 1] in _FILLER or not _has_word(words[end - 1]):
            end -= 1
        else:
            break
    start = end
    while start > 0 and _is_time_word(words[start - 1]):
        start -= 1
    first_error: WhenError | None = None
    stop = tokens[end - 1].end() if end else 0
    for i in range(start, end):
        candidate = text[tokens[i].start() : stop]
        lowered = _normalize(candidate)
        with_preposition = words[i] in _PREPOSITIONS
        if i > start and words[i - 1] in ("the", "a", "an"):
            continue  # "the first thing": a piece of a phrase the longer try didn't read
        strong = bool(_STRONG.search(lowered))
        if not strong and not (with_preposition and _WEAK.search(lowered)):
            continue
        # "chapter 3 tonight", "recruiters from last week", "aim for 10/10": the first
        # words belong to the text, so a reading that keeps them is not a due time
        after_word = i > 0 and words[i - 1] in _NOT_A_DEADLINE_BEFORE
        described = after_word or (i == start and i > 0 and words[i].isdigit())
        try:
            when = _read_when(candidate, now, zone, default_time, alone=False)
        except WhenInPast as err:
            if words[i] in _NOT_A_DEADLINE_BEFORE or after_word:
                continue
            if described and _hour_of(words[i], err.due_at, zone):
                continue
            # Read fine; a shorter tail ("monday" of "last monday") would misread it.
            err.text = _tidy_text(text[: tokens[i].start()], drop_preposition=not with_preposition)
            raise
        except WhenError as err:
            if strong and first_error is None and not described:
                first_error = err
            continue
        if described and (_NUMERIC_DATE.search(lowered) or _hour_of(words[i], when.due_at, zone)):
            continue
        skipped = _SOFT_WORDS.sub("", _normalize(" ".join(words[start:i])))
        if first_error is not None and _STRONG.search(skipped):
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
    leading = _leading_when(text, tokens, words, now, zone, default_time)
    if leading is not None:
        return leading
    return text.strip(), None


def _leading_when(
    text: str,
    tokens: list[re.Match[str]],
    words: list[str],
    now: datetime,
    zone: ZoneInfo,
    default_time: time,
) -> tuple[str, When] | None:
    """A clear time the text starts with ("tmrw: call Ana", "by friday, send the CV").

    Only when nothing at the end was a time, only strong time words, and only a reading
    that works: anything doubtful there is left in the text and asked about.
    """
    run = 0
    while run < len(words) and _is_time_word(words[run]):
        run += 1
    for j in range(min(run, len(words) - 1), 0, -1):
        candidate = text[: tokens[j - 1].end()]
        if not _STRONG.search(_normalize(candidate)):
            continue
        try:
            when = _read_when(candidate, now, zone, default_time, alone=False)
        except WhenError:
            continue
        separated = not tokens[j - 1].group()[-1].isalnum() or not _has_word(words[j])
        if words[j - 1].isdigit() and not separated:
            continue  # "march 3 applications": the number may count what follows
        rest = _LEAD_SEPARATOR.sub("", text[tokens[j].start() :]).strip()
        if rest and _has_word(rest.lower()):
            return rest, when
    return None


# Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clock:
    at: time
    explicit: bool
    may_roll: bool = True  # a time alone moves to tomorrow once passed; "eod" doesn't
    ask_ampm: bool = False  # am/pm left open: `at` is the morning reading, 12 hours on the other

    @property
    def pm(self) -> _Clock:
        """The other reading of an hour with am/pm left open ("at 3": 15:00)."""
        return _Clock(time(self.at.hour + 12, self.at.minute), explicit=True)


@dataclass(frozen=True)
class _Days:
    candidates: tuple[date, ...]  # the first that is still ahead wins
    fallback_times: tuple[time, ...] = ()  # when the words give no clock time
    today_word: bool = False


class _Reading:
    """One phrase being read; holds what the messages and rules need."""

    def __init__(
        self,
        shown: str,
        now: datetime,
        zone: ZoneInfo,
        default: time,
        *,
        alone: bool,
        lead: str = "",
    ) -> None:
        self.shown = shown
        self.alone = alone
        self.lead = lead
        self.now = now
        self.local_now = now.astimezone(zone).replace(tzinfo=None)
        self.today = self.local_now.date()
        self.zone = zone
        self.default = default

    def settle(self, days: _Days | None, clock: _Clock | None) -> tuple[datetime, time | None]:
        """The first day-and-time still ahead for these days and this clock time."""
        if days is None:
            today = self.today
            may_roll = clock is None or clock.may_roll
            days = _Days((today, today + timedelta(days=1)) if may_roll else (today,))
        times = (clock.at,) if clock else days.fallback_times or (self.default,)
        return _first_ahead(days.candidates, times, self.zone, self.now)

    def usable(self, instants: Iterable[datetime]) -> tuple[datetime, ...]:
        """The readings worth offering: ahead, not too far, each once, soonest first."""
        limit = _years_later(self.now, MAX_YEARS_AHEAD)
        return tuple(sorted({i for i in instants if self.now < i <= limit}))

    def unreadable(self) -> WhenError:
        return WhenError(f"I couldn't read “{self.shown}” as a time. {_EXAMPLES}")

    def ambiguous_hour(self, hour: int, minute: int | None = None) -> WhenError:
        shown = f"{hour}:{minute:02d}" if minute is not None else str(hour)
        return WhenError(
            f"Is “{self.shown}” am or pm? Add it, like “{shown}pm”, or use 24-hour time."
        )

    # -- clock time -------------------------------------------------------------------

    def clock(self, text: str) -> tuple[_Clock | None, str]:
        """Take the time of day out of `text`; return it and the words left for the day."""
        try:
            found, rest = take_time_of_day(_SECONDS.sub(r"\1", text))
        except TimeOfDayError:
            raise self.unreadable() from None  # "tomorrow morning 3pm", "25:00"
        clock: _Clock | None = None
        soft = self._soft_time(rest)
        if soft is not None:
            if found is not None:
                raise self.unreadable()  # "after lunch 3pm"
            clock, rest = soft
        elif found is not None:
            hour, minute = found.at.hour, found.at.minute
            if found.bare or (found.open and hour in OPEN_HOURS):  # "at 3", "at 4:30"
                if not 1 <= hour <= 11:
                    raise self.ambiguous_hour(hour, minute or None)
                clock = _Clock(found.at, True, ask_ampm=True)
            else:
                clock = _Clock(found.at, explicit=found.explicit)
            if found.today:  # "tonight", "this afternoon"
                rest = f"today {rest}"
        rest = " ".join(rest.split())
        if rest != text:
            rest = _CONNECTORS.sub("", rest).strip()
        return clock, rest

    def _soft_time(self, text: str) -> tuple[_Clock, str] | None:
        """End of day, "first thing", lunch: a time of day named by what happens then."""
        if eod := _EOD.search(text):
            return _Clock(END_OF_DAY, explicit=False, may_roll=False), _cut(text, eod)
        if first := _FIRST_THING.search(text):  # the start of the member's own day
            return _Clock(self.default, explicit=False), _cut(text, first)
        if after := _AFTER_LUNCH.search(text):
            return _Clock(AFTER_LUNCH, explicit=False), _cut(text, after)
        lunch = _LUNCH.search(text)  # "by lunch", "before lunch": noon
        if lunch and (lunch["lead"] or (lunch.start() == 0 and self.lead in _LUNCH_LEADS)):
            return _Clock(NOON, explicit=True), _cut(text, lunch)
        return None

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
        if match := _IN.fullmatch(rest) or (self.alone and _SPAN_ALONE.fullmatch(rest)):
            return self._span(match)
        if match := _FROM_NOW.fullmatch(rest):
            return self._shift(_count(match["n"]), match["unit"])
        if match := _AGO.fullmatch(rest):
            return self._shift(-_count(match["n"]), match["unit"])
        if match := _WEEK_ON.fullmatch(rest):
            return self._week_on(match)
        if match := _ISO.fullmatch(rest):
            return _Days((self._date(int(match["y"]), int(match["m"]), int(match["d"])),))
        if match := _NUMERIC.fullmatch(rest):
            return self._numeric(match)
        if match := _DOTTED.fullmatch(rest):  # "5.3.2027": day first wherever it is written
            return self._calendar(match["y"], int(match["m"]), int(match["d"]), None)
        if match := _DAY_MONTH.fullmatch(rest) or _MONTH_DAY.fullmatch(rest):
            month = _MONTHS[match["m"]]
            return self._calendar(match["y"], month, int(match["d"]), match["wd"])
        if match := _DAY_OF_MONTH.fullmatch(rest):
            return self._day_of_month(int(match["d"]), match["wd"])
        if match := _END_OF_MONTH.fullmatch(rest):
            first = date(self.today.year, _MONTHS[match["m"]], 1)
            last = first.replace(day=monthrange(first.year, first.month)[1])
            return self._calendar(None, last.month, last.day, None)
        if match := _MONTH_ONLY.fullmatch(rest):
            month = match["m"].capitalize()
            raise WhenError(f"Which day in {month}? Try e.g. “{month} 15” or “15 {month} 3pm”.")
        if (match := _BARE_NUMBER.fullmatch(rest)) and int(match["n"] or match["n2"]) <= 12:
            hour = int(match["n"] or match["n2"])  # "monday 9": 09:00 or 21:00?
            if not 1 <= hour <= 11:
                raise self.ambiguous_hour(hour)
            day_words = re.sub(rf"\b{hour}\b", " ", rest).strip()
            days = self.days(day_words) if day_words else None
            if isinstance(days, datetime):
                raise self.ambiguous_hour(hour)
            raise _TwoWays(
                str(self.ambiguous_hour(hour)), ((days, time(hour)), (days, time(hour + 12)))
            )
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

    def _week_on(self, match: re.Match[str]) -> _Days:
        """A day some weeks on: "a week on friday", "monday week", "tomorrow fortnight"."""
        unit = match["unit"] or match["unit2"]
        weeks = (_count(match["n"]) if match["n"] else 1) * (2 if unit.startswith("f") else 1)
        base = self.days(match["day"] or match["day2"])
        if not isinstance(base, _Days):
            raise self.unreadable()
        later = timedelta(weeks=weeks)
        return _Days(tuple(day + later for day in base.candidates[:1]), base.fallback_times)

    def _span(self, match: re.Match[str]) -> _Days | datetime:
        """A length of time from now: "in 2 hrs", "in an hour and a half", "after a week"."""
        if match["half"]:
            return self._shift(30 if match["hunit"] == "hour" else 12 * 60, "minutes")
        count = match["n"]
        number = float(count) if count[0].isdigit() else float(_count(count))
        if match["and_half"] or match["and_half2"]:
            number += 0.5
        unit = match["unit"]
        if unit.startswith(("min", "h")):
            minutes = number * (60 if unit.startswith("h") else 1)
            if minutes != int(minutes):
                raise self.unreadable()
            return self._shift(int(minutes), "minutes")
        if number != int(number):
            raise self.unreadable()  # "in 2.5 days": which time of day?
        return self._shift(int(number), unit)

    def _numeric(self, match: re.Match[str]) -> _Days:
        """A date in numbers ("3/12", "18-06-2026"): the member's order, or a question."""
        first, second, year = int(match["a"]), int(match["b"]), match["y"]
        if match["sep"] == "-" and year is None:
            raise self.unreadable()  # "12-01": a range as often as a date
        readings = {}
        for order, (day, month) in (
            (DateOrder.DAY_FIRST, (first, second)),
            (DateOrder.MONTH_FIRST, (second, first)),
        ):
            if 1 <= month <= 12 and 1 <= day <= monthrange(2024, month)[1]:
                readings[order] = (month, day)
        if not readings:
            raise WhenError(
                f"“{self.shown}” isn't a date on the calendar — which day did you mean?"
            )
        if len(set(readings.values())) == 1:
            month, day = next(iter(readings.values()))
            return self._calendar(year, month, day, None)
        order = date_order(self.zone)
        if order is DateOrder.UNKNOWN:
            (m1, d1), (m2, d2) = readings[DateOrder.DAY_FIRST], readings[DateOrder.MONTH_FIRST]
            raise _TwoWays(
                f"Is “{self.shown}” {_day_month(d1, m1)} or {_day_month(d2, m2)}? "
                f"Write the month as a word, like “{d1} {_month_abbr(m1)}”.",
                (
                    (self._calendar(year, m1, d1, None), None),
                    (self._calendar(year, m2, d2, None), None),
                ),
            )
        month, day = readings[order]
        return self._calendar(year, month, day, None)

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
        if unit == "weekend":  # Saturday, or Sunday once Saturday's time has passed
            saturday = monday + timedelta(days=5 + (7 if which == "next" else 0))
            return _Days((saturday, saturday + timedelta(days=1)))
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
    typed = " ".join(phrase.split())
    words = _TRAILING_PUNCTUATION.sub("", typed)
    if _DOTTED_END.search(words) and typed[len(words) : len(words) + 1] == ".":
        words += "."  # "on 8.3.": the dot is the date's
    lead = _LEADING_PREPOSITION.match(words)
    if lead is None:
        return words, ""
    return words[lead.end() :].strip(), lead.group().strip(" :,").lower()


def _normalize(words: str) -> str:
    """`words` lower-cased in the one spelling the patterns read.

    Case is looked at first: a short part of the day ("eve", "morn", "aft") is spelt out
    only when typed in lower case right after a day word ("tmrw eve", "this aft"), and a
    word typed with a capital after the first is never corrected as a typo ("Fridah",
    "Augusta" are names)."""
    words = _SHORT_PART.sub(_spell_part, words)
    return _normalize_lower(words.lower(), _kept_as_typed(words))


def _spell_part(match: re.Match[str]) -> str:
    if _fix_word(match["day"].lower()) not in _PART_DAYS:
        return match.group()
    return f"{match['day']}{match['gap']}{_SHORT_PARTS[match['part']]}"


def _kept_as_typed(words: str) -> frozenset[str]:
    """Words typed with a capital after the first word that a typo fix would change."""
    return frozenset(
        word.lower()
        for i, word in enumerate(_TYPED_WORD.findall(words))
        if i > 0 and word[0].isupper() and _is_slip(word.lower())
    )


def _is_slip(word: str) -> bool:
    """True when `word` is read only by correcting a typo ("wendesday"), not as written or
    as a known short form ("tmrw", "nxt")."""
    return word not in _ABBREVIATIONS and _fix_word(word) != word


def _read_through_typo(words: str) -> bool:
    kept = _kept_as_typed(words)
    return any(_is_slip(word) and word not in kept for word in _TYPED_WORD.findall(words.lower()))


@lru_cache(maxsize=4096)
def _normalize_lower(text: str, kept: frozenset[str] = frozenset()) -> str:
    """Lower-case words in the one spelling the patterns read (cached: split asks often).

    Words in `kept` are left as typed, not corrected."""
    text = text.replace("’", "'")
    text = _AMPM_DOTS.sub(r"\1m", text)
    text = _ISO_T.sub(r"\1 ", text)
    text = _DOTTED_ORDINAL.sub(r"\1", text)
    text = _PUNCTUATION.sub(" ", text)
    text = _WORD.sub(lambda m: m.group() if m.group() in kept else _fix_word(m.group()), text)
    text = " ".join(text.split())
    text = _ATTACHED_UNIT.sub(r"\1 \2", text)
    text = _WORD_ORDINAL.sub(lambda m: _ordinal(_ORDINAL_WORDS[m.group()]), text)
    text = _PART_AMPM.sub(lambda m: m[1] + ("morning" if m[2] == "a" else "afternoon"), text)
    for pattern in _DAY_DOT_TIME:
        text = pattern.sub(r"\1\2:\3", text)
    for pattern, replacement in _SYNONYMS:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def _ordinal(day: int) -> str:
    return f"{day}{_SUFFIX.get(day, 'th')}"


@lru_cache(maxsize=8192)
def _fix_word(word: str) -> str:
    """A short form or a slip of the keyboard on a day or time word, spelt out.

    "nxt" → next, "wendesday" → wednesday, "tomorow" → tomorrow. A typo counts only with
    the same first letter, at most one slip (two for words of eight letters or more), in
    words of six letters or more (five for months), and never for the few real English
    words that close (`_REAL_WORDS`: "sundry" is not Sunday). A reading that needed a
    typo fixed is asked about anyway (`_read_through_typo`); the list only spares members
    pointless questions.
    """
    if word in _ABBREVIATIONS:
        return _ABBREVIATIONS[word]
    if len(word) < 5 or not word.isalpha() or word in _REAL_WORDS or word in _KNOWN_WORDS:
        return word
    for target in _TYPO_TARGETS:
        if target[0] != word[0] or abs(len(target) - len(word)) > 2:
            continue
        short_ok = len(word) >= 6 or (len(word) == 5 and target in _MONTH_NAMES)
        if not short_ok:
            continue
        limit = 2 if len(target) >= 8 and len(word) >= 7 else 1
        if word != f"{target}s" and keyboard_slips(word, target, limit) <= limit:
            return target
    return word


def _split_word(token: str, *, first: bool) -> str:
    """A token of a sentence as the splitter compares it: lower case, a short form or a
    typo spelt out, except a typo typed with a capital mid-sentence (a name: "Fridah")."""
    typed = token.strip(_TOKEN_EDGES)
    word = typed.lower()
    if not first and typed[:1].isupper() and _is_slip(word):
        return word
    return _fix_word(word)


def _hour_of(word: str, instant: datetime, zone: ZoneInfo) -> bool:
    """True when `word`, a number, was read as the hour of `instant` ("chapter 3 tonight")."""
    if not word.isdigit():
        return False
    local = instant.astimezone(zone)
    return local.minute == 0 and local.hour % 12 == int(word) % 12


def _has_word(text: str) -> bool:
    return bool(_ALNUM.search(text))


def _cut(text: str, match: re.Match[str]) -> str:
    return f"{text[: match.start()]} {text[match.end() :]}"


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _COUNTS[word]


def _month_abbr(month: int) -> str:
    return date(2024, month, 1).strftime("%b")


def _day_month(day: int, month: int) -> str:
    return f"the {_ordinal(day)} of {date(2024, month, 1):%B}"


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
