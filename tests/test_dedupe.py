"""The shared memory of platform deliveries already handled (`bot/dedupe.py`): whichever
replica a retried Slack event reaches, it is handled once; keys expire and are pruned."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.dedupe import DeliveryLedger
from bot.retention import prune_seen_deliveries
from bot.store.database import Database
from bot.store.models import SeenDelivery


async def prepared(url: str) -> Database:
    db = Database(url)
    await db.upgrade()
    return db


async def test_a_delivery_is_first_exactly_once_across_two_processes(
    database_url: str, clock: FakeClock
) -> None:
    one, two = await prepared(database_url), Database(database_url)
    try:
        first, second = DeliveryLedger(one, clock), DeliveryLedger(two, clock)
        # The same event reaches both replicas at once, ten times over.
        claims = await asyncio.gather(
            *(
                ledger.first_time(f"slack:event:Ev{n}")
                for n in range(10)
                for ledger in (first, second)
            )
        )
        assert sum(claims) == 10
        assert not await first.first_time("slack:event:Ev3")
        assert not await second.first_time("slack:event:Ev3")
        assert await first.first_time("slack:event:Ev99")
    finally:
        await one.dispose()
        await two.dispose()


async def test_a_key_is_remembered_for_its_ttl_then_may_be_claimed_again(
    database_url: str, clock: FakeClock
) -> None:
    db = await prepared(database_url)
    try:
        ledger = DeliveryLedger(db, clock)
        assert await ledger.first_time("slack:action:T1:trigger-1", ttl=timedelta(minutes=10))
        clock.advance(timedelta(minutes=9))
        assert not await ledger.first_time("slack:action:T1:trigger-1")
        assert await ledger.remembered("slack:action:T1:trigger-1")
        clock.advance(timedelta(minutes=2))
        assert not await ledger.remembered("slack:action:T1:trigger-1")
        assert await ledger.first_time("slack:action:T1:trigger-1")
        assert not await ledger.first_time("slack:action:T1:trigger-1")
    finally:
        await db.dispose()


async def test_expired_keys_are_pruned_and_live_ones_kept(
    database_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    db = await prepared(database_url)
    try:
        ledger = DeliveryLedger(db, clock)
        for n in range(7):
            await ledger.first_time(f"old:{n}", ttl=timedelta(minutes=30))
        clock.advance(timedelta(minutes=45))
        await ledger.first_time("fresh", ttl=timedelta(hours=1))
        assert await prune_seen_deliveries(db, clock.now(), batch=3) == 7
        async with db.session() as session:
            left = list(await session.scalars(select(SeenDelivery.key)))
            assert left == ["fresh"]
            assert await session.scalar(select(func.count()).select_from(SeenDelivery)) == 1
        assert not await ledger.first_time("fresh")
    finally:
        await db.dispose()
