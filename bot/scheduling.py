"""Scheduled work: the port features implement, and the dispatcher that runs it.

A feature's `ScheduledWork` reads what is due from its own tables (the one
source of truth) and returns what to send. The dispatcher sends it through the
adapter's `Outbox`. The console's `:clock` walks time forward through every due
instant so each item goes out at its own moment.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.replies import Reply

if TYPE_CHECKING:
    from bot.context import Services
    from bot.outbox import MemberAddress

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """One message to send: to a member's DM, or to a club channel."""

    kind: str
    reply: Reply
    member: MemberAddress | None = None
    channel: tuple[str, str] | None = None
    """(club external id, channel id) for a channel post."""


@dataclass
class Sent:
    """What went out, when (the simulated instant in the console)."""

    outgoing: Outgoing
    at: datetime
    meta: dict[str, object] = field(default_factory=dict)


class ScheduledWork(Protocol):
    kind: str

    async def next_due(self, session: AsyncSession, services: Services) -> datetime | None:
        """The earliest instant something of this kind is due, or None."""
        ...

    async def run_due(
        self, session: AsyncSession, services: Services, now: datetime
    ) -> list[Outgoing]:
        """Claim everything due at `now` and return what to send."""
        ...


Deliver = Callable[[Outgoing, datetime], Awaitable[None]]


class Dispatcher:
    """Runs every feature's scheduled work once per tick (or walks time forward)."""

    def __init__(self, services: Services, work: list[ScheduledWork], deliver: Deliver) -> None:
        self._services = services
        self._work = work
        self._deliver = deliver

    async def tick(self) -> int:
        """Send everything due now; returns how many messages went out."""
        now = self._services.clock.now()
        count = 0
        for work in self._work:
            async with self._services.db.session() as session:
                outgoing = await work.run_due(session, self._services, now)
            for item in outgoing:
                await self._deliver(item, now)
                count += 1
        return count

    async def next_due(self) -> datetime | None:
        instants: list[datetime] = []
        async with self._services.db.session() as session:
            for work in self._work:
                due = await work.next_due(session, self._services)
                if due is not None:
                    instants.append(due)
        return min(instants, default=None)

    async def advance_to(self, target: datetime, set_clock: Callable[[datetime], None]) -> int:
        """Move a settable clock to `target`, stopping at each due instant on the way."""
        count = 0
        for _ in range(100_000):  # a guard against work that is always due
            due = await self.next_due()
            if due is None or due > target:
                break
            if due > self._services.clock.now():
                set_clock(due)
            sent = await self.tick()
            count += sent
            if sent == 0 and due <= self._services.clock.now():
                break  # due but nothing could go out now: leave it for the next tick
        set_clock(target)
        count += await self.tick()
        return count
