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
import functools
import logging
import secrets
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

from sqlalchemy import Select, and_, bindparam, case, func, null, or_, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot import full_collections, members
from bot.breaker import PlatformBreakers, backoff
from bot.events import Platform
from bot.outbox import MemberAddress, Pace, SendError, pace_of
from bot.replies import Reply
from bot.retention import RETENTION
from bot.store.database import BulkWrite, insert_many_ignoring_conflict
from bot.store.models import Club, Delivery, Member
from bot.turns import Turnstile, in_turns

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
"""The shortest lease. A sending delivery whose process died is retried once it runs out."""
RENEW_EVERY = LEASE / 4
"""The holder extends a lease once a quarter of it has passed while it is still sending."""
LEASE_MARGIN = 2.0
"""A lease lasts this many times the batch's expected send time (queue ahead included)."""
BATCH = 200
"""The most a leased batch holds. Each batch costs a few statements and a session whatever
its size (leasing and rendering 2,200 in batches of 100 cost 0.14 ms a delivery, of 200
0.11, bench/README.md); rendering gives the event loop its turns (`bot.turns`), and
`_batch_size` keeps a batch to `BATCH_SECONDS` of sends at the pace."""
SENDERS_PER_STEP = 4
"""Sends that start in the same turn of the event loop (`_Fanout.turnstile`). A send's
first stretch (the adapter building its request) costs 0.5-1 ms: ten a turn held a due
callback up to 18 ms at the start of a fan-out, and a written group of twenty results
woken together started twenty sends in one turn; four keep a turn to a few ms."""
BATCH_SECONDS = 10.0
"""A batch holds about this many seconds of sends at the pace: a process that dies leaves
no more than that waiting for its lease to run out."""
FIRST_BATCH_PER_SLOT = 4
"""Before any send has been timed, a batch holds this many per concurrent send."""
RECORD_LINGER = 0.1
"""Seconds a group of send results may wait for the sends still out before it is written
(real time: how long a platform round trip takes is not the injected clock's business)."""
RECORD_SHARE = 0.4
"""At a declared pace a group may wait this share of a send slot's cycle (concurrency over
the rate: how often each slot starts a send). A slot that waits 40% of its cycle for its
result to be written still starts its next send in time (a round trip is a tenth of it),
so the pace is kept, and at 50 sends a second a group holds about twenty results instead
of two or three."""
RECORD_LINGER_MAX = 0.5
"""The longest a group of results waits, whatever the pace."""
RECORD_GROUP = 500
"""A group of results is written at once when this many wait."""
MAX_CLAIM_ROUNDS = 400
"""Claim rounds per feature and tick; each round is one short transaction (a guard against
work that claims forever; a crowd of 10,000 nudges takes 100 rounds)."""
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
    group: tuple[MemberAddress, ...] = ()
    """One message several members read together (`Outbox.send_group`); `channel` then
    names where a platform without group DMs opens their private thread, if anywhere."""


@dataclass(slots=True)
class Leased:
    """A leased delivery as its feature renders it: the row's values as the lease read them.

    Plain values, not a mapped `Delivery`: a fan-out leases thousands, and the lease's own
    UPDATE … RETURNING hands these back, so rendering a batch reads no delivery twice.
    What the dispatcher changes before sending (late, expired, skipped) it writes itself."""

    id: int
    key: str
    kind: str
    member_id: int | None
    club_id: int | None
    ref_id: int | None
    due_at: datetime
    attempts: int
    """Counting this one."""
    late: bool
    payload: dict[str, Any]
    useful_until: datetime | None
    last_error: str | None


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
        self, session: AsyncSession, services: Services, delivery: Leased, now: datetime
    ) -> Reply | None:
        """The message for a delivery, or None when it no longer applies (e.g. done)."""
        ...


@runtime_checkable
class DueQuery(Protocol):
    """Optional for a `ScheduledWork`: its next due instant as one scalar SELECT.

    The dispatcher asks every tick when each feature next has work; with this it asks all
    of them in one statement (a column each) instead of a round trip each, which was most
    of an idle tick's cost. The query never depends on the instant, so it is built once.
    A feature gets its `next_due` from it by deriving from `DueFromQuery`."""

    due_after: timedelta
    """Added to the query's instant (e.g. an offer goes a while after a member is first
    seen: the query reads when, and this says how long after); zero for most."""

    def due_query(self) -> Select[tuple[datetime | None]]:
        """SELECT of one value: the earliest instant something is due, or NULL."""
        ...


class DueFromQuery:
    """Base for a `ScheduledWork` whose `next_due` is its `DueQuery`: the feature writes
    the query once and the lone-feature answer comes from it."""

    due_after = timedelta(0)

    def due_query(self) -> Select[tuple[datetime | None]]:
        raise NotImplementedError

    async def next_due(self, session: AsyncSession, services: Services) -> datetime | None:
        first = await session.scalar(self.due_query())
        return first + self.due_after if first is not None else None


@runtime_checkable
class BatchRendering(Protocol):
    """Optional for a `ScheduledWork`: render a whole leased batch of its kind at once.

    The dispatcher hands a batch of up to a few hundred deliveries to render; loading what
    they need in one query instead of one per delivery is most of a fan-out's database
    time. Work without it is rendered one delivery at a time through `render`.
    """

    async def render_batch(
        self,
        session: AsyncSession,
        services: Services,
        deliveries: Sequence[Leased],
        now: datetime,
    ) -> Sequence[Reply | None]:
        """One reply (or None: no longer applies) per delivery, in the same order."""
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
    length: timedelta = LEASE
    """How long each stamp lasts: from the batch's expected send time (`_lease_length`)."""
    rows: list[Leased] = field(default_factory=list)
    """What the lease took, as it read it (handed to `_prepare`, then dropped)."""
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def renewal_due(self, now: datetime) -> bool:
        """A quarter of the stamp has passed since it was last renewed."""
        return now - self.renewed_at >= self.length / 4


@dataclass(slots=True)
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
        # Asked once: an isinstance check against a runtime-checkable protocol inspects
        # every member of the protocol, and a fan-out asked it for each delivery.
        self._batched_kinds = frozenset(
            kind for kind, w in self._by_kind.items() if isinstance(w, BatchRendering)
        )
        self._deliver = deliver
        self._pace = pace_of(deliver)
        self._breakers = PlatformBreakers()
        self._send_seconds: float | None = None
        """How long one send takes, smoothed over recent sends (from the injected clock)."""
        self.last_report = TickReport()
        self.stopping = False
        """Set at shutdown: no new leases; what is leased is sent or handed back."""
        self._fanout: _Fanout | None = None
        self.record_linger = _linger_for(self._pace)
        self._due_statements: dict[bool, _DueQueries] = {}

    async def tick(self) -> int:
        """Claim and send everything due now; returns how many messages went out.

        `last_report` then holds the whole account: retrying, failed, expired, skipped.
        """
        report = self.last_report = TickReport()
        fanout = self._fanout = _Fanout(self, report)
        # Claiming runs beside the sending: the first members' messages go out while the
        # rest of a 09:00 crowd is still being claimed, a round at a time.
        claiming = asyncio.create_task(self._claim(self._now(), fanout), name="claiming")
        try:
            await fanout.run()
        except BaseException:
            claiming.cancel()
            raise
        await claiming
        return report.sent

    async def warm(self) -> None:
        """Compile a fan-out's statements before the first one.

        A restarted bot's first 09:00 otherwise compiles each of them in the middle of
        sending: steps of 10-25 ms that hold up everything else on the event loop
        (bench/README.md). So, once at start-up: the due checks, every work's claim as of
        long ago (its reads; nothing is due then), an empty lease and an empty batch's
        addresses, each in a transaction that is rolled back. A work whose claim fails
        here is only logged: it will fail or work at its first real tick as before."""
        services = self._services
        steps: list[Callable[[AsyncSession], Awaitable[object]]] = [
            self._due_by_work,
            partial(self._due_by_work, with_deliveries=True),
            *(partial(_warm_claim, work, services) for work in self._work),
            _warm_lease,
            lambda session: session.execute(members.addresses_query(), {"ids": []}),
        ]
        for step in steps:
            try:
                async with services.db.session() as session:
                    await step(session)
                    raise _RolledBack
            except _RolledBack:
                pass
            except Exception:
                log.warning("warming the dispatcher: %r failed", step, exc_info=True)

    def stop_taking_work(self) -> None:
        """Shutdown, step one: lease nothing more (the tick in progress sends what it holds)."""
        self.stopping = True

    async def release_leases(self) -> int:
        """Shutdown, step two: hand back every delivery this process leased but has not
        sent, as pending and due now, so another replica sends it without waiting for the
        lease to run out. Returns how many went back."""
        fanout, count = self._fanout, 0
        for lease in fanout.leases if fanout else []:
            if lease.held:
                ids = sorted(lease.held)
                await self._put_back(lease, ids, self._now())
                lease.held.difference_update(ids)
                count += len(ids)
        return count

    async def next_due(self) -> datetime | None:
        """The earliest instant at which `tick` would have something to do."""
        async with self._services.db.session() as session:
            due = await self._due_by_work(session, with_deliveries=True)
        return min((i for i in due.values() if i is not None), default=None)

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

    async def _due_by_work(
        self, session: AsyncSession, *, with_deliveries: bool = False
    ) -> dict[int, datetime | None]:
        """Each work's next due instant by its index; with `with_deliveries`, also the
        first retry (index -1) and the first lease to run out (index -2). Every work with
        a `DueQuery` is asked in one statement; the others one by one."""
        queried = self._due_queries(with_deliveries)
        found: dict[int, datetime | None] = {}
        if queried.indexes:
            row = (await session.execute(queried.statement)).one()
            for index, after, first in zip(queried.indexes, queried.afters, row, strict=True):
                found[index] = first + after if first is not None else None
        for index, work in enumerate(self._work):
            if index not in found:
                found[index] = await work.next_due(session, self._services)
        return found

    def _due_queries(self, with_deliveries: bool) -> _DueQueries:
        cached = self._due_statements.get(with_deliveries)
        if cached is None:
            parts = [
                (i, w.due_query(), w.due_after)
                for i, w in enumerate(self._work)
                if isinstance(w, DueQuery)
            ]
            if with_deliveries:
                retry = select(func.min(Delivery.next_attempt_at)).where(
                    Delivery.status == "pending", ~_waits_its_turn()
                )
                lease = select(func.min(Delivery.lease_until)).where(Delivery.status == "sending")
                parts += [(-1, retry, timedelta(0)), (-2, lease, timedelta(0))]
            statement = select(
                *(q.scalar_subquery().label(f"due_{n}") for n, (_, q, _) in enumerate(parts))
            )
            cached = self._due_statements[with_deliveries] = _DueQueries(
                [i for i, _, _ in parts], [after for _, _, after in parts], statement
            )
        return cached

    async def _claim(self, now: datetime, fanout: _Fanout | None = None) -> None:
        """Claim what is due, a short transaction a round; `fanout` hears of each round."""
        try:
            await self._claim_rounds(now, fanout)
        finally:
            if fanout is not None:
                await fanout.claimed(done=True)

    async def _claim_rounds(self, now: datetime, fanout: _Fanout | None) -> None:
        services = self._services
        async with services.db.session() as session:
            due = await self._due_by_work(session, with_deliveries=fanout is not None)
        if fanout is not None:
            waiting = (due[-1], due[-2])  # the first retry, the first lease to run out
            await fanout.due_checked(any(at is not None and at <= now for at in waiting))
        insert = _delivery_insert(services.db.dialect)
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
                        await insert.execute(
                            await session.connection(), [_delivery_row(i, now) for i in items]
                        )
                if not items:
                    break
                if fanout is not None:
                    await fanout.claimed()

    def _per_send(self) -> float | None:
        """Seconds per delivery overall at the slower of the declared and measured pace
        (None before anything is known)."""
        per_send = []
        if self._send_seconds is not None:
            per_send.append(self._send_seconds / self._pace.concurrency)
        if self._pace.sends_per_second:
            per_send.append(1 / self._pace.sends_per_second)
        return max(per_send) if per_send else None

    def _batch_size(self) -> int:
        """About `BATCH_SECONDS` of sends at the pace (a dying process strands no more than
        that until its lease runs out), at least one per send slot; a few before timing."""
        if self._breakers.probing(self._now()):
            return 1
        slots = self._pace.concurrency
        per_send = self._per_send()
        if per_send is None:
            return min(BATCH, slots * FIRST_BATCH_PER_SLOT)
        fits = int(BATCH_SECONDS / max(per_send, 1e-3))
        return max(1, min(BATCH, max(fits, slots)))

    def _lease_length(self, sends: int) -> timedelta:
        """Long enough for `sends` deliveries at the pace, `LEASE_MARGIN` times over.

        `sends` counts the queue ahead of the batch too: with pipelined batches a batch
        starts only when the sends before it are done. Renewal keeps a slower batch covered.
        """
        per_send = self._per_send()
        if per_send is None:
            return LEASE
        expected = timedelta(seconds=sends * per_send * LEASE_MARGIN)
        return max(LEASE, expected + RENEW_EVERY)

    def _measure(self, took: timedelta) -> None:
        seconds = max(took.total_seconds(), 0.0)
        previous = self._send_seconds
        # Slowing down counts at once; speeding up only gradually.
        self._send_seconds = (
            seconds if previous is None or seconds > previous else 0.8 * previous + 0.2 * seconds
        )

    async def _lease(self, limit: int, ahead: int = 0) -> _Lease | None:
        """Take up to `limit` sendable deliveries for this process; None when none are left.

        One conditional UPDATE … RETURNING: a row another dispatcher leased in the
        meantime no longer matches the condition, so each delivery has one holder. On
        PostgreSQL the candidates are read FOR UPDATE SKIP LOCKED, so two dispatchers
        pick different rows instead of racing for the same ones.

        Order per member: a delivery is not taken while an earlier one of the same member
        is still pending or being sent (a reminder in backoff holds its check-in back), so
        a batch holds at most one delivery per member and pipelined batches cannot reorder.
        """
        if self.stopping:
            return None
        async with self._services.db.transaction() as connection:
            now = self._now()  # stamped when taken, not when the tick began
            candidates = list(
                await connection.scalars(
                    _statements.candidates(limit, self._services.db.dialect), {"l_now": now}
                )
            )
            if not candidates:
                return None
            token = secrets.token_hex(8)
            length = self._lease_length(ahead + len(candidates))
            taken = await connection.execute(
                _statements.lease,
                {"l_ids": candidates, "l_now": now, "l_until": now + length, "l_token": token},
            )
            rows = sorted((Leased(*row) for row in taken), key=lambda row: row.id)
            return _Lease(token, {row.id for row in rows}, now, length, rows)

    async def _renew(self, lease: _Lease) -> None:
        """Extend the lease on what is still ours; drop whatever another holder took."""
        if not lease.renewal_due(self._now()):
            return  # the usual case, at every send (checked again once locked)
        async with lease.lock:
            now = self._now()
            if not lease.renewal_due(now) or not lease.held:
                return
            async with self._services.db.transaction() as connection:
                kept = await connection.scalars(
                    _statements.renew,
                    {
                        "n_ids": list(lease.held),
                        "n_token": lease.token,
                        "n_until": now + lease.length,
                    },
                )
                lease.held &= set(kept)
            lease.renewed_at = now

    async def _prepare(self, lease: _Lease, report: TickReport) -> list[_Ready]:
        """Render a leased batch in one session: a few queries for the whole batch (the
        members' addresses in one, each kind's `render_batch`), none per delivery.

        The deliveries are the lease's own rows. What changes before sending (late,
        expired, skipped, held for a resting platform) is written at the end, a statement
        per kind of change, and only when there is any."""
        services = self._services
        ready: list[_Ready] = []
        changes = _Changes(lease.token)
        deliveries = [row for row in lease.rows if row.id in lease.held]
        lease.rows = []
        async with services.db.session() as session:
            now = self._now()
            known = await _Known.load(session, deliveries, self._batched_kinds)
            to_render: dict[str, list[Leased]] = {}
            breakers = self._breakers
            for delivery in deliveries:
                if now >= useful_until(delivery):
                    changes.expire(delivery, now)
                    report.expired += 1
                    continue
                if not breakers.all_closed:
                    platform = await known.platform(session, delivery)
                    reopens = breakers.open_until(platform, now)
                    if reopens is not None:  # its platform is left alone: not even rendered
                        changes.postponed.append({"c_id": delivery.id, "c_next": reopens})
                        report.postponed += 1
                        continue
                if not delivery.late and now - delivery.due_at > LATE_AFTER:
                    delivery.late = True  # held up by an outage: the text must say so
                    changes.late.append(delivery.id)
                to_render.setdefault(delivery.kind, []).append(delivery)
            for kind, batch in to_render.items():
                replies = await self._render_all(session, kind, batch, now)
                async for delivery, reply in in_turns(zip(batch, replies, strict=True)):
                    if reply is None:
                        outgoing = None
                    elif delivery.member_id is not None:
                        outgoing = _to_member(delivery, reply, known)
                    else:
                        outgoing = await self._to_channel(session, delivery, reply, known)
                    if outgoing is None:
                        changes.skip(delivery)
                        report.skipped += 1
                        continue
                    until = useful_until(delivery)
                    ready.append(
                        _Ready(delivery.id, delivery.attempts, delivery.member_id, until, outgoing)
                    )
            await changes.write(session)
            del known  # the batch is rendered
        lease.held &= {item.id for item in ready}
        ready.sort(key=lambda item: item.id)  # the order they were leased in
        return ready

    async def _render_all(
        self, session: AsyncSession, kind: str, batch: list[Leased], now: datetime
    ) -> list[Reply | None]:
        work = self._by_kind.get(kind)
        if work is None:
            log.error("no scheduled work handles kind %r (%d deliveries)", kind, len(batch))
            return [None] * len(batch)
        if kind in self._batched_kinds:
            batched = cast(BatchRendering, work)
            return list(await batched.render_batch(session, self._services, batch, now))
        return [await work.render(session, self._services, d, now) for d in batch]

    async def _send_one(
        self, fanout: _Fanout, lease: _Lease, item: _Ready, report: TickReport
    ) -> None:
        started = self._now()
        if lease.renewal_due(started):  # rarely: a quarter of the lease has passed
            await self._renew(lease)
            started = self._now()
        if item.id not in lease.held:
            report.lost_leases += 1
            log.warning("delivery %s: lease taken over by another dispatcher", item.id)
            return
        platform = item.outgoing.platform
        error: Exception | None = None
        fanout.sending += 1
        try:
            channel_id = await self._deliver(item.outgoing, started)
        except Exception as exc:
            error = exc
        finally:
            fanout.sending -= 1
        self._measure(self._now() - started)
        if error is not None:
            result = await self._failure(lease, item, error, report)
        else:
            self._breakers.succeeded(platform)
            known = item.outgoing.member.dm_channel_id if item.outgoing.member else None
            new_channel = channel_id if channel_id and channel_id != known else None
            result = _Result(item.id, lease.token, None, item.member_id, new_channel)
            report.sent += 1
        try:
            await fanout.recorder.record(result)
        finally:
            lease.held.discard(item.id)

    async def _record(self, results: list[_Result]) -> None:
        """Write a group of send results: one statement per outcome (sent, not sent, DM
        channels learnt), in one short transaction."""
        table = Delivery.__table__
        sent = [r for r in results if r.values is None]
        others = [r for r in results if r.values is not None]
        channels = [
            {"r_member": r.member_id, "r_channel": r.channel_id}
            for r in sent
            if r.member_id is not None and r.channel_id
        ]
        async with self._services.db.transaction() as connection:
            now = self._now()
            if sent:
                ids = [r.id for r in sent]
                done = await connection.scalars(
                    _statements.sent,
                    {"r_ids": ids, "r_tokens": list({r.token for r in sent}), "r_now": now},
                )
                taken_over = set(ids) - set(done)
                if taken_over:
                    # They went out, so say so, even though another dispatcher holds them now.
                    log.warning("deliveries %s sent after their lease was taken over", taken_over)
                    await connection.execute(
                        update(table)
                        .where(table.c.id.in_(taken_over))
                        .values(status="sent", sent_at=now, lease_until=None)
                    )
            if others:
                await _statements.ended.execute(
                    connection,
                    [{"r_id": r.id, "r_token": r.token, **(r.values or {})} for r in others],
                )
            if channels:
                await _statements.channels.execute(connection, channels)

    async def _failure(
        self, lease: _Lease, item: _Ready, error: BaseException, report: TickReport
    ) -> _Result:
        """What a failed send becomes: retried later, expired or failed (and the breaker)."""
        now = self._now()
        platform = item.outgoing.platform
        retryable = not isinstance(error, SendError) or error.retryable
        retry_after = error.retry_after if isinstance(error, SendError) else None
        reason = f"{type(error).__name__}: {error}"[:500]
        status, retry_at = "failed", None
        if not retryable:
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
                status, retry_at = "expired", None
                reason = f"expired after {item.attempts} attempt(s); last: {reason}"[:500]
                report.expired += 1
                log.warning("delivery %s (%s) %s", item.id, item.outgoing.kind, reason)
            else:
                status = "pending"
                report.retrying += 1
        values = {"r_status": status, "r_next": retry_at, "r_error": reason}
        return _Result(item.id, lease.token, values, item.member_id, None)

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

    async def _to_channel(
        self, session: AsyncSession, delivery: Leased, reply: Reply, known: _Known
    ) -> Outgoing | None:
        """Where a rendered reply for a club goes: its channel, or a group of its members."""
        reply.meta.setdefault("kind", delivery.kind)
        channel = delivery.payload.get("channel_id")
        club = await known.club(session, delivery.club_id) if delivery.club_id else None
        if club is not None and delivery.payload.get("group"):
            return await _group_outgoing(session, delivery, reply, club)
        if club is None or not channel:
            return None
        return Outgoing(
            delivery.kind,
            reply,
            channel=(club.external_id, str(channel)),
            platform=Platform(club.platform),
        )


def _to_member(delivery: Leased, reply: Reply, known: _Known) -> Outgoing | None:
    """A rendered reply to a member's DM (the address comes from the batch's one query);
    None when the member left meanwhile."""
    reply.meta.setdefault("kind", delivery.kind)
    address = known.addresses.get(delivery.member_id) if delivery.member_id is not None else None
    if address is None:
        return None
    return Outgoing(delivery.kind, reply, member=address, platform=address.platform)


def _linger_for(pace: Pace) -> float:
    """How long a group of send results may wait for more before it is written."""
    if not pace.sends_per_second or pace.concurrency <= 1:
        return RECORD_LINGER
    cycle = pace.concurrency / pace.sends_per_second
    return min(RECORD_LINGER_MAX, max(RECORD_LINGER, RECORD_SHARE * cycle))


async def _group_outgoing(
    session: AsyncSession, delivery: Leased, reply: Reply, club: Club
) -> Outgoing | None:
    """A message to several members of one club at once (payload `group`: member ids)."""
    ids = [int(i) for i in delivery.payload["group"]]
    found = {
        m.id: m
        for m in await session.scalars(
            select(Member).where(Member.id.in_(ids), Member.club_id == club.id)
        )
    }
    if len(found) < 2:
        return None  # someone left: nobody to meet
    channel = delivery.payload.get("channel_id")
    return Outgoing(
        delivery.kind,
        reply,
        channel=(club.external_id, str(channel)) if channel else None,
        platform=Platform(club.platform),
        group=tuple(members.address(club, found[i]) for i in ids if i in found),
    )


class _Statements:
    """The dispatcher's hot statements, built once with bound parameters: building an
    expression (and its cache key) each time cost more CPU than running it."""

    def __init__(self) -> None:
        table = Delivery.__table__
        now = bindparam("l_now")
        self._sendable = or_(
            and_(table.c.status == "pending", table.c.next_attempt_at <= now),
            and_(table.c.status == "sending", table.c.lease_until <= now),
        )
        self._candidates: dict[tuple[int, str], Any] = {}
        # The lease re-checks that each chosen row is still sendable as one term no index
        # answers, so the rows are found by id: written as `_sendable`'s OR, SQLite looked
        # them up through the status index instead and read every waiting delivery.
        sendable_from = case(
            (table.c.status == "pending", table.c.next_attempt_at),
            (table.c.status == "sending", table.c.lease_until),
        )
        self.lease = (
            update(table)
            .where(table.c.id.in_(bindparam("l_ids", expanding=True)), sendable_from <= now)
            .values(
                status="sending",
                lease_until=bindparam("l_until"),
                lease_token=bindparam("l_token"),
                attempts=table.c.attempts + 1,
            )
            .returning(*(table.c[name] for name in Leased.__slots__))
        )
        self.renew = (
            update(table)
            .where(
                table.c.id.in_(bindparam("n_ids", expanding=True)),
                table.c.lease_token == bindparam("n_token"),
                table.c.status == "sending",
            )
            .values(lease_until=bindparam("n_until"))
            .returning(table.c.id)
        )
        self.sent = (
            update(table)
            .where(
                table.c.id.in_(bindparam("r_ids", expanding=True)),
                table.c.lease_token.in_(bindparam("r_tokens", expanding=True)),
            )
            .values(status="sent", sent_at=bindparam("r_now"), lease_until=None)
            .returning(table.c.id)
        )

        self.ended = BulkWrite(
            update(table)
            .where(table.c.id == bindparam("r_id"), table.c.lease_token == bindparam("r_token"))
            .values(
                status=bindparam("r_status"),
                next_attempt_at=bindparam("r_next"),
                last_error=bindparam("r_error"),
                lease_until=null(),  # in the SQL, not a parameter: rows carry every parameter
            )
        )
        """A group's sends that did not go: each row's status, next attempt and error."""
        members_table = Member.__table__
        self.channels = BulkWrite(
            update(members_table)
            .where(members_table.c.id == bindparam("r_member"))
            .values(dm_channel_id=bindparam("r_channel"))
        )
        """DM channels the platform gave for members whose rows had none yet."""

        mine = and_(table.c.id == bindparam("c_id"), table.c.lease_token == bindparam("c_token"))
        self.end = (
            update(table)
            .where(mine)
            .values(
                status=bindparam("c_status"),
                last_error=bindparam("c_error"),
                attempts=bindparam("c_attempts"),
                lease_until=None,
            )
        )
        self.postpone = (
            update(table)
            .where(mine)
            .values(
                status="pending",
                next_attempt_at=bindparam("c_next"),
                lease_until=None,
                attempts=table.c.attempts - 1,
            )
        )
        self.late = (
            update(table)
            .where(
                table.c.id.in_(bindparam("c_ids", expanding=True)),
                table.c.lease_token == bindparam("c_token"),
            )
            .values(late=True)
        )

    def candidates(self, limit: int, dialect: str) -> Any:
        """Up to `limit` sendable deliveries, oldest first, none that must wait its turn.

        On SQLite each kind of sendable (pending and due; sending with its lease run out)
        is its own ordered, limited arm: SQLite then walks the (status, next_attempt_at)
        index in order and stops after `limit` rows. Asked as one OR, it read every due
        row and sorted them all, for every lease: a fan-out of n deliveries cost n²/batch
        row checks (3 ms of SQLite a lease at 2,200, with the writer held). PostgreSQL
        needs one statement to lock with (FOR UPDATE SKIP LOCKED, no UNION) and plans
        the OR itself."""
        key = (limit, dialect)
        query = self._candidates.get(key)
        if query is None:
            table = Delivery.__table__
            now = bindparam("l_now")
            order = (table.c.next_attempt_at, table.c.id)
            if dialect == "postgresql":
                query = (
                    select(table.c.id)
                    .where(self._sendable, ~_waits_its_turn())
                    .order_by(*order)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            else:
                arms = [
                    select(table.c.id, table.c.next_attempt_at)
                    .where(status, ~_waits_its_turn())
                    .order_by(*order)
                    .limit(limit)
                    .subquery()
                    .select()
                    for status in (
                        and_(table.c.status == "pending", table.c.next_attempt_at <= now),
                        and_(table.c.status == "sending", table.c.lease_until <= now),
                    )
                ]
                both = union_all(*arms).subquery()
                query = select(both.c.id).order_by(both.c.next_attempt_at, both.c.id).limit(limit)
            if len(self._candidates) > 64:  # batch sizes vary little; never grow unbounded
                self._candidates.clear()
            self._candidates[key] = query
        return query


@functools.cache
def _waits_its_turn() -> Any:
    """A delivery whose member has an earlier one still pending or being sent: it goes
    after that one ends, so a member's messages never overtake each other.

    Built once: the expression is the same for every lease, and building it (an alias,
    a correlated subquery) cost more than running the lease's query."""
    earlier = aliased(Delivery)
    return (
        select(earlier.id)
        .where(
            earlier.member_id == Delivery.member_id,
            earlier.id < Delivery.id,
            earlier.status.in_(("pending", "sending")),
        )
        .exists()
    )


_statements = _Statements()


@dataclass
class _Known:
    """Who a leased batch goes to, loaded in one query: each member's address by id (plain
    rows), and the clubs of channel posts as they are asked for.

    Work without `render_batch` renders one delivery at a time and reads its member
    through the session: for those kinds the members and clubs are loaded as mapped
    objects too, once for the batch, so each lookup is the session's map, not a query."""

    addresses: dict[int, MemberAddress]
    clubs: dict[int, Club]
    warm: list[Any]
    """The mapped rows kept referenced until the batch is rendered (the session holds its
    objects only weakly)."""

    @classmethod
    async def load(
        cls, session: AsyncSession, deliveries: list[Leased], batched: frozenset[str]
    ) -> _Known:
        member_ids = {d.member_id for d in deliveries if d.member_id is not None}
        addresses = {}
        if member_ids:
            for row in await session.execute(members.addresses_query(), {"ids": list(member_ids)}):
                addresses[row.id] = members.address_of(row)
        one_by_one = {
            d.member_id for d in deliveries if d.member_id is not None and d.kind not in batched
        }
        warm: list[Any] = []
        if one_by_one:
            warm = list(
                (
                    await session.execute(
                        select(Member, Club)
                        .join(Club, Club.id == Member.club_id)
                        .where(Member.id.in_(one_by_one))
                    )
                ).all()
            )
        return cls(addresses, {}, warm)

    async def club(self, session: AsyncSession, club_id: int) -> Club | None:
        if club_id not in self.clubs:
            found = await session.get(Club, club_id)
            if found is None:
                return None
            self.clubs[club_id] = found
        return self.clubs[club_id]

    async def platform(self, session: AsyncSession, delivery: Leased) -> Platform | None:
        """The platform a delivery goes to."""
        if delivery.member_id is not None:
            address = self.addresses.get(delivery.member_id)
            return address.platform if address else None
        club = await self.club(session, delivery.club_id) if delivery.club_id else None
        return Platform(club.platform) if club else None


class _Changes:
    """What `_prepare` changes in a batch's rows before sending, written at its end: a
    statement per kind of change (usually none), each guarded by the lease's token."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.ended: list[dict[str, Any]] = []
        """Expired or skipped: not sent, and not to be."""
        self.postponed: list[dict[str, Any]] = []
        self.late: list[int] = []

    def expire(self, delivery: Leased, now: datetime) -> None:
        last = f"; last: {delivery.last_error}" if delivery.last_error else ""
        error = f"expired: no longer useful at {now.isoformat()}{last}"[:500]
        # Taken, not tried: the attempt the lease counted is given back.
        self._end(delivery, "expired", error, max(delivery.attempts - 1, 0))
        log.warning("delivery %s (%s) expired unsent", delivery.id, delivery.kind)

    def skip(self, delivery: Leased) -> None:
        self._end(delivery, "skipped", "no longer applies", delivery.attempts)

    def _end(self, delivery: Leased, status: str, error: str, attempts: int) -> None:
        self.ended.append(
            {"c_id": delivery.id, "c_status": status, "c_error": error, "c_attempts": attempts}
        )

    async def write(self, session: AsyncSession) -> None:
        if not (self.ended or self.postponed or self.late):
            return
        connection = await session.connection()
        token = {"c_token": self.token}
        if self.ended:
            await connection.execute(_statements.end, [row | token for row in self.ended])
        if self.postponed:
            await connection.execute(_statements.postpone, [row | token for row in self.postponed])
        if self.late:
            await connection.execute(_statements.late, {"c_ids": self.late} | token)


@dataclass(frozen=True)
class _DueQueries:
    """The one statement that asks the works with a `DueQuery` when they are next due."""

    indexes: list[int]
    """Which work each column answers for (-1: first retry, -2: first lease to run out)."""
    afters: list[timedelta]
    """What each column's instant is moved by (`DueQuery.due_after`)."""
    statement: Any


@dataclass(slots=True)
class _Result:
    """One send's outcome, waiting to be written with the others that ended meanwhile."""

    id: int
    token: str
    values: dict[str, Any] | None
    """None: sent. Otherwise the row's new status, next attempt and last error."""
    member_id: int | None
    channel_id: str | None
    """A DM channel id the platform gave that the member row does not have yet."""


class _Recorder:
    """Group commit for send results: whoever records while no write is running writes
    everything that has ended so far, in one transaction; the others wait for it.

    Before writing, the writer lingers until every send still out has ended, or
    `RECORD_LINGER` has passed, or `RECORD_GROUP` results wait: at a platform's pace,
    sends end one every few tens of milliseconds, and writing each on its own would cost
    a transaction (and SQLite's writer) per message.

    Each sender waits until its own result is written before it takes its next delivery,
    so a crash still repeats at most the sends in flight, and the database sees one short
    write per group instead of one per message.
    """

    def __init__(
        self,
        write: Callable[[list[_Result]], Awaitable[None]],
        sending: Callable[[], int],
        linger: float = 0.0,
    ) -> None:
        self._write = write
        self._sending = sending
        """How many sends are still out (their results are yet to come)."""
        self._linger = linger
        self._waiting: list[tuple[_Result, asyncio.Future[None]]] = []
        self._writing = False
        self._wake: asyncio.Future[None] | None = None
        """The writer's lingering sleep, ended early once the group is complete."""

    async def record(self, result: _Result) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((result, done))
        if self._wake is not None and not self._wake.done() and self._group_complete():
            self._wake.set_result(None)
        if not self._writing:
            self._writing = True
            try:
                while self._waiting:
                    await self._gather()
                    group, self._waiting = self._waiting, []
                    try:
                        await self._write([r for r, _ in group])
                    except Exception as exc:
                        for _, future in group:
                            if not future.done():
                                future.set_exception(exc)
                    else:
                        for _, future in group:
                            if not future.done():
                                future.set_result(None)
            finally:
                self._writing = False
        await done

    def _group_complete(self) -> bool:
        """No send is still out, or the group is as large as one write takes."""
        return self._sending() <= 0 or len(self._waiting) >= RECORD_GROUP

    async def _gather(self) -> None:
        """Wait (at most `linger` seconds) for the sends still out to end too. The writer
        sleeps once; a result that completes the group wakes it (not every result)."""
        if self._linger <= 0 or self._group_complete():
            return
        loop = asyncio.get_running_loop()
        wake = self._wake = loop.create_future()
        timer = loop.call_later(self._linger, _settle, wake)
        try:
            await wake
        finally:
            timer.cancel()
            self._wake = None


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class _Fanout:
    """One tick's sending: leased, rendered batches feed a queue that `Pace.concurrency`
    senders drain; the next batch is leased while the last sends of one are in flight, so
    the platform's limit is kept busy across batch boundaries."""

    def __init__(self, dispatcher: Dispatcher, report: TickReport) -> None:
        self.dispatcher = dispatcher
        self.report = report
        self.slots = dispatcher._pace.concurrency
        self.queue: deque[tuple[_Lease, _Ready]] = deque()
        self.leases: list[_Lease] = []
        self.in_flight = 0
        self.finished = 0
        self.leasing_done = False
        self.claim_rounds = 0
        """Claim rounds finished this tick (the claim runs beside the sending)."""
        self.claiming = True
        self.claimed_rounds = 0
        """Claim rounds that recorded deliveries this tick."""
        self.sendable: bool | None = None
        """Whether anything already recorded was sendable when the claim's due check ran
        (None until it has)."""
        lock = asyncio.Lock()
        self.changed = asyncio.Condition(lock)
        """The feeder waits on this: a send ended, the queue ran low, a claim round ended."""
        self.senders = 0
        """Sender tasks started this tick (`_start_senders`), at most `slots`."""
        self._group: asyncio.TaskGroup | None = None
        self._keeper: asyncio.Task[None] | None = None
        self._feeder_until: Callable[[], bool] | None = None
        """What the feeder waits for, while it waits (see `_feeder_waits`)."""
        self.ready = asyncio.Condition(lock)
        """The senders wait on this for queued work: each batch wakes as many as it holds
        (waking every idle sender for every change cost more CPU than the sends)."""
        self.sending = 0
        """Sends started whose result is not handed to the recorder yet."""
        self.turnstile = Turnstile(SENDERS_PER_STEP)
        """Spreads the senders' sends over the loop's turns (`_drain`)."""
        self.recorder = _Recorder(
            dispatcher._record, lambda: self.sending, dispatcher.record_linger
        )

    async def run(self) -> None:
        try:
            async with asyncio.TaskGroup() as group:
                self._group = group
                group.create_task(self._feed())
        finally:
            if self._keeper is not None:
                self._keeper.cancel()
                full_collections.release()

    def _start_senders(self, waiting: int) -> None:
        """Start senders for `waiting` newly queued deliveries, up to `slots` in all: a tick
        with nothing to send starts none (each idle tick used to start and end a hundred),
        and the first lease starts the renewal that also covers a send that hangs."""
        assert self._group is not None
        if self._keeper is None:
            self._keeper = asyncio.create_task(self._keep_renewing(), name="lease renewal")
            # The tick's first send: until the tick ends (`run`), a full garbage collection
            # would walk every send in flight, on the loop (`bot.full_collections`).
            full_collections.hold()
        for _ in range(min(waiting, self.slots - self.senders)):
            self._group.create_task(self._drain())
            self.senders += 1

    async def claimed(self, *, done: bool = False) -> None:
        """A claim round ended (or the whole claim): there may be more to lease."""
        async with self.changed:
            self.claim_rounds += 1
            if done:
                self.claiming = False
            else:
                self.claimed_rounds += 1
            self._poke_feeder()

    async def due_checked(self, sendable: bool) -> None:
        """The claim's due check ran: `sendable` says whether any recorded delivery was
        sendable then (a retry due, a lease run out)."""
        async with self.changed:
            self.sendable = sendable
            self._poke_feeder()

    def _nothing_to_lease(self) -> bool:
        """Nothing was sendable at the due check and the claim has recorded nothing yet:
        a lease would come back empty (an idle tick used to ask twice, every tick)."""
        return self.sendable is False and not self.claimed_rounds and not self.finished

    async def _feeder_waits(self, until: Callable[[], bool]) -> None:
        """The feeder's wait (the lock held): the senders and the claim wake it only when
        `until` has become true, not at every send's start and end (one useless wake-up
        of the feeder per send each time, measured as a tenth of the dispatcher's CPU)."""
        if until():
            return
        self._feeder_until = until
        try:
            await self.changed.wait_for(until)
        finally:
            self._feeder_until = None

    def _poke_feeder(self) -> None:
        """Something changed (the lock held): wake the feeder if what it waits for holds."""
        if self._feeder_until is not None and self._feeder_until():
            self.changed.notify()

    async def _feed(self) -> None:
        dispatcher, misses = self.dispatcher, 0
        try:
            while True:
                async with self.changed:
                    # Low water: lease more once fewer are queued than can be sent at once;
                    # while a platform is being probed, one send at a time.
                    await self._feeder_waits(
                        lambda: (
                            len(self.queue) < self.slots
                            and not (
                                self.in_flight
                                and not dispatcher._breakers.all_closed
                                and dispatcher._breakers.probing(dispatcher._now())
                            )
                        )
                    )
                    await self._feeder_waits(lambda: self.sendable is not None or not self.claiming)
                    if self._nothing_to_lease():
                        await self._feeder_waits(
                            lambda: not (self.claiming and self._nothing_to_lease())
                        )
                        if self._nothing_to_lease():
                            return  # claimed nothing, and nothing was waiting to be sent
                    seen = self.finished, self.claim_rounds
                lease = await dispatcher._lease(dispatcher._batch_size(), ahead=len(self.queue))
                if lease is None:
                    if (
                        not (self.in_flight or self.queue or self.claiming)
                        and (self.finished, self.claim_rounds) == seen
                    ):
                        return  # nothing in flight or being claimed, nothing new meanwhile
                    # A member's next delivery waits for the one in flight, or the claim
                    # has not got this far: look again once a send or a claim round ends.
                    async with self.changed:
                        await self._feeder_waits(
                            lambda seen=seen: (self.finished, self.claim_rounds) != seen
                        )
                    continue
                if not lease.held:  # another dispatcher took these first; look again
                    misses += 1
                    if misses > 3:
                        return  # four races lost in a row: the others are sending them
                    continue
                misses = 0  # counted in a row: a long tick beside a replica loses a few
                ready = await dispatcher._prepare(lease, self.report)
                self.leases.append(lease)
                async with self.changed:
                    self.queue.extend((lease, item) for item in ready)
                    self.ready.notify(len(ready))
                    self._start_senders(len(ready))
        finally:
            async with self.changed:
                self.leasing_done = True
                self.ready.notify_all()

    async def _drain(self) -> None:
        """One sender: sends queued deliveries one after another until none are left.

        Each send goes through the tick's `turnstile` first: senders come in crowds (a
        hundred started at once, twenty woken by one written group of results, every
        idle one woken by a new batch), and a crowd that all ran its send's first stretch
        (the adapter's pacing, the request) in one turn of the loop held up everything
        else for 15-25 ms."""
        dispatcher = self.dispatcher
        # A send's end is counted when the next delivery is taken, under the same hold of
        # the lock, and the feeder hears of both at once (one wake-up check, not two).
        ended = False
        while True:
            async with self.ready:
                if ended:
                    self.in_flight -= 1
                    self.finished += 1
                    if not self.queue:
                        self._poke_feeder()  # before waiting for more
                await self.ready.wait_for(lambda: bool(self.queue) or self.leasing_done)
                if not self.queue:
                    return
                lease, item = self.queue.popleft()
                platform = item.outgoing.platform
                breakers, reopens = dispatcher._breakers, None
                if not breakers.all_closed:
                    reopens = breakers.open_until(platform, dispatcher._now())
                waiting: list[tuple[_Lease, _Ready]] = []
                if reopens is not None:
                    # The platform is being left alone: everything of it goes back untried.
                    waiting = [(lease, item)]
                    waiting += [q for q in self.queue if q[1].outgoing.platform == platform]
                    for other in waiting[1:]:
                        self.queue.remove(other)
                self.in_flight += 1
                self._poke_feeder()
            ended = False
            try:
                if reopens is None:
                    await self.turnstile.through()
                    await dispatcher._send_one(self, lease, item, self.report)
                else:
                    await self._put_back(waiting, reopens)
            except BaseException:
                async with self.changed:
                    self.in_flight -= 1
                    self.finished += 1
                    self._poke_feeder()
                raise
            ended = True

    async def _put_back(self, waiting: list[tuple[_Lease, _Ready]], at: datetime) -> None:
        by_lease: dict[str, tuple[_Lease, list[int]]] = {}
        for lease, item in waiting:
            by_lease.setdefault(lease.token, (lease, []))[1].append(item.id)
        for lease, ids in by_lease.values():
            await self.dispatcher._put_back(lease, ids, at)
            lease.held.difference_update(ids)
        self.report.postponed += len(waiting)

    async def _keep_renewing(self) -> None:
        while True:
            await asyncio.sleep(RENEW_EVERY.total_seconds() / 2)
            for lease in [lease for lease in self.leases if lease.held]:
                try:
                    await self.dispatcher._renew(lease)
                except Exception:
                    log.exception("renewing a lease failed; trying again before it runs out")
            self.leases = [lease for lease in self.leases if lease.held]


_LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
"""`Dispatcher.warm` claims as of this instant: nothing is due then."""


class _RolledBack(Exception):
    """Ends a `Dispatcher.warm` step's transaction without keeping anything."""


async def _warm_claim(work: ScheduledWork, services: Services, session: AsyncSession) -> None:
    await work.claim_due(session, services, _LONG_AGO)


async def _warm_lease(session: AsyncSession) -> None:
    connection = await session.connection()
    dialect = connection.dialect.name
    await connection.scalars(_statements.candidates(BATCH, dialect), {"l_now": _LONG_AGO})
    await connection.execute(
        _statements.lease, {"l_ids": [], "l_now": _LONG_AGO, "l_until": _LONG_AGO, "l_token": ""}
    )


def useful_until(delivery: Leased) -> datetime:
    """The instant after which a delivery is expired instead of sent."""
    return delivery.useful_until or delivery.due_at + USEFUL_FOR


@functools.cache
def _delivery_insert(dialect: str) -> BulkWrite:
    """The claim's INSERT of delivery rows (a key already recorded is skipped)."""
    return BulkWrite(insert_many_ignoring_conflict(dialect, Delivery.__table__, ["key"]))


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
