"""CPU charged to whoever asked for it: the dispatcher, the adapter, the probe.

The fan-out benchmark needs the dispatcher's own CPU per delivery while the adapter sends
and a probe runs `/tip` in the same process. Subtracting estimates of the others (what
they cost when measured alone) left every calibration error on the dispatcher. This
module charges CPU directly instead:

- **the event loop thread**: every callback the loop runs (a task's step, a timer, a
  transport's read) runs in a `contextvars.Context`; the loop-thread CPU of each callback
  goes to the account that context names (`ACCOUNT`). Tasks inherit the context of the
  code that created them, so everything the dispatcher starts is the dispatcher's; a send
  is the adapter's from the moment `charged("adapter")` wraps it (its HTTP connection,
  opened inside, carries that account to its socket reads);
- **aiosqlite's worker threads**: each database call is timed inside the worker thread
  and charged to the account that submitted it;
- **what no account claims** (a callback from another thread, a pooled database
  connection's socket reads on PostgreSQL, opened before the run): shared among the
  accounts in proportion to the SQL statements each ran, which is where such work comes
  from;
- **the event loop's own work** between callbacks (polling, timers, the ready queue):
  shared in proportion to the callbacks each account had run.
The report prints each share, so nothing is hidden in a total.

Measuring costs two `thread_time()` calls a callback (well under a microsecond each).
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

T = TypeVar("T")

ACCOUNT: contextvars.ContextVar[str] = contextvars.ContextVar("cpu_account", default="")
UNCLAIMED = ""


class CpuAccounts:
    """Loop-thread CPU per account, driver-thread CPU per account, statements per account."""

    def __init__(self) -> None:
        self.loop: Counter[str] = Counter()
        self.callbacks: Counter[str] = Counter()
        self.threads: Counter[str] = Counter()
        self.statements: Counter[str] = Counter()
        self._installed: list[Callable[[], None]] = []
        self._process_before = 0.0
        self._loop_before = 0.0
        self.process = 0.0
        self.loop_thread = 0.0

    # -- installing and removing the meters ----------------------------------------------

    def install(self, engine: Engine) -> None:
        handle_run = asyncio.events.Handle._run
        loop_counter, callbacks = self.loop, self.callbacks

        def timed_run(handle: asyncio.events.Handle) -> None:
            context = handle._context  # type: ignore[attr-defined]
            name = context.get(ACCOUNT, UNCLAIMED) if context is not None else UNCLAIMED
            started = time.thread_time()
            try:
                handle_run(handle)
            finally:
                loop_counter[name] += time.thread_time() - started
                callbacks[name] += 1

        asyncio.events.Handle._run = timed_run  # type: ignore[method-assign]
        self._installed.append(lambda: setattr(asyncio.events.Handle, "_run", handle_run))

        try:
            import aiosqlite.core
        except ImportError:  # pragma: no cover - aiosqlite is a dependency
            pass
        else:
            execute = aiosqlite.core.Connection._execute
            thread_counter = self.threads

            async def timed_execute(conn: Any, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
                name = ACCOUNT.get()
                call = partial(fn, *args, **kw)

                def timed() -> T:
                    started = time.thread_time()
                    try:
                        return call()
                    finally:
                        thread_counter[name] += time.thread_time() - started

                return await execute(conn, timed)

            aiosqlite.core.Connection._execute = timed_execute  # type: ignore[method-assign]
            self._installed.append(lambda: setattr(aiosqlite.core.Connection, "_execute", execute))

        statements = self.statements

        def count(*_: Any) -> None:
            statements[ACCOUNT.get()] += 1

        event.listen(engine, "before_cursor_execute", count)
        self._installed.append(lambda: event.remove(engine, "before_cursor_execute", count))

    def uninstall(self) -> None:
        while self._installed:
            self._installed.pop()()

    # -- the measured stretch ------------------------------------------------------------

    def start(self) -> None:
        for counter in (self.loop, self.callbacks, self.threads, self.statements):
            counter.clear()
        self._process_before, self._loop_before = time.process_time(), time.thread_time()

    def stop(self) -> None:
        self.process = time.process_time() - self._process_before
        self.loop_thread = time.thread_time() - self._loop_before

    # -- the account ---------------------------------------------------------------------

    def unclaimed(self) -> float:
        """CPU no account claimed: on the loop, and in threads beyond the timed calls."""
        other_threads = self.process - self.loop_thread - sum(self.threads.values())
        return self.loop[UNCLAIMED] + max(other_threads, 0.0)

    def loop_machinery(self) -> float:
        """The loop thread's CPU outside every callback: polling, timers, the ready queue."""
        return max(self.loop_thread - sum(self.loop.values()), 0.0)

    def charged(self, name: str) -> float:
        """`name`'s own CPU, plus its statement share of what no account claimed, plus its
        callback share of the loop's own work."""
        own = self.loop[name] + self.threads[name]
        return (
            own
            + _share(self.statements, name) * self.unclaimed()
            + _share(self.callbacks, name) * self.loop_machinery()
        )

    def breakdown(self, per: float) -> str:
        """Each account's loop, thread and statement figures, scaled by `per`."""
        names = sorted(set(self.loop) | set(self.threads) | set(self.statements))
        parts = [
            f"{name or 'unclaimed'} loop {self.loop[name] * per:.2f} threads "
            f"{self.threads[name] * per:.2f} ({self.statements[name]} statements, "
            f"{self.callbacks[name]} callbacks)"
            for name in names
        ]
        return (
            "; ".join(parts)
            + f"; unclaimed in all {self.unclaimed() * per:.2f}, shared by statements"
            + f"; the loop's own work {self.loop_machinery() * per:.2f}, shared by callbacks"
        )


def _share(counts: Counter[str], name: str) -> float:
    """`name`'s part of what the named accounts counted (the unclaimed one excluded)."""
    total = sum(n for key, n in counts.items() if key != UNCLAIMED)
    return counts.get(name, 0) / total if total and name != UNCLAIMED else 0.0


@contextmanager
def account(name: str) -> Iterator[None]:
    """Charge the CPU of the code inside (and of the tasks it starts) to `name`."""
    token = ACCOUNT.set(name)
    try:
        yield
    finally:
        ACCOUNT.reset(token)


async def charged(name: str, awaitable: Awaitable[T]) -> T:
    """Await `awaitable` with its steps (and what it starts) charged to `name`.

    The coroutine runs in the current task, so the account is set for the task's context
    while it runs and restored after."""
    token = ACCOUNT.set(name)
    try:
        return await awaitable
    finally:
        ACCOUNT.reset(token)
