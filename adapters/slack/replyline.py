"""Each member's replies leave in the order their requests arrived, however long that takes.

A burst of direct messages from one member becomes one core job per message, run by
`CoreGate` two at a time, so the answers can be ready out of order; and every answer
in that member's DM then waits for the channel's pacing (about one message a second).
A line per member keeps both straight: a ticket is taken when the request arrives
(in the listener, before anything is awaited), the core works on it whenever it can,
and its replies are sent only once every earlier ticket of that member has been
sent. Nothing is dropped for being slow: a ticket waits its turn, and its sends
wait for their pacing slot without a limit.

The line is a chain of futures, one per ticket, so it costs nothing when a member is
quiet and holds no task of its own. A ticket must be closed (`async with` does it,
and so does `close()`), or the member's later replies would wait for ever; the
adapter closes it in a `finally`.
"""

from __future__ import annotations

import asyncio
from types import TracebackType


class Ticket:
    """One request's place in its member's line."""

    def __init__(self, lines: ReplyLines, key: str, before: asyncio.Future[None] | None) -> None:
        self._lines = lines
        self._key = key
        self._before = before
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def turn(self) -> None:
        """Wait until every earlier ticket of this member is closed."""
        if self._before is not None and not self._before.done():
            await asyncio.wait({self._before})

    def close(self) -> None:
        """Let the next ticket go (idempotent)."""
        if not self.done.done():
            self.done.set_result(None)
        self._lines.forget(self._key, self.done)

    async def __aenter__(self) -> Ticket:
        await self.turn()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class ReplyLines:
    """The lines of all members, by key (team and user id)."""

    def __init__(self) -> None:
        self._tails: dict[str, asyncio.Future[None]] = {}

    def ticket(self, key: str) -> Ticket:
        """A place at the end of `key`'s line. Call it before awaiting anything."""
        ticket = Ticket(self, key, self._tails.get(key))
        self._tails[key] = ticket.done
        return ticket

    def busy(self, key: str) -> bool:
        """Whether `key` has replies still waiting or being sent."""
        tail = self._tails.get(key)
        return tail is not None and not tail.done()

    def forget(self, key: str, done: asyncio.Future[None]) -> None:
        """Drop a finished line, so quiet members cost no memory."""
        if self._tails.get(key) is done:
            del self._tails[key]

    def __len__(self) -> int:
        return len(self._tails)
