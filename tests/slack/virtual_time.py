"""An event loop on virtual time, for code that waits on the loop's own clock.

The Slack core gate waits a couple of milliseconds after the last ack (`call_later`)
and at most `max_defer` seconds for a quiet moment (`wait_for`). Those waits use the
loop's clock, which no injected clock reaches. On this loop, time stands still while
anything can run and jumps straight to the next timer once nothing can: so
`await asyncio.sleep(1)` in a test means "let everything that can happen within one
second happen", in no real time and without counting event-loop hops.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")


class _JumpingSelector(selectors.BaseSelector):
    """A selector that never blocks while a timer is pending: it moves the loop's clock."""

    def __init__(self, loop: VirtualTimeLoop) -> None:
        self._real = selectors.DefaultSelector()
        self._loop = loop

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._real.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._real.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._real.modify(fileobj, events, data)

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = self._real.select(0)
        if ready or (timeout is not None and timeout <= 0):
            return ready
        if timeout is None:  # no timer at all: only outside I/O can wake the loop
            return self._real.select(None)
        self._loop.now += timeout  # nothing can run before the next timer: go there
        return []

    def get_map(self) -> Mapping[Any, selectors.SelectorKey]:
        return self._real.get_map()

    def close(self) -> None:
        self._real.close()


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """A selector event loop whose `time()` only moves when nothing else can run."""

    def __init__(self) -> None:
        self.now = 0.0
        super().__init__(_JumpingSelector(self))

    def time(self) -> float:
        return self.now


def run_in_virtual_time(scenario: Callable[[], Awaitable[T]]) -> T:
    """Run `scenario()` to the end on a fresh virtual-time loop."""
    loop = VirtualTimeLoop()
    try:
        return loop.run_until_complete(scenario())
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
