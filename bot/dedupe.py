"""Handling a platform's re-sent deliveries once, across every replica.

Slack sends an event again when it did not see a timely 200, with the same `event_id`;
behind a load balancer the copy may reach another process, so a per-process memory
cannot tell. The database can: the first process to insert a key into `seen_deliveries`
handles the delivery, every later copy finds the key already there.

A key is remembered for `ttl` (Slack retries within minutes; an hour is plenty), after
which it may be claimed afresh, and expired rows are pruned on the retention schedule
(`bot.retention.prune_seen_deliveries`), so the table never grows without bound.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.clock import Clock
from bot.store.database import Database, insert_ignoring_conflict
from bot.store.models import SeenDelivery

REMEMBER_FOR = timedelta(hours=1)
MAX_KEY = 200


class DeliveryLedger:
    """Claims delivery keys in the shared database: `first_time` is True exactly once."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def first_time(self, key: str, ttl: timedelta = REMEMBER_FOR) -> bool:
        """True for the first claim of `key` within `ttl` (by any process), else False.

        One INSERT … ON CONFLICT DO NOTHING decides between racing replicas: the unique
        key lets exactly one insert succeed. A key whose memory has expired is taken
        over by a conditional UPDATE, which again only one claimant can win.
        """
        key = key[:MAX_KEY]
        now = self._clock.now()
        table = SeenDelivery.__table__
        row = {"key": key, "expires_at": now + ttl, "created_at": now}
        async with self._db.session() as session:
            inserted = await session.scalar(
                insert_ignoring_conflict(self._db.dialect, table, row, ["key"]).returning(
                    table.c.key
                )
            )
            if inserted is not None:
                return True
            renewed = await session.scalar(
                update(SeenDelivery)
                .where(SeenDelivery.key == key, SeenDelivery.expires_at <= now)
                .values(expires_at=now + ttl, created_at=now)
                .returning(SeenDelivery.key)
                .execution_options(synchronize_session=False)
            )
            return renewed is not None

    async def remembered(self, key: str) -> bool:
        """Whether `key` is held and unexpired (for tests and diagnostics)."""
        async with self._db.session() as session:
            expires = await session.scalar(
                select(SeenDelivery.expires_at).where(SeenDelivery.key == key[:MAX_KEY])
            )
        return expires is not None and expires > self._clock.now()
