"""Long loops give the event loop its turns: a member's command waits behind a stretch of a
fan-out, never behind all of it. The stopwatch is injected: each item "costs" what the
test says."""

from __future__ import annotations

import asyncio

from bot.turns import READ_CHUNK, chunks, in_turns


async def _items_done_before_each_turn(costs: list[float], every: int) -> list[int]:
    """Run a loop over items costing `costs` seconds each beside a task that counts how
    many items were done each time it got the event loop."""
    now = [0.0]
    done = 0
    seen: list[int] = []
    finished = asyncio.Event()

    async def other_member() -> None:
        while not finished.is_set():
            seen.append(done)
            await asyncio.sleep(0)

    async def long_loop() -> None:
        nonlocal done
        async for cost in in_turns(costs, every, seconds=0.002, clock=lambda: now[0]):
            now[0] += cost
            done += 1
        finished.set()

    watcher = asyncio.create_task(other_member())
    await long_loop()
    await watcher
    return sorted(set(seen))


async def test_costly_items_let_others_in_after_the_time_budget_not_the_count() -> None:
    # 1 ms an item, a 2 ms budget: a turn every 2 items although 25 would be allowed.
    seen = await _items_done_before_each_turn([0.001] * 10, every=25)
    assert seen == [2, 4, 6, 8, 10]


async def test_cheap_items_let_others_in_after_the_count() -> None:
    seen = await _items_done_before_each_turn([0.0] * 12, every=5)
    assert seen == [5, 10]


async def test_a_loop_with_no_items_ends_at_once() -> None:
    assert [item async for item in in_turns([])] == []


def test_a_batch_is_read_a_chunk_at_a_time_in_order() -> None:
    assert list(chunks(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunks([], 3)) == []
    assert max(len(c) for c in chunks(range(200))) == READ_CHUNK
