"""Long loops in turns: the event loop runs everything else between stretches of one.

A fan-out works through hundreds of rows in Python at a time: choosing each member's
nudge, working out reminders, rendering and addressing a batch. Done in one go, each such
loop held the event loop for 10-25 ms, and every member's command waited behind it
(bench/README.md). Each now lets the loop in after `TURN_SECONDS` of work, or after
`every` items, whichever comes first.

The time budget is what keeps a turn short: items differ in cost (a reminder with a draft
costs several times a bare nudge), and so does the machine from one minute to the next,
so a fixed count of 25 items ran 1-5 ms a turn. Several dispatcher tasks (the claim, the
feeder, the senders) take their turns in the same pass of the loop, so each must stay
short for the pass to.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

TURN = 25
"""Items a loop works through at most before the event loop gets a turn."""
TURN_SECONDS = 0.002
"""Work a loop does at most (on the clock, so a preempted loop only yields sooner) before
the event loop gets a turn."""
READ_CHUNK = 50
"""Rows a batch's read loads into objects at once. The ORM builds a result's objects in
one step of the event loop: a fan-out's first batch of 200 reminders held it 7.8 ms on
PostgreSQL (bench/README.md), and a read per 50 costs a statement each."""


async def in_turns(
    items: Iterable[T],
    every: int = TURN,
    *,
    seconds: float = TURN_SECONDS,
    clock: Callable[[], float] = time.perf_counter,
) -> AsyncIterator[T]:
    """`items` one by one, with a turn for the event loop after every `every` of them or
    `seconds` of work, whichever comes first (`clock` is the stopwatch: tests pass one)."""
    count, began = 0, clock()
    for item in items:
        yield item
        count += 1
        if count >= every or clock() - began >= seconds:
            await asyncio.sleep(0)
            count, began = 0, clock()


def chunks(items: Iterable[T], size: int = READ_CHUNK) -> Iterator[list[T]]:
    """`items` in lists of at most `size`, in order (`itertools.batched` from 3.12)."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Turnstile:
    """Lets at most `per_turn` waiters go on in one pass of the event loop; the rest wait,
    in order, for the next passes.

    Work that many tasks start at once must be spread wherever the crowd comes from: a
    fan-out's senders all start together, are woken together when a group of their
    results is written, and idle ones are woken together when a new batch is queued.
    Spreading one of those places missed the others (bench/README.md), so all go through
    one turnstile: `through()` for a task with nothing to wait for, and `release(future)`
    for a wake-up a task already waits for (the wake-up is put off, not added to: one task
    step a send instead of two).

    Every waiter goes on in a later pass, even when nobody else waits (a `through()` is
    one bare yield): one let go at once would share its pass with those let go for it by
    the pass before, and the bound would be twice `per_turn`.

    No callback of its own keeps the count: waiters are let go in groups of `group`, and
    the first of a group, when it goes on (`went`), closes the group and lets the next
    queued ones go. A group opens in one pass and closes in the next, so one pass runs
    what was let go in the pass before: the tail of one group (its first went a pass
    earlier) and the head of the next, at most `2 * group - 1`, which `group` keeps
    within `per_turn`.
    """

    def __init__(self, per_turn: int) -> None:
        if per_turn < 1:
            raise ValueError("a turnstile lets at least one waiter go on a turn")
        self.per_turn = per_turn
        self.group = (per_turn + 1) // 2
        """Waiters let go between two closings (see the class docstring)."""
        self._queue: deque[asyncio.Future[None]] = deque()
        self._let_go = 0
        """Waiters let go in the open group."""
        self._closer: object | None = None
        """The open group's first waiter (its future, or a `through()` call's token)."""

    @property
    def queued(self) -> int:
        """Waiters not let go yet."""
        return len(self._queue)

    async def through(self) -> None:
        """Return in a later pass of the loop, with at most `per_turn - 1` others."""
        if not self._queue and self._let_go < self.group:
            token = object()
            self._count(token)
            try:
                await asyncio.sleep(0)
            finally:
                self.went(token)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append(future)
        try:
            await future
        finally:
            self.went(future)

    def release(self, future: asyncio.Future[None]) -> None:
        """Set `future`'s result in this pass if its group has room (its waiter goes on in
        the next), else when a later group opens. Whoever awaits `future` calls
        `went(future)` once it has (also when cancelled meanwhile)."""
        if not self._queue and self._let_go < self.group:
            if not future.done():
                self._count(future)
                future.set_result(None)
            return
        self._queue.append(future)

    def went(self, waiter: object) -> None:
        """`waiter` goes on: if it opened its group, that group closes and the next queued
        waiters are let go (a future already done, e.g. cancelled, is passed over)."""
        if waiter is not self._closer:
            return
        self._closer, self._let_go = None, 0
        queue = self._queue
        while queue and self._let_go < self.group:
            future = queue.popleft()
            if not future.done():
                self._count(future)
                future.set_result(None)

    def _count(self, waiter: object) -> None:
        if self._closer is None:
            self._closer = waiter
        self._let_go += 1
