"""Long loops give the event loop its turns: a member's command waits behind a stretch of a
fan-out, never behind all of it. The stopwatch is injected: each item "costs" what the
test says."""

from __future__ import annotations

import asyncio

from bot.turns import READ_CHUNK, Turnstile, chunks, in_turns


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
    turnstile: Turnstile, arrivals: dict[int, int], passes: int
) -> list[list[int]]:
    """Callers arrive `arrivals[pass]` at a time in those passes of the loop; which of them
    went through in each pass (callers numbered in arrival order)."""
    went: list[list[int]] = [[] for _ in range(passes)]
    now = [0]
    tasks: list[asyncio.Task[None]] = []

    async def caller(number: int) -> None:
        await turnstile.through()
        went[now[0]].append(number)

    numbered = 0
    for pass_ in range(passes):
        now[0] = pass_
        for _ in range(arrivals.get(pass_, 0)):
            tasks.append(asyncio.create_task(caller(numbered)))
            numbered += 1
        await asyncio.sleep(0)
    await asyncio.gather(*tasks)
    return went


async def test_a_crowd_goes_through_a_few_a_pass_in_the_order_it_came() -> None:
    went = await _passes_of(Turnstile(4), {0: 10}, passes=8)
    assert [len(p) for p in went if p] == [4, 4, 2]
    assert [n for p in went for n in p] == list(range(10))


async def test_newcomers_queue_behind_a_crowd_and_never_make_a_pass_fuller() -> None:
    # A crowd of 9, then 3 more in each of the next passes: never more than 4 a pass.
    went = await _passes_of(Turnstile(4), {0: 9, 1: 3, 2: 3, 3: 3}, passes=12)
    assert max(len(p) for p in went) == 4
    assert [n for p in went for n in p] == list(range(18))


async def test_a_lone_caller_waits_one_pass_only() -> None:
    # A task made in pass 0 asks in pass 1 (its first step) and goes on in pass 2.
    went = await _passes_of(Turnstile(4), {0: 1, 3: 1}, passes=7)
    assert [(i, p) for i, p in enumerate(went) if p] == [(2, [0]), (5, [1])]


async def test_a_cancelled_caller_gives_its_place_to_the_next() -> None:
    turnstile = Turnstile(1)
    order: list[str] = []

    async def caller(name: str) -> None:
        await turnstile.through()
        order.append(name)

    first = asyncio.create_task(caller("first"))
    second = asyncio.create_task(caller("second"))
    await asyncio.sleep(0)  # both queued
    first.cancel()
    passes = 0
    while not second.done() and passes < 10:
        await asyncio.sleep(0)
        passes += 1
    # One pass lets it go, the next runs it: the place the cancelled caller held, not
    # the pass after (a cancelled caller counted as let through would cost one more).
    assert passes == 2
    await asyncio.gather(first, second, return_exceptions=True)
    assert order == ["second"]
    assert turnstile.queued == 0
