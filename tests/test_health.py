"""`/healthz`, `/readyz` and `/metrics` as an operator's probes and Prometheus see them."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from adapters.health import HealthServer
from bot import metrics
from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.events import CommandEvent, MemberRef, Place, Platform
from bot.outbox import SendError
from bot.store.database import Database
from tests.conftest import POSTGRES_URL, START, make_settings, reset_postgres
from tests.dispatch_helpers import add_reminders, make_bot


@dataclass
class Platformish:
    """A platform adapter as the health server sees it: up or down, on command."""

    problem: str | None = None

    async def connection_problem(self) -> str | None:
        return self.problem


async def get(port: int, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text()


@contextlib.asynccontextmanager
async def serving(bot: JobClubBot, *platforms: object, **kwargs: object) -> AsyncIterator[int]:
    server = HealthServer(bot, platforms, port=0, host="127.0.0.1", **kwargs)  # type: ignore[arg-type]
    await server.start()
    try:
        yield server.port
    finally:
        await server.close()


async def never_called(item: object, at: object) -> None:
    raise AssertionError("nothing is sent here")


def sample(body: str, name: str, **labels: str) -> float | None:
    """The value of one sample in Prometheus' text format, or None if it is absent."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = rf"^{re.escape(name)}{{{re.escape(wanted)}}} (\S+)$" if labels else rf"^{name} (\S+)$"
    found = re.search(pattern, body, re.MULTILINE)
    return float(found.group(1)) if found else None


async def test_a_healthy_process_is_live_ready_and_reports_its_metrics(
    tmp_path: Path, clock: FakeClock
) -> None:
    bot = await make_bot(f"sqlite+aiosqlite:///{tmp_path / 'j.db'}", tmp_path, clock)
    ada = MemberRef(Platform.SLACK, "T1", "U0ADA", "Ada Lovelace")
    dispatcher = bot.dispatcher(never_called)
    try:
        async with serving(bot, Platformish(), next_due=dispatcher.next_due) as port:
            _, before = await get(port, "/metrics")
            await bot.handle(CommandEvent(ada, Place.channel("C1"), "tip", "salary negotiation"))
            await bot.handle(CommandEvent(ada, Place.channel("C1"), "nosuchcommand", "my secret"))
            await add_reminders(bot, 3, START + timedelta(minutes=10))
            clock.set(START + timedelta(minutes=70))  # due an hour ago, no dispatcher has run
            assert await get(port, "/healthz") == (200, "ok\n")
            assert await get(port, "/readyz") == (200, "ready\n")
            status, body = await get(port, "/metrics")
    finally:
        await bot.close()
    assert status == 200

    def grew(name: str, **labels: str) -> float:
        return (sample(body, name, **labels) or 0) - (sample(before, name, **labels) or 0)

    assert grew("jobclub_events_total", kind="command", outcome="ok") == 1
    assert grew("jobclub_events_total", kind="command", outcome="refused") == 1
    assert grew("jobclub_reply_seconds_count", kind="command") == 2
    assert "jobclub_send_errors_total" in body
    # At least the reminders' hour (Ada's welcome offer, due a minute after she came, is
    # older still): nothing has claimed them.
    assert (sample(body, "jobclub_dispatcher_lag_seconds") or 0) >= 3600
    # No member text or ids anywhere, labels included.
    for private in ("U0ADA", "Ada", "salary", "secret", "nosuchcommand", "T1"):
        assert private not in body


async def test_deliveries_are_counted_by_status_and_kind_and_send_errors_by_reason(
    tmp_path: Path, clock: FakeClock
) -> None:
    bot = await make_bot(f"sqlite+aiosqlite:///{tmp_path / 'j.db'}", tmp_path, clock)
    try:
        await add_reminders(bot, 4, START + timedelta(minutes=1))
        clock.set(START + timedelta(minutes=1))
        before = metrics.SEND_ERRORS.labels("slack", "rate_limited")._value.get()
        metrics.send_failed(Platform.SLACK, SendError("429 for U0ADA", retry_after=30))
        calls = 0

        async def deliver(item: object, at: object) -> None:
            nonlocal calls
            calls += 1
            if calls == 1:
                raise SendError("user_not_found", retryable=False)

        dispatcher = bot.dispatcher(deliver)
        await dispatcher.tick()
        async with serving(bot, next_due=dispatcher.next_due) as port:
            _, body = await get(port, "/metrics")
    finally:
        await bot.close()
    assert sample(body, "jobclub_deliveries", status="sent", kind="reminder") == 3
    assert sample(body, "jobclub_deliveries", status="failed", kind="reminder") == 1
    assert sample(body, "jobclub_send_errors_total", platform="slack", reason="rate_limited") == (
        before + 1
    )
    assert sample(body, "jobclub_dispatcher_lag_seconds") == 0
    assert "U0ADA" not in body and "user_not_found" not in body


async def test_readyz_names_a_platform_that_is_down_and_recovers_with_it(
    tmp_path: Path, clock: FakeClock
) -> None:
    bot = await make_bot(f"sqlite+aiosqlite:///{tmp_path / 'j.db'}", tmp_path, clock)
    slack = Platformish("slack: Socket Mode not connected")
    server = HealthServer(bot, [slack, Platformish()], port=0, host="127.0.0.1")
    await server.start()
    try:
        assert await get(server.port, "/readyz") == (503, "slack: Socket Mode not connected\n")
        assert (await get(server.port, "/healthz"))[0] == 200  # alive all the same
        slack.problem = None
        assert await get(server.port, "/readyz") == (200, "ready\n")
        server.stopping = True  # SIGTERM: drain this replica first
        assert await get(server.port, "/readyz") == (503, "shutting down\n")
    finally:
        await server.close()
        await bot.close()


class CuttableProxy:
    """A TCP relay in front of PostgreSQL that can be cut (the network goes away) and
    restored, without touching the server other tests share."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.up = True
        self.pipes: set[asyncio.StreamWriter] = set()
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    def cut(self) -> None:
        self.up = False
        for writer in list(self.pipes):
            writer.transport.abort()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.transport.abort()
            return
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.pipes |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self.pipes -= {writer, up_writer}

    async def close(self) -> None:
        self.cut()
        if self.server is not None:
            self.server.close()


async def test_readyz_fails_while_the_database_is_unreachable_and_recovers(
    tmp_path: Path, clock: FakeClock
) -> None:
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must set JOBCLUB_TEST_DATABASE_URL (see .ci/run)")
        pytest.skip("set JOBCLUB_TEST_DATABASE_URL to run the PostgreSQL tests")
    await reset_postgres(POSTGRES_URL)
    db = Database(POSTGRES_URL)
    await db.upgrade()
    await db.dispose()
    url = db.engine.url
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    relayed = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    settings = make_settings(tmp_path, database_url=relayed)
    bot = await JobClubBot.create(settings, clock)
    server = HealthServer(bot, [Platformish()], port=0, host="127.0.0.1")
    await server.start()
    try:
        assert await get(server.port, "/readyz") == (200, "ready\n")
        proxy.cut()
        status, body = await get(server.port, "/readyz")
        assert status == 503 and body.startswith("database: ")
        assert "jobclub_test" not in body  # no URL, user or password in the answer
        assert (await get(server.port, "/healthz"))[0] == 200
        status, metrics_body = await get(server.port, "/metrics")  # still scrapeable
        assert status == 200 and "jobclub_events_total" in metrics_body
        proxy.up = True
        assert await get(server.port, "/readyz") == (200, "ready\n")
    finally:
        await server.close()
        await bot.close()
        await proxy.close()
