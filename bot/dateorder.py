"""Which number comes first in "3/12": the day or the month, judged from the member's zone.

A member in London who types "3/12" means 3 December; one in New York means 12 March.
Guessing the wrong order moves a deadline by months without anyone noticing, so:

- a zone in a country that writes month first (the US and its territories, the
  Philippines, and China, Japan, Korea and Taiwan, which write month/day once the year is
  dropped) reads month/day;
- a zone in a country where both orders are common (Canada) or that we can't place
  ("UTC", "Etc/GMT+5") gives no order: a date that fits both ways must then be asked
  about, never guessed;
- every other zone reads day/month, the way most of the world writes it.

Either way, numbers that fit only one order ("25/12", "12/25") are read that way.
The country comes from the tz database's tables (`bot.tztables`); an old spelling of a
zone ("US/Eastern", "Asia/Calcutta", "Europe/Kiev") is the country of the zone it links to.
"""

from __future__ import annotations

from enum import Enum
from zoneinfo import ZoneInfo

from bot.tztables import zone_country

__all__ = ["DateOrder", "date_order"]


class DateOrder(Enum):
    DAY_FIRST = "day/month"
    MONTH_FIRST = "month/day"
    UNKNOWN = "unknown"


_MONTH_FIRST = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM", "PH", "FM", "MH", "PW"})
_MONTH_FIRST |= {"CN", "JP", "KR", "TW"}
_MIXED = frozenset({"CA"})


def date_order(zone: ZoneInfo) -> DateOrder:
    """The order a member in `zone` most likely writes a numeric date in."""
    country = zone_country().get(zone.key)
    if country is None or country in _MIXED:
        return DateOrder.UNKNOWN
    return DateOrder.MONTH_FIRST if country in _MONTH_FIRST else DateOrder.DAY_FIRST
