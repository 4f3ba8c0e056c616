"""Shared fixtures: a bot on an in-memory database with a fake clock, driven like a chat."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.content import Library, load_library
from bot.events import ActionEvent, CommandEvent, MemberRef, MessageEvent, Place, Platform
from bot.replies import Button, Reply
from bot.scheduling import Outgoing
from bot.settings import Settings
from bot.store.database import Database

T = TypeVar("T")
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


@dataclass(frozen=True)
class Delivered:
    """A scheduled message as its recipient sees it: what arrived, for whom, where, and when.

    It reads like a `Reply` (text, title, buttons, meta, plain_text) so a test can
    press its buttons by label exactly as it would a reply to a command.
    """

    reply: Reply
    at: datetime
    """The instant it was sent (UTC)."""
    kind: str
    to: str
    """The member's display name, or `#channel` for a channel post."""
    zone: str | None = None
    """The recipient's time zone, as the bot knows it (None for a channel post)."""

    @property
    def text(self) -> str:
        return self.reply.text

    @property
    def title(self) -> str | None:
        return self.reply.title

    @property
    def buttons(self) -> list[Button]:
        return self.reply.buttons

    @property
    def meta(self) -> dict[str, object]:
        return self.reply.meta

    def plain_text(self) -> str:
        return self.reply.plain_text()

    def local(self, zone: str | None = None) -> datetime:
        """When it arrived on the recipient's wall clock (or on `zone`'s)."""
        name = zone or self.zone
        assert name, "a channel post has no recipient zone: say which zone"
        return self.at.astimezone(ZoneInfo(name))


def by_label(options: Sequence[tuple[str, T]], label: str) -> T:
    """The option a member would pick by reading `label`; fails naming what was on offer.

    Matching ignores case and surrounding space, and accepts a unique prefix
    ("Snooze" for "Snooze 1h" only when no other label starts that way). The platform
    fakes use it too, so a press on Slack or Discord goes by the label the member reads.
    """
    wanted = label.strip().casefold()
    labels = [shown for shown, _ in options]
    exact = [value for shown, value in options if shown.strip().casefold() == wanted]
    assert len(exact) <= 1, f"two buttons are labelled {label!r}: {labels}"
    if exact:
        return exact[0]
    starts = [
        (shown, value) for shown, value in options if shown.strip().casefold().startswith(wanted)
    ]
    assert starts, f"no button labelled {label!r}; the reply offers {labels or 'no buttons'}"
    assert len(starts) == 1, f"{label!r} could mean any of {[shown for shown, _ in starts]}"
    return starts[0][1]


def button(reply: Reply | Delivered, label: str) -> Button:
    """The button a member would press by reading its label; fails if the reply has none."""
    return by_label([(b.label, b) for b in reply.buttons], label)


@dataclass
class Conversation:
    """Send things as a member, get the replies back: tests read like a chat.

    Scheduled messages come back too: `advance` moves the fake clock, runs the
    dispatcher at every due instant on the way, and returns what each member received,
    stamped with the instant it went out. `press(reply, "Done")` presses a button by the
    label the member reads, so a reply that loses its button fails the test.
    """

    bot: JobClubBot
    clock: FakeClock
    default_member: str = "Ada"
    admins: set[str] = field(default_factory=set)
    zones: dict[str, str] = field(default_factory=dict)
    delivered: list[Delivered] = field(default_factory=list)
    """Everything the dispatcher has sent in this conversation, oldest first."""

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
        self,
        reply: Reply | Delivered,
        label: str,
        *,
        who: str | None = None,
        value: str | None = None,
    ) -> list[Reply]:
        """Press the button labelled `label` on `reply`, as its reader.

        A delivered message is pressed by its recipient in their DM; a reply to a
        command by `who` (default member) where the command was typed.
        """
        pressed = button(reply, label)
        if isinstance(reply, Delivered):
            who = who or (reply.to if not reply.to.startswith("#") else None)
            place = Place.dm("dm") if not reply.to.startswith("#") else Place.channel("general")
        else:
            place = Place.channel("general")
        return await self.bot.handle(ActionEvent(self.ref(who), place, pressed.action, value))

    async def press_id(
        self, action: str, *, who: str | None = None, value: str | None = None
    ) -> list[Reply]:
        """Send a raw action id: only for stale, forged or hand-built buttons."""
        return await self.bot.handle(
            ActionEvent(self.ref(who), Place.channel("general"), action, value)
        )

    async def one(self, line: str, **kwargs: object) -> Reply:
        """Run a command that must produce exactly one reply, and return it."""
        replies = await self.command(line, **kwargs)  # type: ignore[arg-type]
        assert len(replies) == 1, replies
        return replies[0]

    async def advance(self, until: datetime | timedelta) -> list[Delivered]:
        """Move the clock to `until` (or by it), delivering everything due on the way."""
        now = self.clock.now()
        target = now + until if isinstance(until, timedelta) else until
        assert target >= now, f"the clock only moves forward (now {now}, asked {target})"
        arrived: list[Delivered] = []

        async def deliver(item: Outgoing, at: datetime) -> str | None:
            if item.group:  # one shared message: each member of the group reads it
                for member in item.group:
                    await deliver(replace(item, member=member, group=()), at)
                return None
            if item.member is not None:
                to, zone = item.member.display_name, item.member.zone
            else:
                to, zone = f"#{item.channel[1] if item.channel else '?'}", None
            message = Delivered(item.reply, at, item.kind, to, zone)
            arrived.append(message)
            self.delivered.append(message)
            return None

        await self.bot.dispatcher(deliver).advance_to(target, self.clock.set)
        return arrived

    def inbox(self, who: str | None = None, *, kind: str | None = None) -> list[Delivered]:
        """What `who` (default member) has received so far, optionally of one kind."""
        name = who or self.default_member
        return [m for m in self.delivered if m.to == name and (kind is None or m.kind == kind)]


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
