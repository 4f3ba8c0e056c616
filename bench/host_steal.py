"""How much of the machine's CPU its host took while the benchmark ran.

On a virtual machine the host may run other guests on our cores. While it does, our
threads are not running, but their clocks still move: a callback interrupted by the host
reads as longer, in wall time and in the thread's own CPU time. Session 8 saw one-line
asyncio callbacks read 17 ms of CPU while `/proc/stat` showed 3-31% of each CPU stolen.

So the fan-out benchmark samples the kernel's steal counter (`/proc/stat`, all CPUs) ten
times a second from a thread of its own, and reports it beside each wait over the target:
a long wait in a stretch the host took a third of the machine is not the bot's to fix,
and one in a quiet stretch is. Off Linux, or without `/proc/stat`, it reports nothing.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left
from pathlib import Path

EVERY = 0.1
"""Seconds between samples: the counters move in 10 ms ticks, so ten a second keep a
wait's surroundings to a few samples."""
STAT = Path("/proc/stat")
STEAL = 7
"""The steal column of a `cpu` line in /proc/stat, counting from 0 after the label."""


def _read() -> tuple[int, int] | None:
    """(steal ticks, all ticks) over all CPUs, or None where the kernel does not say."""
    try:
        with STAT.open() as stat:
            first = stat.readline().split()
    except OSError:
        return None
    if not first or first[0] != "cpu" or len(first) <= STEAL + 1:
        return None
    ticks = [int(value) for value in first[1:]]
    # guest time is already inside user time: count each tick once
    return ticks[STEAL], sum(ticks[: STEAL + 1])


class HostSteal:
    """Samples in a daemon thread from `start()` to `stop()`; `share(since, until)` is
    the share of all CPUs the host took between two `time.monotonic()` instants."""

    def __init__(self, every: float = EVERY) -> None:
        self.every = every
        self._at: list[float] = []
        self._counts: list[tuple[int, int]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def available(self) -> bool:
        return bool(self._counts)

    def start(self) -> None:
        self._sample()
        if not self._counts:
            return
        self._thread = threading.Thread(target=self._run, name="host steal", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._sample()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._sample()

    def _sample(self) -> None:
        counts = _read()
        if counts is not None:
            self.record(time.monotonic(), *counts)

    def record(self, at: float, steal: int, total: int) -> None:
        """One sample: the counters (`steal` of `total` ticks) at the instant `at`."""
        self._at.append(at)
        self._counts.append((steal, total))

    def share(self, since: float, until: float) -> float | None:
        """The host's share of all CPUs from the last sample at or before `since` to the
        first at or after `until` (so a short wait is read over the samples around it)."""
        if len(self._counts) < 2:
            return None
        first = min(len(self._at) - 2, max(0, bisect_left(self._at, since) - 1))
        last = min(len(self._at) - 1, max(first + 1, bisect_left(self._at, until)))
        stolen = self._counts[last][0] - self._counts[first][0]
        total = self._counts[last][1] - self._counts[first][1]
        return stolen / total if total > 0 else None

    def overall(self) -> float | None:
        """The host's share over the whole sampling."""
        if len(self._at) < 2:
            return None
        return self.share(self._at[0], self._at[-1])
