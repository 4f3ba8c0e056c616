"""Which number comes first in "3/12": the day or the month, judged from the member's zone.

A member in London who types "3/12" means 3 December; one in New York means 12 March.
Guessing the wrong order moves a deadline by months without anyone noticing, so:

- a zone in a country that writes month first (the US and its territories, the
  Philippines, and China, Japan, Korea and Taiwan, which write month/day once the year is
  dropped) reads month/day;
- a zone in a country where both orders are common (Canada) or that we can't place
  ("UTC", "Etc/GMT+5", an alias missing from the zone table) gives no order: a date that
  fits both ways must then be asked about, never guessed;
- every other zone reads day/month, the way most of the world writes it.

Either way, numbers that fit only one order ("25/12", "12/25") are read that way.
The country comes from the IANA zone table shipped with `tzdata` (or the system's).
"""

from __future__ import annotations

from enum import Enum
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

__all__ = ["DateOrder", "date_order"]


class DateOrder(Enum):
    DAY_FIRST = "day/month"
    MONTH_FIRST = "month/day"
    UNKNOWN = "unknown"


_MONTH_FIRST = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM", "PH", "FM", "MH", "PW"})
_MONTH_FIRST |= {"CN", "JP", "KR", "TW"}
_MIXED = frozenset({"CA"})
_ALIAS_COUNTRY = {"US": "US", "Canada": "CA"}  # old link names: "US/Eastern", "Canada/Pacific"


def date_order(zone: ZoneInfo) -> DateOrder:
    """The order a member in `zone` most likely writes a numeric date in."""
    country = _country(zone.key)
    if country is None or country in _MIXED:
        return DateOrder.UNKNOWN
    return DateOrder.MONTH_FIRST if country in _MONTH_FIRST else DateOrder.DAY_FIRST


def _country(key: str) -> str | None:
    alias = _ALIAS_COUNTRY.get(key.partition("/")[0])
    return alias or _zone_countries().get(key)


@cache
def _zone_countries() -> dict[str, str]:
    """zone name → ISO country code, from zone.tab (empty if no table can be found)."""
    for table in _zone_tables():
        try:
            lines = table.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        out: dict[str, str] = {}
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) >= 3:
                out[fields[2].strip()] = fields[0].strip()
        if out:
            return out
    return {}


def _zone_tables() -> list[Path]:
    tables = []
    try:
        import tzdata  # the same data zoneinfo falls back to

        tables.append(Path(tzdata.__file__).parent / "zoneinfo" / "zone.tab")
    except ImportError:
        pass
    tables.append(Path("/usr/share/zoneinfo/zone.tab"))
    return tables
