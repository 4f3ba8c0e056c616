"""A small gate in front of the core, so that acknowledging Slack always comes first.

All interactive core work (commands, buttons, DMs, Home views) passes through it, at most
`workers` jobs at a time, first come first served. Two rules keep acks fast under load:

- A slash command is answered inside its ack only when the bot is otherwise idle: a
  slot is free, nothing is queued, and no other request is being acknowledged; and only
  until another request arrives (then it acks and answers after). Otherwise it is acked
  at once and its job is queued; the answer goes through the `response_url`. Queuing
  costs one list append, so a burst of commands is acknowledged at bolt's pace.
- Queued jobs start once no request has been waiting for its ack for a couple of
  milliseconds (the requests of a burst are handled one after another), or after
  `max_defer` seconds, so a steady stream of requests cannot starve them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
Job = Callable[[], Awaitable[Any]]

log = logging.getLogger(__name__)


class CoreGate:
    """Runs core jobs, `workers` at a time, after the acks in progress."""

    def __init__(self, workers: int = 2, *, max_defer: float = 0.25, linger: float = 0.002) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self.max_defer = max_defer
        self.linger = linger
        self.active = 0
        self._queue: deque[Job] = deque()
        self._inbound = 0
        self._generation = 0
        self._quiet = asyncio.Event()
        self._quiet.set()
        self._slot_free = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._interrupts: set[asyncio.Event] = set()
        self._dispatcher: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[Any]] = set()

    @property
    def queued(self) -> int:
        return len(self._queue)

    # -- requests being acknowledged ------------------------------------------------------

    @contextlib.contextmanager
    def inbound(self) -> Iterator[None]:
        """Mark a request as being acknowledged (the HTTP middleware wraps each in it)."""
        self._inbound += 1
        self._generation += 1
        self._quiet.clear()
        for interrupt in self._interrupts:
            interrupt.set()
        try:
            yield
        finally:
            self._inbound -= 1
            if self._inbound == 0:
                generation = self._generation
                asyncio.get_running_loop().call_later(self.linger, self._settle, generation)

    def _settle(self, generation: int) -> None:
        if self._inbound == 0 and generation == self._generation:
            self._quiet.set()

    # -- slots ----------------------------------------------------------------------------

    def try_enter_idle(self) -> bool:
        """Take a slot if the bot is otherwise idle (see module doc); the caller must `leave()`."""
        if self._inbound > 1 or self._queue or self.active >= self.workers:
            return False
        self.active += 1
        self._idle.clear()
        return True

    @contextlib.contextmanager
    def interruption(self) -> Iterator[asyncio.Event]:
        """An event set when another request arrives: an answer being prepared inside an
        ack gives way (acks now, answers after) instead of holding up the newcomers."""
        event = asyncio.Event()
        self._interrupts.add(event)
        try:
            yield event
        finally:
            self._interrupts.discard(event)

    def leave(self) -> None:
        self.active -= 1
        self._slot_free.set()
        self._check_idle()

    def submit(self, job: Job) -> None:
        """Queue a job; it runs in a slot once the acks in progress are out."""
        self._queue.append(job)
        self._idle.clear()
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.create_task(self._dispatch(), name="core gate")

    async def run(self, call: Callable[[], Awaitable[T]]) -> T:
        """Queue `call` and wait for its result."""
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()

        async def job() -> None:
            try:
                result = await call()
            except asyncio.CancelledError:
                done.cancel()
                raise
            except Exception as exc:
                if not done.done():
                    done.set_exception(exc)
                return
            if not done.done():
                done.set_result(result)

        self.submit(job)
        return await done

    async def _dispatch(self) -> None:
        while self._queue:
            if not self._quiet.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._quiet.wait(), self.max_defer)
            while self._queue and self.active < self.workers:
                job = self._queue.popleft()
                self.active += 1
                task = asyncio.create_task(self._run_job(job))
                self._running.add(task)
                task.add_done_callback(self._running.discard)
            if self._queue:
                self._slot_free.clear()
                await self._slot_free.wait()

    async def _run_job(self, job: Job) -> None:
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("a core job failed")
        finally:
            self.leave()

    def _check_idle(self) -> None:
        if self.active == 0 and not self._queue:
            self._idle.set()

    async def drain(self) -> None:
        """Wait until nothing is queued or running."""
        await self._idle.wait()

    async def close(self) -> None:
        self._queue.clear()
        tasks = [t for t in (self._dispatcher, *self._running) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
