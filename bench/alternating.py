"""Comparing sizes on a machine whose speed drifts: each size runs in turn, round after
round, so a slow stretch spreads over all of them (bench/README.md), and each is
reported as the median of its runs with the spread."""

from __future__ import annotations

import statistics
from collections.abc import Awaitable, Callable


async def alternate(
    one_run: Callable[[int], Awaitable[float]], sizes: list[int], runs: int, what: str
) -> None:
    """Run `one_run(size)` (CPU seconds a unit) for every size, `runs` rounds, alternating;
    print one line a size: `what` (its `{size}` filled in), then the median in ms."""
    results: dict[int, list[float]] = {size: [] for size in sizes}
    for _ in range(runs):
        for size in sizes:
            results[size].append(await one_run(size))
    for size in sizes:
        ms = sorted(1000 * v for v in results[size])
        print(
            f"{what.format(size=size)}: {statistics.median(ms):.3f} ms "
            f"(median of {len(ms)}; {ms[0]:.3f}-{ms[-1]:.3f})"
        )
