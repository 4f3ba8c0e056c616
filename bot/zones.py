"""Forgiving time-zone matching for `/jobclub timezone ZONE`, never confidently wrong.

`match_zone` reads IANA names, cities, countries, states, abbreviations and UTC offsets,
also inside a short sentence ("I'm in Lagos", "Austin TX", "est/edt"), and clear
misspellings ("Lodnon"). A wrong zone is worse than a question: every reminder would
arrive at the wrong hour without the member noticing. So it answers with one zone only
when every reading of the text keeps the same clock (Zurich for Bern when Berlin was
meant is fine: they agree all year), and otherwise offers candidates (IST: India,
Ireland or Israel?) or nothing at all ("atlantis").

What it knows comes from data, not code: the tz database's own tables (every zone's
city, every country) and `zone_places.yaml` (big cities, states, abbreviations).
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from bot import tztables
from bot.text import fold

MAX_CANDIDATES = 8
MAX_QUERY_CHARS = 200
"""Longer than any place named in a sentence; beyond it nothing is read."""
PLACES_FILE = Path(__file__).with_name("zone_places.yaml")

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

# Zones offered for a UTC offset, most widely used first. An offset says nothing about
# daylight saving, so the member picks the place.
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
    r"(?<![\w+\-−–])(?:(?:utc|gmt|z)\s*)?(?P<sign>[+\-−–])\s*(?P<digits>\d{1,4})"
    r"(?:(?P<sep>[:h.])\s*(?P<minutes>\d{1,2}))?(?![\w:.])"
)
_TOKEN = re.compile(r"[A-Za-z0-9]+")
_FLAG = re.compile("[\U0001f1e6-\U0001f1ff]{2}")
_FLAG_A = 0x1F1E6
_MAX_SPAN = 5
"""The longest name, in words, looked for in what a member typed."""
_NO_SUCH_OFFSET = timedelta(days=1)
"""What "+05:75" reads as: clearly an offset, and one no zone has."""
_MIN_FUZZY_CHARS = 5
_MIN_TWO_TYPOS_CHARS = 9
_CITY, _REGION, _CLOCK = "city", "region", "clock"
"""What a name is: a region right after a city says where the city is ("Paris, Texas")."""
_COMPARING = frozenset({"as", "like", "with"})
"""Words before a name that may be a person's: "same as Jordan", "like Sydney"."""


@dataclass(frozen=True)
class ZoneMatch:
    """The outcome of matching: one zone, or candidates to choose from, or neither."""

    zone: str | None
    """IANA name when there is one clear choice."""
    candidates: tuple[str, ...] = ()
    """When unclear: up to 8 IANA names, best first (empty if nothing plausible)."""


_NOTHING = ZoneMatch(None, ())


@dataclass(frozen=True)
class _Name:
    """What one name can mean."""

    zones: tuple[str, ...]
    kind: str
    short: bool
    """EST, LA, TX: read in lower case only when nothing else typed is unknown, because
    "eat", "la" and "ms" are words too."""


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    name: _Name


@dataclass(frozen=True)
class _Data:
    names: frozenset[str]
    exact: dict[str, str]
    """Lower-cased IANA name (also with spaces for underscores) -> zone to use."""
    places: dict[str, _Name]
    """Folded name of a city, country, state or abbreviation -> what it can mean."""
    filler: frozenset[str]
    person_names: frozenset[str]
    """Places that are also first names, doubtful after "same as" or "like"."""
    fuzzy_keys: tuple[str, ...]
    """The names a misspelling is compared with: no abbreviations, nothing tiny."""
    region_cities: dict[str, tuple[str, ...]]
    """'europe' -> the folded city part of its zones, for 'Europe/Londn'."""
    country_names: dict[str, str]
    """ISO code -> country name, for flag emoji."""


def match_zone(query: str, now: datetime | None = None) -> ZoneMatch:
    """Find the zone a member means by `query`; `now` matters for offsets and for
    telling which zones keep the same clock."""
    raw = " ".join(query.split())
    if not raw or len(raw) > MAX_QUERY_CHARS:
        return _NOTHING
    data = _data()
    instant = _aware(now) if now is not None else datetime.now(UTC)

    exact = data.exact.get(raw.lower())
    if exact and "/" in raw:
        return ZoneMatch(exact, ())
    offset, rest = _find_offset(raw)
    if offset is not None:
        return _with_offset(offset, rest, instant, data)
    if exact and (exact == "UTC" or any(c.isdigit() for c in raw)):
        # Other legacy names without a slash ('EST', 'MST', 'GMT', 'Portugal') are read
        # as what a member means by them, below: the tz database's EST is Panama's clock.
        return ZoneMatch(exact, ())
    if "/" in raw and (slashed := _slashed(raw, data, instant)) is not None:
        return slashed
    tokens = _tokens(_flags_as_names(raw, data))
    mentions = _mentions(tokens, data)
    if not mentions:
        return _fuzzy(tokens, data, instant)
    match = _decide(_combine(mentions, instant), instant)
    if match.zone and _maybe_a_person(tokens, mentions, data):
        return ZoneMatch(None, (match.zone,))  # "same as Jordan": the country, or a friend?
    return match


def suggest_zones(typed: str, now: datetime | None = None) -> tuple[str, ...]:
    """Zones to offer while a member is still typing (Discord's autocomplete): what
    `match_zone` reads, else the places whose names start with what is typed so far.
    Only ever a list to pick from, so a half-typed word may offer several."""
    match = match_zone(typed, now)
    if match.zone or match.candidates:
        return (match.zone,) if match.zone else match.candidates
    key = fold(typed)
    if len(key) < 2:
        return ()
    data = _data()
    starts = sorted(
        (place for place in data.fuzzy_keys if place.startswith(key)),
        key=lambda place: (len(place), place),
    )
    return _unique(z for place in starts for z in data.places[place].zones)[:MAX_CANDIDATES]


def same_clock(first: str, second: str, now: datetime) -> bool:
    """Whether two zones show the same time from a month before `now` to a year after."""
    return first == second or _clock(first, _month(now)) == _clock(second, _month(now))


def zone_label(name: str, now: datetime) -> str:
    """E.g. 'Europe/Berlin (UTC+01:00, 14:05 now)'; raises for an unknown zone name."""
    local = _aware(now).astimezone(ZoneInfo(name))
    return f"{name} ({_format_offset(local.utcoffset() or timedelta(0))}, {local:%H:%M} now)"


# --- reading the text -------------------------------------------------------------


def _tokens(raw: str) -> list[tuple[str, bool]]:
    """Words as (folded, typed in capitals): accents and apostrophes dropped, as
    `bot.text.fold` does, but looking at the case first ("IST" is a zone, "ist" a word)."""
    decomposed = unicodedata.normalize("NFKD", raw.replace("'", "").replace("’", ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return [(word.lower(), len(word) > 1 and word.isupper()) for word in _TOKEN.findall(plain)]


def _flags_as_names(raw: str, data: _Data) -> str:
    """A flag emoji is two regional-indicator letters spelling the country's ISO code:
    "London 🇬🇧" reads as "London Britain"."""

    def country(found: re.Match[str]) -> str:
        code = "".join(chr(ord(c) - _FLAG_A + ord("A")) for c in found[0])
        return f" {data.country_names.get(code, '')} "

    return _FLAG.sub(country, raw)


def _mentions(tokens: Sequence[tuple[str, bool]], data: _Data) -> list[_Mention]:
    """Every name in the text, longest first, left to right; short names in lower case
    only when every other word was read or is filler."""
    found: list[tuple[_Mention, bool]] = []
    index = 0
    while index < len(tokens):
        for end in range(min(len(tokens), index + _MAX_SPAN), index, -1):
            words = [word for word, _ in tokens[index:end]]
            name = data.places.get(" ".join(words)) or data.places.get("".join(words))
            if name is not None:
                capitals = all(upper for _, upper in tokens[index:end])
                sure = not name.short or capitals
                found.append((_Mention(index, end, name), sure))
                index = end
                break
        else:
            index += 1
    covered = {i for mention, _ in found for i in range(mention.start, mention.end)}
    everything_read = all(i in covered or word in data.filler for i, (word, _) in enumerate(tokens))
    return [mention for mention, sure in found if sure or everything_read]


def _maybe_a_person(
    tokens: Sequence[tuple[str, bool]], mentions: Sequence[_Mention], data: _Data
) -> bool:
    return any(
        mention.start > 0
        and tokens[mention.start - 1][0] in _COMPARING
        and " ".join(word for word, _ in tokens[mention.start : mention.end]) in data.person_names
        for mention in mentions
    )


def _combine(mentions: Sequence[_Mention], now: datetime) -> tuple[str, ...]:
    """What several names together mean: the zones they agree on ("Berlin, Germany");
    a region right after a city it does not contain is where that city is ("Paris,
    Texas"); names that disagree ("Toronto or London", "AUS Eastern") are all offered."""
    zones = mentions[0].name.zones
    for before, mention in pairwise(mentions):
        shared = tuple(
            z for z in zones if any(same_clock(z, other, now) for other in mention.name.zones)
        )
        if shared:
            zones = shared
        elif (
            mention.name.kind == _REGION
            and not mention.name.short  # "MA": Massachusetts, or Morocco after Marrakech?
            and before.name.kind == _CITY
            and mention.start == before.end
        ):
            zones = mention.name.zones
        else:
            zones = _unique((*zones, *mention.name.zones))
    return zones


def _decide(zones: Sequence[str], now: datetime) -> ZoneMatch:
    """One zone when all readings keep the same clock, else the distinct ones to pick."""
    distinct: list[str] = []
    for zone in zones:
        if not any(same_clock(zone, kept, now) for kept in distinct):
            distinct.append(zone)
    if not distinct:
        return _NOTHING
    if len(distinct) == 1:
        return ZoneMatch(distinct[0], ())
    return ZoneMatch(None, tuple(distinct[:MAX_CANDIDATES]))


def _slashed(raw: str, data: _Data, now: datetime) -> ZoneMatch | None:
    """'Europe/Londn': a misspelt zone name, matched among its region's cities with the
    same care as any misspelling."""
    region, _, city = raw.partition("/")
    cities = data.region_cities.get(fold(region))
    if not cities:
        return None
    return _closest(fold(city), cities, data, now)


def _fuzzy(tokens: Sequence[tuple[str, bool]], data: _Data, now: datetime) -> ZoneMatch:
    """A misspelt name, once the filler words are set aside."""
    key = " ".join(word for word, _ in tokens if word not in data.filler)
    return _closest(key, data.fuzzy_keys, data, now) or _NOTHING


def _closest(key: str, names: Sequence[str], data: _Data, now: datetime) -> ZoneMatch | None:
    """One typo in a word of five letters or more is read when every name that close
    keeps the same clock; two typos (nine letters or more) are only offered. The first
    letter must match: people rarely get that one wrong."""
    if len(key.replace(" ", "")) < _MIN_FUZZY_CHARS:
        return None
    found = [
        (place, distance)
        for place, distance, _ in process.extract(
            key, names, scorer=DamerauLevenshtein.distance, score_cutoff=2, limit=4 * MAX_CANDIDATES
        )
        if place[0] == key[0] and place in data.places
    ]
    if not found:
        return None
    best = min(distance for _, distance in found)
    if best == 2 and len(key) < _MIN_TWO_TYPOS_CHARS:
        return None
    closest = sorted(
        (place for place, distance in found if distance == best),
        key=lambda place: (-fuzz.ratio(key, place), place),
    )
    match = _decide(_unique(z for place in closest for z in data.places[place].zones), now)
    if match.zone and best > 1:
        return ZoneMatch(None, (match.zone,))  # offered, never set: "atlantis" is not Atlanta
    return match


# --- offsets -----------------------------------------------------------------------


def _find_offset(raw: str) -> tuple[timedelta | None, str]:
    """A UTC offset anywhere in the text ("UTC+5:30 india"), and the text around it.
    An offset that cannot exist (+05:75) reads as one that matches nothing."""
    found = _OFFSET.search(raw.lower())
    if not found:
        return None, raw
    rest = f"{raw[: found.start()]} {raw[found.end() :]}".strip()
    digits, sep, minutes_text = found["digits"], found["sep"], found["minutes"]
    if sep or len(digits) <= 2:
        hours = int(digits)
        minutes = _minutes(sep, minutes_text)
    elif len(digits) == 3:
        hours, minutes = int(digits[0]), int(digits[1:])
    else:
        hours, minutes = int(digits[:2]), int(digits[2:])
    if minutes is None or minutes >= 60:
        return _NO_SUCH_OFFSET, rest
    offset = timedelta(hours=hours, minutes=minutes)
    return (offset if found["sign"] == "+" else -offset), rest


def _minutes(sep: str | None, text: str | None) -> int | None:
    """'5:30' and '5h30' are minutes; '5.5' and '5.75' are parts of an hour."""
    if not text:
        return 0
    if sep == "." and text in {"5", "25", "75"}:
        return {"5": 30, "25": 15, "75": 45}[text]
    return int(text) if len(text) == 2 else None


def _with_offset(offset: timedelta, rest: str, now: datetime, data: _Data) -> ZoneMatch:
    match = _match_offset(offset, now, data)
    mentions = _mentions(_tokens(rest), data)
    offered = (match.zone,) if match.zone else match.candidates
    if not mentions or not offered:
        return match
    named = _combine(mentions, now)
    shared = tuple(z for z in named if any(_same_offset(z, o, now) for o in offered))
    return _decide(shared, now) if shared else match


def _same_offset(first: str, second: str, now: datetime) -> bool:
    return (
        now.astimezone(ZoneInfo(first)).utcoffset() == now.astimezone(ZoneInfo(second)).utcoffset()
    )


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


# --- small helpers -----------------------------------------------------------------


def _available(spellings: str, names: frozenset[str]) -> str | None:
    """The first of 'Europe/Kyiv|Europe/Kiev' that this tz database has."""
    for name in spellings.split("|"):
        if name in names:
            return name
    return None


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _aware(instant: datetime) -> datetime:
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def _format_offset(offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _month(now: datetime) -> datetime:
    """Clocks are compared from the start of the month: one comparison serves all month."""
    return _aware(now).astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@lru_cache(maxsize=4096)
def _clock(name: str, month: datetime) -> tuple[timedelta | None, ...]:
    """The zone's offset twice a day from a month before `month` to a year after."""
    zone = ZoneInfo(name)
    start = month - timedelta(days=31)
    return tuple(
        (start + timedelta(hours=12 * step)).astimezone(zone).utcoffset() for step in range(800)
    )


# --- what is known -----------------------------------------------------------------


@cache
def _data() -> _Data:
    """Built on first use from the tz database and `zone_places.yaml`."""
    names = frozenset(zoneinfo.available_timezones()) | {"UTC"}
    links = tztables.links()
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

    extra = yaml.safe_load(PLACES_FILE.read_text(encoding="utf-8"))
    skip = {fold(word) for word in extra.get("not_by_city", ())}
    places: dict[str, _Name] = {}

    def add(key: str, zones: Iterable[str], kind: str, short: bool = False) -> None:
        known = _unique(z for z in (_available(t, names) for t in zones) if z)
        key = fold(key)
        if key and known:
            places[key] = _Name(known, kind, short or len(key) <= 2)

    # Weakest first: each later source overrides an earlier one for the same name; a
    # country keeps its name against a zone's city (Samoa is Apia, not Pacific/Samoa).
    for country, zones in _countries().items():
        add(country, zones, _REGION)
    region_cities: dict[str, list[str]] = {}
    for name in sorted(names, key=lambda n: (n not in _read_zone_tab(), n)):
        parts = name.split("/")
        if parts[0] not in _REGIONS:
            continue
        # zone.tab's own names stay as they are (Europe/Stockholm, not the Europe/Berlin
        # it links to: the member named Stockholm); older spellings (Asia/Calcutta) move on.
        target = name if name in _read_zone_tab() else links.get(name, name)
        target = target if target in names else name
        key = fold(parts[-1])
        region_cities.setdefault(fold(parts[0]), []).append(key)
        if parts[0] == "Antarctica" or key in skip or key in places:
            continue
        if len(parts) == 3 and parts[1] != "Argentina":
            continue  # America/Indiana/Knox: a county, not a city members name
        add(key, (target,), _CITY)
    for section, kind in (("regions", _REGION), ("time_regions", _CLOCK), ("shared_names", _CITY)):
        for key, zones in extra.get(section, {}).items():
            add(key, _as_list(zones), kind)
    for zone, cities in extra.get("cities", {}).items():
        for city in cities:
            if fold(city) not in extra.get("shared_names", {}):
                add(city, (zone,), _CITY)
    short_sections = (("city_codes", _CITY), ("region_codes", _REGION), ("abbreviations", _CLOCK))
    for section, kind in short_sections:
        for key, zones in extra.get(section, {}).items():
            add(key, _as_list(zones), kind, short=True)
    for key in list(places):
        if " " in key:
            places.setdefault(key.replace(" ", ""), places[key])
    fuzzy_keys = tuple(
        sorted(
            key
            for key, name in places.items()
            if not name.short and name.kind != _CLOCK and len(key) >= _MIN_FUZZY_CHARS - 1
        )
    )
    return _Data(
        names=names,
        exact=exact,
        places=places,
        filler=frozenset(extra.get("filler", ())),
        person_names=frozenset(fold(name) for name in extra.get("person_names", ())),
        fuzzy_keys=fuzzy_keys,
        region_cities={k: tuple(dict.fromkeys(v)) for k, v in region_cities.items()},
        country_names=tztables.country_names(),
    )


def _as_list(zones: str | list[str]) -> list[str]:
    return [zones] if isinstance(zones, str) else list(zones)


def _countries() -> dict[str, list[str]]:
    """Country name -> its zones in zone.tab order."""
    zones: dict[str, list[str]] = {}
    for code, zone in tztables.zone_tab():
        if not zone.startswith("Antarctica/"):
            zones.setdefault(code, []).append(zone)
    return {name: zones[code] for code, name in tztables.country_names().items() if code in zones}


@cache
def _read_zone_tab() -> frozenset[str]:
    """The zones zone.tab lists: one per country region, in today's spelling."""
    return frozenset(zone for _, zone in tztables.zone_tab())
