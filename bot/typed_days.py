"""A day a member typed ("1 nov", "2026-11-01", "next friday"), as a date on their clock.

Shared by features that take whole days rather than instants: a cohort's `until DATE`,
a report's `from DATE to DATE`. It reads through the bot's one date reader (`bot.when`)
so every command understands the same phrases, and turns its errors into one friendly
message.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.when import WhenError, WhenInPast, parse_when

_YEAR = re.compile(r"\b\d{4}\b")


def read_day(phrase: str, now: datetime, zone: ZoneInfo, *, past: bool) -> date:
    """The local day `phrase` names.

    With `past` (a report's dates look back), a day read as next year's only because no
    year was typed ("from 1 dec" in November) is taken as the most recent one instead.
    """
    try:
        found = parse_when(phrase, now, zone).due_at
    except WhenInPast as exc:
        found = exc.due_at
    except WhenError as exc:
        raise UserError(f"{exc} Dates look like `1 nov` or `2026-11-01`.") from None
    day = found.astimezone(zone).date()
    today = now.astimezone(zone).date()
    if past and day > today and not _YEAR.search(phrase):
        while day > today:
            try:
                day = day.replace(year=day.year - 1)
            except ValueError:  # 29 February
                day = day.replace(year=day.year - 1, day=28)
    return day
