"""Reading when a member can practise: the shapes of phrasing, not a list of sentences.

The scored phrasings live in bench/availability_phrases.yaml (train/dev/test); these
tests pin the rules each shape relies on."""

from __future__ import annotations

import pytest

from bot.availability import AvailabilityError, Window, parse_availability


def windows(text: str) -> set[tuple[int, int, int]]:
    return {(w.day, w.start, w.end) for w in parse_availability(text).windows}


def test_days_then_ranges_and_a_comma_starts_new_days() -> None:
    got = windows("weekdays 18:00-20:00, sat 10:00-12:00")
    assert got == {(d, 1080, 1200) for d in range(5)} | {(5, 600, 720)}


def test_pm_said_once_is_shared_and_a_part_of_the_day_settles_am_or_pm() -> None:
    assert windows("tue 6-8pm") == {(1, 1080, 1200)}
    assert windows("thu 11-1pm") == {(3, 660, 780)}
    assert windows("fri 7 to 9 in the evening") == {(4, 1140, 1260)}


def test_times_before_days_wait_for_them_and_and_separates_whole_units() -> None:
    assert windows("10-12 on saturdays") == {(5, 600, 720)}
    got = windows("evenings and weekends")
    assert (0, 1080, 1260) in got and (5, 600, 1020) in got and (5, 1080, 1260) in got


def test_a_window_past_midnight_goes_on_into_the_next_day() -> None:
    assert windows("sun 22:00-01:00") == {(6, 1320, 1440), (0, 0, 60)}


def test_describe_groups_days_with_the_same_hours() -> None:
    read = parse_availability("mon-fri 18:00-20:00, sat 10-12")
    assert read.describe() == "Mon–Fri 18:00–20:00, Sat 10:00–12:00"
    assert Window(5, 600, 720) in read.windows


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Say when"),
        ("someday", "“someday”"),
        ("mon 18:00-18:30", "shorter than an hour"),
        ("weekdays 8", "“8”"),
        ("mon 25:00-26:00", "not a clock time"),
    ],
)
def test_what_cannot_be_read_is_named_back(text: str, says: str) -> None:
    with pytest.raises(AvailabilityError, match=says):
        parse_availability(text)
