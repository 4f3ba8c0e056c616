"""Long loops in turns: the event loop runs everything else between stretches of one.

A fan-out works through hundreds of rows in Python at a time: choosing each member's
nudge, working out reminders, rendering and addressing a batch. Done in one go, each such
loop held the event loop for 10-25 ms, and every member's command waited behind it
(bench/README.md). Each now runs `TURN` items, then lets the loop in.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import TypeVar

T = TypeVar("T")

TURN = 25
"""Items a loop works through before the event loop gets a turn (a few ms of work)."""


async def in_turns(items: Iterable[T], every: int = TURN) -> AsyncIterator[T]:
    """`items` one by one, with a turn for the event loop after every `every` of them."""
    for count, item in enumerate(items, 1):
        yield item
        if count % every == 0:
            await asyncio.sleep(0)
