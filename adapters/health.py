"""`/healthz`, `/readyz` and `/metrics` on `JOBCLUB_HTTP_PORT`, for every `jobclub run`.

- `/healthz` answers 200 whenever the event loop runs: the liveness probe. It checks
  nothing else on purpose; restarting a process because its database is down does not
  bring the database back.
- `/readyz` answers 200 only when the database answers and every platform connection is
  up, else 503 with one line per problem: the readiness probe, so a load balancer stops
  sending Slack traffic to a replica that could only fail it. It also answers 503 once
  the process is shutting down.
- `/metrics` is Prometheus' text format (`bot/metrics.py`), with the delivery counts and
  dispatcher lag read from the database at each scrape.

aiohttp lives here, in the adapters, because the core never imports it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Protocol

from aiohttp import web

from bot import metrics
from bot.app import JobClubBot
from bot.health import database_problem

log = logging.getLogger(__name__)

METRICS_REFRESH_TIMEOUT = 3.0
"""A scrape still gets the in-memory metrics when the database is slow or down."""


class Connected(Protocol):
    async def connection_problem(self) -> str | None:
        """None while the platform connection is up, else a short reason."""
        ...


class HealthServer:
    """The probe and metrics endpoints of one process (not the Slack events endpoint)."""

    def __init__(
        self,
        bot: JobClubBot,
        platforms: Sequence[object] = (),
        *,
        port: int = 8080,
        host: str = "0.0.0.0",
        next_due: Callable[[], Awaitable[datetime | None]] | None = None,
    ) -> None:
        self.bot = bot
        self.platforms = list(platforms)
        self.host = host
        self.stopping = False
        """Set at shutdown: readiness fails at once, so traffic drains to other replicas."""
        self._port = port
        self._next_due = next_due
        self._runner: web.AppRunner | None = None

    def web_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(self.web_app(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self._port).start()
        log.info("health and metrics on %s:%s (/healthz /readyz /metrics)", self.host, self.port)

    @property
    def port(self) -> int:
        """The bound port (useful after asking for port 0)."""
        if self._runner is not None and self._runner.addresses:
            return int(self._runner.addresses[0][1])
        return self._port

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def problems(self) -> list[str]:
        """What keeps this process from serving, checked concurrently; empty when ready."""
        if self.stopping:
            return ["shutting down"]
        checks = [database_problem(self.bot.services.db)]
        checks.extend(_platform_problem(p) for p in self.platforms)
        return [p for p in await asyncio.gather(*checks) if p]

    async def _healthz(self, _: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def _readyz(self, _: web.Request) -> web.Response:
        found = await self.problems()
        if found:
            return web.Response(status=503, text="".join(f"{p}\n" for p in found))
        return web.Response(text="ready\n")

    async def _metrics(self, _: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(METRICS_REFRESH_TIMEOUT):
                await metrics.refresh_from_database(self.bot.services, self._next_due)
        except Exception as exc:  # the counters kept in memory are still worth a scrape
            log.warning("metrics: could not read the database (%s)", type(exc).__name__)
        body, content_type = metrics.exposition()
        response = web.Response(body=body)
        response.headers["Content-Type"] = content_type
        return response


async def _platform_problem(platform: object) -> str | None:
    check = getattr(platform, "connection_problem", None)
    if check is None:
        return None
    try:
        return await check()
    except Exception as exc:
        return f"{getattr(platform, 'platform', 'platform')}: {type(exc).__name__}"
