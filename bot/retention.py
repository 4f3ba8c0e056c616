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
from typing import Any

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.orm import InstrumentedAttribute

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


async def _prune_in_batches(
    db: Database,
    model: type[Any],
    key: InstrumentedAttribute[Any],
    prunable: tuple[ColumnElement[bool], ...],
    batch: int,
    max_batches: int,
) -> int:
    """Delete `model` rows matching `prunable`, `batch` keys at a time, each batch in its
    own short transaction (the condition is checked again in the delete, so a row changed
    or removed meanwhile by another replica is left alone). Returns how many went."""
    removed = 0
    for _ in range(max_batches):
        async with db.session() as session:
            keys = list(await session.scalars(select(key).where(*prunable).limit(batch)))
            if keys:
                result = await session.execute(
                    delete(model)
                    .where(key.in_(keys), *prunable)
                    .execution_options(synchronize_session=False)
                )
                removed += result.rowcount or 0
        if len(keys) < batch:
            break
        await asyncio.sleep(0)  # let interactive events in between batches
    return removed


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
    removed = await _prune_in_batches(db, Delivery, Delivery.id, prunable, batch, max_batches)
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
    removed = await _prune_in_batches(
        db, SeenDelivery, SeenDelivery.key, (SeenDelivery.expires_at <= now,), batch, max_batches
    )
    if removed:
        log.info("pruned %s expired de-duplication key(s)", removed)
    return removed
