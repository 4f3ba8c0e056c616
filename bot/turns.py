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
    """Lets at most `per_turn` callers through in one pass of the event loop; the rest
    queue, in order, for the next passes.

    Work that many tasks start at once must be spread wherever the crowd comes from: a
    fan-out's senders all start together, are woken together when a group of their
    results is written, and idle ones are woken together when a new batch is queued.
    Gating one of those places missed the others (bench/README.md); a turnstile in front
    of the costly step itself covers every way a crowd forms.

    Every caller waits for the next pass, even when nobody else is waiting: a caller let
    through at once would share its pass with those let through for it by the pass
    before, and the bound would be twice `per_turn`. The wait is one pass of the loop.
    """

    def __init__(self, per_turn: int) -> None:
        if per_turn < 1:
            raise ValueError("a turnstile lets at least one caller through a turn")
        self.per_turn = per_turn
        self._queue: deque[asyncio.Future[None]] = deque()
        self._scheduled = False

    @property
    def queued(self) -> int:
        """Callers waiting for a pass."""
        return len(self._queue)

    async def through(self) -> None:
        """Return in a later pass of the loop, with at most `per_turn - 1` others."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._queue.append(future)
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._turn)
        await future

    def _turn(self) -> None:
        """Once a pass while callers wait: the first `per_turn` of them go on in the next
        pass (a cancelled caller's place goes to the one after it)."""
        let_through = 0
        while let_through < self.per_turn and self._queue:
            future = self._queue.popleft()
            if not future.done():
                future.set_result(None)
                let_through += 1
        if self._queue:
            asyncio.get_running_loop().call_soon(self._turn)
        else:
            self._scheduled = False
