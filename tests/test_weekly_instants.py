"""Every weekly schedule (check-ins, their club summary, the digest, partner rounds) finds
its next instant through one helper, `bot.weekly.next_weekly`: the wall-clock time stays
put across daylight saving, a skipped time happens at the first minute that exists, and a
repeated one happens once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.weekly import next_weekly
from tests.conftest import Conversation

BERLIN = ZoneInfo("Europe/Berlin")
SYDNEY = ZoneInfo("Australia/Sydney")
MON, FRI, SUN = 0, 4, 6


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def weeks_of(weekday: int, minutes: int, zone: ZoneInfo, after: datetime, n: int) -> list[str]:
    """`n` instants in a row, each as its wall clock reads it (time and UTC offset)."""
    out = []
    for _ in range(n):
        after = next_weekly(weekday, minutes, zone, after)
        out.append(after.astimezone(zone).strftime("%a %d %b %H:%M %z"))
    return out


def test_monday_nine_stays_nine_when_berlin_springs_forward() -> None:
    # Clocks go forward on Sun 28 Mar 2027: the UTC instant moves an hour earlier.
    assert weeks_of(MON, 9 * 60, BERLIN, utc(2027, 3, 20), 3) == [
        "Mon 22 Mar 09:00 +0100",
        "Mon 29 Mar 09:00 +0200",
        "Mon 05 Apr 09:00 +0200",
    ]


def test_friday_sixteen_stays_sixteen_when_berlin_falls_back() -> None:
    assert weeks_of(FRI, 16 * 60, BERLIN, utc(2026, 10, 17), 3) == [
        "Fri 23 Oct 16:00 +0200",
        "Fri 30 Oct 16:00 +0100",
        "Fri 06 Nov 16:00 +0100",
    ]


def test_a_skipped_time_happens_at_the_first_minute_that_exists() -> None:
    # 02:30 does not exist in Berlin on Sun 28 Mar 2027; the week after it does again.
    assert weeks_of(SUN, 2 * 60 + 30, BERLIN, utc(2027, 3, 27), 2) == [
        "Sun 28 Mar 03:00 +0200",
        "Sun 04 Apr 02:30 +0200",
    ]


def test_a_repeated_time_happens_once() -> None:
    # 02:30 happens twice in Berlin on Sun 25 Oct 2026: once for the schedule, then a week on.
    first = next_weekly(SUN, 2 * 60 + 30, BERLIN, utc(2026, 10, 24))
    assert first == utc(2026, 10, 25, 0, 30)  # the first 02:30 (+02:00)
    second = next_weekly(SUN, 2 * 60 + 30, BERLIN, first)
    assert second.astimezone(BERLIN).strftime("%a %d %b %H:%M %z") == "Sun 01 Nov 02:30 +0100"


def test_southern_hemisphere_weeks_move_the_other_way() -> None:
    # Sydney's clocks go back on Sun 4 Apr 2027 and forward on Sun 3 Oct 2027.
    assert weeks_of(MON, 9 * 60, SYDNEY, utc(2027, 3, 28), 2) == [
        "Mon 29 Mar 09:00 +1100",
        "Mon 05 Apr 09:00 +1000",
    ]
    assert weeks_of(MON, 9 * 60, SYDNEY, utc(2027, 9, 26), 2) == [
        "Mon 27 Sep 09:00 +1000",
        "Mon 04 Oct 09:00 +1100",
    ]


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        pytest.param(utc(2027, 3, 1, 7, 59), utc(2027, 3, 1, 8, 0), id="a minute before: today"),
        pytest.param(utc(2027, 3, 1, 8, 0), utc(2027, 3, 8, 8, 0), id="at it: a week on"),
        pytest.param(utc(2027, 3, 1, 8, 1), utc(2027, 3, 8, 8, 0), id="just after: a week on"),
        pytest.param(
            utc(2027, 2, 28, 23, 30), utc(2027, 3, 1, 8, 0), id="UTC Sunday, Monday local"
        ),
    ],
)
def test_strictly_after_and_on_the_local_calendar(after: datetime, expected: datetime) -> None:
    assert next_weekly(MON, 9 * 60, BERLIN, after) == expected


async def test_a_berlin_checkin_arrives_at_sixteen_both_sides_of_the_change(
    conversation: Conversation,
) -> None:
    """What a member sees: the Friday check-in at 16:00 on her clock, before and after."""
    conversation.zones["Ada"] = "Europe/Berlin"
    conversation.clock.set(utc(2027, 3, 22, 8, 0))  # Monday; clocks go forward on Sunday
    await conversation.one("/checkin on")
    arrived = await conversation.advance(utc(2027, 4, 3))
    asked = [d.local("Europe/Berlin") for d in arrived if d.kind == "weekly-checkin"]
    assert [t.strftime("%a %d %b %H:%M") for t in asked] == ["Fri 26 Mar 16:00", "Fri 02 Apr 16:00"]
    assert [t.utcoffset() for t in asked] == [timedelta(hours=1), timedelta(hours=2)]
