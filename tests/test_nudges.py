"""Daily nudges: exactly one per member per local nudge day, at the member's minute.

The plan moves on every nudge day: a task not marked Done comes back later, never the
next day, and each task's words fit the day it is read.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot import members
from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.events import MemberRef, Platform
from bot.features.nudges import RETURN_AFTER
from bot.nudges import DAILY, WEEKDAYS, NudgePrefs, next_nudge, parse_days
from bot.store.models import Member
from tests.conftest import Conversation, Delivered, make_settings, shared_library

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
# 27 March to 5 April 2027: Europe springs forward on the 28th, Sydney, Adelaide and
# Auckland fall back on 4 April (the US changed on 14 March, before the window).
WINDOW_START = datetime(2027, 3, 27, 0, 0, tzinfo=UTC)
DAYS = 9
LOCAL_TIMES = (time(2, 30), time(8, 0), time(19, 15))
"""02:30 is skipped in Berlin on 28 March and repeated in Sydney on 4 April; 19:15 falls
on the next UTC date east of UTC-4:45 and the previous one west of UTC+4:45."""
PATTERNS = (DAILY, WEEKDAYS, "1010100")
CROWD = 250
"""Members all due at one instant: more than one claim batch (200)."""


def wall_clock(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant a wall clock in `zone` shows `at` on `day`, worked out here from the
    zone's UTC offsets (not with the bot's `local_instant`).

    A time the clocks skip is read as the first minute after the gap (the changeover
    itself); a time they show twice, its first showing (the earlier instant).
    """
    wanted = datetime.combine(day, at)
    offsets = {wanted.replace(tzinfo=zone, fold=fold).utcoffset() for fold in (0, 1)}
    candidates = sorted(wanted - offset for offset in offsets if offset is not None)

    def shows(utc: datetime) -> datetime:
        return utc.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)

    exact = [utc for utc in candidates if shows(utc) == wanted]
    if exact:
        return exact[0].replace(tzinfo=UTC)
    # In a gap: the wall clock jumps from before `wanted` to after it between the two
    # candidates; find the changeover minute by halving.
    low, high = candidates[0], candidates[-1]
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        middle = middle.replace(second=0, microsecond=0)
        low, high = (middle, high) if shows(middle) < wanted else (low, middle)
    return (high if shows(low) < wanted else low).replace(tzinfo=UTC)


def expected(zone: str, at: time, days: str, start: datetime, end: datetime) -> list[datetime]:
    tz = ZoneInfo(zone)
    out = []
    day: date = start.astimezone(tz).date() - timedelta(days=1)
    while day <= end.astimezone(tz).date() + timedelta(days=1):
        if days[day.weekday()] == "1":
            instant = wall_clock(day, at, tz)
            if start < instant <= end:
                out.append(instant)
        day += timedelta(days=1)
    return out


def test_the_expectations_know_the_changeovers() -> None:
    berlin, sydney = ZoneInfo("Europe/Berlin"), ZoneInfo("Australia/Sydney")
    # 02:30 on 28 March 2027 does not exist in Berlin: the clocks go from 02:00 to 03:00.
    assert wall_clock(date(2027, 3, 28), time(2, 30), berlin) == datetime(
        2027, 3, 28, 1, 0, tzinfo=UTC
    )
    # 02:30 on 4 April 2027 happens twice in Sydney: the first is still at +11:00.
    assert wall_clock(date(2027, 4, 4), time(2, 30), sydney) == datetime(
        2027, 4, 3, 15, 30, tzinfo=UTC
    )
    assert wall_clock(date(2027, 4, 5), time(9, 0), sydney) == datetime(
        2027, 4, 4, 23, 0, tzinfo=UTC
    )


async def enrol(bot: JobClubBot, plan: dict[str, tuple[str, time, str]], now: datetime) -> None:
    """Members with nudges on, written in one transaction (the set-up is not under test)."""
    async with bot.services.db.session() as session:
        ref = MemberRef(Platform.CONSOLE, "test-club", "admin", "admin")
        club, admin = await members.resolve(session, bot.services.db.dialect, ref, now)
        admin.nudge_offered = True  # the club's first member, here only to make the club
        session.add_all(
            Member(
                club_id=club.id,
                user_id=user,
                display_name=user,
                platform_tz=zone,
                nudges_on=True,
                nudge_offered=True,
                nudge_minutes=at.hour * 60 + at.minute,
                nudge_days=days,
                next_nudge_at=next_nudge(NudgePrefs(at, days, None), ZoneInfo(zone), now),
                created_at=now,
                last_seen_at=now,
            )
            for user, (zone, at, days) in plan.items()
        )


def arrivals(delivered: list[Delivered], kind: str = "nudge") -> dict[str, list[datetime]]:
    got: dict[str, list[datetime]] = {}
    for message in delivered:
        if message.kind == kind:
            got.setdefault(message.to, []).append(message.at)
    return got


@pytest.mark.parametrize(
    "start",
    [datetime(2027, 3, 27, tzinfo=UTC), datetime(2027, 4, 3, tzinfo=UTC)],
    ids=["Europe springs forward", "the south falls back"],
)
async def test_members_in_twenty_zones_across_a_clock_change(
    conversation: Conversation, start: datetime
) -> None:
    # Every zone with every time and every day pattern, once; then a crowd due at one
    # instant on Sundays only (more than a claim batch). Each member's expected instants
    # come from `wall_clock` above, never from the code under test. Three days (Saturday
    # to Monday) around each change keep the test quick; the week's shape is tested below.
    conversation.clock.set(start)
    plan: dict[str, tuple[str, time, str]] = {}
    for zone in ZONES:
        for at in LOCAL_TIMES:
            for days in PATTERNS:
                plan[f"{zone} {at:%H:%M} {days}"] = (zone, at, days)
    for i in range(CROWD):
        plan[f"crowd {i}"] = ("Europe/Berlin", time(9, 0), "0000001")
    await enrol(conversation.bot, plan, start)
    end = start + timedelta(days=3)
    arrived = await conversation.advance(end)

    assert {m.kind for m in arrived} == {"nudge"}
    got = arrivals(arrived)
    mismatches = {
        user: (got.get(user, []), want)
        for user, (zone, at, days) in plan.items()
        if got.get(user, []) != (want := expected(zone, at, days, start, end))
    }
    assert mismatches == {}
    assert all(len(got[f"crowd {i}"]) == 1 for i in range(CROWD))  # Sunday 09:00
    berlin = [m.local("Europe/Berlin") for m in conversation.inbox(f"Europe/Berlin 02:30 {DAILY}")]
    sydney = [
        m.local("Australia/Sydney") for m in conversation.inbox(f"Australia/Sydney 02:30 {DAILY}")
    ]
    assert len(berlin) == len(sydney) == 3
    if start.day == 27:
        # 02:30 in Berlin on Sunday 28 March (a skipped hour) comes at 03:00 local, once.
        assert [(a.hour, a.minute) for a in berlin if a.day == 28] == [(3, 0)]
    else:
        # 02:30 in Sydney on Sunday 4 April (a repeated hour) comes once, on its first pass.
        assert [a.utcoffset() for a in sydney if a.day == 4] == [timedelta(hours=11)]


async def test_dst_gap_and_repeated_hour(conversation: Conversation) -> None:
    conversation.clock.set(WINDOW_START)
    await enrol(
        conversation.bot,
        {
            "berlin": ("Europe/Berlin", time(2, 30), DAILY),
            "sydney": ("Australia/Sydney", time(2, 30), DAILY),
        },
        WINDOW_START,
    )
    await conversation.advance(timedelta(days=DAYS))
    berlin = [m.local("Europe/Berlin") for m in conversation.inbox("berlin")]
    sydney = [m.local("Australia/Sydney") for m in conversation.inbox("sydney")]
    on_28 = [a for a in berlin if a.date() == date(2027, 3, 28)]
    assert [(a.hour, a.minute) for a in on_28] == [(3, 0)]  # the next valid minute
    on_4 = [a for a in sydney if a.date() == date(2027, 4, 4)]
    assert len(on_4) == 1 and on_4[0].utcoffset() == timedelta(hours=11)  # once, first pass
    assert len({a.date() for a in berlin}) == len(berlin) == DAYS
    assert len({a.date() for a in sydney}) == len(sydney) == DAYS


async def test_restart_mid_day_neither_doubles_nor_drops(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nudges.db'}"
    clock = FakeClock(WINDOW_START)
    settings = make_settings(tmp_path, database_url=url)
    library = shared_library(settings.jobclub_content_dir, settings.jobclub_club_content_dir)
    first = await JobClubBot.create(settings, clock, library=library)
    plan = {f"m{i}": (zone, time(9, 0), DAILY) for i, zone in enumerate(ZONES)}
    await enrol(first, plan, WINDOW_START)
    before = Conversation(first, clock)
    await before.advance(WINDOW_START + timedelta(hours=13))
    await first.close()
    second = await JobClubBot.create(settings, clock, library=library)
    after = Conversation(second, clock)
    try:
        await after.advance(WINDOW_START + timedelta(days=2))
    finally:
        await second.close()
    got = arrivals(before.delivered + after.delivered)
    for user, (zone, at, days) in plan.items():
        assert got[user] == expected(zone, at, days, WINDOW_START, clock.now())


# --- through the commands ------------------------------------------------------------


def nudges(arrived: list[Delivered]) -> list[Delivered]:
    return [m for m in arrived if m.kind == "nudge"]


def task_ids(arrived: list[Delivered]) -> list[str]:
    return [str(m.meta["task_id"]) for m in nudges(arrived)]


async def test_on_before_todays_time_includes_today(conversation: Conversation) -> None:
    conversation.zones["Ada"] = "America/New_York"
    conversation.clock.set(datetime(2027, 3, 12, 11, 0, tzinfo=UTC))  # 06:00 in New York
    reply = await conversation.one("/nudges on at 09:00 daily")
    assert reply.meta["next_nudge_at"] == "2027-03-12T09:00:00-05:00"
    assert "every day at 09:00 (America/New_York)" in reply.text
    arrived = nudges(await conversation.advance(datetime(2027, 3, 16, 23, 0, tzinfo=UTC)))
    local = [m.local("America/New_York") for m in arrived]
    assert [(a.day, a.hour, a.minute) for a in local] == [(d, 9, 0) for d in range(12, 17)]
    assert all(m.to == "Ada" and m.title and m.title.startswith("Today's prep") for m in arrived)


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
    arrived = nudges(await conversation.advance(datetime(2027, 3, 7, 23, 0, tzinfo=UTC)))
    assert [m.at.day for m in arrived] == [1, 3, 5]
    reply = await conversation.one("/nudges pause until 15 march")
    assert "Paused until Mon 15 Mar" in reply.text
    assert nudges(await conversation.advance(datetime(2027, 3, 14, 23, 0, tzinfo=UTC))) == []
    arrived = nudges(await conversation.advance(datetime(2027, 3, 15, 23, 0, tzinfo=UTC)))
    assert [m.at.day for m in arrived] == [15]
    await conversation.one("/nudges off")
    assert nudges(await conversation.advance(datetime(2027, 3, 22, 23, 0, tzinfo=UTC))) == []
    reply = await conversation.one("/nudges")
    assert reply.meta["nudges_on"] is False


async def test_pause_a_week_button_and_time_change(conversation: Conversation) -> None:
    conversation.clock.set(datetime(2027, 3, 1, 6, 0, tzinfo=UTC))
    await conversation.one("/nudges on daily")
    (nudge,) = nudges(await conversation.advance(datetime(2027, 3, 1, 10, 0, tzinfo=UTC)))
    (paused,) = await conversation.press(nudge, "Pause a week")
    assert paused.meta["next_nudge_at"] == "2027-03-08T09:00:00+00:00"
    reply = await conversation.one("/nudges time 07:45")
    assert reply.meta["next_nudge_at"] == "2027-03-08T07:45:00+00:00"


async def test_time_change_after_todays_nudge_does_not_repeat_today(
    conversation: Conversation,
) -> None:
    conversation.clock.set(datetime(2027, 3, 1, 6, 0, tzinfo=UTC))
    await conversation.one("/nudges on daily")
    await conversation.advance(datetime(2027, 3, 1, 10, 0, tzinfo=UTC))
    reply = await conversation.one("/nudges time 18:00")
    assert reply.meta["next_nudge_at"] == "2027-03-02T18:00:00+00:00"


async def test_zone_change_takes_effect_the_next_day(conversation: Conversation) -> None:
    conversation.zones["Ada"] = "Europe/Berlin"
    conversation.clock.set(datetime(2027, 3, 1, 5, 0, tzinfo=UTC))  # 06:00 Berlin
    await conversation.one("/nudges on daily")
    arrived = nudges(await conversation.advance(datetime(2027, 3, 1, 12, 0, tzinfo=UTC)))
    assert [m.local("Europe/Berlin").hour for m in arrived] == [9]
    await conversation.one("/jobclub timezone new york")  # 07:00 in New York, same date
    arrived = nudges(await conversation.advance(datetime(2027, 3, 4, 0, 0, tzinfo=UTC)))
    local = [m.local("America/New_York") for m in arrived]
    assert [(a.day, a.hour) for a in local] == [(2, 9), (3, 9)]  # no second nudge on the 1st


async def test_zone_change_before_todays_nudge_keeps_today(conversation: Conversation) -> None:
    conversation.zones["Ada"] = "America/New_York"
    conversation.clock.set(datetime(2027, 3, 1, 11, 0, tzinfo=UTC))  # 06:00 New York
    await conversation.one("/nudges on daily")
    await conversation.one("/jobclub timezone berlin")  # 12:00 in Berlin already
    arrived = nudges(await conversation.advance(datetime(2027, 3, 3, 12, 0, tzinfo=UTC)))
    assert [m.local("Europe/Berlin").day for m in arrived] == [1, 2, 3]  # today's kept


async def test_an_undone_task_moves_on_and_comes_back_later(conversation: Conversation) -> None:
    # Bug: without Done, "List what went better because of you" came back every day.
    conversation.clock.set(datetime(2027, 3, 1, 6, 0, tzinfo=UTC))  # Monday
    await conversation.one("/nudges on weekdays")
    plan = [task.id for task in conversation.bot.services.library.plan]
    first_week = await conversation.advance(datetime(2027, 3, 5, 10, 0, tzinfo=UTC))
    assert task_ids(first_week) == plan[:5]  # a new task every day, none pressed
    await conversation.press(nudges(first_week)[2], "Done")  # Wednesday's, done on Friday
    second_week = nudges(await conversation.advance(datetime(2027, 3, 12, 10, 0, tzinfo=UTC)))
    # Later means after RETURN_AFTER other tasks: Monday's task is back on the next Monday,
    # each comeback between two new tasks; Wednesday's was done, so it never comes back.
    assert RETURN_AFTER == 4
    assert task_ids(second_week) == [plan[0], plan[5], plan[1], plan[6], plan[3]]
    monday = second_week[0]
    assert monday.title and "List what went better because of you" in monday.title
    assert monday.text.startswith("This one came on 1 March without a Done")
    ids = task_ids(first_week) + task_ids(second_week)
    assert all(a != b for a, b in pairwise(ids))  # never two days running
    # A comeback is the last time: ignored again, the plan leaves it.
    later = task_ids(await conversation.advance(datetime(2027, 3, 26, 10, 0, tzinfo=UTC)))
    assert plan[0] not in later and plan[1] not in later
    assert later[:3] == [plan[7], plan[4], plan[8]]  # Friday's comes back, after one new


async def test_done_by_label_and_a_second_press(conversation: Conversation) -> None:
    conversation.clock.set(datetime(2027, 3, 1, 6, 0, tzinfo=UTC))
    await conversation.one("/nudges on daily")
    plan = conversation.bot.services.library.plan
    (nudge,) = nudges(await conversation.advance(datetime(2027, 3, 1, 10, 0, tzinfo=UTC)))
    (done,) = await conversation.press(nudge, "Done")
    assert done.meta["done"] is True and done.meta["next_task_id"] == plan[1].id
    assert f"Next from the plan: {plan[1].title}" in done.text
    assert "Tomorrow" not in done.text
    (again,) = await conversation.press(nudge, "Done")  # a second press changes nothing
    assert "already marked done" in again.text
    (skipped,) = await conversation.press(nudge, "Skip today")
    assert "comes back after" in skipped.text


async def test_a_task_says_when_the_one_it_builds_on_was_done(
    conversation: Conversation,
) -> None:
    # Bug: "From yesterday's list" even when the list was made days before.
    conversation.clock.set(datetime(2027, 3, 5, 6, 0, tzinfo=UTC))  # Friday
    await conversation.one("/nudges on weekdays")
    (friday,) = nudges(await conversation.advance(datetime(2027, 3, 5, 10, 0, tzinfo=UTC)))
    assert friday.meta["task_id"] == "plan-01-value-inventory"
    await conversation.press(friday, "Done")
    (monday,) = nudges(await conversation.advance(datetime(2027, 3, 8, 10, 0, tzinfo=UTC)))
    assert monday.meta["task_id"] == "plan-02-value-line"
    assert "the list of results you made on Friday" in monday.text
    assert "yesterday" not in monday.text and "{made}" not in monday.text


async def test_the_day_after_says_yesterday_and_an_undone_base_is_named(
    conversation: Conversation,
) -> None:
    conversation.clock.set(datetime(2027, 3, 1, 6, 0, tzinfo=UTC))  # Monday
    await conversation.one("/nudges on daily")
    arrived = nudges(await conversation.advance(datetime(2027, 3, 2, 10, 0, tzinfo=UTC)))
    tuesday = arrived[1]
    assert "the list of results you made yesterday" in tuesday.text
    # Monday's task was not marked Done: the member is told where to start if they skipped it.
    assert "No Done on “List what went better because of you” yet" in tuesday.text


async def test_an_interview_soon_changes_the_task(conversation: Conversation) -> None:
    conversation.clock.set(datetime(2027, 3, 1, 6, 0, tzinfo=UTC))  # Monday
    await conversation.one("/nudges on daily")
    await conversation.one("/interview Acme with Ana on wednesday 2pm")
    everything = await conversation.advance(datetime(2027, 3, 4, 10, 0, tzinfo=UTC))
    arrived = nudges(everything)
    titles = [m.title or "" for m in arrived]
    assert [m.at.day for m in arrived] == [1, 2, 4]  # none on Wednesday, the interview day:
    assert "Read up on Ana" in titles[0]
    assert "Pick your stories for Acme" in titles[1]
    assert "Acme" not in titles[2]  # after the interview, back to the plan
    # that morning the interview's own reminder speaks for the day, once
    assert [m.at.day for m in everything if m.kind == "interview"] == [3, 3]


async def test_new_members_are_offered_once_never_enrolled(conversation: Conversation) -> None:
    await conversation.one("/tip")
    arrived = await conversation.advance(timedelta(days=3))
    assert [m.kind for m in arrived] == ["nudge-offer"]
    async with conversation.bot.services.db.session() as session:
        member = await session.scalar(select(Member))
        assert member is not None and member.nudges_on is False
    (on,) = await conversation.press(arrived[0], "Every day at 09:00")
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
    arrived = nudges(await conversation.advance(datetime(2027, 3, 7, 10, 0, tzinfo=UTC)))
    ids = task_ids(arrived)
    retries = [t for t in ids if t.startswith("retry-")]
    assert retries == ["retry-why-were-you-fired"]  # back after 3 days, and only once
    assert ids.index(retries[0]) == 3  # 1 March + 3 days
    retry = arrived[3]
    replies = await conversation.press(retry, "Practise now")
    assert any(r.meta.get("question_id") == "why-were-you-fired" for r in replies)
