"""Forgiving time-zone matching: names, cities, abbreviations, offsets, countries, typos;
and never a confident wrong zone: unsure is a question, nonsense is a friendly no."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.zones import (
    MAX_CANDIDATES,
    PLACES_FILE,
    ZoneMatch,
    match_zone,
    same_clock,
    suggest_zones,
    zone_label,
)
from tests.conftest import Conversation

WINTER = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)
SUMMER = datetime(2027, 7, 15, 12, 0, tzinfo=UTC)
AT_1305_JAN = datetime(2027, 1, 15, 13, 5, tzinfo=UTC)
AT_1305_JUL = datetime(2027, 7, 15, 13, 5, tzinfo=UTC)


def one(zone: str) -> ZoneMatch:
    return ZoneMatch(zone, ())


@pytest.mark.parametrize(
    ("query", "zone"),
    [
        # exact IANA names, any case
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("AMERICA/NEW_YORK", "America/New_York"),
        ("america/new york", "America/New_York"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("Etc/GMT-2", "Etc/GMT-2"),
        ("  Asia/Tokyo  ", "Asia/Tokyo"),
        # legacy names map to today's spelling
        ("US/Eastern", "America/New_York"),
        ("us/pacific", "America/Los_Angeles"),
        # cities
        ("berlin", "Europe/Berlin"),
        ("Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("sao paulo", "America/Sao_Paulo"),
        ("são paulo", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),
        ("Los Angeles", "America/Los_Angeles"),
        ("los_angeles", "America/Los_Angeles"),
        ("buenos aires", "America/Argentina/Buenos_Aires"),
        ("port au prince", "America/Port-au-Prince"),
        ("honolulu", "Pacific/Honolulu"),
        ("tongatapu", "Pacific/Tongatapu"),
        ("calcutta", "Asia/Kolkata"),
        ("montreal", "America/Toronto"),
        ("munich", "Europe/Berlin"),
        ("san francisco", "America/Los_Angeles"),
        ("berlin time", "Europe/Berlin"),
        ("Berlin, Germany", "Europe/Berlin"),
        # abbreviations
        ("PST", "America/Los_Angeles"),
        ("pdt", "America/Los_Angeles"),
        ("PT", "America/Los_Angeles"),
        ("EST", "America/New_York"),
        ("EDT", "America/New_York"),
        ("ET", "America/New_York"),
        ("CDT", "America/Chicago"),
        ("CT", "America/Chicago"),
        ("MDT", "America/Denver"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("Z", "UTC"),
        ("BST", "Europe/London"),
        ("CET", "Europe/Berlin"),
        ("CEST", "Europe/Berlin"),
        ("AEDT", "Australia/Sydney"),
        ("JST", "Asia/Tokyo"),
        ("pacific time", "America/Los_Angeles"),
        # countries
        ("germany", "Europe/Berlin"),
        ("France", "Europe/Paris"),
        ("UK", "Europe/London"),
        ("united kingdom", "Europe/London"),
        ("japan", "Asia/Tokyo"),
        ("Japan", "Asia/Tokyo"),
        ("india", "Asia/Kolkata"),
        # clear misspellings
        ("new yrok", "America/New_York"),
        ("londn", "Europe/London"),
        ("los angelos", "America/Los_Angeles"),
        ("chicgo", "America/Chicago"),
        ("germny", "Europe/Berlin"),
        ("tokio", "Asia/Tokyo"),
    ],
)
def test_one_clear_zone(query: str, zone: str) -> None:
    assert match_zone(query, WINTER) == one(zone)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("IST", ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem")),
        ("+05:30", ("Asia/Kolkata", "Asia/Colombo")),
        ("UTC+5:30", ("Asia/Kolkata", "Asia/Colombo")),
        ("+0530", ("Asia/Kolkata", "Asia/Colombo")),
    ],
)
def test_ambiguous_queries_give_candidates(query: str, expected: tuple[str, ...]) -> None:
    assert match_zone(query, WINTER) == ZoneMatch(None, expected)


@pytest.mark.parametrize(
    "query", ["", "   ", "asdfgh", "hello world", "qwerty", "xyz", "12", "?!", "a" * 500]
)
def test_nonsense_matches_nothing(query: str) -> None:
    assert match_zone(query, WINTER) == ZoneMatch(None, ())


@pytest.mark.parametrize(
    ("query", "now", "hours", "cities", "fixed"),
    [
        (
            "UTC+2",
            WINTER,
            2,
            ("Europe/Athens", "Europe/Helsinki", "Africa/Johannesburg", "Africa/Cairo"),
            "Etc/GMT-2",
        ),
        ("UTC+2", SUMMER, 2, ("Europe/Berlin", "Europe/Paris", "Europe/Madrid"), "Etc/GMT-2"),
        ("GMT-5", WINTER, -5, ("America/New_York", "America/Bogota"), "Etc/GMT+5"),
        ("GMT-5", SUMMER, -5, ("America/Chicago", "America/Bogota"), "Etc/GMT+5"),
        ("utc +10", WINTER, 10, ("Australia/Brisbane",), "Etc/GMT-10"),
        ("UTC+10", SUMMER, 10, ("Australia/Brisbane", "Australia/Sydney"), "Etc/GMT-10"),
        ("UTC+13", SUMMER, 13, ("Pacific/Tongatapu",), "Etc/GMT-13"),
        ("UTC−3", WINTER, -3, ("America/Sao_Paulo",), "Etc/GMT+3"),
        ("-3", WINTER, -3, ("America/Sao_Paulo",), "Etc/GMT+3"),
    ],
)
def test_offsets_give_zones_with_that_offset_now(
    query: str, now: datetime, hours: int, cities: tuple[str, ...], fixed: str
) -> None:
    match = match_zone(query, now)
    assert match.zone is None
    assert set(cities) <= set(match.candidates)
    assert match.candidates[-1] == fixed
    assert len(match.candidates) <= MAX_CANDIDATES
    for name in match.candidates:
        assert now.astimezone(ZoneInfo(name)).utcoffset() == timedelta(hours=hours)


def test_the_fixed_offset_zone_comes_last_and_cities_first() -> None:
    candidates = match_zone("UTC+1", WINTER).candidates
    assert candidates[0] == "Europe/Berlin"
    assert candidates[-1] == "Etc/GMT-1"
    assert len(candidates) == MAX_CANDIDATES


def test_an_offset_only_one_well_known_place_has_is_that_place() -> None:
    assert match_zone("+05:45", WINTER) == one("Asia/Kathmandu")
    assert match_zone("UTC-10", SUMMER) == one("Pacific/Honolulu")


@pytest.mark.parametrize("query", ["UTC+0", "GMT-0", "+00:00"])
def test_a_zero_offset_is_utc(query: str) -> None:
    assert match_zone(query, WINTER) == one("UTC")


@pytest.mark.parametrize("query", ["UTC+15", "-13", "+03:17", "+05:75"])
def test_offsets_nowhere_uses_match_nothing(query: str) -> None:
    assert match_zone(query, WINTER) == ZoneMatch(None, ())


def test_offsets_depend_on_the_moment() -> None:
    assert "Pacific/Auckland" in match_zone("UTC+13", WINTER).candidates
    assert "Pacific/Auckland" not in match_zone("UTC+13", SUMMER).candidates


def test_countries_spanning_several_zones_give_candidates() -> None:
    usa = match_zone("USA", WINTER)
    assert usa.zone is None
    assert usa.candidates[:2] == ("America/New_York", "America/Chicago")
    assert "Pacific/Honolulu" in usa.candidates
    assert match_zone("australia", WINTER).candidates[0] == "Australia/Sydney"


def test_one_typo_is_read_but_two_are_only_offered() -> None:
    assert match_zone("berln", WINTER) == one("Europe/Berlin")
    match = match_zone("Johanesburgh", WINTER)
    assert match.zone is None
    assert match.candidates[0] == "Africa/Johannesburg"


def test_results_are_deterministic() -> None:
    for query in ("berln", "UTC+2", "IST", "usa"):
        assert len({match_zone(query, WINTER) for _ in range(3)}) == 1


def test_every_answer_is_a_loadable_zone() -> None:
    for query in ("berlin", "UTC+1", "berln", "IST", "canada", "EET", "US/Eastern"):
        match = match_zone(query, SUMMER)
        for name in (match.zone, *match.candidates):
            if name is not None:
                ZoneInfo(name)


def test_now_defaults_to_the_current_time() -> None:
    assert match_zone("+05:45") == one("Asia/Kathmandu")


@pytest.mark.parametrize(
    ("name", "now", "label"),
    [
        ("Europe/Berlin", AT_1305_JAN, "Europe/Berlin (UTC+01:00, 14:05 now)"),
        ("Europe/Berlin", AT_1305_JUL, "Europe/Berlin (UTC+02:00, 15:05 now)"),
        ("Asia/Kolkata", AT_1305_JAN, "Asia/Kolkata (UTC+05:30, 18:35 now)"),
        ("America/St_Johns", WINTER, "America/St_Johns (UTC-03:30, 08:30 now)"),
        ("Pacific/Honolulu", WINTER, "Pacific/Honolulu (UTC-10:00, 02:00 now)"),
        ("UTC", WINTER, "UTC (UTC+00:00, 12:00 now)"),
    ],
)
def test_zone_label(name: str, now: datetime, label: str) -> None:
    assert zone_label(name, now) == label


# -- never confidently wrong -----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "zone"),
    [
        ("I'm in Lagos", "Africa/Lagos"),
        ("est/edt", "America/New_York"),
        ("my zone is PST please", "America/Los_Angeles"),
        ("London, Ontario", "America/Toronto"),
        ("Lyon, Texas", "America/Chicago"),
        ("Rotterdam NL", "Europe/Amsterdam"),
        ("Birmingham UK", "Europe/London"),
        ("springfield, illinois", "America/Chicago"),
        ("Kiev", "Europe/Kyiv"),
        ("Bengaluru", "Asia/Kolkata"),
        ("the bay area", "America/Los_Angeles"),
        ("EAT", "Africa/Nairobi"),
        ("IST (India)", "Asia/Kolkata"),
        ("UTC+5:30 india", "Asia/Kolkata"),
        ("GMT+0", "UTC"),
        ("Lodnon", "Europe/London"),
        ("Europe/Londn", "Europe/London"),
        ("czechia", "Europe/Prague"),
        ("Madrid 🇪🇸", "Europe/Madrid"),
        ("🇮🇳", "Asia/Kolkata"),
        ("(UTC-05:00) Eastern Time (US & Canada)", "America/New_York"),
        # a zone.tab name stays as typed, though the tz database links it to Berlin's
        ("Stockholm", "Europe/Stockholm"),
    ],
)
def test_names_inside_what_members_type(query: str, zone: str) -> None:
    assert match_zone(query, WINTER) == one(zone)


@pytest.mark.parametrize(
    ("query", "offered"),
    [
        ("CST", {"America/Chicago", "Asia/Shanghai"}),
        ("MST", {"America/Denver", "America/Phoenix"}),
        ("AEST", {"Australia/Sydney", "Australia/Brisbane"}),
        ("GMT", {"Europe/London", "UTC"}),
        ("Birmingham", {"Europe/London", "America/Chicago"}),
        ("Georgia", {"America/New_York", "Asia/Tbilisi"}),
        ("Toronto or London?", {"America/Toronto", "Europe/London"}),
        ("Spain", {"Europe/Madrid", "Atlantic/Canary"}),
        # Windows' name for Sydney's zone: "eastern" alone would be New York
        ("AUS Eastern Standard Time", {"Australia/Sydney", "Australia/Brisbane"}),
        # a two-letter code after a city it does not hold: a state, or a country's code?
        ("Marrakech, MA", {"Africa/Casablanca", "America/New_York"}),
    ],
)
def test_a_name_with_several_clocks_is_a_question(query: str, offered: set[str]) -> None:
    match = match_zone(query, WINTER)
    assert match.zone is None
    assert offered <= set(match.candidates)


@pytest.mark.parametrize(
    "query",
    # "north" and "south" were cities through tz's old Australia/North and Australia/South
    ["atlantis", "Atlantis", "my house", "same as Ana", "asdf", "i eat at noon", "north", "south"],
)
def test_nothing_plausible_is_nothing(query: str) -> None:
    assert match_zone(query, WINTER) == ZoneMatch(None, ())


def test_names_that_keep_the_same_clock_are_one_answer() -> None:
    # Germany's two zones (Berlin, Busingen) and EET's four countries agree all year.
    assert match_zone("Germany", WINTER) == one("Europe/Berlin")
    assert match_zone("EET", WINTER).zone == "Europe/Athens"


def test_same_clock_compares_the_year_ahead_not_just_today() -> None:
    assert same_clock("Europe/Berlin", "Europe/Zurich", WINTER)
    # Same offset in January, different in summer.
    assert not same_clock("Europe/London", "UTC", WINTER)
    assert not same_clock("Australia/Sydney", "Australia/Brisbane", SUMMER)


def test_the_place_names_file_names_only_real_zones() -> None:
    data = yaml.safe_load(PLACES_FILE.read_text(encoding="utf-8"))
    named: set[str] = set(data["cities"])
    sections = ("abbreviations", "city_codes", "region_codes", "regions", "time_regions")
    for section in (*sections, "shared_names"):
        for key, zones in data[section].items():
            assert isinstance(key, str), key  # YAML reads a bare `on` or `no` as a bool
            named.update([zones] if isinstance(zones, str) else zones)
    known = zoneinfo.available_timezones() | {"UTC"}
    assert named - known == set()
    words = [*data["filler"], *data["person_names"], *data["not_by_city"]]
    words += [city for cities in data["cities"].values() for city in cities]
    assert [word for word in words if not isinstance(word, str)] == []


# -- what a member sees -------------------------------------------------------------------


async def test_an_unsure_zone_is_a_question_with_buttons(conversation: Conversation) -> None:
    ask = await conversation.one("/jobclub timezone CST")
    assert ask.text == "Which one do you mean by “CST”?"
    assert {"America/Chicago", "Asia/Shanghai"} <= set(ask.meta["candidates"])
    assert (await conversation.one("/jobclub settings")).meta["tz"] == "UTC"  # not set yet

    (chosen,) = await conversation.press(ask, "America/Chicago")
    assert chosen.text.startswith("Your time zone is now America/Chicago (UTC-06:00")
    assert (await conversation.one("/jobclub settings")).meta["tz"] == "America/Chicago"


async def test_a_doubtful_spelling_is_offered_not_set(conversation: Conversation) -> None:
    ask = await conversation.one("/jobclub timezone Johanesburgh")
    assert ask.text == "Is this the one you mean by “Johanesburgh”?"
    assert [b.label.split(" ")[0] for b in ask.buttons] == ["Africa/Johannesburg"]
    assert (await conversation.one("/jobclub settings")).meta["tz"] == "UTC"


async def test_a_place_in_a_sentence_is_set(conversation: Conversation) -> None:
    reply = await conversation.one("/jobclub timezone I'm in Lagos")
    assert reply.text.startswith("Your time zone is now Africa/Lagos (UTC+01:00")


async def test_nonsense_is_a_friendly_no_with_examples(conversation: Conversation) -> None:
    reply = await conversation.one("/jobclub timezone atlantis")
    assert reply.text.startswith("I don't know “atlantis” as a time zone. Try a city near you")
    assert "`/jobclub timezone berlin`" in reply.text
    assert (await conversation.one("/jobclub settings")).meta["tz"] == "UTC"


def test_suggestions_while_typing_complete_a_half_typed_place() -> None:
    assert "Europe/Berlin" in suggest_zones("berl", WINTER)
    assert suggest_zones("CST", WINTER)[:2] == ("America/Chicago", "Asia/Shanghai")
    assert suggest_zones("b", WINTER) == ()
    assert match_zone("berl", WINTER) == ZoneMatch(None, ())  # a suggestion, never a match


def test_a_place_that_is_also_a_first_name_after_same_as_is_only_offered() -> None:
    assert match_zone("same as Jordan", WINTER) == ZoneMatch(None, ("Asia/Amman",))
    assert match_zone("Jordan", WINTER) == one("Asia/Amman")
    assert match_zone("I wake up at 7 in Berlin", WINTER) == one("Europe/Berlin")


def test_a_curly_apostrophe_folds_like_a_straight_one() -> None:
    from bot.text import fold

    assert fold("Côte d’Ivoire") == fold("Côte d'Ivoire") == "cote divoire"
    assert match_zone("Côte d’Ivoire", now=WINTER) == match_zone("Côte d'Ivoire", now=WINTER)


@pytest.mark.parametrize(
    ("zone", "country"),
    [
        ("Europe/London", "GB"),
        ("Asia/Calcutta", "IN"),  # old spellings take the country of the zone they link to
        ("Europe/Kiev", "UA"),
        ("Asia/Saigon", "VN"),
        ("US/Eastern", "US"),
        ("Europe/Stockholm", "SE"),  # zone.tab's own name first, though it links to Berlin
        ("UTC", None),
    ],
)
def test_the_tz_tables_place_old_zone_names_in_their_country(
    zone: str, country: str | None
) -> None:
    from bot.tztables import zone_country

    assert zone_country().get(zone) == country
