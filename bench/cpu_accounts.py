"""CPU charged to whoever asked for it: the dispatcher, the adapter, the probe.

The fan-out benchmark needs the dispatcher's own CPU per delivery while the adapter sends
and a probe runs `/tip` in the same process. Subtracting estimates of the others (what
they cost when measured alone) left every calibration error on the dispatcher. This
module charges CPU directly instead:

- **the event loop thread**: every callback the loop runs (a task's step, a timer, a
  transport's read) runs in a `contextvars.Context`; the loop-thread CPU of each callback
  goes to the account that context names (`ACCOUNT`). Tasks inherit the context of the
  code that created them, so everything the dispatcher starts is the dispatcher's. A send
  awaited inside a dispatcher's task is the adapter's through `charged("adapter")`: each
  stretch the send's coroutine runs is timed on its own and charged to the adapter, the
  rest of that callback to whoever the callback belongs to (so the send's first stretch,
  rendering and pacing, is the adapter's, and the dispatcher's bookkeeping after the
  send is the dispatcher's); what the send starts (its HTTP connection's socket reads)
  carries the adapter's account;
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
from collections.abc import Awaitable, Callable, Generator, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

T = TypeVar("T")

ACCOUNT: contextvars.ContextVar[str] = contextvars.ContextVar("cpu_account", default="")
UNCLAIMED = ""


class _Moved:
    """CPU that `charged` stretches took out of the callbacks they ran in."""

    total = 0.0
    """All such CPU so far: a callback (or an enclosing stretch) subtracts what it grew by."""
    into: Counter[str] | None = None
    """The installed meter's loop counter (None: not measuring)."""
    rest: tuple[str, float, float] | None = None
    """Set when a charged await ends inside a callback begun under its account: the rest
    of that callback (the caller's code after the await) is the caller's account's, from
    that moment (account, thread time, `total` then)."""


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
            moved = _Moved.total
            _Moved.rest = None
            started = time.thread_time()
            try:
                handle_run(handle)
            finally:
                ended = time.thread_time()
                rest, _Moved.rest = _Moved.rest, None
                if rest is not None:  # a charged await ended: the rest is the caller's
                    caller, since, moved_then = rest
                    loop_counter[caller] += ended - since - (_Moved.total - moved_then)
                    ended, moved_after = since, _Moved.total - moved_then
                else:
                    moved_after = 0.0
                loop_counter[name] += ended - started - (_Moved.total - moved - moved_after)
                callbacks[name] += 1

        asyncio.events.Handle._run = timed_run  # type: ignore[method-assign]
        _Moved.into = loop_counter
        self._installed.append(lambda: setattr(asyncio.events.Handle, "_run", handle_run))
        self._installed.append(lambda: setattr(_Moved, "into", None))

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
    """Await `awaitable` with its CPU (and what it starts) charged to `name`.

    The coroutine runs in the current task, whose callbacks are charged by the account
    set when each begins. So the account is `name` from the start of the await to its end
    (the task's wake-ups while it waits are `name`'s), each stretch the coroutine runs is
    timed and moved to `name` (the first runs inside the caller's callback), and the rest
    of the callback in which it ends goes back to the caller's account."""
    return await _Charged(name, awaitable)


class _Charged:
    def __init__(self, name: str, awaitable: Awaitable[Any]) -> None:
        self._name = name
        self._awaitable = awaitable

    def __await__(self) -> Generator[Any, Any, Any]:
        inner = self._awaitable.__await__()
        caller = ACCOUNT.get()
        token = ACCOUNT.set(self._name)
        value: Any = None
        error: BaseException | None = None
        try:
            while True:
                moved = _Moved.total
                started = time.thread_time()
                try:
                    yielded = inner.send(value) if error is None else inner.throw(error)
                except StopIteration as stop:
                    return stop.value
                finally:
                    now = time.thread_time()
                    own = now - started - (_Moved.total - moved)
                    _Moved.total += own
                    if _Moved.into is not None:
                        _Moved.into[self._name] += own
                    _Moved.rest = (caller, now, _Moved.total)
                _Moved.rest = None  # still waiting: this callback stays the task's
                try:
                    value, error = (yield yielded), None
                except BaseException as exc:  # cancelled while waiting: the send hears it
                    value, error = None, exc
        finally:
            ACCOUNT.reset(token)
