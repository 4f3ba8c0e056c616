"""Long loops give the event loop its turns: a member's command waits behind a stretch of a
fan-out, never behind all of it. The stopwatch is injected: each item "costs" what the
test says."""

from __future__ import annotations

import asyncio

from bot.turns import READ_CHUNK, Turnstile, chunks, in_turns
from tests.loop_passes import LoopPasses


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


async def _passes_of(
    turnstile: Turnstile, arrivals: dict[int, int], passes: int, *, released: bool = False
) -> list[list[int]]:
    """Callers arrive `arrivals[pass]` at a time in those passes of the loop; which of them
    went on in each pass (callers numbered in arrival order). With `released`, every other
    caller waits on a future handed to `turnstile.release` instead of calling `through`."""
    went: list[list[int]] = [[] for _ in range(passes + 10)]
    tasks: list[asyncio.Task[None]] = []

    async with LoopPasses() as loop:

        async def caller(number: int) -> None:
            if released and number % 2:
                future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                turnstile.release(future)
                try:
                    await future
                finally:
                    turnstile.went(future)
            else:
                await turnstile.through()
            went[loop.now].append(number)

        numbered = 0
        began = loop.now
        while loop.now - began < passes:
            for _ in range(arrivals.pop(loop.now - began, 0)):
                tasks.append(asyncio.create_task(caller(numbered)))
                numbered += 1
            await asyncio.sleep(0)
        await asyncio.gather(*tasks)
    return [p for p in went[began:]]


async def test_a_crowd_goes_through_a_few_a_pass_in_the_order_it_came() -> None:
    went = await _passes_of(Turnstile(4), {0: 10}, passes=12)
    assert 1 < max(len(p) for p in went) <= 4
    assert [n for p in went for n in p] == list(range(10))


async def test_newcomers_queue_behind_a_crowd_and_never_make_a_pass_fuller() -> None:
    # A crowd of 9, then 3 more in each of the next passes: never more than 4 a pass.
    went = await _passes_of(Turnstile(4), {0: 9, 1: 3, 2: 3, 3: 3}, passes=20)
    assert max(len(p) for p in went) <= 4
    assert [n for p in went for n in p] == list(range(18))


async def test_released_wake_ups_and_callers_share_the_bound() -> None:
    # Half the crowd waits on futures handed over by whoever wakes them (a written group
    # of results), half calls through(): together still no more than 4 a pass.
    for per_turn in (1, 2, 3, 4, 5):
        went = await _passes_of(
            Turnstile(per_turn), {0: 9, 1: 5, 2: 1, 4: 7}, passes=40, released=True
        )
        assert max(len(p) for p in went) <= per_turn
        assert sorted(n for p in went for n in p) == list(range(22))


async def test_a_lone_caller_goes_on_in_the_next_pass() -> None:
    went = await _passes_of(Turnstile(4), {0: 1, 3: 1}, passes=8)
    # A task made in pass 0 runs (and asks) in pass 1, and goes on in pass 2.
    assert [(i, p) for i, p in enumerate(went) if p] == [(2, [0]), (5, [1])]


async def test_a_cancelled_caller_gives_its_place_to_the_next() -> None:
    turnstile = Turnstile(1)
    went: dict[str, int] = {}

    async with LoopPasses() as loop:

        async def caller(name: str) -> None:
            await turnstile.through()
            went[name] = loop.now

        first = asyncio.create_task(caller("first"))
        second = asyncio.create_task(caller("second"))
        third = asyncio.create_task(caller("third"))
        await asyncio.sleep(0)  # all three asked: the first goes on next, the others queue
        second.cancel()
        for _ in range(5):
            await asyncio.sleep(0)
        assert third.done()  # not left waiting behind a place nobody will take
        await asyncio.gather(first, second, third, return_exceptions=True)
    # The first goes on and lets the next one go: the third, in the second's place, in
    # the very next pass (a cancelled caller counted as let go would cost a pass more).
    assert list(went) == ["first", "third"]
    assert went["third"] - went["first"] == 1
    assert turnstile.queued == 0
