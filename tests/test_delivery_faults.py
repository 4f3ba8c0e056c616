"""The dispatcher under faults: slow ticks beside a second replica, outages, Retry-After,
and pruning. Time is the injected fake clock throughout: a slow send moves it forward.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from bot.app import JobClubBot
from bot.breaker import RETRY_CAP
from bot.clock import FakeClock
from bot.outbox import Pace
from bot.retention import RETENTION, prune_deliveries
from bot.runner import DispatchRunner
from bot.scheduling import LEASE, Dispatcher, DueItem, Outgoing
from bot.store.models import Delivery, Member
from tests.conftest import START, Conversation
from tests.dispatch_helpers import (
    FakePlatform,
    OneBatch,
    Sent,
    add_reminders,
    make_bot,
    statuses,
)


@pytest.fixture
async def bot(database_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[JobClubBot]:
    instance = await make_bot(database_url, tmp_path, clock)
    try:
        yield instance
    finally:
        await instance.close()


# -- leases ----------------------------------------------------------------------------------


@pytest.mark.parametrize("declared", [None, Pace(sends_per_second=50)], ids=["measured", "fast"])
async def test_a_tick_longer_than_its_lease_beside_a_second_dispatcher_sends_each_once(
    database_url: str, tmp_path: Path, clock: FakeClock, declared: Pace | None
) -> None:
    """Sends take 20 s each, so A's tick lasts several leases, while replica B's heartbeat
    keeps ticking beside it. With `fast` the adapter claims a pace it does not keep, so
    A's first batch is all 40 and only renewing the lease keeps B off it."""
    a = await make_bot(database_url, tmp_path, clock)
    b = await make_bot(database_url, tmp_path, clock)
    try:
        due = START + timedelta(minutes=5)
        expected = await add_reminders(a, 40, due, per_member=8)
        log: list[Sent] = []
        slow = timedelta(seconds=20)
        platform_a = FakePlatform(clock, "a", send_time=slow, shared=log, pace=declared)
        platform_b = FakePlatform(clock, "b", send_time=slow, shared=log)
        a_sending, a_done = asyncio.Event(), asyncio.Event()

        async def send_a(item: Outgoing, at: datetime) -> str | None:
            a_sending.set()
            return await platform_a(item, at)

        send_a.pace = platform_a.pace  # type: ignore[attr-defined]
        replica_a, replica_b = a.dispatcher(send_a), b.dispatcher(platform_b)

        async def a_ticks() -> None:
            try:
                await replica_a.tick()
            finally:
                a_sending.set()
                a_done.set()

        async def b_heartbeat() -> None:
            # B joins once A is sending. Which replica claims and leases first is a race
            # either way round is correct (a fast idle tick let B win it outright, leaving
            # A nothing to send); this test is about A's tick outliving its lease beside B.
            await a_sending.wait()
            while not a_done.is_set():
                await replica_b.tick()
                await asyncio.sleep(0)

        clock.set(due)
        await asyncio.gather(a_ticks(), b_heartbeat())
        assert clock.now() - due > 5 * LEASE  # the sending really outlived a lease, many times
        await replica_b.advance_to(clock.now() + timedelta(hours=1), clock.set)

        counts = Counter(s.id for s in log)
        assert sorted(counts) == sorted(expected)  # none lost
        assert [i for i, n in counts.items() if n > 1] == []  # none twice
        assert await statuses(a) == {"sent": 40}
        assert replica_a.last_report.lost_leases == 0
        if declared is None:
            assert {s.by for s in log} == {"a", "b"}  # small batches: both did real work
    finally:
        await a.close()
        await b.close()


@pytest.mark.parametrize(
    ("declared", "send_time", "most"),
    [(Pace(sends_per_second=0.1), 10, 6), (None, 15, 4)],
    ids=["declared", "measured"],
)
async def test_a_batch_is_never_more_than_half_a_lease_of_sends(
    bot: JobClubBot, clock: FakeClock, declared: Pace | None, send_time: int, most: int
) -> None:
    await add_reminders(bot, 30, START + timedelta(minutes=5))
    platform = FakePlatform(clock, send_time=timedelta(seconds=send_time), pace=declared)
    held: list[int] = []

    async def deliver(item, at):  # type: ignore[no-untyped-def]
        async with bot.services.db.session() as session:
            held.append(
                await session.scalar(
                    select(func.count()).select_from(Delivery).where(Delivery.status == "sending")
                )
                or 0
            )
        return await platform(item, at)

    deliver.pace = declared  # type: ignore[attr-defined]
    await bot.dispatcher(deliver).advance_to(START + timedelta(hours=2), clock.set)
    assert len(platform.sent) == 30
    assert max(held) <= most  # 120 s lease × 0.5 / seconds per send
    assert max(held) * send_time <= LEASE.total_seconds() / 2


async def test_two_dispatchers_many_due_and_slow_sends_none_twice_none_lost(
    database_url: str, tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's replica scenario (6,000 × 60 ms gave 961 duplicates) scaled for CI: 600
    due, each send 1 s on the shared fake clock, both replicas ticking concurrently."""
    a = await make_bot(database_url, tmp_path, clock)
    b = await make_bot(database_url, tmp_path, clock)
    try:
        due = START + timedelta(minutes=5)
        expected = await add_reminders(a, 600, due, per_member=50)
        log: list[Sent] = []
        second = timedelta(seconds=1)
        platform_a = FakePlatform(clock, "a", send_time=second, shared=log)
        platform_b = FakePlatform(clock, "b", send_time=second, shared=log)

        def yielding(platform: FakePlatform):  # type: ignore[no-untyped-def]
            async def send(item, at):  # type: ignore[no-untyped-def]
                await asyncio.sleep(0)  # let the other replica run in between
                return await platform(item, at)

            return send

        replicas = [a.dispatcher(yielding(platform_a)), b.dispatcher(yielding(platform_b))]
        clock.set(due)
        for _ in range(20):
            sent = await asyncio.gather(*(r.tick() for r in replicas))
            if not any(sent) and (await statuses(a)).keys() <= {"sent"}:
                break
        counts = Counter(s.id for s in log)
        duplicates = sum(n - 1 for n in counts.values())
        lost = len(set(expected) - set(counts))
        with capsys.disabled():
            print(f"\n600 due, two dispatchers: {len(log)} sends, {duplicates} dup., {lost} lost")
        assert (duplicates, lost) == (0, 0)
        assert await statuses(a) == {"sent": 600}
        assert min(len(platform_a.sent), len(platform_b.sent)) > 100  # both shared the work
    finally:
        await a.close()
        await b.close()


# -- outages ---------------------------------------------------------------------------------


async def test_after_a_ten_minute_outage_all_600_due_are_delivered_once(
    bot: JobClubBot, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    due = START + timedelta(minutes=5)
    expected = await add_reminders(bot, 600, due, per_member=50)
    platform = FakePlatform(clock, down=(due, due + timedelta(minutes=10)))
    dispatcher = bot.dispatcher(platform)
    await dispatcher.advance_to(due + timedelta(hours=1), clock.set)

    assert sorted(platform.counts()) == sorted(expected)
    assert set(platform.counts().values()) == {1}
    assert await statuses(bot) == {"sent": 600}
    # The breaker held the platform off as a whole: a few probes, not 600 × retries.
    with capsys.disabled():
        print(f"\n10-min outage: {len(platform.refused)} refused tries for 600 messages")
    assert len(platform.refused) < 40
    # Back within one capped backoff of the recovery.
    assert min(s.at for s in platform.sent) <= due + timedelta(minutes=10) + RETRY_CAP


@pytest.fixture
def member_zones() -> dict[str, str]:
    return {"Ada": "UTC", "Bo": "America/New_York"}


async def test_a_thirty_minute_outage_delivers_what_is_still_useful_and_expires_the_rest(
    any_db_conversation: Conversation,
) -> None:
    chat, clock = any_db_conversation, any_db_conversation.clock
    # Ada's day (UTC) ends during the outage; Bo's (New York) does not.
    outage = (datetime(2026, 11, 25, 23, 45, tzinfo=UTC), datetime(2026, 11, 26, 0, 15, tzinfo=UTC))
    await chat.one("/nudges on at 23:50 daily", who="Ada")
    await chat.one("/nudges on at 18:50 daily", who="Bo")  # 23:50 UTC
    await chat.one("/commit email the recruiter today 23:50", who="Ada")
    await chat.one("/commit send the portfolio today 18:55", who="Bo")  # 23:55 UTC
    platform = FakePlatform(clock, down=outage, retry_after=90)
    dispatcher = chat.bot.dispatcher(platform)
    await dispatcher.advance_to(outage[0], clock.set)
    before = len(platform.sent)
    await dispatcher.advance_to(outage[1] + timedelta(hours=2), clock.set)

    after = platform.sent[before:]
    kinds = Counter((s.id.split(":")[0], s.id.split(":")[1]) for s in after)
    assert kinds == {("reminder", "ada"): 1, ("reminder", "bo"): 1, ("nudge", "bo"): 1}
    assert all(outage[1] <= s.at <= outage[1] + RETRY_CAP for s in after)
    reminders = [s.text for s in after if s.id.startswith("reminder")]
    assert all("late" in text for text in reminders)  # never late without saying so
    async with chat.bot.services.db.session() as session:
        ada_nudge = await session.scalar(
            select(Delivery)
            .where(Delivery.kind == "nudge", Delivery.due_at >= outage[0])
            .order_by(Delivery.id)
        )
        assert ada_nudge is not None and ada_nudge.status == "expired"
        # It queued behind her reminder (a member's messages never overtake each other),
        # so her day ended before its turn came.
        assert "no longer useful" in (ada_nudge.last_error or "")
    assert dispatcher.last_report.failed == 0


async def test_retry_after_is_honoured_for_each_delivery(bot: JobClubBot, clock: FakeClock) -> None:
    due = START + timedelta(minutes=5)
    await add_reminders(bot, 3, due)
    platform = FakePlatform(clock, down=(due, due + timedelta(minutes=20)), retry_after=420)
    await bot.dispatcher(platform).advance_to(due + timedelta(hours=1), clock.set)
    tries: dict[str, list[datetime]] = {}
    for message, at in platform.refused:
        tries.setdefault(message, []).append(at)
    for message, times in tries.items():
        gaps = [later - earlier for earlier, later in pairwise(times)]
        assert all(gap >= timedelta(seconds=420) for gap in gaps), (message, gaps)
    assert len(platform.sent) == 3


async def test_a_failure_expires_a_message_whose_moment_has_passed(
    bot: JobClubBot, clock: FakeClock
) -> None:
    """A routine message useful for 10 minutes, platform down for 30: recorded as expired."""
    due = START + timedelta(minutes=5)
    await add_reminders(bot, 1, due + timedelta(days=30))  # makes the member
    async with bot.services.db.session() as session:
        member_id = await session.scalar(select(func.min(Member.id)))

    until = due + timedelta(minutes=10)
    item = DueItem("routine:1", "routine", due, member_id=member_id, useful_until=until)
    routine = OneBatch(("routine",), due, [item], text="today's routine")
    platform = FakePlatform(clock, down=(due, due + timedelta(minutes=30)))
    dispatcher = Dispatcher(bot.services, [routine], platform)  # type: ignore[list-item]
    await dispatcher.advance_to(due + timedelta(hours=1), clock.set)
    async with bot.services.db.session() as session:
        delivery = await session.scalar(select(Delivery).where(Delivery.kind == "routine"))
        assert delivery is not None and delivery.status == "expired"
        assert "503" in (delivery.last_error or "")
    assert platform.refused and platform.sent == []


# -- pruning ---------------------------------------------------------------------------------


async def test_old_deliveries_are_pruned_in_batches_and_never_come_back(
    bot: JobClubBot, clock: FakeClock
) -> None:
    due = START + timedelta(minutes=5)
    await add_reminders(bot, 5, due)
    platform = FakePlatform(clock)
    dispatcher = bot.dispatcher(platform)
    await dispatcher.advance_to(due + timedelta(days=3), clock.set)  # reminders + check-ins
    assert await statuses(bot) == {"sent": 10}
    clock.set(START + RETENTION + timedelta(days=5))
    await add_reminders(bot, 2, clock.now() + timedelta(days=1))  # recent: must stay
    async with bot.services.db.session() as session:  # one old row still pending: kept
        first = await session.scalar(select(func.min(Delivery.id)))
        await session.execute(update(Delivery).where(Delivery.id == first).values(status="pending"))

    assert await prune_deliveries(bot.services.db, clock.now(), batch=3) == 9
    assert await DispatchRunner(bot, platform, 5).prune() == 0  # the scheduled job's entry
    assert await statuses(bot) == {"pending": 1}

    # The same occurrences claimed again (as if a schedule were rewound) are never sent.
    rewound = [DueItem(f"reminder:{n}:0", "reminder", due, member_id=1) for n in range(2, 6)]
    schedule = OneBatch(("reminder",), due, rewound)  # rendering any of them fails the test
    sent_before = len(platform.sent)
    await Dispatcher(bot.services, [schedule], platform).tick()  # type: ignore[list-item]
    assert len(platform.sent) == sent_before
    # The four rewound occurrences, and the old row left pending, are expired, unsent.
    assert await statuses(bot) == {"expired": 5}
