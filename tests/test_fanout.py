"""A fan-out at the platform's pace (issue 16): many deliveries at once, several in flight,
and still each member's messages in order, each sent once, each lease alive while its
holder works. Time is the injected fake clock: a slow send moves it forward.
"""

from __future__ import annotations

import asyncio
import gc
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import full_collections
from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.outbox import Pace, SendError
from bot.scheduling import LEASE, SENDERS_PER_STEP, Outgoing, _statements
from bot.store.models import Delivery
from tests.conftest import START
from tests.dispatch_helpers import FakePlatform, add_reminders, make_bot, message_id, statuses
from tests.statement_count import kinds, statements

DUE = START + timedelta(minutes=5)


@pytest.fixture
async def bot(database_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[JobClubBot]:
    instance = await make_bot(database_url, tmp_path, clock)
    try:
        yield instance
    finally:
        await instance.close()


def who(sent_id: str) -> str:
    return sent_id.split(":")[1]


class Turns:
    """Counts the turns of the event loop while a block runs: `now` is the current one."""

    def __init__(self) -> None:
        self.now = 0
        self._finished = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Turns:
        self._task = asyncio.create_task(self._count())
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._finished.set()
        assert self._task is not None
        await self._task

    async def _count(self) -> None:
        while not self._finished.is_set():
            self.now += 1
            await asyncio.sleep(0)


async def test_each_members_messages_arrive_in_order_while_many_go_at_once(
    bot: JobClubBot, clock: FakeClock
) -> None:
    """Ten members with five reminders each, eight sends in flight, and every member's
    first try refused: nobody's second reminder overtakes their first."""
    expected = await add_reminders(bot, 50, DUE, per_member=5)
    platform = FakePlatform(clock, send_time=timedelta(seconds=1), pace=Pace(concurrency=8))
    refused_once: set[str] = set()
    in_flight = [0, 0]  # now, most

    async def deliver(item: Outgoing, at: datetime) -> str | None:
        member = who(message_id(item))
        if member not in refused_once:
            refused_once.add(member)
            raise SendError("503 service unavailable", retry_after=45)
        in_flight[0] += 1
        in_flight[1] = max(in_flight)
        try:
            await asyncio.sleep(0)  # the round trip, while the other sends get going
            return await platform(item, at)
        finally:
            in_flight[0] -= 1

    deliver.pace = platform.pace  # type: ignore[attr-defined]
    await bot.dispatcher(deliver).advance_to(DUE + timedelta(hours=1), clock.set)

    assert sorted(platform.counts()) == sorted(expected)
    assert set(platform.counts().values()) == {1}
    for member in {who(i) for i in expected}:
        theirs = [s.id for s in platform.sent if who(s.id) == member]
        assert theirs == [i for i in expected if who(i) == member]  # in the order claimed
    assert in_flight[1] > 1  # and they did go out several at once


async def test_no_lease_runs_out_while_its_sender_still_works_through_the_batch(
    bot: JobClubBot, clock: FakeClock
) -> None:
    """The adapter declares 50 sends a second but each takes 20 s: every row being sent is
    still held, under an unexpired lease, at the moment it goes out."""
    await add_reminders(bot, 40, DUE, per_member=1)
    platform = FakePlatform(
        clock, send_time=timedelta(seconds=20), pace=Pace(concurrency=4, sends_per_second=50)
    )
    expired_mid_send: list[int] = []

    async def deliver(item: Outgoing, at: datetime) -> str | None:
        async with bot.services.db.session() as session:
            rows = (await session.execute(select(Delivery.status, Delivery.lease_until))).all()
        now = clock.now()
        expired_mid_send.extend(
            1 for status, until in rows if status == "sending" and (until is None or until <= now)
        )
        return await platform(item, at)

    deliver.pace = platform.pace  # type: ignore[attr-defined]
    await bot.dispatcher(deliver).advance_to(DUE + timedelta(hours=2), clock.set)

    assert len(platform.sent) == 40
    assert clock.now() - DUE > timedelta(minutes=2)  # the batch outlived the shortest lease
    assert expired_mid_send == []
    assert await statuses(bot) == {"sent": 40}


async def test_a_429_storm_ends_with_everything_delivered_once(
    bot: JobClubBot, clock: FakeClock
) -> None:
    """Two minutes of 429s with Retry-After 30 s while 200 are due, 10 in flight."""
    expected = await add_reminders(bot, 200, DUE, per_member=1)
    storm = (DUE, DUE + timedelta(minutes=2))
    platform = FakePlatform(
        clock,
        send_time=timedelta(milliseconds=100),
        down=storm,
        retry_after=30,
        pace=Pace(concurrency=10, sends_per_second=20),
    )
    await bot.dispatcher(platform).advance_to(DUE + timedelta(hours=1), clock.set)

    assert platform.refused  # the storm was met
    assert sorted(platform.counts()) == sorted(expected)
    assert set(platform.counts().values()) == {1}
    assert await statuses(bot) == {"sent": 200}
    # Nothing was retried sooner than the platform asked.
    retried = {i for i, _ in platform.refused}
    for sent in platform.sent:
        if sent.id in retried:
            first_refusal = min(at for i, at in platform.refused if i == sent.id)
            assert sent.at >= first_refusal + timedelta(seconds=30)


async def test_a_permanent_error_fails_only_its_own_delivery(
    bot: JobClubBot, clock: FakeClock
) -> None:
    expected = await add_reminders(bot, 30, DUE, per_member=3)
    platform = FakePlatform(clock, send_time=timedelta(seconds=1), pace=Pace(concurrency=6))
    blocked = expected[4]  # one of m1's reminders: m1 has closed their DMs to it

    async def deliver(item: Outgoing, at: datetime) -> str | None:
        if message_id(item) == blocked:
            raise SendError("cannot_dm_user", retryable=False)
        return await platform(item, at)

    deliver.pace = platform.pace  # type: ignore[attr-defined]
    dispatcher = bot.dispatcher(deliver)
    await dispatcher.advance_to(DUE + timedelta(hours=1), clock.set)

    assert sorted(platform.counts()) == sorted(i for i in expected if i != blocked)
    assert await statuses(bot) == {"sent": 29, "failed": 1}
    async with bot.services.db.session() as session:
        failed = await session.scalar(select(Delivery).where(Delivery.status == "failed"))
        assert failed is not None and "cannot_dm_user" in (failed.last_error or "")


async def test_warming_up_at_start_claims_nothing_and_the_due_reminders_still_go_once(
    bot: JobClubBot, clock: FakeClock
) -> None:
    """The launcher warms the dispatcher before the first tick (its statements compiled
    ahead of the first fan-out): that dry run records no delivery and sends nothing, and
    the reminders due then still go out, each once."""
    expected = await add_reminders(bot, 6, DUE, per_member=1)
    platform = FakePlatform(clock, send_time=timedelta(seconds=1), pace=Pace(concurrency=4))
    dispatcher = bot.dispatcher(platform)
    clock.set(DUE + timedelta(minutes=1))

    await dispatcher.warm()

    assert platform.sent == []
    assert await statuses(bot) == {}
    await dispatcher.advance_to(DUE + timedelta(hours=1), clock.set)
    assert sorted(platform.counts()) == sorted(expected)
    assert set(platform.counts().values()) == {1}


async def test_a_tick_with_nothing_due_asks_the_database_once(
    bot: JobClubBot, clock: FakeClock
) -> None:
    """Between fan-outs the heartbeat ticks every few seconds: with nothing due and nothing
    waiting to be retried, a tick is its one due check (it used to lease twice as well,
    both times for nothing). Once reminders are due, the same tick claims and sends."""
    expected = await add_reminders(bot, 3, DUE, per_member=1)
    platform = FakePlatform(clock, pace=Pace(concurrency=4))
    dispatcher = bot.dispatcher(platform)

    with statements(bot) as seen:
        assert await dispatcher.tick() == 0
    assert kinds(seen) == ["SELECT"]

    clock.set(DUE)
    assert await dispatcher.tick() == 3
    assert sorted(platform.counts()) == sorted(expected)


async def test_leasing_a_batch_reads_the_batch_not_the_whole_queue(
    tmp_path: Path, clock: FakeClock
) -> None:
    """A 09:00 crowd is leased a batch at a time while the rest of it waits: choosing and
    taking each batch must cost about the same with 40 or 400 waiting (SQLite runs it in
    our own process, with the writer held). Both statements used to read every waiting
    delivery for each batch (the choice sorted them all; the UPDATE found its rows through
    the status index, not by id), so a fan-out cost the square of its size. Counted in
    SQLite's own VM steps (its progress handler), not in time."""

    async def steps_to_lease(waiting: int) -> int:
        url = f"sqlite+aiosqlite:///{tmp_path / f'queue{waiting}.db'}"
        bot = await make_bot(url, tmp_path, clock)
        try:
            await add_reminders(bot, waiting, DUE, per_member=1)
            clock.set(DUE)
            await bot.dispatcher(FakePlatform(clock))._claim(DUE)
            assert await statuses(bot) == {"pending": waiting}
            counted = 0

            def count() -> int:
                nonlocal counted
                counted += 1
                return 0  # carry on

            async with bot.services.db.engine.begin() as conn:
                driver = (await conn.get_raw_connection()).driver_connection
                assert driver is not None
                await driver.set_progress_handler(count, 10)
                chosen = list(
                    await conn.scalars(_statements.candidates(10, "sqlite"), {"l_now": DUE})
                )
                taken = await conn.execute(
                    _statements.lease,
                    {"l_ids": chosen, "l_now": DUE, "l_until": DUE + LEASE, "l_token": "t"},
                )
                assert len(taken.all()) == 10
                await driver.set_progress_handler(None, 10)
            return counted
        finally:
            await bot.close()

    few, many = await steps_to_lease(40), await steps_to_lease(400)
    assert many < 1.5 * few, (few, many)


async def test_sends_start_a_few_per_turn_of_the_event_loop_however_the_senders_crowd(
    bot: JobClubBot, clock: FakeClock
) -> None:
    """Forty senders for three hundred due reminders. They crowd three ways: all forty
    start at once, each group of results written together wakes its senders at once,
    and each new batch wakes every idle sender at once. Still no turn of the event loop
    starts more than `SENDERS_PER_STEP` sends (each costs the adapter 0.5-1 ms), so a
    member's command never waits behind a crowd, and everyone gets their reminder once."""
    expected = await add_reminders(bot, 300, DUE, per_member=1)
    platform = FakePlatform(clock, pace=Pace(concurrency=40))
    sends_in_turn: Counter[int] = Counter()
    senders: set[asyncio.Task[object]] = set()

    async with Turns() as turns:

        async def deliver(item: Outgoing, at: datetime) -> str | None:
            sender = asyncio.current_task()
            assert sender is not None
            senders.add(sender)
            sends_in_turn[turns.now] += 1
            return await platform(item, at)

        deliver.pace = platform.pace  # type: ignore[attr-defined]
        await bot.dispatcher(deliver).advance_to(DUE + timedelta(minutes=5), clock.set)

    assert sorted(platform.counts()) == sorted(expected)
    assert set(platform.counts().values()) == {1}
    assert len(senders) == 40
    assert sum(sends_in_turn.values()) == 300
    assert max(sends_in_turn.values()) <= SENDERS_PER_STEP


async def test_full_garbage_collections_wait_while_a_fan_out_sends_and_come_back_after(
    bot: JobClubBot, clock: FakeClock
) -> None:
    """A full collection in the middle of a fan-out walks every send in flight on the
    event loop (8-19 ms, bench/README.md): it waits for the tick to end, even a tick
    whose sends fail, and the young collections carry on meanwhile."""
    await add_reminders(bot, 20, DUE, per_member=1)
    platform = FakePlatform(clock, pace=Pace(concurrency=4))
    usual = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []

    async def deliver(item: Outgoing, at: datetime) -> str | None:
        seen.append(gc.get_threshold())
        if len(seen) % 5 == 0:
            raise SendError("cannot_dm_user", retryable=False)
        return await platform(item, at)

    deliver.pace = platform.pace  # type: ignore[attr-defined]
    dispatcher = bot.dispatcher(deliver)
    await dispatcher.advance_to(DUE + timedelta(minutes=5), clock.set)

    assert len(seen) == 20
    assert {threshold[:2] for threshold in seen} == {usual[:2]}  # young passes as usual
    assert {threshold[2] for threshold in seen} == {full_collections.OUT_OF_REACH}
    assert gc.get_threshold() == usual and not full_collections.deferred()
    assert await dispatcher.tick() == 0  # an idle tick leaves them alone
    assert gc.get_threshold() == usual


def test_a_threshold_someone_else_set_during_the_wait_is_kept() -> None:
    usual = gc.get_threshold()
    try:
        full_collections.hold()
        full_collections.hold()  # a second dispatcher's tick
        full_collections.release()
        assert gc.get_threshold()[2] == full_collections.OUT_OF_REACH  # still one holder
        gc.set_threshold(usual[0], usual[1], 25)  # an operator's own tuning
        full_collections.release()
        assert gc.get_threshold() == (usual[0], usual[1], 25)
    finally:
        gc.set_threshold(*usual)
