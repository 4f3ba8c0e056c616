"""SIGTERM in the middle of a fan-out: the replica takes no new work, and what it leased
but could not send goes back at once, so the other replica sends it without waiting for
the lease to run out. Nothing is lost; only the send that was in flight may repeat."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.clock import FakeClock
from bot.outbox import Pace
from bot.runner import DispatchRunner
from bot.scheduling import Outgoing
from bot.store.models import Delivery
from tests.conftest import START
from tests.dispatch_helpers import add_reminders, make_bot, message_id, statuses

DUE = 30


class StallingPlatform:
    """Takes the first send; the second one never comes back (a hung connection)."""

    pace = Pace(concurrency=1)

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.stalled = asyncio.Event()

    async def __call__(self, item: Outgoing, at: datetime) -> str | None:
        self.sent.append(message_id(item))
        if len(self.sent) == 2:
            self.stalled.set()
            await asyncio.Event().wait()
        return None


async def test_a_stopping_replica_hands_back_its_leases_and_the_other_sends_them_at_once(
    tmp_path: Path, clock: FakeClock
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    due = START + timedelta(minutes=5)
    leaving = await make_bot(url, tmp_path, clock)
    staying = await make_bot(url, tmp_path, clock)
    try:
        expected = await add_reminders(leaving, DUE, due, per_member=1)
        clock.set(due)
        platform = StallingPlatform()
        runner = DispatchRunner(leaving, platform, interval=5)
        tick = asyncio.create_task(runner._tick())
        await platform.stalled.wait()
        released = await runner.stop(grace=0)
        assert tick.done()
        assert released >= 1  # at least the hung send; the rest of its batch too
        counts = await statuses(leaving)
        assert counts["sent"] == 1
        assert counts["sending"] == 0  # nothing left waiting for a lease to expire
        # Stopped: a further tick takes nothing.
        assert await runner._dispatcher.tick() == 0

        # The other replica, at the same instant: everything left goes out now.
        received = Counter(platform.sent)
        other: list[str] = []

        async def deliver(item: Outgoing, at: datetime) -> str | None:
            other.append(message_id(item))
            return None

        dispatcher = staying.dispatcher(deliver)
        while await dispatcher.tick():
            pass
        received.update(other)
        assert set(received) == set(expected)
        assert sum(received.values()) - len(expected) <= 1  # only the hung send, if at all
        assert await statuses(staying) == {"sent": DUE}
        async with staying.services.db.session() as session:
            attempts = list(await session.scalars(select(Delivery.attempts)))
        assert max(attempts) == 1  # handed back untried: no retry was counted
    finally:
        await leaving.close()
        await staying.close()
