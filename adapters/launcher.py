"""Runs the platform adapters that have credentials, with one core and one dispatcher."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from datetime import datetime
from typing import Protocol

from adapters.health import HealthServer
from bot import metrics
from bot.app import JobClubBot, freeze_startup_objects
from bot.clock import SystemClock
from bot.events import Platform
from bot.outbox import Outbox, SendError, combined, pace_of
from bot.runner import DispatchRunner
from bot.scheduling import Outgoing
from bot.settings import Settings

log = logging.getLogger(__name__)


class PlatformAdapter(Protocol):
    """What each platform adapter provides to the launcher."""

    platform: Platform
    outbox: Outbox

    async def run(self) -> None:
        """Serve until cancelled (or until the platform connection ends for good)."""
        ...

    async def close(self) -> None: ...


def configured_platforms(settings: Settings) -> list[str]:
    names = []
    if settings.slack_bot_token is not None:
        names.append("slack")
    if settings.discord_token is not None:
        names.append("discord")
    return names


async def run_platforms(settings: Settings, names: list[str], *, slack_port: int = 3000) -> int:
    """Start the named adapters, the dispatch heartbeat and the health/metrics endpoints
    (`JOBCLUB_HTTP_PORT`); stop cleanly on SIGINT/SIGTERM, within `runner.STOP_GRACE`
    plus the adapters' own closing."""
    bot = await JobClubBot.create(settings, SystemClock())
    adapters: list[PlatformAdapter] = []
    if "slack" in names:
        from adapters.slack import build_slack

        adapters.append(await build_slack(bot, settings, port=slack_port))
    if "discord" in names:
        from adapters.discord import build_discord

        adapters.append(await build_discord(bot, settings))
    by_platform = {a.platform: a.outbox for a in adapters}

    async def deliver(item: Outgoing, at: datetime) -> str | None:
        try:
            return await send(item)
        except Exception as exc:
            metrics.send_failed(item.platform, exc)
            raise

    async def send(item: Outgoing) -> str | None:
        outbox = by_platform.get(item.platform) if item.platform else None
        if outbox is None:
            raise SendError(f"no adapter running for {item.platform}", retryable=True)
        if item.group:
            channel = item.channel[1] if item.channel else None
            await outbox.send_group(item.group, item.reply, channel)
            return None
        if item.member is not None:
            return await outbox.send_dm(item.member, item.reply)
        assert item.channel is not None and item.platform is not None
        await outbox.post_to_channel(item.platform, *item.channel, item.reply)
        return None

    # The dispatcher asks how much it may send at once: each adapter declares its pace.
    deliver.pace = combined([pace_of(a.outbox) for a in adapters])  # type: ignore[attr-defined]
    # Build the /tip matcher now rather than on the first /tip: that member would wait
    # ~0.4 s with the event loop blocked, and the matcher's ~50,000 objects, built after
    # the freeze below, would be scanned by every full collection for the process's life.
    bot.services.tip_index.warm()
    # The dispatcher likewise: its statements compiled now, not in the first 09:00's sends.
    runner = DispatchRunner(bot, deliver, settings.jobclub_dispatch_seconds)
    await runner.warm()
    # Once the adapters have loaded their platform libraries too: left young, those
    # objects made each full collection a 40 ms stall in a fan-out (bench/README.md).
    freeze_startup_objects()
    health = HealthServer(bot, adapters, port=settings.jobclub_http_port, next_due=runner.next_due)
    await health.start()
    runner.start()
    tasks = [asyncio.create_task(a.run(), name=f"adapter-{a.platform}") for a in adapters]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    waiter = asyncio.create_task(stop.wait())
    try:
        done, _ = await asyncio.wait([*tasks, waiter], return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task is not waiter and task.exception() is not None:
                log.error("adapter stopped: %r", task.exception())
                return 1
        return 0
    finally:
        # Readiness fails first, so the load balancer drains this replica; the
        # dispatcher finishes its sends in flight (through the adapters, still open)
        # and hands back the rest; then the adapters stop (`runner.STOP_GRACE`).
        health.stopping = True
        await runner.stop()
        for task in [*tasks, waiter]:
            task.cancel()
        for adapter in adapters:
            with contextlib.suppress(Exception):
                await adapter.close()
        await health.close()
        await bot.close()
