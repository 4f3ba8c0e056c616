"""Repeat rules: parsing phrases, storing them, and their occurrences across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from bot.recurrence import Recurrence, first_occurrence, next_occurrence, parse_recurrence

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
TONGA = ZoneInfo("Pacific/Tongatapu")
HONOLULU = ZoneInfo("Pacific/Honolulu")


def series(rule: Recurrence, now: datetime, zone: ZoneInfo, count: int) -> list[datetime]:
    """The first `count` occurrences after `now`, each checked to be aware UTC and rising."""
    found = [first_occurrence(rule, now, zone)]
    while len(found) < count:
        found.append(next_occurrence(rule, found[-1], zone))
    for earlier, later in zip([now, *found], found, strict=False):
        assert later.tzinfo is UTC
        assert later > earlier
    return found


def local(instants: list[datetime], zone: ZoneInfo) -> list[str]:
    return [i.astimezone(zone).strftime("%Y-%m-%d %H:%M %z") for i in instants]


def at(zone: ZoneInfo, *parts: int) -> datetime:
    """A local wall-clock time as an aware UTC instant."""
    return datetime(*parts, tzinfo=zone).astimezone(UTC)


# --- parsing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rest", "rule"),
    [
        ("stretch every day", "stretch", Recurrence("day")),
        ("stretch daily", "stretch", Recurrence("day")),
        ("review every week", "review", Recurrence("week")),
        ("review weekly.", "review", Recurrence("week")),
        ("call mentor every Monday", "call mentor", Recurrence("week", weekdays=(0,))),
        ("prepare 3 stories every 2 weeks", "prepare 3 stories", Recurrence("week", every=2)),
        ("network every other week", "network", Recurrence("week", every=2)),
        ("check in biweekly", "check in", Recurrence("week", every=2)),
        ("check in fortnightly", "check in", Recurrence("week", every=2)),
        ("update tracker every month", "update tracker", Recurrence("month")),
        ("update tracker monthly", "update tracker", Recurrence("month")),
        ("Update CV, every 3 months.", "Update CV", Recurrence("month", every=3)),
        ("report quarterly", "report", Recurrence("month", every=3)),
        ("every 6 months update LinkedIn", "update LinkedIn", Recurrence("month", every=6)),
        ("renew membership every year", "renew membership", Recurrence("month", every=12)),
        ("renew membership yearly", "renew membership", Recurrence("month", every=12)),
        (
            "meetup first Monday of each month",
            "meetup",
            Recurrence("month", weekdays=(0,), nth=1),
        ),
        (
            "club call first monday of every month",
            "club call",
            Recurrence("month", weekdays=(0,), nth=1),
        ),
        (
            "retro the last Friday of the month",
            "retro",
            Recurrence("month", weekdays=(4,), nth=-1),
        ),
        ("coffee every first Tuesday", "coffee", Recurrence("month", weekdays=(1,), nth=1)),
        (
            "call mentor every Monday at 10:30",
            "call mentor",
            Recurrence("week", weekdays=(0,), hour=10, minute=30),
        ),
        ("run every day at 4pm", "run", Recurrence("day", hour=16)),
        ("practice at 7am every day", "practice", Recurrence("day", hour=7)),
        (
            "send updates every 2 weeks on Monday at 10:30",
            "send updates",
            Recurrence("week", every=2, weekdays=(0,), hour=10, minute=30),
        ),
        (
            "club call first monday of every month at 4pm",
            "club call",
            Recurrence("month", weekdays=(0,), nth=1, hour=16),
        ),
        ("pay rent every month on the 31st", "pay rent", Recurrence("month", day=31)),
        ("pay rent on the 1st of every month", "pay rent", Recurrence("month", day=1)),
        ("apply to 5 jobs and every week", "apply to 5 jobs", Recurrence("week")),
        ("every Monday: apply to 5 jobs", "apply to 5 jobs", Recurrence("week", weekdays=(0,))),
        ("weekly: review applications", "review applications", Recurrence("week")),
        ("interview prep on Tuesdays", "interview prep", Recurrence("week", weekdays=(1,))),
        ("call mom every Sunday!", "call mom!", Recurrence("week", weekdays=(6,))),
        ("daily", "", Recurrence("day")),
    ],
)
def test_parse_finds_the_repeat_phrase(text: str, rest: str, rule: Recurrence) -> None:
    assert parse_recurrence(text) == (rest, rule)


WORKWEEK = (0, 1, 2, 3, 4)


@pytest.mark.parametrize(
    ("text", "rest", "rule"),
    [
        ("standup every weekday", "standup", Recurrence("week", weekdays=WORKWEEK)),
        ("standup every weekday at 8", "standup", Recurrence("week", weekdays=WORKWEEK, hour=8)),
        ("standup weekdays at 8", "standup", Recurrence("week", weekdays=WORKWEEK, hour=8)),
        (
            "check the board on weekdays at 8:30am",
            "check the board",
            Recurrence("week", weekdays=WORKWEEK, hour=8, minute=30),
        ),
        ("apply each working day", "apply", Recurrence("week", weekdays=WORKWEEK)),
        ("apply every work day at 9", "apply", Recurrence("week", weekdays=WORKWEEK)),
        ("apply mon-fri at 10", "apply", Recurrence("week", weekdays=WORKWEEK, hour=10)),
        ("apply Monday to Friday", "apply", Recurrence("week", weekdays=WORKWEEK)),
        ("review weekday mornings", "review", Recurrence("week", weekdays=WORKWEEK)),
        (
            "every weekday: apply to 2 jobs",
            "apply to 2 jobs",
            Recurrence("week", weekdays=WORKWEEK),
        ),
        ("tidy up every weekend", "tidy up", Recurrence("week", weekdays=(5, 6))),
        ("tidy up at weekends", "tidy up", Recurrence("week", weekdays=(5, 6))),
        (
            "run every monday, wednesday and friday at 7am",
            "run",
            Recurrence("week", weekdays=(0, 2, 4), hour=7),
        ),
        ("gym every tue/thu", "gym", Recurrence("week", weekdays=(1, 3))),
        ("swim on mondays and wednesdays", "swim", Recurrence("week", weekdays=(0, 2))),
        ("plan on Monday mornings", "plan", Recurrence("week", weekdays=(0,))),
        (
            "call mentor every Monday evening",
            "call mentor",
            Recurrence("week", weekdays=(0,), hour=19),
        ),
        ("call mum every evening", "call mum", Recurrence("day", hour=19)),
        ("stretch every morning at 7", "stretch", Recurrence("day", hour=7)),
        ("journal every night at 10", "journal", Recurrence("day", hour=22)),
        ("read every day at half past 7", "read", Recurrence("day", hour=7, minute=30)),
        ("water plants every day at 19h00", "water plants", Recurrence("day", hour=19)),
        ("walk every day at 8 in the evening", "walk", Recurrence("day", hour=20)),
        ("walk every day in the evening", "walk", Recurrence("day", hour=19)),
        ("lunch walk every day at noon", "lunch walk", Recurrence("day", hour=12)),
        ("log hours every day at midnight", "log hours", Recurrence("day", hour=23, minute=59)),
        ("practice at 0730 every day", "practice", Recurrence("day", hour=7, minute=30)),
        (
            "send updates every 2 weeks on Monday and Thursday",
            "send updates",
            Recurrence("week", every=2, weekdays=(0, 3)),
        ),
    ],
)
def test_every_weekday_and_weekdays_at_8_are_read_as_repeats(
    text: str, rest: str, rule: Recurrence
) -> None:
    """Bug: `every weekday` and `weekdays at 8` were not read (the text kept them)."""
    assert parse_recurrence(text) == (rest, rule)


@pytest.mark.parametrize(
    "text",
    [
        "prepare 3 stories",
        "write weekly notes",
        "read every article",
        "meet Sam on Tuesday",
        "move the call from Monday",
        "every 0 days",
        "",
    ],
)
def test_text_without_a_repeat_is_returned_unchanged(text: str) -> None:
    assert parse_recurrence(text) == (text, None)


def test_parse_uses_the_default_time_unless_the_phrase_has_one() -> None:
    assert parse_recurrence("walk every day", 18, 15)[1] == Recurrence("day", hour=18, minute=15)
    assert parse_recurrence("walk every day at 7:05", 18, 15)[1] == Recurrence(
        "day", hour=7, minute=5
    )


def test_a_number_that_is_not_a_time_stays_in_the_text() -> None:
    assert parse_recurrence("every day 3 stories") == ("3 stories", Recurrence("day"))


# --- storing and describing --------------------------------------------------------------

RULES = [
    Recurrence("day"),
    Recurrence("day", every=3, hour=7, minute=45),
    Recurrence("week", weekdays=(0,)),
    Recurrence("week", every=2, weekdays=(0,)),
    Recurrence("week", every=2),
    Recurrence("month", every=3),
    Recurrence("month", day=31),
    Recurrence("month", every=12),
    Recurrence("month", weekdays=(0,), nth=1),
    Recurrence("month", weekdays=(4,), nth=-1, hour=16, minute=30),
]


@pytest.mark.parametrize("rule", RULES)
def test_rrule_round_trip(rule: Recurrence) -> None:
    text = rule.to_rrule()
    assert text.startswith("RRULE:FREQ=")
    assert Recurrence.from_rrule(text) == rule
    assert Recurrence.from_rrule(text.removeprefix("RRULE:")) == rule


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (Recurrence("day"), "RRULE:FREQ=DAILY;BYHOUR=9;BYMINUTE=0"),
        (
            Recurrence("week", every=2, weekdays=(0,), hour=10, minute=30),
            "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=10;BYMINUTE=30",
        ),
        (
            Recurrence("week", weekdays=(0, 1, 2, 3, 4), hour=8),
            "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=0",
        ),
        (
            Recurrence("month", weekdays=(4,), nth=-1),
            "RRULE:FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=9;BYMINUTE=0",
        ),
        (Recurrence("month", day=15), "RRULE:FREQ=MONTHLY;BYMONTHDAY=15;BYHOUR=9;BYMINUTE=0"),
        (
            Recurrence("month", day=31),
            "RRULE:FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1;BYHOUR=9;BYMINUTE=0",
        ),
    ],
)
def test_rrule_text_is_standard(rule: Recurrence, text: str) -> None:
    assert rule.to_rrule() == text
    # dateutil reads the stored text, started at the first occurrence, to the same dates.
    utc = ZoneInfo("UTC")
    found = [i.replace(tzinfo=None) for i in series(rule, datetime(2027, 1, 1, tzinfo=UTC), utc, 6)]
    assert list(rrulestr(text, dtstart=found[0])[:6]) == found


@pytest.mark.parametrize(
    "bad",
    [
        "RRULE:FREQ=YEARLY;BYHOUR=9;BYMINUTE=0",
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=DAILY;INTERVAL=two",
        "FREQ=DAILY;BYHOUR=24",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=MONTHLY;BYDAY=MO",
        "FREQ=MONTHLY;BYDAY=5MO",
        "FREQ=WEEKLY;BYMONTHDAY=3",
        "FREQ=MONTHLY;BYMONTHDAY=3,4",
        "FREQ=DAILY;COUNT=3",
        "FREQ=DAILY;FREQ=DAILY",
        "",
        "{}",
    ],
)
def test_from_rrule_rejects_what_it_would_not_write(bad: str) -> None:
    with pytest.raises(ValueError):
        Recurrence.from_rrule(bad)


def test_fields_are_checked() -> None:
    for bad in (
        {"unit": "fortnight"},
        {"unit": "day", "every": 0},
        {"unit": "day", "every": "2"},
        {"unit": "day", "hour": 24},
        {"unit": "week", "weekdays": (7,)},
        {"unit": "week", "weekdays": (2, 1)},
        {"unit": "week", "weekdays": [1]},
        {"unit": "month", "weekdays": (0,)},
        {"unit": "month", "weekdays": (0,), "nth": 5},
        {"unit": "month", "weekdays": (0, 1), "nth": 1},
        {"unit": "week", "day": 3},
        {"unit": "day", "every": True},
    ):
        with pytest.raises(ValueError):
            Recurrence(**bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (Recurrence("day"), "every day at 09:00"),
        (Recurrence("day", every=3, hour=7, minute=45), "every 3 days at 07:45"),
        (Recurrence("week"), "every week at 09:00"),
        (Recurrence("week", weekdays=(0,)), "every Monday at 09:00"),
        (Recurrence("week", weekdays=WORKWEEK, hour=8), "every weekday at 08:00"),
        (
            Recurrence("week", weekdays=(0, 2, 4)),
            "every Monday, Wednesday and Friday at 09:00",
        ),
        (Recurrence("week", weekdays=(5, 6)), "every Saturday and Sunday at 09:00"),
        (
            Recurrence("week", every=2, weekdays=(0, 3)),
            "every 2 weeks on Monday and Thursday at 09:00",
        ),
        (Recurrence("week", every=2, weekdays=(0,)), "every 2 weeks on Monday at 09:00"),
        (Recurrence("month", every=3), "every 3 months at 09:00"),
        (Recurrence("month", day=31), "every month on the 31st at 09:00"),
        (Recurrence("month", every=12), "every year at 09:00"),
        (Recurrence("month", weekdays=(0,), nth=1), "on the first Monday of each month at 09:00"),
        (
            Recurrence("month", weekdays=(4,), nth=-1, hour=16, minute=30),
            "on the last Friday of each month at 16:30",
        ),
    ],
)
def test_describe(rule: Recurrence, text: str) -> None:
    assert rule.describe() == text


# --- first occurrence ------------------------------------------------------------------


def test_first_occurrence_is_today_when_the_time_is_still_ahead() -> None:
    now = at(NEW_YORK, 2027, 1, 6, 8, 0)  # a Wednesday
    assert first_occurrence(Recurrence("day"), now, NEW_YORK) == at(NEW_YORK, 2027, 1, 6, 9, 0)
    assert first_occurrence(Recurrence("week"), now, NEW_YORK) == at(NEW_YORK, 2027, 1, 6, 9, 0)
    assert first_occurrence(Recurrence("month", every=3), now, NEW_YORK) == at(
        NEW_YORK, 2027, 1, 6, 9, 0
    )


def test_first_occurrence_moves_on_one_unit_once_the_time_has_passed() -> None:
    now = at(NEW_YORK, 2027, 1, 6, 10, 0)
    assert first_occurrence(Recurrence("day"), now, NEW_YORK) == at(NEW_YORK, 2027, 1, 7, 9, 0)
    assert first_occurrence(Recurrence("week", every=2), now, NEW_YORK) == at(
        NEW_YORK, 2027, 1, 13, 9, 0
    )
    assert first_occurrence(Recurrence("month", every=3), now, NEW_YORK) == at(
        NEW_YORK, 2027, 2, 6, 9, 0
    )


def test_first_occurrence_is_strictly_after_now() -> None:
    now = at(NEW_YORK, 2027, 1, 6, 9, 0)
    assert first_occurrence(Recurrence("day"), now, NEW_YORK) == at(NEW_YORK, 2027, 1, 7, 9, 0)


def test_first_occurrence_finds_the_next_weekday_and_nth_weekday() -> None:
    now = at(NEW_YORK, 2027, 1, 6, 8, 0)  # Wednesday 6 January
    monday = Recurrence("week", weekdays=(0,))
    assert first_occurrence(monday, now, NEW_YORK) == at(NEW_YORK, 2027, 1, 11, 9, 0)
    first_monday = Recurrence("month", weekdays=(0,), nth=1)
    assert first_occurrence(first_monday, now, NEW_YORK) == at(NEW_YORK, 2027, 2, 1, 9, 0)
    last_friday = Recurrence("month", weekdays=(4,), nth=-1)
    assert first_occurrence(last_friday, now, NEW_YORK) == at(NEW_YORK, 2027, 1, 29, 9, 0)


def test_first_occurrence_uses_the_zones_date_not_utcs() -> None:
    # 23:00 UTC on 1 July is already 2 July in Tonga and still 1 July in Honolulu.
    now = datetime(2027, 7, 1, 23, 0, tzinfo=UTC)
    rule = Recurrence("day", hour=12)
    assert first_occurrence(rule, now, TONGA) == at(TONGA, 2027, 7, 3, 12, 0)
    assert first_occurrence(rule, now, HONOLULU) == at(HONOLULU, 2027, 7, 2, 12, 0)


# --- DST ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "spring", "autumn"),
    [
        (NEW_YORK, date(2027, 3, 14), date(2027, 11, 7)),
        (LONDON, date(2027, 3, 28), date(2027, 10, 31)),
        (SYDNEY, date(2027, 10, 3), date(2027, 4, 4)),
    ],
)
def test_weekly_0900_stays_0900_across_both_changes(
    zone: ZoneInfo, spring: date, autumn: date
) -> None:
    for change in (spring, autumn):
        start = datetime.combine(change - timedelta(days=14), datetime.min.time(), zone)
        rule = Recurrence("week", weekdays=(change.weekday(),))
        found = series(rule, start.astimezone(UTC), zone, 5)
        walls = [i.astimezone(zone) for i in found]
        assert [w.strftime("%H:%M") for w in walls] == ["09:00"] * 5
        assert [w.date() for w in walls] == [change + timedelta(weeks=k) for k in range(-2, 3)]
        assert len({w.utcoffset() for w in walls}) == 2


@pytest.mark.parametrize(
    ("zone", "gap_day", "expected"),
    [
        # The clocks jump from 02:00 to 03:00: the first minute that exists is 03:00.
        (NEW_YORK, date(2027, 3, 14), "2027-03-14 03:00 -0400"),
        (SYDNEY, date(2027, 10, 3), "2027-10-03 03:00 +1100"),
        # London jumps from 01:00 to 02:00, so 02:30 exists there.
        (LONDON, date(2027, 3, 28), "2027-03-28 02:30 +0100"),
    ],
)
def test_a_0230_daily_rule_on_the_gap_day(zone: ZoneInfo, gap_day: date, expected: str) -> None:
    start = datetime.combine(gap_day - timedelta(days=2), datetime.min.time(), zone)
    found = local(series(Recurrence("day", hour=2, minute=30), start, zone, 4), zone)
    assert found[2] == expected
    assert [f[11:16] for k, f in enumerate(found) if k != 2] == ["02:30"] * 3


def test_next_occurrence_after_a_gap_goes_back_to_the_rules_time() -> None:
    rule = Recurrence("day", hour=2, minute=30)
    shifted = at(NEW_YORK, 2027, 3, 14, 3, 0)
    assert next_occurrence(rule, shifted, NEW_YORK) == at(NEW_YORK, 2027, 3, 15, 2, 30)


@pytest.mark.parametrize(
    ("zone", "repeat_day", "hour", "first_offset"),
    [
        (NEW_YORK, date(2027, 11, 7), 1, "-0400"),
        (LONDON, date(2027, 10, 31), 1, "+0100"),
        (SYDNEY, date(2027, 4, 4), 2, "+1100"),
    ],
)
def test_a_time_in_the_repeated_hour_happens_once(
    zone: ZoneInfo, repeat_day: date, hour: int, first_offset: str
) -> None:
    rule = Recurrence("day", hour=hour, minute=30)
    start = datetime.combine(repeat_day - timedelta(days=1), datetime.min.time(), zone)
    found = series(rule, start, zone, 3)
    walls = local(found, zone)
    assert [w[:10] for w in walls] == [
        str(repeat_day - timedelta(days=1)),
        str(repeat_day),
        str(repeat_day + timedelta(days=1)),
    ]
    assert walls[1] == f"{repeat_day} {hour:02d}:30 {first_offset}"
    # Asking again from inside the repeated hour never gives the second 01:30.
    assert next_occurrence(rule, found[1], zone) == found[2]
    assert first_occurrence(rule, found[1], zone) == found[2]
    assert first_occurrence(rule, found[1] + timedelta(minutes=45), zone) == found[2]


# --- longer series ---------------------------------------------------------------------------


def test_monthly_on_the_31st_is_clamped_and_comes_back() -> None:
    rule = Recurrence("month", day=31)
    found = local(series(rule, at(NEW_YORK, 2027, 1, 1, 0, 0), NEW_YORK, 7), NEW_YORK)
    assert [f[:10] for f in found] == [
        "2027-01-31",
        "2027-02-28",
        "2027-03-31",
        "2027-04-30",
        "2027-05-31",
        "2027-06-30",
        "2027-07-31",
    ]
    assert {f[11:16] for f in found} == {"09:00"}


def test_monthly_on_the_29th_in_a_leap_year() -> None:
    rule = Recurrence("month", day=29)
    found = local(series(rule, at(LONDON, 2028, 1, 30, 0, 0), LONDON, 2), LONDON)
    assert [f[:10] for f in found] == ["2028-02-29", "2028-03-29"]


def test_anchored_keeps_the_day_a_monthly_rule_started_on() -> None:
    now = at(NEW_YORK, 2027, 1, 31, 10, 0)  # 09:00 has passed: the first one is in February
    loose = Recurrence("month")
    pinned = loose.anchored(now, NEW_YORK)
    assert pinned == Recurrence("month", day=31)
    assert pinned.describe() == "every month on the 31st at 09:00"
    assert first_occurrence(pinned, now, NEW_YORK) == first_occurrence(loose, now, NEW_YORK)
    dates = [f[:10] for f in local(series(pinned, now, NEW_YORK, 3), NEW_YORK)]
    assert dates == ["2027-02-28", "2027-03-31", "2027-04-30"]
    assert Recurrence("week", every=2).anchored(now, NEW_YORK) == Recurrence(
        "week", every=2, weekdays=(6,)
    )
    assert Recurrence("day").anchored(now, NEW_YORK) == Recurrence("day")


@pytest.mark.parametrize("zone", [NEW_YORK, LONDON, SYDNEY, TONGA, HONOLULU])
def test_first_monday_of_each_month_for_a_year(zone: ZoneInfo) -> None:
    rule = Recurrence("month", weekdays=(0,), nth=1)
    found = [i.astimezone(zone) for i in series(rule, at(zone, 2027, 1, 1, 0, 0), zone, 12)]
    assert [f.day for f in found] == [4, 1, 1, 5, 3, 7, 5, 2, 6, 4, 1, 6]
    assert [f.month for f in found] == list(range(1, 13))
    assert {(f.weekday(), f.hour, f.minute) for f in found} == {(0, 9, 0)}


def test_last_friday_of_each_month() -> None:
    rule = Recurrence("month", weekdays=(4,), nth=-1, hour=16, minute=30)
    found = local(series(rule, at(LONDON, 2027, 1, 1, 0, 0), LONDON, 4), LONDON)
    assert found == [
        "2027-01-29 16:30 +0000",
        "2027-02-26 16:30 +0000",
        "2027-03-26 16:30 +0000",
        "2027-04-30 16:30 +0100",
    ]


def test_every_2_weeks_across_the_spring_change() -> None:
    rule = Recurrence("week", every=2, weekdays=(0,))
    found = local(series(rule, at(NEW_YORK, 2027, 2, 28, 12, 0), NEW_YORK, 4), NEW_YORK)
    assert found == [
        "2027-03-01 09:00 -0500",
        "2027-03-15 09:00 -0400",
        "2027-03-29 09:00 -0400",
        "2027-04-12 09:00 -0400",
    ]


def test_every_3_days_and_every_other_week_without_a_weekday() -> None:
    now = at(SYDNEY, 2027, 4, 1, 8, 0)
    days = local(series(Recurrence("day", every=3), now, SYDNEY, 3), SYDNEY)
    assert days == ["2027-04-01 09:00 +1100", "2027-04-04 09:00 +1000", "2027-04-07 09:00 +1000"]
    weeks = local(series(Recurrence("week", every=2), now, SYDNEY, 3), SYDNEY)
    assert [w[:10] for w in weeks] == ["2027-04-01", "2027-04-15", "2027-04-29"]


def test_every_3_months_keeps_local_time_through_dst() -> None:
    rule = Recurrence("month", every=3, day=15)
    found = local(series(rule, at(LONDON, 2027, 1, 1, 0, 0), LONDON, 5), LONDON)
    assert found == [
        "2027-01-15 09:00 +0000",
        "2027-04-15 09:00 +0100",
        "2027-07-15 09:00 +0100",
        "2027-10-15 09:00 +0100",
        "2028-01-15 09:00 +0000",
    ]


def test_every_year() -> None:
    rule = Recurrence("month", every=12, day=29)
    found = local(series(rule, at(HONOLULU, 2028, 2, 1, 0, 0), HONOLULU, 3), HONOLULU)
    assert [f[:10] for f in found] == ["2028-02-29", "2029-02-28", "2030-02-28"]


@pytest.mark.parametrize(("zone", "offset"), [(TONGA, "+1300"), (HONOLULU, "-1000")])
def test_far_from_utc_zones(zone: ZoneInfo, offset: str) -> None:
    now = datetime(2027, 12, 31, 12, 0, tzinfo=UTC)
    weekly = local(series(Recurrence("week", weekdays=(4,)), now, zone, 3), zone)
    assert all(w.endswith(f"09:00 {offset}") for w in weekly)
    assert all(datetime.strptime(w[:10], "%Y-%m-%d").weekday() == 4 for w in weekly)
    monthly = local(series(Recurrence("month", day=31), now, zone, 3), zone)
    assert [m[:10] for m in monthly] == (
        ["2028-01-31", "2028-02-29", "2028-03-31"]
        if zone is TONGA
        else ["2027-12-31", "2028-01-31", "2028-02-29"]
    )


def test_next_occurrence_returns_to_the_weekday_after_an_off_day_previous() -> None:
    rule = Recurrence("week", weekdays=(0,))
    wednesday = at(LONDON, 2027, 1, 6, 9, 0)
    assert next_occurrence(rule, wednesday, LONDON) == at(LONDON, 2027, 1, 11, 9, 0)


def test_naive_instants_are_taken_as_utc() -> None:
    naive = datetime(2027, 1, 6, 8, 0)
    assert first_occurrence(Recurrence("day"), naive, ZoneInfo("UTC")) == datetime(
        2027, 1, 6, 9, 0, tzinfo=UTC
    )
