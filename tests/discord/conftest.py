"""A fake Discord per test, and the real adapter (discord.py) connected to it."""

from __future__ import annotations

import asyncio
import functools
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

with warnings.catch_warnings():  # discord.py's voice player imports audioop (deprecated)
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord  # noqa: F401

from adapters.discord import DiscordAdapter, build_discord
from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.content import Library, load_library
from bot.settings import Settings
from tests.conftest import START, make_settings
from tests.discord.fake_discord import EPHEMERAL, FakeDiscord, Json

B = TypeVar("B", bound=JobClubBot)
TOKEN = "fake.token.x"
NO_PINGS = {"parse": []}


@functools.cache
def _library(directory: Path) -> Library:
    return load_library(directory)


async def make_core(settings: Settings, kind: type[B] = JobClubBot) -> B:  # type: ignore[assignment]
    """The core on a fake clock; the content library is loaded once for all these tests."""
    library = _library(settings.jobclub_content_dir)
    return await kind.create(settings, FakeClock(START), library=library)


def discord_settings(tmp_path: Path, fake: FakeDiscord, **overrides: Any) -> Settings:
    """Settings that point the adapter at the fake, as `jobclub discord` would read them."""
    values: dict[str, Any] = {
        "discord_token": TOKEN,
        "discord_api_url": fake.api_url,
        "discord_gateway_url": fake.gateway_url,
    }
    values.update(overrides)
    return make_settings(tmp_path, **values)


@asynccontextmanager
async def connected(
    bot: JobClubBot, settings: Settings, fake: FakeDiscord, **kwargs: Any
) -> AsyncIterator[DiscordAdapter]:
    """Build and run the adapter until the fake has sent READY; close it afterwards."""
    adapter = await build_discord(bot, settings, **kwargs)
    task = asyncio.create_task(adapter.run())
    ready = asyncio.create_task(fake.wait_ready())
    try:
        done, _ = await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            task.result()  # raises what stopped it
            raise AssertionError("the adapter stopped before READY")
        ready.result()
        yield adapter
    finally:
        ready.cancel()
        await adapter.close()
        await asyncio.wait_for(task, 10)


def assert_no_pings(fake: FakeDiscord) -> None:
    """Every message the bot sent or edited carried allowed_mentions {"parse": []}."""
    for call in fake.calls:
        body = call.body if isinstance(call.body, dict) else None
        if body is None:
            continue
        if call.path.endswith("/callback"):
            body = body.get("data") or {}
        if "content" in body or "embeds" in body:
            assert body.get("allowed_mentions") == NO_PINGS, (call.method, call.path, body)


def is_ephemeral(message: Json) -> bool:
    return bool(message["flags"] & EPHEMERAL)


def text_of(message: Json) -> str:
    """What a member reads in a message: content, embed titles, descriptions and fields."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds", []):
        parts.append(embed.get("title") or "")
        parts.append(embed.get("description") or "")
        for field in embed.get("fields", []):
            parts.extend((field["name"], field["value"]))
    return "\n".join(p for p in parts if p)


def buttons_of(message: Json) -> list[str]:
    return [c["custom_id"] for row in message.get("components", []) for c in row["components"]]


class Seconds:
    """A clock for the fake's 3-second rule that moves only when a test moves it.

    With it, how long a machine takes to run a test can never make the fake refuse an
    answer; a test that is about the deadline moves it past on purpose.
    """

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord(clock=Seconds())
    await server.start()
    try:
        yield server
        assert_no_pings(server)
    finally:
        await server.stop()


@pytest.fixture
def dsettings(tmp_path: Path, fake: FakeDiscord) -> Settings:
    return discord_settings(tmp_path, fake)


@pytest.fixture
async def core(dsettings: Settings) -> AsyncIterator[JobClubBot]:
    bot = await make_core(dsettings)
    try:
        yield bot
    finally:
        await bot.close()


@pytest.fixture
async def live(
    core: JobClubBot, dsettings: Settings, fake: FakeDiscord
) -> AsyncIterator[DiscordAdapter]:
    async with connected(core, dsettings, fake) as adapter:
        yield adapter
