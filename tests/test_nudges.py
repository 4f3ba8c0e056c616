"""Daily nudges: exactly one per member per local nudge day, at the member's minute."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot import members
from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.events import MemberRef, Platform
from bot.nudges import DAILY, WEEKDAYS, parse_days
from bot.scheduling import Outgoing
from bot.store.models import Member
from bot.timezones import local_instant
from tests.conftest import Conversation, make_settings

ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Helsinki",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Australia/Adelaide",
    "Pacific/Auckland",
    "Pacific/Tongatapu",
    "Pacific/Honolulu",
    "America/St_Johns",
    "UTC",
]
# 22 March to 5 April 2027: Europe springs forward on the 28th, Sydney, Adelaide and
# Auckland fall back on 4 April.
WINDOW_START = datetime(2027, 3, 22, 0, 0, tzinfo=UTC)
DAYS = 14
LOCAL_TIMES = (time(6, 45), time(8, 0), time(9, 0), time(12, 30), time(19, 15))


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, datetime, str]] = []

    async def __call__(self, item: Outgoing, at: datetime) -> str | None:
        assert item.member is not None
        self.sent.append((item.member.user_id, at, item.kind))
        return None


async def enrol(bot: JobClubBot, user: str, zone: str, at: time, days: str, now: datetime) -> int:
    ref = MemberRef(Platform.CONSOLE, "club", user, user, tz_hint=zone)
    async with bot.services.db.session() as session:
        _, member = await members.resolve(session, bot.services.db.dialect, ref, now)
        member.nudges_on = True
        member.nudge_offered = True
        member.nudge_minutes = at.hour * 60 + at.minute
        member.nudge_days = days
        from bot.nudges import NudgePrefs, next_nudge

        member.next_nudge_at = next_nudge(NudgePrefs.of(member), ZoneInfo(zone), now)
        return member.id


def expected(zone: str, at: time, days: str, start: datetime, end: datetime) -> list[datetime]:
    tz = ZoneInfo(zone)
    out = []
    day: date = start.astimezone(tz).date() - timedelta(days=1)
    while day <= end.astimezone(tz).date() + timedelta(days=1):
        if days[day.weekday()] == "1":
            instant = local_instant(day, at, tz)
            if start < instant <= end:
                out.append(instant)
        day += timedelta(days=1)
    return out


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[JobClubBot]:
    instance = await JobClubBot.create(make_settings(tmp_path), FakeClock(WINDOW_START))
    try:
        yield instance
    finally:
        await instance.close()


async def test_a_thousand_members_in_twenty_zones_over_fourteen_days(bot: JobClubBot) -> None:
    rng = random.Random(7)
    clock = bot.services.clock
    assert isinstance(clock, FakeClock)
    plan: dict[str, tuple[str, time, str]] = {}
    for i in range(1000):
        zone = ZONES[i % len(ZONES)]
        at = rng.choice(LOCAL_TIMES)
        if i < 100 and zone in ("Europe/Berlin", "Australia/Sydney"):
            at = time(2, 30)  # inside the skipped (Berlin) or repeated (Sydney) hour
        days = (DAILY, WEEKDAYS, "1010100")[i % 3]
        plan[f"m{i}"] = (zone, at, days)
        await enrol(bot, f"m{i}", zone, at, days, WINDOW_START)
    out = Recorder()
    end = WINDOW_START + timedelta(days=DAYS)
    await bot.dispatcher(out).advance_to(end, clock.set)

    got: dict[str, list[datetime]] = {}
    for user, at, kind in out.sent:
        assert kind == "nudge"
        got.setdefault(user, []).append(at)
    mismatches = {
        user: (got.get(user, []), want)
        for user, (zone, at, days) in plan.items()
        if got.get(user, []) != (want := expected(zone, at, days, WINDOW_START, end))
    }
    assert mismatches == {}
    assert len(out.sent) > 8000
    # The members at 02:30 in Berlin: on 28 March (skipped hour) it comes at 03:00 local.
    berlin = ZoneInfo("Europe/Berlin")
    gap_members = [u for u, (z, at, _) in plan.items() if (z, at) == ("Europe/Berlin", time(2, 30))]
    assert any(plan[u][2] == DAILY for u in gap_members)
    for user in gap_members:
        on_28 = [a.astimezone(berlin) for a in got[user] if a.astimezone(berlin).day == 28]
        assert [(a.hour, a.minute) for a in on_28] == [(3, 0)] or plan[user][2][6] == "0"


async def test_dst_gap_and_repeated_hour(bot: JobClubBot) -> None:
    clock = bot.services.clock
    assert isinstance(clock, FakeClock)
    await enrol(bot, "berlin", "Europe/Berlin", time(2, 30), DAILY, WINDOW_START)
    await enrol(bot, "sydney", "Australia/Sydney", time(2, 30), DAILY, WINDOW_START)
    out = Recorder()
    await bot.dispatcher(out).advance_to(WINDOW_START + timedelta(days=DAYS), clock.set)
    berlin = [a.astimezone(ZoneInfo("Europe/Berlin")) for u, a, _ in out.sent if u == "berlin"]
    sydney = [a.astimezone(ZoneInfo("Australia/Sydney")) for u, a, _ in out.sent if u == "sydney"]
    on_28 = [a for a in berlin if a.date() == date(2027, 3, 28)]
    assert [(a.hour, a.minute) for a in on_28] == [(3, 0)]  # the next valid minute
    on_4 = [a for a in sydney if a.date() == date(2027, 4, 4)]
    assert len(on_4) == 1 and on_4[0].utcoffset() == timedelta(hours=11)  # once, first pass
    assert len({a.date() for a in berlin}) == len(berlin)
    assert len({a.date() for a in sydney}) == len(sydney)


async def test_restart_mid_day_neither_doubles_nor_drops(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nudges.db'}"
    clock = FakeClock(WINDOW_START)
    first = await JobClubBot.create(make_settings(tmp_path, database_url=url), clock)
    for i, zone in enumerate(ZONES):
        await enrol(first, f"m{i}", zone, time(9, 0), DAILY, WINDOW_START)
    out = Recorder()
    await first.dispatcher(out).advance_to(WINDOW_START + timedelta(hours=13), clock.set)
    await first.close()
    second = await JobClubBot.create(make_settings(tmp_path, database_url=url), clock)
    try:
        await second.dispatcher(out).advance_to(WINDOW_START + timedelta(days=2), clock.set)
    finally:
        await second.close()
    for i, zone in enumerate(ZONES):
        got = [a for u, a, _ in out.sent if u == f"m{i}"]
        assert got == expected(zone, time(9, 0), DAILY, WINDOW_START, clock.now())


# --- through the commands ------------------------------------------------------------


def nudges_of(out: Recorder) -> list[datetime]:
    return [a for _, a, kind in out.sent if kind == "nudge"]


async def run(conversation: Conversation, until: datetime) -> Recorder:
    out = Recorder()
    await conversation.bot.dispatcher(out).advance_to(until, conversation.clock.set)
    return out


async def test_on_before_todays_time_includes_today(conversation: Conversation) -> None:
    conversation.zones["Ada"] = "America/New_York"
    conversation.clock.set(datetime(2027, 3, 12, 11, 0, tzinfo=UTC))  # 06:00 in New York
    reply = await conversation.one("/nudges on at 09:00 daily")
    assert reply.meta["next_nudge_at"] == "2027-03-12T09:00:00-05:00"
    assert "every day at 09:00 (America/New_York)" in reply.text
    out = await run(conversation, datetime(2027, 3, 16, 23, 0, tzinfo=UTC))
    local = [a.astimezone(ZoneInfo("America/New_York")) for a in nudges_of(out)]
    assert [(a.day, a.hour, a.minute) for a in local] == [(d, 9, 0) for d in range(12, 17)]


async def test_on_after_todays_time_starts_tomorrow_and_default_is_weekdays(
    conversation: Conversation,
) -> None:
    conversation.zones["Ada"] = "Europe/Berlin"
    conversation.clock.set(datetime(2027, 3, 12, 10, 0, tzinfo=UTC))  # Fri 11:00 in Berlin
    reply = await conversation.one("/nudges on")
    assert reply.meta["days"] == WEEKDAYS and reply.meta["time"] == "09:00"
    assert reply.meta["next_nudge_at"] == "2027-03-15T09:00:00+01:00"  # Monday


async def test_off_pause_resume_and_days(conversation: Conversation) -> None:
    conversation.clock.set(datetime(2027, 3, 1, 6, 0, tzinfo=UTC))  # Monday, UTC member
    await conversation.one("/nudges on at 08:00 mon,wed,fri")
    out = await run(conversation, datetime(2027, 3, 7, 23, 0, tzinfo=UTC))
    assert [a.day for a in nudges_of(out)] == [1, 3, 5]
    reply = await conversation.one("/nudges pause until 15 march")
    assert "Paused until Mon 15 Mar" in reply.text
    out = await run(conversation, datetime(2027, 3, 14, 23, 0, tzinfo=UTC))
    assert nudges_of(out) == []
    out = await run(conversation, datetime(2027, 3, 15, 23, 0, tzinfo=UTC))
    assert [a.day for a in nudges_of(out)] == [15]
    await conversation.one("/nudges off")
    out = await run(conversation, datetime(2027, 3, 22, 23, 0, tzinfo=UTC))
    assert nudges_of(out) == []
    reply = await conversation.one("/nudges")
    assert reply.meta["nudges_on"] is False


async def test_pause_a_week_button_and_time_change(conversation: Conversation) -> None:
    conversation.clock.set(datetime(2027, 3, 1, 6, 0, tzinfo=UTC))
    await conversation.one("/nudges on daily")
    out = await run(conversation, datetime(2027, 3, 1, 10, 0, tzinfo=UTC))
    assert len(nudges_of(out)) == 1
    (paused,) = await conversation.press_id("nudge:pause:7")
    assert paused.meta["next_nudge_at"] == "2027-03-08T09:00:00+00:00"
    reply = await conversation.one("/nudges time 07:45")
    assert reply.meta["next_nudge_at"] == "2027-03-08T07:45:00+00:00"


async def test_time_change_after_todays_nudge_does_not_repeat_today(
    conversation: Conversation,
) -> None:
    conversation.clock.set(datetime(2027, 3, 1, 6, 0, tzinfo=UTC))
    await conversation.one("/nudges on daily")
    await run(conversation, datetime(2027, 3, 1, 10, 0, tzinfo=UTC))
    reply = await conversation.one("/nudges time 18:00")
    assert reply.meta["next_nudge_at"] == "2027-03-02T18:00:00+00:00"


async def test_zone_change_takes_effect_the_next_day(conversation: Conversation) -> None:
    conversation.zones["Ada"] = "Europe/Berlin"
    conversation.clock.set(datetime(2027, 3, 1, 5, 0, tzinfo=UTC))  # 06:00 Berlin
    await conversation.one("/nudges on daily")
    out = await run(conversation, datetime(2027, 3, 1, 12, 0, tzinfo=UTC))  # got 09:00 Berlin
    assert len(nudges_of(out)) == 1
    await conversation.one("/jobclub timezone new york")  # 07:00 in New York, same date
    out2 = await run(conversation, datetime(2027, 3, 4, 0, 0, tzinfo=UTC))
    ny = ZoneInfo("America/New_York")
    local = [a.astimezone(ny) for a in nudges_of(out2)]
    assert [(a.day, a.hour) for a in local] == [(2, 9), (3, 9)]  # no second nudge on the 1st


async def test_zone_change_before_todays_nudge_keeps_today(conversation: Conversation) -> None:
    conversation.zones["Ada"] = "America/New_York"
    conversation.clock.set(datetime(2027, 3, 1, 11, 0, tzinfo=UTC))  # 06:00 New York
    await conversation.one("/nudges on daily")
    await conversation.one("/jobclub timezone berlin")  # 12:00 in Berlin already
    out = await run(conversation, datetime(2027, 3, 3, 12, 0, tzinfo=UTC))
    days = [a.astimezone(ZoneInfo("Europe/Berlin")).date().day for a in nudges_of(out)]
    assert days == [1, 2, 3]  # today's at the old time, then Berlin's 09:00


async def test_done_advances_the_plan_and_ignoring_does_not(conversation: Conversation) -> None:
    conversation.clock.set(datetime(2027, 3, 1, 6, 0, tzinfo=UTC))
    await conversation.one("/nudges on daily")
    payloads: list[dict[str, object]] = []

    async def deliver(item: Outgoing, at: datetime) -> str | None:
        payloads.append(item.reply.meta)
        return None

    dispatcher = conversation.bot.dispatcher(deliver)
    await dispatcher.advance_to(datetime(2027, 3, 2, 10, 0, tzinfo=UTC), conversation.clock.set)
    plan = conversation.bot.services.library.plan
    assert [p["task_id"] for p in payloads] == [plan[0].id, plan[0].id]  # ignored: same task
    (done,) = await conversation.press_id(f"nudge:done:{plan[0].id}")
    assert done.meta["plan_position"] == 1
    (again,) = await conversation.press_id(f"nudge:done:{plan[0].id}")  # a second press: no skip
    assert "plan_position" not in again.meta
    await dispatcher.advance_to(datetime(2027, 3, 3, 10, 0, tzinfo=UTC), conversation.clock.set)
    assert payloads[-1]["task_id"] == plan[1].id
    assert payloads[-1]["kind"] == "nudge"


async def test_an_interview_soon_changes_the_task(conversation: Conversation) -> None:
    conversation.clock.set(datetime(2027, 3, 1, 6, 0, tzinfo=UTC))  # Monday
    await conversation.one("/nudges on daily")
    await conversation.one("/interview Acme with Ana on wednesday 2pm")
    titles: list[str] = []

    async def deliver(item: Outgoing, at: datetime) -> str | None:
        if item.kind == "nudge":
            titles.append(item.reply.title or "")
        return None

    await conversation.bot.dispatcher(deliver).advance_to(
        datetime(2027, 3, 4, 10, 0, tzinfo=UTC), conversation.clock.set
    )
    assert "Read up on Ana" in titles[0]
    assert "Pick your stories for Acme" in titles[1]
    assert "Interview day at Acme" in titles[2]
    assert "Acme" not in titles[3]  # after the interview, back to the plan


async def test_new_members_are_offered_once_never_enrolled(conversation: Conversation) -> None:
    await conversation.one("/tip")
    offers: list[Outgoing] = []

    async def deliver(item: Outgoing, at: datetime) -> str | None:
        offers.append(item)
        return None

    dispatcher = conversation.bot.dispatcher(deliver)
    await dispatcher.advance_to(
        conversation.clock.now() + timedelta(days=3), conversation.clock.set
    )
    assert [o.kind for o in offers] == ["nudge-offer"]
    assert [b.action for b in offers[0].reply.buttons][:2] == [
        "nudge:on:weekdays",
        "nudge:on:daily",
    ]
    async with conversation.bot.services.db.session() as session:
        member = await session.scalar(select(Member))
        assert member is not None and member.nudges_on is False
    (on,) = await conversation.press_id("nudge:on:daily")
    assert on.meta["nudges_on"] is True and on.meta["days"] == DAILY


def test_parse_days() -> None:
    assert parse_days("weekdays") == WEEKDAYS
    assert parse_days("daily") == DAILY
    assert parse_days("mon,wed,fri") == "1010100"
    assert parse_days("Monday and Thursday") == "1001000"
    assert parse_days("someday") is None


async def test_practise_now_and_a_weak_answer_coming_back(conversation: Conversation) -> None:
    conversation.clock.set(datetime(2027, 3, 1, 6, 0, tzinfo=UTC))
    await conversation.command("/practice sensitive")
    await conversation.dm("It was not my fault, my boss was awful and the place was toxic.")
    await conversation.one("/nudges on daily")
    nudges: list[tuple[str, list[str]]] = []

    async def deliver(item: Outgoing, at: datetime) -> str | None:
        if item.kind == "nudge":
            nudges.append((item.reply.meta["task_id"], [b.action for b in item.reply.buttons]))
        return None

    await conversation.bot.dispatcher(deliver).advance_to(
        datetime(2027, 3, 7, 10, 0, tzinfo=UTC), conversation.clock.set
    )
    task_ids = [task for task, _ in nudges]
    retries = [t for t in task_ids if t.startswith("retry-")]
    assert retries == ["retry-why-were-you-fired"]  # back after 3 days, and only once
    assert task_ids.index(retries[0]) == 3  # 1 March + 3 days
    retry_buttons = dict(nudges)[retries[0]]
    assert "practice:start:why-were-you-fired" in retry_buttons
    (question,) = [
        r
        for r in await conversation.press_id("practice:start:why-were-you-fired")
        if r.meta.get("question_id")
    ][:1]
    assert question.meta["question_id"] == "why-were-you-fired"
