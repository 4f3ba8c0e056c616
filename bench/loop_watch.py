"""How long the event loop keeps a due callback waiting, and whose code made it wait.

The fan-out benchmark's loop-block figure. A heartbeat task sleeps `BEAT` seconds over and
over; each time its timer falls due, everything the loop runs before the heartbeat gets
its turn is a block: a member's command arriving at that instant would have waited as long.

Two readings of each wait:
- **CPU** (the figure reported): the event loop thread's CPU from the start of the
  callback that was running when the timer fell due to the heartbeat's own start. Time the
  operating system gave the cores to other processes (the fake platform, PostgreSQL, the
  database driver's thread, on a 2-core machine) is not counted: that is the machine, not
  the bot. The callback in progress at the due instant counts whole, so the reading is an
  upper bound.
- **wall**: the same wait on the clock, preemption included.

Until session 7 the figure was the loop thread's CPU between two beats. That also counted
the work the loop did, between other turns, while the heartbeat was asleep (up to
`BEAT`), so a loop kept busy by short callbacks read as a 5 ms longer block than any
member could have waited.

Each wait is also split by account (`bench/cpu_accounts.py: ACCOUNT`), so the report says
whose callbacks the heartbeat waited behind.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections import Counter, deque
from typing import Any

from bench.cpu_accounts import ACCOUNT, UNCLAIMED

BEAT = 0.005
TARGET = 0.020
"""Issue 16's target: no wait longer than this. Each wait over it is kept (`over`)."""
STARTS_KEPT = 20_000
"""Callback starts remembered: far more than one wait spans, even in a 100-send burst."""


class LoopWatch:
    """`start()` on the running loop, `stop()` at the end. It wraps `Handle._run` like
    `CpuAccounts.install` does, so stop it before uninstalling anything that wrapped
    `Handle._run` before it started (wrappers are undone in reverse order)."""

    def __init__(self) -> None:
        self.worst = 0.0
        """The longest wait, in loop-thread CPU seconds."""
        self.worst_wall = 0.0
        """The longest wait on the wall clock (not necessarily the same wait)."""
        self.worst_at = 0.0
        """Seconds into the watch when the longest (CPU) wait ended."""
        self.worst_between = 0.0
        """The longest stretch of loop-thread CPU between two beats: the figure before
        session 7, kept for comparison with earlier results."""
        self.worst_by: list[tuple[str, float]] = []
        """The longest wait's CPU by account, most first."""
        self.worst_gc = 0.0
        """Of the longest wait, the CPU seconds garbage collections took (inside the
        callbacks they interrupted: also counted in those accounts)."""
        self.waits: list[float] = []
        """Every wait's CPU seconds, one per beat."""
        self.over: list[tuple[float, float, float]] = []
        """Each wait over `TARGET`: (when it began and ended, `time.monotonic()`; its CPU
        seconds), so the report can say what the host took of the machine meanwhile
        (`bench/host_steal.py`)."""
        self.began = time.monotonic()
        self._starts: deque[tuple[float, float, str]] = deque(maxlen=STARTS_KEPT)
        self._task: asyncio.Task[None] | None = None
        self._handle_run: Any = None
        self._collections: deque[tuple[float, float]] = deque(maxlen=1000)
        """(loop-thread CPU at its start, CPU it took) of each garbage collection."""
        self.full: list[tuple[float, float, int]] = []
        """Each full collection on the loop's thread: (seconds into the watch, CPU seconds
        it took, objects it freed); `bot.full_collections` puts them off while a fan-out
        sends."""
        self._collecting = 0.0
        self._loop_thread = threading.get_ident()

    def start(self) -> None:
        handle_run = self._handle_run = asyncio.events.Handle._run
        starts = self._starts

        def noted_run(handle: asyncio.events.Handle) -> None:
            context = handle._context  # type: ignore[attr-defined]
            name = context.get(ACCOUNT, UNCLAIMED) if context is not None else UNCLAIMED
            starts.append((time.monotonic(), time.thread_time(), name))
            handle_run(handle)

        asyncio.events.Handle._run = noted_run  # type: ignore[method-assign]
        gc.callbacks.append(self._collected)
        self.began = time.monotonic()
        self._loop_thread = threading.get_ident()
        self._task = asyncio.create_task(self._beat())

    def stop(self) -> None:
        if self._task:
            self._task.cancel()
        if self._handle_run is not None:
            asyncio.events.Handle._run = self._handle_run  # type: ignore[method-assign]
            self._handle_run = None
            gc.callbacks.remove(self._collected)

    def _collected(self, phase: str, info: dict[str, Any]) -> None:
        """A garbage collection's start or end (`gc.callbacks`), on the loop's thread (the
        database driver's threads collect too; the loop then waits, but spends no CPU)."""
        if threading.get_ident() != self._loop_thread:
            return
        if phase == "start":
            self._collecting = time.thread_time()
        else:
            took = time.thread_time() - self._collecting
            self._collections.append((self._collecting, took))
            if info.get("generation") == 2:
                self.full.append((time.monotonic() - self.began, took, info["collected"]))

    def share_over(self, seconds: float) -> int:
        """How many waits took more than `seconds` of CPU."""
        return sum(1 for wait in self.waits if wait > seconds)

    async def _beat(self) -> None:
        loop = asyncio.get_running_loop()
        last_cpu = time.thread_time()
        while True:
            due = loop.time() + BEAT  # the loop's clock is time.monotonic
            await asyncio.sleep(BEAT)
            now, cpu = time.monotonic(), time.thread_time()
            self.worst_wall = max(self.worst_wall, now - due)
            self.worst_between = max(self.worst_between, cpu - last_cpu)
            last_cpu = cpu
            starts = self._starts
            # starts[-1] is this very callback; walk back to the one running at `due`.
            first = len(starts) - 1
            while first > 0 and starts[first][0] > due:
                first -= 1
            wait = cpu - starts[first][1]
            self.waits.append(wait)
            if wait > TARGET:
                self.over.append((starts[first][0], now, wait))
            if wait > self.worst:
                self.worst, self.worst_at = wait, now - self.began
                by: Counter[str] = Counter()
                for k in range(first, len(starts) - 1):
                    by[starts[k][2] or "unclaimed"] += starts[k + 1][1] - starts[k][1]
                self.worst_by = by.most_common()
                since = starts[first][1]
                self.worst_gc = sum(took for at, took in self._collections if at >= since)
