"""How long delivery records are kept, and the pruning that removes older ones.

`deliveries` gains about 430 rows per member per year. A row's unique key is what
stops an occurrence from being claimed and sent twice, so a row may only go once its
occurrence can never be sent again. That holds for a row that is

- final (sent, failed, skipped or expired: no dispatcher will touch it again), and
- about an occurrence whose instant and useful-until both lie more than `RETENTION` in
  the past.

Why that is enough: the key names one occurrence (a commitment's schedule revision, a
member's local date, a club's digest date), so a key's instant never moves; every
feature moves its schedule column past `now` when it claims; and, should an occurrence
that old ever be claimed again anyway, the dispatcher records it as expired without
sending it (`Dispatcher` refuses anything due more than `RETENTION` ago). So a pruned
row can at worst come back as an expired record, never as a second message.

`seen_deliveries` (the shared memory of platform deliveries already handled,
`bot.dedupe`) holds each key for an hour; expired keys go on the same schedule.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select

from bot.store.database import Database
from bot.store.models import Delivery, SeenDelivery

log = logging.getLogger(__name__)

RETENTION = timedelta(days=90)
"""Delivery records older than this are pruned (documented in docs/operations.md)."""
PRUNE_BATCH = 500
"""Rows per delete: short transactions, so the writer lock is never held for long."""
MAX_BATCHES = 200
"""Per run; a bigger backlog is finished by the following runs."""
FINAL_STATUSES = ("sent", "failed", "skipped", "expired")


async def prune_deliveries(
    db: Database,
    now: datetime,
    *,
    retention: timedelta = RETENTION,
    batch: int = PRUNE_BATCH,
    max_batches: int = MAX_BATCHES,
) -> int:
    """Delete final delivery records older than `retention`, `batch` rows at a time.

    Returns how many rows went. Safe to run from several replicas at once: each batch
    deletes by id, and a row another replica removed first is simply not there.
    """
    cutoff = now - retention
    prunable = (
        Delivery.status.in_(FINAL_STATUSES),
        Delivery.due_at < cutoff,
        or_(Delivery.useful_until.is_(None), Delivery.useful_until < cutoff),
    )
    removed = 0
    for _ in range(max_batches):
        async with db.session() as session:
            ids = list(await session.scalars(select(Delivery.id).where(*prunable).limit(batch)))
            if ids:
                result = await session.execute(
                    delete(Delivery)
                    .where(Delivery.id.in_(ids), *prunable)
                    .execution_options(synchronize_session=False)
                )
                removed += result.rowcount or 0
        if len(ids) < batch:
            break
        await asyncio.sleep(0)  # let interactive events in between batches
    if removed:
        log.info("pruned %s delivery record(s) older than %s days", removed, retention.days)
    return removed


async def prune_seen_deliveries(
    db: Database, now: datetime, *, batch: int = PRUNE_BATCH, max_batches: int = MAX_BATCHES
) -> int:
    """Delete de-duplication keys whose memory has expired, `batch` rows at a time.

    An expired key no longer stops anything (`DeliveryLedger` lets it be claimed again),
    so removing it changes no behaviour; it only keeps the table small.
    """
    removed = 0
    for _ in range(max_batches):
        async with db.session() as session:
            keys = list(
                await session.scalars(
                    select(SeenDelivery.key).where(SeenDelivery.expires_at <= now).limit(batch)
                )
            )
            if keys:
                result = await session.execute(
                    delete(SeenDelivery)
                    .where(SeenDelivery.key.in_(keys), SeenDelivery.expires_at <= now)
                    .execution_options(synchronize_session=False)
                )
                removed += result.rowcount or 0
        if len(keys) < batch:
            break
        await asyncio.sleep(0)
    if removed:
        log.info("pruned %s expired de-duplication key(s)", removed)
    return removed
