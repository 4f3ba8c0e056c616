"""Reminders across daylight-saving changes, and in zones far from UTC.

A 09:00 commitment means 09:00 on the member's wall clock on both sides of a change,
exactly once per day; a time the clocks skip fires once at the first minute that
exists; a time the clocks repeat fires once, at its first pass.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import START, Conversation, Delivered


def about(messages: list[Delivered], commitment: int) -> list[Delivered]:
    """The reminders and check-ins that arrived about one commitment."""
    return [m for m in messages if m.meta.get("commitment_id") == commitment]


def reminders(messages: list[Delivered], commitment: int) -> list[datetime]:
    """When each reminder of `commitment` arrived."""
    return [m.at for m in about(messages, commitment) if m.kind == "reminder"]


def local(day: date, at: time, zone: ZoneInfo, fold: int = 0) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).replace(fold=fold).astimezone(UTC)


def wall(instants: list[datetime], zone: ZoneInfo) -> list[tuple[date, time]]:
    return [(i.astimezone(zone).date(), i.astimezone(zone).time()) for i in instants]


async def as_member_in(conversation: Conversation, zone: str, start: datetime) -> None:
    conversation.zones["Ada"] = zone
    conversation.clock.set(start)


TRANSITIONS = [
    pytest.param("America/New_York", date(2027, 3, 14), id="new-york-spring"),
    pytest.param("America/New_York", date(2027, 11, 7), id="new-york-autumn"),
    pytest.param("Europe/London", date(2027, 3, 28), id="london-spring"),
    pytest.param("Europe/London", date(2027, 10, 31), id="london-autumn"),
    pytest.param("Australia/Sydney", date(2027, 4, 4), id="sydney-autumn"),
    pytest.param("Australia/Sydney", date(2027, 10, 3), id="sydney-spring"),
]


@pytest.mark.parametrize(("zone_name", "change"), TRANSITIONS)
async def test_daily_and_weekly_nine_am_stay_at_nine_across_the_change(
    conversation: Conversation, zone_name: str, change: date
) -> None:
    zone = ZoneInfo(zone_name)
    assert change.weekday() == 6  # each of these changes happens on a Sunday
    await as_member_in(conversation, zone_name, local(change - timedelta(days=8), time(12), zone))
    daily = await conversation.one("/commit stand-up notes every day at 9am")
    weekly = await conversation.one("/commit weekly review every sunday at 9am")
    assert daily.text.endswith("Repeats every day at 09:00.")
    assert weekly.text.endswith("Repeats every Sunday at 09:00.")

    arrived = await conversation.advance(local(change + timedelta(days=8), time(12), zone))

    days = [change + timedelta(days=n) for n in range(-7, 9)]
    sent_daily = reminders(arrived, daily.meta["commitment_id"])
    assert wall(sent_daily, zone) == [(d, time(9)) for d in days]  # each day once, at 09:00
    sundays = [change - timedelta(days=7), change, change + timedelta(days=7)]
    sent_weekly = reminders(arrived, weekly.meta["commitment_id"])
    assert wall(sent_weekly, zone) == [(d, time(9)) for d in sundays]
    # The walk really crossed the change: the UTC instant of 09:00 moved by an hour.
    offsets = {i.astimezone(zone).utcoffset() for i in sent_daily}
    assert len(offsets) == 2
    assert sent_weekly[2] - sent_weekly[0] != timedelta(days=14)
    # Repeating commitments are reminded, never checked in on.
    ours = about(arrived, daily.meta["commitment_id"]) + about(
        arrived, weekly.meta["commitment_id"]
    )
    assert {m.kind for m in ours} == {"reminder"}
    assert all(m.to == "Ada" for m in ours)
    # What the member reads says 09:00 in her zone every time.
    texts = [m.plain_text() for m in about(arrived, daily.meta["commitment_id"])]
    assert all(f", 09:00 ({zone_name})." in text for text in texts)


async def test_daily_reminder_across_new_york_spring_on_any_database(
    any_db_conversation: Conversation,
) -> None:
    zone = ZoneInfo("America/New_York")
    change = date(2027, 3, 14)
    await as_member_in(
        any_db_conversation, zone.key, local(change - timedelta(days=2), time(12), zone)
    )
    daily = await any_db_conversation.one("/commit stand-up notes every day at 9am")
    arrived = await any_db_conversation.advance(local(change + timedelta(days=2), time(12), zone))
    sent = reminders(arrived, daily.meta["commitment_id"])
    assert sent == [
        datetime(2027, 3, 13, 14, tzinfo=UTC),  # 09:00 EST
        datetime(2027, 3, 14, 13, tzinfo=UTC),  # 09:00 EDT
        datetime(2027, 3, 15, 13, tzinfo=UTC),
        datetime(2027, 3, 16, 13, tzinfo=UTC),
    ]


async def test_a_one_off_in_the_skipped_hour_fires_once_at_three_edt(
    conversation: Conversation,
) -> None:
    await as_member_in(conversation, "America/New_York", datetime(2027, 3, 10, 15, tzinfo=UTC))
    reply = await conversation.one("/commit call the recruiter on 14 march at 2:30am")
    assert reply.text == (
        "Got it: call the recruiter\nDue Sun 14 Mar, 03:00 (America/New_York).\n"
        "02:30 doesn't exist on Sun 14 Mar (the clocks go forward that night); "
        "I'll remind you at 03:00."
    )
    assert reply.meta["due_at"] == "2027-03-14T03:00:00-04:00"
    three_edt = datetime(2027, 3, 14, 7, tzinfo=UTC)

    cid = reply.meta["commitment_id"]
    assert about(await conversation.advance(three_edt - timedelta(seconds=1)), cid) == []
    arrived = await conversation.advance(three_edt + timedelta(hours=30))
    assert [(m.kind, m.at) for m in about(arrived, cid)] == [
        ("reminder", three_edt),
        ("still-open", three_edt + timedelta(hours=24)),
    ]


async def test_a_daily_time_in_the_skipped_hour_fires_once_that_day(
    conversation: Conversation,
) -> None:
    zone = ZoneInfo("America/New_York")
    await as_member_in(conversation, zone.key, datetime(2027, 3, 12, 12, tzinfo=UTC))
    reply = await conversation.one("/commit water the plants every day at 2:30am")
    assert reply.text.endswith(
        "Repeats every day at 02:30.\n02:30 doesn't exist on Sun 14 Mar (the clocks go "
        "forward that night); that day I'll remind you at 03:00."
    )
    arrived = await conversation.advance(datetime(2027, 3, 16, 12, tzinfo=UTC))
    assert wall(reminders(arrived, reply.meta["commitment_id"]), zone) == [
        (date(2027, 3, 13), time(2, 30)),
        (date(2027, 3, 14), time(3, 0)),  # 02:30 does not exist that night
        (date(2027, 3, 15), time(2, 30)),
        (date(2027, 3, 16), time(2, 30)),
    ]


async def test_a_time_in_the_repeated_hour_fires_once_at_its_first_pass(
    conversation: Conversation,
) -> None:
    zone = ZoneInfo("America/New_York")
    await as_member_in(conversation, zone.key, datetime(2027, 11, 4, 12, tzinfo=UTC))
    one_off = await conversation.one("/commit send the thank-you on 7 nov at 1:30am")
    daily = await conversation.one("/commit journal every day at 1:30am")
    first_pass = local(date(2027, 11, 7), time(1, 30), zone, fold=0)
    assert first_pass == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)  # 01:30 EDT
    assert one_off.meta["due_at"] == "2027-11-07T01:30:00-04:00"

    arrived = await conversation.advance(datetime(2027, 11, 9, 12, tzinfo=UTC))
    assert reminders(arrived, one_off.meta["commitment_id"]) == [first_pass]
    sent = reminders(arrived, daily.meta["commitment_id"])
    assert wall(sent, zone) == [
        (date(2027, 11, 5), time(1, 30)),
        (date(2027, 11, 6), time(1, 30)),
        (date(2027, 11, 7), time(1, 30)),
        (date(2027, 11, 8), time(1, 30)),
        (date(2027, 11, 9), time(1, 30)),
    ]
    assert first_pass in sent and first_pass + timedelta(hours=1) not in sent


@pytest.mark.parametrize(
    ("zone_name", "shown", "due_utc"),
    [
        # 14:00 UTC on Wed 25 Nov is already 03:00 on Thu 26 Nov in Tonga (UTC+13)...
        ("Pacific/Tongatapu", "Fri 27 Nov, 09:00", datetime(2026, 11, 26, 20, tzinfo=UTC)),
        # ...and still 04:00 on Wed 25 Nov in Honolulu (UTC-10).
        ("Pacific/Honolulu", "Thu 26 Nov, 09:00", datetime(2026, 11, 26, 19, tzinfo=UTC)),
    ],
)
async def test_tomorrow_is_the_members_local_tomorrow(
    conversation: Conversation, zone_name: str, shown: str, due_utc: datetime
) -> None:
    conversation.zones["Ada"] = zone_name
    assert conversation.clock.now() == START
    typed = await conversation.one("/commit email Ana tomorrow 9am")
    assert typed.text == f"Got it: email Ana\nDue {shown} ({zone_name})."
    assert datetime.fromisoformat(typed.meta["due_at"]) == due_utc

    ask = await conversation.one("/commit update my CV")
    (preset,) = await conversation.press(ask, "Tomorrow morning")
    assert datetime.fromisoformat(preset.meta["due_at"]) == due_utc

    early = await conversation.advance(due_utc - timedelta(seconds=1))
    assert [m for m in early if "commitment_id" in m.meta] == []
    arrived = await conversation.advance(due_utc + timedelta(minutes=1))
    assert reminders(arrived, typed.meta["commitment_id"]) == [due_utc]
    assert reminders(arrived, ask.meta["commitment_id"]) == [due_utc]
    (first, _) = [m for m in arrived if m.kind == "reminder"]
    assert first.local(zone_name).time() == time(9)
    assert f"It's time: due {shown} ({zone_name})." in first.plain_text()


async def test_a_time_in_the_gap_is_named_in_every_confirmation(
    conversation: Conversation,
) -> None:
    """Bug: a time the clocks skip was moved to the next minute that exists without a word."""
    await as_member_in(conversation, "Europe/London", datetime(2027, 3, 26, 12, tzinfo=UTC))
    # London jumps from 01:00 to 02:00 on Sun 28 Mar 2027.
    one_off = await conversation.one("/commit send the form on sunday at 1:30am")
    assert one_off.meta["due_at"] == "2027-03-28T02:00:00+01:00"
    assert "01:30 doesn't exist on Sun 28 Mar" in one_off.text
    assert one_off.text.endswith("I'll remind you at 02:00.")
    weekly = await conversation.one("/commit review applications every sunday at 1:30am")
    assert weekly.text.endswith("that day I'll remind you at 02:00.")
    # A time that exists, or a gap far away, says nothing more.
    plain = await conversation.one("/commit plan the week every sunday at 9am")
    assert "doesn't exist" not in plain.text
    nudges = await conversation.one("/nudges on daily at 1:30")
    assert "01:30 doesn't exist on Sun 28 Mar" in nudges.text
    assert "that day's nudge comes at 02:00." in nudges.text
    assert nudges.meta["next_nudge_at"] == "2027-03-27T01:30:00+00:00"
