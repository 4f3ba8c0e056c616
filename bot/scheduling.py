"""Scheduled messages, exactly once.

Features implement `ScheduledWork`: they find what is due in their own tables and
*claim* it by advancing those rows with a conditional UPDATE, in the same
transaction that records a `Delivery` row whose unique key names the occurrence.
So a due item becomes exactly one delivery, however many dispatchers run at once
(PostgreSQL re-checks the UPDATE's condition after a concurrent commit; SQLite has
one writer). Sending happens outside any transaction, under a short lease; a
platform error puts the delivery back with a backoff, and after `MAX_ATTEMPTS` it
is marked failed with the reason, never dropped silently.

The APScheduler job in `bot.runner` calls `Dispatcher.tick` every few seconds; the
console's `:clock` calls `advance_to`, which stops at each due instant on the way.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import members
from bot.events import Platform
from bot.outbox import MemberAddress, SendError
from bot.replies import Reply
from bot.store.database import insert_many_ignoring_conflict
from bot.store.models import Club, Delivery, Member

if TYPE_CHECKING:
    from bot.context import Services

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=2)
"""A sending delivery whose process died is retried once its lease runs out."""
BATCH = 100
MAX_CLAIM_ROUNDS = 50
"""Claim rounds per feature and tick; each round is one short transaction."""
STALE_REASON = "stale: its moment had passed"


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min... capped at an hour."""
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), timedelta(hours=1))


@dataclass(frozen=True)
class DueItem:
    """A claimed occurrence, to be recorded as a delivery."""

    key: str
    kind: str
    due_at: datetime
    member_id: int | None = None
    club_id: int | None = None
    ref_id: int | None = None
    late: bool = False
    stale: bool = False
    """A routine message whose moment has passed: recorded as skipped, never sent."""
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outgoing:
    """One message to send: to a member's DM, or to a club channel."""

    kind: str
    reply: Reply
    member: MemberAddress | None = None
    channel: tuple[str, str] | None = None
    """(club external id, channel id) for a channel post."""
    platform: Platform | None = None
    """Which adapter sends it (set by the dispatcher from the club)."""


class ScheduledWork(Protocol):
    """What a feature provides to have messages sent on its behalf."""

    kinds: tuple[str, ...]

    async def next_due(self, session: AsyncSession, services: Services) -> datetime | None:
        """The earliest instant something is due to be claimed, or None."""
        ...

    async def claim_due(
        self, session: AsyncSession, services: Services, now: datetime
    ) -> list[DueItem]:
        """Advance every due row (conditionally) and return what was claimed."""
        ...

    async def render(
        self, session: AsyncSession, services: Services, delivery: Delivery, now: datetime
    ) -> Reply | None:
        """The message for a delivery, or None when it no longer applies (e.g. done)."""
        ...


Deliver = Callable[[Outgoing, datetime], Awaitable[str | None]]
"""Sends through the adapter's outbox; returns the DM channel id when there is one."""


class Dispatcher:
    """Claims, records and sends every feature's scheduled messages."""

    def __init__(self, services: Services, work: list[ScheduledWork], deliver: Deliver) -> None:
        self._services = services
        self._work = work
        self._by_kind = {kind: w for w in work for kind in w.kinds}
        self._deliver = deliver

    async def tick(self) -> int:
        """Claim and send everything due now; returns how many messages went out."""
        now = self._services.clock.now()
        await self._claim(now)
        sent = 0
        while batch := await self._lease(now):
            sent += await self._send_batch(batch, now)
        return sent

    async def next_due(self) -> datetime | None:
        """The earliest instant at which `tick` would have something to do."""
        async with self._services.db.session() as session:
            instants = [i for i in (await self._due_by_work(session)).values() if i is not None]
            retry = await session.scalar(
                select(func.min(Delivery.next_attempt_at)).where(Delivery.status == "pending")
            )
            lease = await session.scalar(
                select(func.min(Delivery.lease_until)).where(Delivery.status == "sending")
            )
        instants.extend(i for i in (retry, lease) if i is not None)
        return min(instants, default=None)

    async def advance_to(self, target: datetime, set_clock: Callable[[datetime], None]) -> int:
        """Move a settable clock to `target`, stopping at each due instant on the way."""
        count = 0
        due = await self.next_due()
        for _ in range(100_000):  # a guard against work that claims to be due forever
            if due is None or due > target:
                break
            if due > self._services.clock.now():
                set_clock(due)
            before = self._services.clock.now()
            count += await self.tick()
            following = await self.next_due()
            if following == due and due <= before:
                break  # nothing could progress at this instant; leave it for later
            due = following
        set_clock(target)
        count += await self.tick()
        return count

    async def _due_by_work(self, session: AsyncSession) -> dict[int, datetime | None]:
        return {
            index: await work.next_due(session, self._services)
            for index, work in enumerate(self._work)
        }

    async def _claim(self, now: datetime) -> None:
        services = self._services
        async with services.db.session() as session:
            due = await self._due_by_work(session)
        insert = insert_many_ignoring_conflict(services.db.dialect, Delivery.__table__, ["key"])
        for index, work in enumerate(self._work):
            instant = due[index]
            if instant is None or instant > now:
                continue
            # Short transactions, one feature at a time: a failing feature cannot hold up
            # the others, and the (SQLite) writer lock is never held for long.
            for _ in range(MAX_CLAIM_ROUNDS):
                async with services.db.session() as session:
                    items = await work.claim_due(session, services, now)
                    if items:
                        await session.execute(insert, [_delivery_row(i, now) for i in items])
                if not items:
                    break

    async def _lease(self, now: datetime) -> list[int]:
        """Take up to a batch of sendable deliveries for this process.

        One conditional UPDATE … RETURNING: a row another dispatcher leased in the
        meantime no longer matches the condition, so each delivery has one holder.
        """
        sendable = or_(
            and_(Delivery.status == "pending", Delivery.next_attempt_at <= now),
            and_(Delivery.status == "sending", Delivery.lease_until <= now),
        )
        async with self._services.db.session() as session:
            candidates = list(
                await session.scalars(
                    select(Delivery.id)
                    .where(sendable)
                    .order_by(Delivery.next_attempt_at, Delivery.id)
                    .limit(BATCH)
                )
            )
            if not candidates:
                return []
            taken = await session.scalars(
                update(Delivery)
                .where(Delivery.id.in_(candidates), sendable)
                .values(status="sending", lease_until=now + LEASE, attempts=Delivery.attempts + 1)
                .returning(Delivery.id)
                .execution_options(synchronize_session=False)
            )
            return sorted(taken)

    async def _send_batch(self, ids: list[int], now: datetime) -> int:
        """Render a leased batch in one session, send outside any transaction, record results."""
        services = self._services
        ready: list[tuple[int, int, int | None, Outgoing]] = []
        async with services.db.session() as session:
            deliveries = list(
                await session.scalars(
                    select(Delivery).where(Delivery.id.in_(ids)).order_by(Delivery.id)
                )
            )
            member_ids = {d.member_id for d in deliveries if d.member_id is not None}
            if member_ids:  # warm the identity map: one query instead of two per delivery
                await session.execute(
                    select(Member, Club)
                    .join(Club, Club.id == Member.club_id)
                    .where(Member.id.in_(member_ids))
                )
            for delivery in deliveries:
                work = self._by_kind.get(delivery.kind)
                outgoing = await self._outgoing(session, delivery, work, now)
                if outgoing is None:
                    delivery.status, delivery.last_error = "skipped", "no longer applies"
                    delivery.lease_until = None
                else:
                    ready.append((delivery.id, delivery.attempts, delivery.member_id, outgoing))
        sent: list[int] = []
        channels: dict[int, str] = {}
        failures: list[tuple[int, int, BaseException]] = []
        for delivery_id, attempts, member_id, outgoing in ready:
            try:
                channel_id = await self._deliver(outgoing, now)
            except Exception as exc:
                failures.append((delivery_id, attempts, exc))
            else:
                sent.append(delivery_id)
                if channel_id and member_id is not None:
                    channels[member_id] = channel_id
        async with services.db.session() as session:
            if sent:
                await session.execute(
                    update(Delivery)
                    .where(Delivery.id.in_(sent))
                    .values(status="sent", sent_at=now, lease_until=None)
                    .execution_options(synchronize_session=False)
                )
            for member_id, channel_id in channels.items():
                await self._record_channel(session, member_id, channel_id)
            for delivery_id, attempts, error in failures:
                await self._record_failure(session, delivery_id, attempts, error, now)
        return len(sent)

    async def _record_channel(self, session: AsyncSession, member_id: int, channel_id: str) -> None:
        await session.execute(
            update(Member)
            .where(
                Member.id == member_id,
                or_(Member.dm_channel_id.is_(None), Member.dm_channel_id != channel_id),
            )
            .values(dm_channel_id=channel_id)
            .execution_options(synchronize_session=False)
        )

    async def _record_failure(
        self,
        session: AsyncSession,
        delivery_id: int,
        attempts: int,
        error: BaseException,
        now: datetime,
    ) -> None:
        retryable = not isinstance(error, SendError) or error.retryable
        reason = f"{type(error).__name__}: {error}"[:500]
        log.warning("delivery %s attempt %s failed: %s", delivery_id, attempts, reason)
        if retryable and attempts < MAX_ATTEMPTS:
            values: dict[str, Any] = {
                "status": "pending",
                "next_attempt_at": now + backoff(attempts),
            }
        else:
            values = {"status": "failed"}
            log.error("delivery %s failed for good: %s", delivery_id, reason)
        await session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id)
            .values(last_error=reason, lease_until=None, **values)
        )

    async def _outgoing(
        self,
        session: AsyncSession,
        delivery: Delivery,
        work: ScheduledWork | None,
        now: datetime,
    ) -> Outgoing | None:
        if work is None:
            log.error("no scheduled work handles kind %r (delivery %s)", delivery.kind, delivery.id)
            return None
        reply = await work.render(session, self._services, delivery, now)
        if reply is None:
            return None
        reply.meta.setdefault("kind", delivery.kind)
        if delivery.member_id is not None:
            member = await session.get(Member, delivery.member_id)
            club = await session.get(Club, member.club_id) if member else None
            if member is None or club is None:
                return None
            address = members.address(club, member)
            return Outgoing(delivery.kind, reply, member=address, platform=address.platform)
        channel = delivery.payload.get("channel_id")
        club = await session.get(Club, delivery.club_id) if delivery.club_id else None
        if club is None or not channel:
            return None
        return Outgoing(
            delivery.kind,
            reply,
            channel=(club.external_id, str(channel)),
            platform=Platform(club.platform),
        )


def _delivery_row(item: DueItem, now: datetime) -> dict[str, Any]:
    return {
        "key": item.key,
        "kind": item.kind,
        "member_id": item.member_id,
        "club_id": item.club_id,
        "ref_id": item.ref_id,
        "due_at": item.due_at,
        "status": "skipped" if item.stale else "pending",
        "attempts": 0,
        "next_attempt_at": None if item.stale else now,
        "late": item.late,
        "payload": item.payload,
        "last_error": STALE_REASON if item.stale else None,
        "created_at": now,
    }
