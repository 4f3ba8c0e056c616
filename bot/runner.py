"""Runs the dispatcher on APScheduler's AsyncIOScheduler inside the bot process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.app import JobClubBot
from bot.retention import prune_deliveries, prune_seen_deliveries
from bot.scheduling import Deliver

log = logging.getLogger(__name__)

PRUNE_EVERY = timedelta(hours=6)
PRUNE_FIRST_AFTER = timedelta(minutes=5)
"""The first pruning waits until start-up traffic has settled."""
STOP_GRACE = 4.0
"""Seconds a tick in progress may take to finish its sends at shutdown (SIGTERM): with
the adapters' own closing, the process is gone well within the 10 s a container
orchestrator waits before it kills."""
PRUNE_SEEN_EVERY = timedelta(hours=1)
"""Expired de-duplication keys (`bot.dedupe`, kept an hour each) go this often."""


class DispatchRunner:
    """Every `interval` seconds: one dispatch tick, never two at once, missed ticks merged.

    The tables are the schedule; APScheduler only provides the heartbeat, so nothing is
    lost if the process stops, and several processes may run this side by side. A second
    job prunes old delivery records (`bot.retention`) a few times a day.
    """

    def __init__(self, bot: JobClubBot, deliver: Deliver, interval: float) -> None:
        self._bot = bot
        self._dispatcher = bot.dispatcher(deliver)
        self._current: asyncio.Task[object] | None = None
        """The tick in progress, so a shutdown can wait for its sends to finish."""
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._scheduler.add_job(
            self._tick,
            IntervalTrigger(seconds=interval, timezone=UTC),
            id="dispatch",
            max_instances=1,
            coalesce=True,
            # A tick delayed by a busy loop still runs (late is fine, the tables know
            # what is due); APScheduler's 1 s default would silently skip it.
            misfire_grace_time=max(int(interval * 2), 10),
        )
        self._scheduler.add_job(
            self.prune,
            IntervalTrigger(seconds=PRUNE_EVERY.total_seconds(), timezone=UTC),
            id="prune-deliveries",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=int(PRUNE_EVERY.total_seconds()),
            next_run_time=datetime.now(UTC) + PRUNE_FIRST_AFTER,
        )
        self._scheduler.add_job(
            self.prune_seen,
            IntervalTrigger(seconds=PRUNE_SEEN_EVERY.total_seconds(), timezone=UTC),
            id="prune-seen-deliveries",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=int(PRUNE_SEEN_EVERY.total_seconds()),
            next_run_time=datetime.now(UTC) + PRUNE_FIRST_AFTER,
        )

    async def warm(self) -> None:
        """Compile the dispatcher's statements now, not in the first fan-out's sends."""
        await self._dispatcher.warm()

    def start(self) -> None:
        self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    async def next_due(self) -> datetime | None:
        """The dispatcher's earliest due instant (for the lag metric)."""
        return await self._dispatcher.next_due()

    async def stop(self, grace: float = STOP_GRACE) -> int:
        """Shut down like a good replica: take no new work, let the sends in flight
        finish, give back what this process leased but did not send, and stop.

        Returns how many deliveries were handed back. They go out from another replica
        (or this one after a restart) at once, instead of after their lease runs out.
        """
        self._dispatcher.stop_taking_work()
        if self._scheduler.running:
            self._scheduler.pause()
        current = self._current
        if current is not None and not current.done():
            _, pending = await asyncio.wait({current}, timeout=grace)
            for task in pending:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        try:
            released = await self._dispatcher.release_leases()
        except Exception:
            log.exception("could not hand back leased deliveries; their leases will run out")
            released = 0
        if released:
            log.info("shutting down: handed back %s leased delivery(ies) unsent", released)
        self.shutdown()
        return released

    async def _tick(self) -> None:
        self._current = asyncio.current_task()
        try:
            await self._dispatcher.tick()
        except Exception:
            log.exception("dispatch tick failed; the next tick will retry")
            return
        report = self._dispatcher.last_report
        if report.failed or report.expired or report.lost_leases:
            log.warning("dispatch: %s", report.summary())
        elif report.busy:
            log.info("dispatch: %s", report.summary())

    async def prune(self) -> int:
        """Remove delivery records past their retention; also callable on demand."""
        services = self._bot.services
        try:
            return await prune_deliveries(services.db, services.clock.now())
        except Exception:
            log.exception("pruning deliveries failed; the next run will retry")
            return 0

    async def prune_seen(self) -> int:
        """Remove expired de-duplication keys; also callable on demand."""
        services = self._bot.services
        try:
            return await prune_seen_deliveries(services.db, services.clock.now())
        except Exception:
            log.exception("pruning de-duplication keys failed; the next run will retry")
            return 0
