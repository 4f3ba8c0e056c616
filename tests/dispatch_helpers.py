"""A fake platform for the dispatcher's fault tests, and quick ways to make many reminders."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot import commitments as store
from bot import members
from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.events import MemberRef, Platform
from bot.outbox import Pace, SendError
from bot.replies import Reply
from bot.scheduling import DueItem, Outgoing
from bot.store.database import Database
from bot.store.models import Delivery
from tests.conftest import START, make_settings


def message_id(item: Outgoing) -> str:
    """Which occurrence a send is: the same id twice means a member got it twice."""
    meta = item.reply.meta
    who = item.member.user_id if item.member else (item.channel or ("", ""))[1]
    what = meta.get("commitment_id") or meta.get("date") or ""
    return f"{item.kind}:{who}:{what}"


@dataclass
class Sent:
    id: str
    at: datetime
    text: str
    by: str


@dataclass
class FakePlatform:
    """Records every send; each send takes `send_time` on the injected clock.

    `down` is an outage window during which every send fails with a transient error
    carrying `retry_after` (like a 503 or 429 from Slack or Discord).
    """

    clock: FakeClock
    name: str = "a"
    send_time: timedelta = timedelta(0)
    down: tuple[datetime, datetime] | None = None
    retry_after: float | None = None
    sent: list[Sent] = field(default_factory=list)
    refused: list[tuple[str, datetime]] = field(default_factory=list)
    pace: Pace | None = None
    shared: list[Sent] | None = None
    """Another platform view's log to write into as well (two replicas, one platform)."""

    async def __call__(self, item: Outgoing, at: datetime) -> str | None:
        now = self.clock.now()
        if self.down and self.down[0] <= now < self.down[1]:
            self.refused.append((message_id(item), now))
            raise SendError("503 service unavailable", retry_after=self.retry_after)
        self.clock.advance(self.send_time)
        record = Sent(message_id(item), now, item.reply.plain_text(), self.name)
        self.sent.append(record)
        if self.shared is not None:
            self.shared.append(record)
        return None

    def counts(self) -> Counter[str]:
        return Counter(s.id for s in self.sent)


async def make_bot(url: str, tmp_path: Path, clock: FakeClock) -> JobClubBot:
    """A bot on `url` (migrated first); several may share one database, like replicas."""
    settings = make_settings(tmp_path, database_url=url)
    db = Database(settings.database_url)
    await db.upgrade()
    return await JobClubBot.create(settings, clock, db=db)


async def statuses(bot: JobClubBot) -> Counter[str]:
    """How many deliveries are in each status."""
    async with bot.services.db.session() as session:
        rows = await session.execute(
            select(Delivery.status, func.count()).group_by(Delivery.status)
        )
        return Counter({status: count for status, count in rows.all()})


async def add_reminders(
    bot: JobClubBot, count: int, due: datetime, *, per_member: int = 20, zone: str = "UTC"
) -> list[str]:
    """`count` open commitments due at `due`, spread over members; their message ids."""
    ids: list[str] = []
    async with bot.services.db.session() as session:
        for start in range(0, count, per_member):
            name = f"m{start // per_member}"
            ref = MemberRef(Platform.CONSOLE, "club", name, name.title(), tz_hint=zone)
            _, member = await members.resolve(session, bot.services.db.dialect, ref, START)
            member.nudge_offered = True  # keep the one-time welcome offer out of the counts
            for n in range(start, min(start + per_member, count)):
                commitment = await store.create(session, member, f"task {n}", due, START)
                ids.append(f"reminder:{name}:{commitment.id}")
    return ids


@dataclass
class OneBatch:
    """A schedule that hands out `items` once, from `due` on, to drive one case by hand.

    With `text` None, rendering is a test failure: for occurrences that must never be sent.
    """

    kinds: tuple[str, ...]
    due: datetime
    items: list[DueItem]
    text: str | None = None
    claimed: bool = False

    async def next_due(self, session: object, services: object) -> datetime | None:
        return None if self.claimed else self.due

    async def claim_due(self, session: object, services: object, now: datetime) -> list[DueItem]:
        if self.claimed or now < self.due:
            return []
        self.claimed = True
        return self.items

    async def render(self, *args: object) -> Reply:
        if self.text is None:
            raise AssertionError("an occurrence that must not be sent was rendered")
        return Reply(text=self.text)
