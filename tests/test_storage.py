"""Storage on SQLite and PostgreSQL: migrations, member rows, UTC, concurrency."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.store.database import Database, DatabaseError
from bot.store.models import Club, Member, SeenTip
from tests.conftest import Conversation, make_settings

HALF_CLUB = (
    "INSERT INTO clubs (platform, external_id, name, default_tz, created_at) "
    "VALUES ('console', 'half', 'Half', 'UTC', '2026-12-02 00:00:00')"
)


async def test_migrations_create_every_table(database_url: str) -> None:
    db = Database(database_url)
    try:
        await db.upgrade()
        await db.upgrade()  # a second run is a no-op
        async with db.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert {"clubs", "members", "seen_tips", "alembic_version"} <= tables
    finally:
        await db.dispose()


async def test_sqlite_file_migrates_itself_on_start(tmp_path: Path, clock: FakeClock) -> None:
    settings = make_settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'fresh.db'}")
    bot = await JobClubBot.create(settings, clock)
    try:
        assert (tmp_path / "fresh.db").exists()
        reply = await Conversation(bot, clock).one("/tip")
        assert reply.meta["tip_id"]
    finally:
        await bot.close()


async def test_postgres_must_be_upgraded_first(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite migrates itself")
    db = Database(database_url)
    try:
        with pytest.raises(DatabaseError, match="jobclub db upgrade"):
            await db.prepare()
        await db.upgrade()
        await db.prepare()
    finally:
        await db.dispose()


async def test_first_events_at_once_make_one_member(any_db_conversation: Conversation) -> None:
    replies = await asyncio.gather(*(any_db_conversation.command("/tip") for _ in range(8)))
    assert all(r[0].meta.get("tip_id") for r in replies)
    async with any_db_conversation.bot.services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Member)) == 1
        assert await session.scalar(select(func.count()).select_from(Club)) == 1


async def test_instants_come_back_as_utc(any_db_conversation: Conversation) -> None:
    conversation = any_db_conversation
    conversation.clock.set(datetime(2027, 3, 14, 6, 30, tzinfo=UTC))
    await conversation.one("/tip money")
    async with conversation.bot.services.db.session() as session:
        member = await session.scalar(select(Member))
        assert member is not None
        assert member.last_seen_at == datetime(2027, 3, 14, 6, 30, tzinfo=UTC)
        assert member.last_seen_at.utcoffset() == timedelta(0)
        seen = await session.scalar(select(SeenTip))
        assert seen is not None and seen.seen_at.tzinfo is not None
        # An instant given in another zone is stored as the same instant.
        member.last_seen_at = datetime(2027, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    async with conversation.bot.services.db.session() as session:
        member = await session.scalar(select(Member))
        assert member is not None
        assert member.last_seen_at == datetime(2027, 1, 1, 14, 0, tzinfo=UTC)


async def test_remembered_instants_stay_exact_in_every_zone(database_url: str) -> None:
    """Instant columns remember their recent conversions (a fan-out's rows share a few
    instants). The same instant given in another zone is stored as the same UTC; a naive
    one is still refused after its aware twin was written; what comes back is UTC."""
    db = Database(database_url)
    try:
        await db.upgrade()
        nine_utc = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)
        names = {
            "utc": nine_utc,
            "new-york": datetime(2027, 1, 1, 4, 0, tzinfo=timezone(timedelta(hours=-5))),
            "delhi": datetime(2027, 1, 1, 14, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        }
        async with db.session() as session:
            for name, instant in names.items():
                session.add(Club(platform="console", external_id=name, created_at=instant))
        async with db.session() as session:
            stored = {c.external_id: c.created_at for c in await session.scalars(select(Club))}
            session.add(
                Club(platform="console", external_id="naive", created_at=datetime(2027, 1, 1, 9))
            )
            with pytest.raises(Exception, match="naive"):
                await session.flush()
        assert stored == dict.fromkeys(names, nine_utc)
        assert {instant.utcoffset() for instant in stored.values()} == {timedelta(0)}
    finally:
        await db.dispose()


async def test_display_name_and_profile_zone_follow_the_platform(
    any_db_conversation: Conversation,
) -> None:
    conversation = any_db_conversation
    conversation.zones["Ada"] = "America/New_York"
    await conversation.one("/tip")
    conversation.zones["Ada"] = "Not/AZone"  # a bad hint is ignored, not stored
    await conversation.one("/tip")
    async with conversation.bot.services.db.session() as session:
        member = await session.scalar(select(Member))
        assert member is not None
        assert member.platform_tz == "America/New_York"


async def test_migrations_match_the_models(database_url: str) -> None:
    """The tables the migrations build are exactly what the models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from bot.store.models import Base

    db = Database(database_url)
    try:
        await db.upgrade()
        async with db.engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
            )
        assert diff == []
    finally:
        await db.dispose()


async def test_a_connection_given_back_mid_transaction_keeps_nothing_and_locks_nothing(
    database_url: str,
) -> None:
    """SQLite connections are rolled back on their way back to the pool only when a
    transaction is still open (most come back committed, and the pool's blanket rollback
    cost a hand-off to the driver's thread each time). One that comes back mid-write,
    behind SQLAlchemy's back, must still lose that write and free the writer."""
    db = Database(database_url)
    if not db.is_embedded:
        await db.dispose()
        pytest.skip("SQLite only: PostgreSQL keeps the pool's own rollback")
    try:
        await db.upgrade()
        async with db.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            await driver.execute(HALF_CLUB)  # the driver opens a transaction itself
        async with db.session() as session:
            session.add(
                Club(
                    platform="console",
                    external_id="whole",
                    name="Whole",
                    default_tz="UTC",
                    created_at=datetime(2026, 12, 2, tzinfo=UTC),
                )
            )
        async with db.session() as session:
            names = list(await session.scalars(select(Club.name)))
        assert names == ["Whole"]
    finally:
        await db.dispose()
