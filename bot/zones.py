"""Forgiving time-zone matching for `/jobclub timezone ZONE`.

`match_zone` understands IANA names, cities, common abbreviations, UTC offsets,
a few country names and misspellings. It returns one zone when the choice is
clear, otherwise a short list of candidates for the member to pick from.
"""

from __future__ import annotations

import contextlib
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from bot.text import fold

MAX_CANDIDATES = 8
MAX_QUERY_CHARS = 80
_REGIONS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)

# A name for several zones maps to a tuple, best first. "Europe/Kyiv|Europe/Kiev" means
# the first spelling this machine's tz database has.
_ABBREVIATIONS: dict[str, str | tuple[str, ...]] = {
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
    "pacific time": "America/Los_Angeles",
    "est": "America/New_York",
    "edt": "America/New_York",
    "et": "America/New_York",
    "eastern time": "America/New_York",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "ct": "America/Chicago",
    "central time": "America/Chicago",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mt": "America/Denver",
    "mountain time": "America/Denver",
    "akst": "America/Anchorage",
    "akdt": "America/Anchorage",
    "hst": "Pacific/Honolulu",
    "nst": "America/St_Johns",
    "ndt": "America/St_Johns",
    "ast": ("America/Halifax", "Asia/Riyadh"),
    "adt": "America/Halifax",
    "gmt": "UTC",
    "utc": "UTC",
    "z": "UTC",
    "zulu": "UTC",
    "bst": "Europe/London",
    "wet": "Europe/Lisbon",
    "west": "Europe/Lisbon",
    "cet": "Europe/Berlin",
    "cest": "Europe/Berlin",
    "eet": ("Europe/Athens", "Europe/Helsinki", "Europe/Kyiv|Europe/Kiev", "Europe/Bucharest"),
    "eest": ("Europe/Athens", "Europe/Helsinki", "Europe/Kyiv|Europe/Kiev", "Europe/Bucharest"),
    "msk": "Europe/Moscow",
    "ist": ("Asia/Kolkata|Asia/Calcutta", "Europe/Dublin", "Asia/Jerusalem"),
    "pkt": "Asia/Karachi",
    "ict": "Asia/Bangkok",
    "wib": "Asia/Jakarta",
    "sgt": "Asia/Singapore",
    "hkt": "Asia/Hong_Kong",
    "pht": "Asia/Manila",
    "kst": "Asia/Seoul",
    "jst": "Asia/Tokyo",
    "awst": "Australia/Perth",
    "acst": "Australia/Adelaide",
    "acdt": "Australia/Adelaide",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
    "nzst": "Pacific/Auckland",
    "nzdt": "Pacific/Auckland",
    "brt": "America/Sao_Paulo",
    "art": "America/Argentina/Buenos_Aires",
    "sast": "Africa/Johannesburg",
    "cat": "Africa/Maputo",
    "eat": "Africa/Nairobi",
    "wat": "Africa/Lagos",
}

_COUNTRIES: dict[str, str | tuple[str, ...]] = {
    "germany": "Europe/Berlin",
    "deutschland": "Europe/Berlin",
    "france": "Europe/Paris",
    "uk": "Europe/London",
    "united kingdom": "Europe/London",
    "great britain": "Europe/London",
    "britain": "Europe/London",
    "england": "Europe/London",
    "scotland": "Europe/London",
    "wales": "Europe/London",
    "ireland": "Europe/Dublin",
    "spain": "Europe/Madrid",
    "portugal": "Europe/Lisbon",
    "italy": "Europe/Rome",
    "netherlands": "Europe/Amsterdam",
    "holland": "Europe/Amsterdam",
    "belgium": "Europe/Brussels",
    "switzerland": "Europe/Zurich",
    "austria": "Europe/Vienna",
    "poland": "Europe/Warsaw",
    "czechia": "Europe/Prague",
    "czech republic": "Europe/Prague",
    "sweden": "Europe/Stockholm",
    "norway": "Europe/Oslo",
    "denmark": "Europe/Copenhagen",
    "finland": "Europe/Helsinki",
    "greece": "Europe/Athens",
    "romania": "Europe/Bucharest",
    "turkey": "Europe/Istanbul",
    "turkiye": "Europe/Istanbul",
    "ukraine": "Europe/Kyiv|Europe/Kiev",
    "russia": "Europe/Moscow",
    "israel": "Asia/Jerusalem",
    "egypt": "Africa/Cairo",
    "nigeria": "Africa/Lagos",
    "kenya": "Africa/Nairobi",
    "south africa": "Africa/Johannesburg",
    "uae": "Asia/Dubai",
    "united arab emirates": "Asia/Dubai",
    "saudi arabia": "Asia/Riyadh",
    "pakistan": "Asia/Karachi",
    "india": "Asia/Kolkata|Asia/Calcutta",
    "bangladesh": "Asia/Dhaka",
    "sri lanka": "Asia/Colombo",
    "nepal": "Asia/Kathmandu|Asia/Katmandu",
    "thailand": "Asia/Bangkok",
    "vietnam": "Asia/Ho_Chi_Minh|Asia/Saigon",
    "indonesia": "Asia/Jakarta",
    "malaysia": "Asia/Kuala_Lumpur",
    "singapore": "Asia/Singapore",
    "philippines": "Asia/Manila",
    "china": "Asia/Shanghai",
    "hong kong": "Asia/Hong_Kong",
    "taiwan": "Asia/Taipei",
    "korea": "Asia/Seoul",
    "south korea": "Asia/Seoul",
    "japan": "Asia/Tokyo",
    "new zealand": "Pacific/Auckland",
    "mexico": "America/Mexico_City",
    "colombia": "America/Bogota",
    "peru": "America/Lima",
    "chile": "America/Santiago",
    "argentina": "America/Argentina/Buenos_Aires",
    "brazil": ("America/Sao_Paulo", "America/Manaus", "America/Noronha"),
    "usa": (
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
        "America/Anchorage",
        "Pacific/Honolulu",
    ),
    "canada": (
        "America/Toronto",
        "America/Vancouver",
        "America/Edmonton",
        "America/Winnipeg",
        "America/Halifax",
        "America/St_Johns",
        "America/Regina",
    ),
    "australia": (
        "Australia/Sydney",
        "Australia/Melbourne",
        "Australia/Brisbane",
        "Australia/Adelaide",
        "Australia/Perth",
        "Australia/Darwin",
        "Australia/Hobart",
    ),
}
for _alias in ("us", "united states", "united states of america", "america"):
    _COUNTRIES[_alias] = _COUNTRIES["usa"]

# Big cities that are not the namesake of a zone.
_CITIES: dict[str, str] = {
    "nyc": "America/New_York",
    "new york city": "America/New_York",
    "boston": "America/New_York",
    "washington": "America/New_York",
    "washington dc": "America/New_York",
    "philadelphia": "America/New_York",
    "atlanta": "America/New_York",
    "miami": "America/New_York",
    "houston": "America/Chicago",
    "dallas": "America/Chicago",
    "austin": "America/Chicago",
    "san francisco": "America/Los_Angeles",
    "sf": "America/Los_Angeles",
    "la": "America/Los_Angeles",
    "san diego": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "portland": "America/Los_Angeles",
    "las vegas": "America/Los_Angeles",
    "salt lake city": "America/Denver",
    "montreal": "America/Toronto",
    "ottawa": "America/Toronto",
    "calgary": "America/Edmonton",
    "rio de janeiro": "America/Sao_Paulo",
    "rio": "America/Sao_Paulo",
    "munich": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "cologne": "Europe/Berlin",
    "geneva": "Europe/Zurich",
    "bern": "Europe/Zurich",
    "barcelona": "Europe/Madrid",
    "milan": "Europe/Rome",
    "manchester": "Europe/London",
    "edinburgh": "Europe/London",
    "st petersburg": "Europe/Moscow",
    "saint petersburg": "Europe/Moscow",
    "tel aviv": "Asia/Jerusalem",
    "abu dhabi": "Asia/Dubai",
    "mumbai": "Asia/Kolkata|Asia/Calcutta",
    "delhi": "Asia/Kolkata|Asia/Calcutta",
    "new delhi": "Asia/Kolkata|Asia/Calcutta",
    "bangalore": "Asia/Kolkata|Asia/Calcutta",
    "bengaluru": "Asia/Kolkata|Asia/Calcutta",
    "chennai": "Asia/Kolkata|Asia/Calcutta",
    "hyderabad": "Asia/Kolkata|Asia/Calcutta",
    "beijing": "Asia/Shanghai",
    "shenzhen": "Asia/Shanghai",
    "hanoi": "Asia/Ho_Chi_Minh|Asia/Saigon",
    "saigon": "Asia/Ho_Chi_Minh|Asia/Saigon",
    "ho chi minh city": "Asia/Ho_Chi_Minh|Asia/Saigon",
    "osaka": "Asia/Tokyo",
    "canberra": "Australia/Sydney",
    "wellington": "Pacific/Auckland",
    "cape town": "Africa/Johannesburg",
}

# Zones offered for a UTC offset, most widely used first.
_WELL_KNOWN: tuple[str, ...] = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Phoenix",
    "America/Toronto",
    "America/Vancouver",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "America/Bogota",
    "America/Lima",
    "America/Santiago",
    "America/Caracas",
    "America/Halifax",
    "America/St_Johns",
    "America/Anchorage",
    "Pacific/Honolulu",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Helsinki",
    "Europe/Kyiv|Europe/Kiev",
    "Europe/Istanbul",
    "Europe/Moscow",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Africa/Cairo",
    "Africa/Nairobi",
    "Africa/Casablanca",
    "Asia/Jerusalem",
    "Asia/Riyadh",
    "Asia/Dubai",
    "Asia/Tehran",
    "Asia/Kabul",
    "Asia/Karachi",
    "Asia/Kolkata|Asia/Calcutta",
    "Asia/Colombo",
    "Asia/Kathmandu|Asia/Katmandu",
    "Asia/Dhaka",
    "Asia/Yangon|Asia/Rangoon",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Hong_Kong",
    "Asia/Manila",
    "Asia/Taipei",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Australia/Perth",
    "Australia/Eucla",
    "Australia/Darwin",
    "Australia/Adelaide",
    "Australia/Brisbane",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "Pacific/Fiji",
    "Pacific/Tongatapu",
    "Pacific/Apia",
    "Pacific/Kiritimati",
    "Pacific/Guam",
    "Pacific/Noumea",
    "Pacific/Pago_Pago",
    "Pacific/Marquesas",
    "Pacific/Gambier",
    "Pacific/Pitcairn",
    "Atlantic/Azores",
    "Atlantic/Cape_Verde",
    "Atlantic/South_Georgia",
    "Asia/Yekaterinburg",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
    "Indian/Maldives",
    "Indian/Mauritius",
)

_OFFSET = re.compile(
    r"^(?:utc|gmt|z)?\s*(?P<sign>[+\-−–])\s*(?P<hours>\d{1,2})"
    r"(?:(?:[:h.]\s*)?(?P<minutes>\d{2}))?$"
)
_FUZZY_CUTOFF = 75.0
_CLEAR_SCORE = 80.0
_CLEAR_GAP = 8.0
_MIN_FUZZY_CHARS = 3


@dataclass(frozen=True)
class ZoneMatch:
    """The outcome of matching: one zone, or candidates to choose from, or neither."""

    zone: str | None
    """IANA name when there is one clear choice."""
    candidates: tuple[str, ...] = ()
    """When unclear: up to 8 IANA names, best first (empty if nothing plausible)."""


_NOTHING = ZoneMatch(None, ())


@dataclass(frozen=True)
class _Data:
    names: frozenset[str]
    exact: dict[str, str]
    """Lower-cased IANA name (also with spaces for underscores) -> zone to use."""
    places: dict[str, str]
    """Folded city, country or full zone name -> zone."""
    fuzzy_keys: tuple[str, ...]
    """The subset of `places` keys that misspellings are matched against."""


def match_zone(query: str, now: datetime | None = None) -> ZoneMatch:
    """Find the zone a member means by `query`; `now` only matters for UTC offsets."""
    raw = " ".join(query.split())
    if not raw or len(raw) > MAX_QUERY_CHARS:
        return _NOTHING
    data = _data()
    instant = _aware(now) if now is not None else datetime.now(UTC)

    offset = _parse_offset(raw)
    if offset is not None:
        return _match_offset(offset, instant, data)

    variants = _variants(raw)
    if not variants:
        return _NOTHING
    for key in variants:
        if key in _ABBREVIATIONS:
            return _from_alias(_ABBREVIATIONS[key], data)
    exact = data.exact.get(raw.lower())
    if exact:
        return ZoneMatch(exact, ())
    for key in variants:
        if key in _COUNTRIES:
            return _from_alias(_COUNTRIES[key], data)
        if key in data.places:
            return ZoneMatch(data.places[key], ())
    return _fuzzy(variants[-1], data)


def zone_label(name: str, now: datetime) -> str:
    """E.g. 'Europe/Berlin (UTC+01:00, 14:05 now)'; raises for an unknown zone name."""
    local = _aware(now).astimezone(ZoneInfo(name))
    return f"{name} ({_format_offset(local.utcoffset() or timedelta(0))}, {local:%H:%M} now)"


def _variants(raw: str) -> list[str]:
    """Folded forms to look up: as typed, without a trailing 'time', before a comma."""
    key = fold(raw)
    variants = [key] if key else []
    for suffix in (" standard time", " daylight time", " time"):
        if key.endswith(suffix) and len(key) > len(suffix):
            variants.append(key.removesuffix(suffix))
            break
    if "," in raw:
        head = fold(raw.split(",", 1)[0])
        if head:
            variants.append(head)
    return list(dict.fromkeys(variants))


def _from_alias(target: str | tuple[str, ...], data: _Data) -> ZoneMatch:
    if isinstance(target, str):
        zone = _available(target, data.names)
        return ZoneMatch(zone, ()) if zone else _NOTHING
    found = _unique(z for z in (_available(t, data.names) for t in target) if z)
    return ZoneMatch(None, found[:MAX_CANDIDATES])


def _available(spellings: str, names: frozenset[str]) -> str | None:
    """The first of 'Europe/Kyiv|Europe/Kiev' that this tz database has."""
    for name in spellings.split("|"):
        if name in names:
            return name
    return None


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _parse_offset(raw: str) -> timedelta | None:
    found = _OFFSET.match(raw.lower())
    if not found:
        return None
    hours, minutes = int(found["hours"]), int(found["minutes"] or 0)
    if minutes >= 60:
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    return offset if found["sign"] == "+" else -offset


def _match_offset(offset: timedelta, now: datetime, data: _Data) -> ZoneMatch:
    if not timedelta(hours=-12) <= offset <= timedelta(hours=14):
        return _NOTHING
    if not offset:
        return ZoneMatch("UTC", ())
    cities = _unique(
        zone
        for zone in (_available(z, data.names) for z in _WELL_KNOWN)
        if zone and now.astimezone(ZoneInfo(zone)).utcoffset() == offset
    )
    fixed = _etc_zone(offset, data)
    if len(cities) == 1:
        return ZoneMatch(cities[0], ())
    if fixed:
        return ZoneMatch(None, (*cities[: MAX_CANDIDATES - 1], fixed))
    return ZoneMatch(None, cities[:MAX_CANDIDATES])


def _etc_zone(offset: timedelta, data: _Data) -> str | None:
    seconds = int(offset.total_seconds())
    if seconds % 3600:
        return None
    # POSIX-style names: Etc/GMT-2 is two hours *ahead* of UTC.
    hours = -seconds // 3600
    name = f"Etc/GMT{hours:+d}"
    return name if name in data.names else None


def _fuzzy(key: str, data: _Data) -> ZoneMatch:
    if len(key.replace(" ", "")) < _MIN_FUZZY_CHARS:
        return _NOTHING
    found = process.extract(
        key,
        data.fuzzy_keys,
        scorer=fuzz.ratio,
        score_cutoff=_FUZZY_CUTOFF,
        limit=4 * MAX_CANDIDATES,
    )
    best: dict[str, float] = {}
    for place, score, _ in found:
        zone = data.places[place]
        best[zone] = max(score, best.get(zone, 0.0))
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
    if not ranked:
        return _NOTHING
    top = ranked[0][1]
    if top >= _CLEAR_SCORE and (len(ranked) == 1 or top - ranked[1][1] >= _CLEAR_GAP):
        return ZoneMatch(ranked[0][0], ())
    return ZoneMatch(None, tuple(zone for zone, _ in ranked[:MAX_CANDIDATES]))


def _aware(instant: datetime) -> datetime:
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def _format_offset(offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@cache
def _data() -> _Data:
    """Built on first use: scanning the tz database takes a moment."""
    names = frozenset(zoneinfo.available_timezones()) | {"UTC"}
    links = _read_links()
    exact: dict[str, str] = {}
    for name in sorted(names):
        target = name
        if name.split("/")[0] not in _REGIONS | {"Etc"}:
            # Legacy names such as 'US/Eastern' or 'Japan' become today's spelling.
            target = links.get(name, name)
            target = "UTC" if target in {"Etc/UTC", "Etc/Universal", "Etc/Zulu"} else target
            target = target if target in names else name
        exact[name.lower()] = target
        exact[name.lower().replace("_", " ")] = target

    listed = _read_zone_tab() & names
    regional = sorted(n for n in names if n.split("/")[0] in _REGIONS)
    canonical = sorted(listed) if listed else regional
    places: dict[str, str] = {}
    for name in canonical:
        places.setdefault(_city_key(name), name)
    # Older or merged spellings ('Asia/Calcutta', 'America/Montreal') still find a zone.
    for name in regional:
        target = links.get(name, name)
        places.setdefault(_city_key(name), target if target in names else name)
    for place, target in (*_CITIES.items(), *_COUNTRIES.items()):
        zone = _available(target, names) if isinstance(target, str) else None
        if zone:
            places.setdefault(place, zone)
    fuzzy_keys = tuple(sorted(places))
    for name in sorted(names):
        places.setdefault(fold(name), exact[name.lower()])
    return _Data(names, exact, places, fuzzy_keys)


def _city_key(name: str) -> str:
    return fold(name.rsplit("/", 1)[-1])


def _tz_files(filename: str) -> list[Path]:
    """Where the tz database's text files may live: the tzdata package, then the system."""
    paths: list[Path] = []
    with contextlib.suppress(ModuleNotFoundError, TypeError):
        paths.append(Path(str(resources.files("tzdata").joinpath("zoneinfo", filename))))
    paths.extend(Path(directory) / filename for directory in zoneinfo.TZPATH)
    return paths


def _read_first(filename: str) -> str:
    for path in _tz_files(filename):
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            continue
    return ""


def _read_links() -> dict[str, str]:
    """Alias -> target, from the compact tz source ('L America/New_York US/Eastern')."""
    links: dict[str, str] = {}
    for line in _read_first("tzdata.zi").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "L":
            links[parts[2]] = parts[1]
    return links


def _read_zone_tab() -> set[str]:
    """The zones zone.tab lists: one per country region, in today's spelling."""
    zones: set[str] = set()
    for line in _read_first("zone.tab").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and not line.startswith("#"):
            zones.add(parts[2].strip())
    return zones
