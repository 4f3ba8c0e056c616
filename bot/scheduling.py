"""Scheduled messages, exactly once: never twice, never lost.

Features implement `ScheduledWork`: they find what is due in their own tables and
*claim* it by advancing those rows with a conditional UPDATE, in the same
transaction that records a `Delivery` row whose unique key names the occurrence.
So a due item becomes exactly one delivery, however many dispatchers run at once
(PostgreSQL re-checks the UPDATE's condition after a concurrent commit; SQLite has
one writer).

Sending happens outside any transaction, under a lease:
- a lease is stamped from the clock when it is taken, carries a token, and is renewed
  while its holder works through the batch, so a slow batch is never taken over;
- a batch is sized to take at most half a lease at the pace sends actually go;
- each delivery is recorded as sent right after its own send, so a crash repeats at
  most the sends that were in flight.

A failed send is retried with backoff (honouring the platform's `Retry-After`) for as
long as the message is still useful, then recorded as expired; a platform where every
send fails is left alone as a whole for a while (`bot.breaker`). Permanent errors fail
at once. Nothing is dropped silently: every end is a status with a reason.

The APScheduler job in `bot.runner` calls `Dispatcher.tick` every few seconds; the
console's `:clock` calls `advance_to`, which stops at each due instant on the way.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import members
from bot.breaker import PlatformBreakers, backoff
from bot.events import Platform
from bot.outbox import MemberAddress, SendError, pace_of
from bot.replies import Reply
from bot.retention import RETENTION
from bot.store.database import insert_many_ignoring_conflict
from bot.store.models import Club, Delivery, Member

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
"""A sending delivery whose process died is retried once its lease runs out."""
RENEW_EVERY = LEASE / 4
"""The holder extends its lease this often while it is still sending the batch."""
LEASE_BUDGET = 0.5
"""A batch is sized to be sent within this share of a lease at the measured pace."""
BATCH = 100
FIRST_BATCH_PER_SLOT = 4
"""Before any send has been timed, a batch holds this many per concurrent send."""
MAX_CLAIM_ROUNDS = 50
"""Claim rounds per feature and tick; each round is one short transaction."""
USEFUL_FOR = timedelta(days=1)
"""How long after its due instant a message stays useful when its kind says nothing else."""
LATE_AFTER = timedelta(minutes=10)
"""A message sent this long after its instant is marked late, so its text can say so."""
STALE_REASON = "stale: its moment had passed"
EXPIRED_AT_CLAIM = "expired: claimed after it stopped being useful"


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
    useful_until: datetime | None = None
    """Until when sending still helps (a nudge: the end of the member's day; a digest: the
    next one). None means `USEFUL_FOR` after `due_at`, the reminders' rule. Past it, the
    message is recorded as expired instead of going out late."""


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


@dataclass
class TickReport:
    """What one tick did, for the logs (and the metrics once those exist)."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    expired: int = 0
    skipped: int = 0
    postponed: int = 0
    """Taken while their platform's breaker was open: put back untried."""
    lost_leases: int = 0
    """Deliveries whose lease another dispatcher took over (each may have gone twice)."""

    @property
    def busy(self) -> bool:
        return any(vars(self).values())

    def summary(self) -> str:
        return ", ".join(f"{name} {value}" for name, value in vars(self).items())


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
"""Sends through the adapter's outbox; returns the DM channel id when there is one.

It may carry a `pace` attribute (`bot.outbox.Pace`) saying how much sending it takes."""


@dataclass
class _Lease:
    """A batch this dispatcher holds: renewed while it works, identified by its token."""

    token: str
    held: set[int]
    renewed_at: datetime
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass(frozen=True)
class _Ready:
    id: int
    attempts: int
    member_id: int | None
    useful_until: datetime
    outgoing: Outgoing


class Dispatcher:
    """Claims, records and sends every feature's scheduled messages."""

    def __init__(self, services: Services, work: list[ScheduledWork], deliver: Deliver) -> None:
        self._services = services
        self._work = work
        self._by_kind = {kind: w for w in work for kind in w.kinds}
        self._deliver = deliver
        self._pace = pace_of(deliver)
        self._breakers = PlatformBreakers()
        self._send_seconds: float | None = None
        """How long one send takes, smoothed over recent sends (from the injected clock)."""
        self.last_report = TickReport()

    async def tick(self) -> int:
        """Claim and send everything due now; returns how many messages went out.

        `last_report` then holds the whole account: retrying, failed, expired, skipped.
        """
        report = self.last_report = TickReport()
        await self._claim(self._now())
        misses = 0
        while (lease := await self._lease(self._batch_size())) is not None:
            if not lease.held:  # another dispatcher took these first; look again
                misses += 1
                if misses > 3:
                    break
                continue
            await self._send_batch(lease, report)
        return report.sent

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
        if target > self._services.clock.now():
            set_clock(target)
        count += await self.tick()
        return count

    def _now(self) -> datetime:
        return self._services.clock.now()

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

    def _batch_size(self) -> int:
        """As many as can be sent within `LEASE_BUDGET` of a lease at the slower of the
        declared and the measured pace; a cautious few before anything has been timed."""
        if self._breakers.probing(self._now()):
            return 1
        slots = self._pace.concurrency
        per_send = [self._send_seconds / slots] if self._send_seconds is not None else []
        if self._pace.sends_per_second:
            per_send.append(1 / self._pace.sends_per_second)
        if not per_send:
            return min(BATCH, slots * FIRST_BATCH_PER_SLOT)
        fits = int(LEASE.total_seconds() * LEASE_BUDGET / max(max(per_send), 1e-3))
        return max(1, min(BATCH, fits))

    def _measure(self, took: timedelta) -> None:
        seconds = max(took.total_seconds(), 0.0)
        previous = self._send_seconds
        # Slowing down counts at once; speeding up only gradually.
        self._send_seconds = (
            seconds if previous is None or seconds > previous else 0.8 * previous + 0.2 * seconds
        )

    async def _lease(self, limit: int) -> _Lease | None:
        """Take up to `limit` sendable deliveries for this process; None when none are left.

        One conditional UPDATE … RETURNING: a row another dispatcher leased in the
        meantime no longer matches the condition, so each delivery has one holder. On
        PostgreSQL the candidates are read FOR UPDATE SKIP LOCKED, so two dispatchers
        pick different rows instead of racing for the same ones.
        """
        async with self._services.db.session() as session:
            now = self._now()  # stamped when taken, not when the tick began
            sendable = or_(
                and_(Delivery.status == "pending", Delivery.next_attempt_at <= now),
                and_(Delivery.status == "sending", Delivery.lease_until <= now),
            )
            query = (
                select(Delivery.id)
                .where(sendable)
                .order_by(Delivery.next_attempt_at, Delivery.id)
                .limit(limit)
            )
            if self._services.db.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            candidates = list(await session.scalars(query))
            if not candidates:
                return None
            token = secrets.token_hex(8)
            taken = await session.scalars(
                update(Delivery)
                .where(Delivery.id.in_(candidates), sendable)
                .values(
                    status="sending",
                    lease_until=now + LEASE,
                    lease_token=token,
                    attempts=Delivery.attempts + 1,
                )
                .returning(Delivery.id)
                .execution_options(synchronize_session=False)
            )
            return _Lease(token, set(taken), now)

    async def _renew(self, lease: _Lease) -> None:
        """Extend the lease on what is still ours; drop whatever another holder took."""
        async with lease.lock:
            now = self._now()
            if now - lease.renewed_at < RENEW_EVERY or not lease.held:
                return
            async with self._services.db.session() as session:
                kept = await session.scalars(
                    update(Delivery)
                    .where(
                        Delivery.id.in_(lease.held),
                        Delivery.lease_token == lease.token,
                        Delivery.status == "sending",
                    )
                    .values(lease_until=now + LEASE)
                    .returning(Delivery.id)
                    .execution_options(synchronize_session=False)
                )
                lease.held &= set(kept)
            lease.renewed_at = now

    async def _send_batch(self, lease: _Lease, report: TickReport) -> None:
        """Render a leased batch in one session, then send it outside any transaction,
        `Pace.concurrency` at a time, recording each result as soon as it is known."""
        services = self._services
        ready: deque[_Ready] = deque()
        async with services.db.session() as session:
            now = self._now()
            deliveries = list(
                await session.scalars(
                    select(Delivery)
                    .where(Delivery.id.in_(lease.held), Delivery.lease_token == lease.token)
                    .order_by(Delivery.id)
                )
            )
            member_ids = {d.member_id for d in deliveries if d.member_id is not None}
            # Warm the identity map: one query instead of several per delivery. The rows
            # are fetched and kept referenced, since the session holds objects only weakly.
            warm = (
                (
                    await session.execute(
                        select(Member, Club)
                        .join(Club, Club.id == Member.club_id)
                        .where(Member.id.in_(member_ids))
                    )
                ).all()
                if member_ids
                else []
            )
            for delivery in deliveries:
                until = useful_until(delivery)
                if now >= until:
                    _expire(delivery, now)
                    report.expired += 1
                    continue
                reopens = self._breakers.open_until(await _platform_of(session, delivery), now)
                if reopens is not None:  # its platform is being left alone: not even rendered
                    delivery.status, delivery.next_attempt_at = "pending", reopens
                    delivery.lease_until, delivery.attempts = None, delivery.attempts - 1
                    report.postponed += 1
                    continue
                if not delivery.late and now - delivery.due_at > LATE_AFTER:
                    delivery.late = True  # held up by an outage: the text must say so
                work = self._by_kind.get(delivery.kind)
                outgoing = await self._outgoing(session, delivery, work, now)
                if outgoing is None:
                    delivery.status, delivery.last_error = "skipped", "no longer applies"
                    delivery.lease_until = None
                    report.skipped += 1
                else:
                    ready.append(
                        _Ready(delivery.id, delivery.attempts, delivery.member_id, until, outgoing)
                    )
            del warm  # the batch is rendered
        lease.held &= {item.id for item in ready}

        async def sender() -> None:
            while ready:
                item = ready.popleft()
                platform = item.outgoing.platform
                reopens = self._breakers.open_until(platform, self._now())
                if reopens is None:
                    await self._send_one(lease, item, report)
                    continue
                # The platform is being left alone: everything of it goes back untried.
                waiting = [item, *(r for r in ready if r.outgoing.platform == platform)]
                for other in waiting[1:]:
                    ready.remove(other)
                await self._put_back(lease, [r.id for r in waiting], reopens)
                lease.held.difference_update(r.id for r in waiting)
                report.postponed += len(waiting)

        slots = min(self._pace.concurrency, len(ready))
        # Renewal happens before each send; this task also covers one send that hangs.
        keeper = asyncio.create_task(self._keep_renewing(lease), name="lease renewal")
        try:
            if slots <= 1:
                await sender()
                return
            async with asyncio.TaskGroup() as group:
                for _ in range(slots):
                    group.create_task(sender())
        finally:
            keeper.cancel()

    async def _keep_renewing(self, lease: _Lease) -> None:
        while True:
            await asyncio.sleep(RENEW_EVERY.total_seconds() / 2)
            try:
                await self._renew(lease)
            except Exception:
                log.exception("renewing a lease failed; trying again before it runs out")

    async def _send_one(self, lease: _Lease, item: _Ready, report: TickReport) -> None:
        await self._renew(lease)
        if item.id not in lease.held:
            report.lost_leases += 1
            log.warning("delivery %s: lease taken over by another dispatcher", item.id)
            return
        platform = item.outgoing.platform
        started = self._now()
        try:
            channel_id = await self._deliver(item.outgoing, started)
        except Exception as exc:
            self._measure(self._now() - started)
            await self._record_failure(lease, item, exc, report)
        else:
            self._measure(self._now() - started)
            self._breakers.succeeded(platform)
            await self._record_sent(lease, item, channel_id)
            report.sent += 1
        finally:
            lease.held.discard(item.id)

    async def _record_sent(self, lease: _Lease, item: _Ready, channel_id: str | None) -> None:
        values = {"status": "sent", "sent_at": self._now(), "lease_until": None}
        async with self._services.db.session() as session:
            result = await session.execute(
                update(Delivery)
                .where(Delivery.id == item.id, Delivery.lease_token == lease.token)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                # It went out, so say so, even though another dispatcher holds it now.
                log.warning("delivery %s sent after its lease was taken over", item.id)
                await session.execute(
                    update(Delivery)
                    .where(Delivery.id == item.id)
                    .values(**values)
                    .execution_options(synchronize_session=False)
                )
            known = item.outgoing.member.dm_channel_id if item.outgoing.member else None
            if channel_id and item.member_id is not None and channel_id != known:
                await self._record_channel(session, item.member_id, channel_id)

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
        self, lease: _Lease, item: _Ready, error: BaseException, report: TickReport
    ) -> None:
        now = self._now()
        platform = item.outgoing.platform
        retryable = not isinstance(error, SendError) or error.retryable
        retry_after = error.retry_after if isinstance(error, SendError) else None
        reason = f"{type(error).__name__}: {error}"[:500]
        values: dict[str, Any]
        if not retryable:
            values = {"status": "failed"}
            report.failed += 1
            log.error("delivery %s (%s) failed for good: %s", item.id, item.outgoing.kind, reason)
        else:
            log.warning("delivery %s attempt %s failed: %s", item.id, item.attempts, reason)
            reopens = self._breakers.failed(platform, item.id, now, retry_after)
            if reopens is not None:
                log.warning(
                    "every send to %s is failing: holding its deliveries until %s",
                    platform.value if platform else "the platform",
                    reopens.isoformat(),
                )
                await self._postpone_platform(platform, reopens)
            retry_at = now + backoff(item.attempts, retry_after)
            held_until = self._breakers.open_until(platform, now)
            if held_until is not None and held_until > retry_at:
                retry_at = held_until
            if retry_at >= item.useful_until:
                values = {"status": "expired"}
                reason = f"expired after {item.attempts} attempt(s); last: {reason}"[:500]
                report.expired += 1
                log.warning("delivery %s (%s) %s", item.id, item.outgoing.kind, reason)
            else:
                values = {"status": "pending", "next_attempt_at": retry_at}
                report.retrying += 1
        async with self._services.db.session() as session:
            await session.execute(
                update(Delivery)
                .where(Delivery.id == item.id, Delivery.lease_token == lease.token)
                .values(last_error=reason, lease_until=None, **values)
                .execution_options(synchronize_session=False)
            )

    async def _put_back(self, lease: _Lease, ids: list[int], at: datetime) -> None:
        """Return untried deliveries to the queue (their attempt is not counted)."""
        async with self._services.db.session() as session:
            await session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids), Delivery.lease_token == lease.token)
                .values(
                    status="pending",
                    next_attempt_at=at,
                    lease_until=None,
                    attempts=Delivery.attempts - 1,
                )
                .execution_options(synchronize_session=False)
            )

    async def _postpone_platform(self, platform: Platform | None, until: datetime) -> None:
        """Hold every waiting delivery for a platform until its breaker lets sends through."""
        if platform is None:
            return
        clubs = select(Club.id).where(Club.platform == platform.value)
        members_of = select(Member.id).where(Member.club_id.in_(clubs))
        async with self._services.db.session() as session:
            await session.execute(
                update(Delivery)
                .where(
                    Delivery.status == "pending",
                    Delivery.next_attempt_at < until,
                    or_(Delivery.member_id.in_(members_of), Delivery.club_id.in_(clubs)),
                )
                .values(next_attempt_at=until)
                .execution_options(synchronize_session=False)
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


async def _platform_of(session: AsyncSession, delivery: Delivery) -> Platform | None:
    """The platform a delivery goes to (from the identity map the batch has warmed)."""
    club_id = delivery.club_id
    if delivery.member_id is not None:
        member = await session.get(Member, delivery.member_id)
        club_id = member.club_id if member else None
    club = await session.get(Club, club_id) if club_id is not None else None
    return Platform(club.platform) if club else None


def useful_until(delivery: Delivery) -> datetime:
    """The instant after which a delivery is expired instead of sent."""
    return delivery.useful_until or delivery.due_at + USEFUL_FOR


def _expire(delivery: Delivery, now: datetime) -> None:
    last = f"; last: {delivery.last_error}" if delivery.last_error else ""
    delivery.status = "expired"
    delivery.last_error = f"expired: no longer useful at {now.isoformat()}{last}"[:500]
    delivery.lease_until = None
    delivery.attempts = max(delivery.attempts - 1, 0)  # taken, not tried
    log.warning("delivery %s (%s) expired unsent", delivery.id, delivery.kind)


def _delivery_row(item: DueItem, now: datetime) -> dict[str, Any]:
    until = item.useful_until or item.due_at + USEFUL_FOR
    # An occurrence older than the delivery retention may have had its record pruned;
    # it is never sent, which is what makes pruning safe (bot/retention.py).
    expired = until <= now or item.due_at < now - RETENTION
    status = "skipped" if item.stale else "expired" if expired else "pending"
    return {
        "key": item.key,
        "kind": item.kind,
        "member_id": item.member_id,
        "club_id": item.club_id,
        "ref_id": item.ref_id,
        "due_at": item.due_at,
        "status": status,
        "attempts": 0,
        "next_attempt_at": now if status == "pending" else None,
        "late": item.late,
        "payload": item.payload,
        "last_error": {"skipped": STALE_REASON, "expired": EXPIRED_AT_CLAIM}.get(status),
        "useful_until": until,
        "created_at": now,
    }
