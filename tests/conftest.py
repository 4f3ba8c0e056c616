"""Shared fixtures: a bot on an in-memory database with a fake clock, driven like a chat."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.content import Library, load_library
from bot.events import ActionEvent, CommandEvent, MemberRef, MessageEvent, Place, Platform
from bot.replies import Reply
from bot.settings import Settings
from bot.store.database import Database

START = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
POSTGRES_URL = os.environ.get("JOBCLUB_TEST_DATABASE_URL")


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings that ignore the machine's environment and `.env`."""
    values: dict[str, object] = {
        "database_url": "sqlite+aiosqlite://",
        "jobclub_log_file": tmp_path / "jobclub.log",
        "jobclub_timezone": "UTC",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class Conversation:
    """Send things as a member, get the replies back: tests read like a chat."""

    bot: JobClubBot
    clock: FakeClock
    default_member: str = "Ada"
    admins: set[str] = field(default_factory=set)
    zones: dict[str, str] = field(default_factory=dict)

    def ref(self, name: str | None = None) -> MemberRef:
        name = name or self.default_member
        return MemberRef(
            platform=Platform.CONSOLE,
            club_id="test-club",
            user_id=name.lower(),
            display_name=name,
            is_admin=name in self.admins,
            tz_hint=self.zones.get(name),
        )

    async def command(self, line: str, *, who: str | None = None, dm: bool = False) -> list[Reply]:
        name, _, rest = line.lstrip("/").partition(" ")
        place = Place.dm("dm") if dm else Place.channel("general")
        return await self.bot.handle(CommandEvent(self.ref(who), place, name, rest))

    async def dm(self, text: str, *, who: str | None = None) -> list[Reply]:
        return await self.bot.handle(MessageEvent(self.ref(who), Place.dm("dm"), text))

    async def press(
        self, action: str, *, who: str | None = None, value: str | None = None
    ) -> list[Reply]:
        return await self.bot.handle(
            ActionEvent(self.ref(who), Place.channel("general"), action, value)
        )

    async def one(self, line: str, **kwargs: object) -> Reply:
        """Run a command that must produce exactly one reply, and return it."""
        replies = await self.command(line, **kwargs)  # type: ignore[arg-type]
        assert len(replies) == 1, replies
        return replies[0]


@cache
def shared_library(content_dir: Path, club_dir: Path | None) -> Library:
    """The parsed content library, shared by every test (it is read-only)."""
    return load_library(content_dir, club_dir)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def member_zones() -> dict[str, str]:
    """Profile zones by member name; a test module may override this fixture."""
    return {}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def conversation(
    settings: Settings, clock: FakeClock, member_zones: dict[str, str]
) -> AsyncIterator[Conversation]:
    library = shared_library(settings.jobclub_content_dir, settings.jobclub_club_content_dir)
    bot = await JobClubBot.create(settings, clock, library=library)
    try:
        yield Conversation(bot, clock, zones=dict(member_zones))
    finally:
        await bot.close()


async def reset_postgres(url: str) -> None:
    """An empty public schema, so every test starts from migration zero."""
    db = Database(url)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await db.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage test runs on a SQLite file and, when available, on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'jobclub.db'}"
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must set JOBCLUB_TEST_DATABASE_URL (see .ci/run)")
        pytest.skip("set JOBCLUB_TEST_DATABASE_URL to run the PostgreSQL tests")
    await reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
async def any_db_conversation(
    database_url: str, tmp_path: Path, clock: FakeClock, member_zones: dict[str, str]
) -> AsyncIterator[Conversation]:
    """A conversation on SQLite and on PostgreSQL (upgraded first, as in production)."""
    settings = make_settings(tmp_path, database_url=database_url)
    db = Database(settings.database_url)
    await db.upgrade()
    library = shared_library(settings.jobclub_content_dir, settings.jobclub_club_content_dir)
    bot = await JobClubBot.create(settings, clock, db=db, library=library)
    try:
        yield Conversation(bot, clock, zones=dict(member_zones))
    finally:
        await bot.close()
