"""Runs the dispatcher on APScheduler's AsyncIOScheduler inside the bot process."""

from __future__ import annotations

import logging
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.app import JobClubBot
from bot.scheduling import Deliver

log = logging.getLogger(__name__)


class DispatchRunner:
    """Every `interval` seconds: one dispatch tick, never two at once, missed ticks merged.

    The tables are the schedule; APScheduler only provides the heartbeat, so nothing is
    lost if the process stops, and several processes may run this side by side.
    """

    def __init__(self, bot: JobClubBot, deliver: Deliver, interval: float) -> None:
        self._dispatcher = bot.dispatcher(deliver)
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

    def start(self) -> None:
        self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    async def _tick(self) -> None:
        try:
            sent = await self._dispatcher.tick()
            if sent:
                log.info("dispatch sent %s message(s)", sent)
        except Exception:
            log.exception("dispatch tick failed; the next tick will retry")
