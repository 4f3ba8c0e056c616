"""The exactly-once dispatcher: claims, retries, restarts, concurrency, downtime.

What members receive is read from the conversation (`advance`). Only the tests about
the outbox itself (a platform that fails, or answers with a DM channel id) and about
two dispatchers racing keep an explicit platform in place of the harness's.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot import commitments as store
from bot import members
from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.events import MemberRef, Platform
from bot.outbox import SendError
from bot.replies import Reply
from bot.scheduling import LEASE, STALE_REASON, USEFUL_FOR, Dispatcher, DueItem, Outgoing
from bot.store.models import Commitment, Delivery
from tests.conftest import START, Conversation, Delivered
from tests.dispatch_helpers import FakePlatform, Sent, make_bot


@dataclass
class FlakyPlatform:
    """A platform that fails the next `failures` sends (transiently unless `permanent`),
    then takes them and answers with the member's DM channel id, as Slack does.

    Only for the tests about how the outbox treats a platform's answers.
    """

    failures: int = 0
    permanent: bool = False
    taken: list[tuple[str, int, datetime]] = field(default_factory=list)

    async def __call__(self, item: Outgoing, at: datetime) -> str | None:
        if self.failures:
            self.failures -= 1
            raise SendError("platform said 500", retryable=not self.permanent)
        self.taken.append((item.kind, item.reply.meta["commitment_id"], at))
        return "D123"


async def never_sent(item: Outgoing, at: datetime) -> str | None:
    """For dispatchers that must not send anything (or are stopped before they do)."""
    raise AssertionError(f"nothing should be sent here, but a {item.kind} was")


def about(messages: list[Delivered], *commitments: int) -> list[tuple[str, int, datetime]]:
    """(kind, commitment, instant) of each message about one of `commitments`."""
    return [
        (m.kind, int(m.meta["commitment_id"]), m.at)
        for m in messages
        if m.meta.get("commitment_id") in commitments
    ]


async def add(bot: JobClubBot, text: str, due: datetime, who: str = "ada") -> int:
    ref = MemberRef(Platform.CONSOLE, "club", who, who.title(), tz_hint="America/New_York")
    async with bot.services.db.session() as session:
        _, member = await members.resolve(session, bot.services.db.dialect, ref, START)
        member.nudge_offered = True  # keep the one-time welcome offer out of these counts
        commitment = await store.create(session, member, text, due, START)
        return commitment.id


@pytest.fixture
async def bot(database_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[JobClubBot]:
    instance = await make_bot(database_url, tmp_path, clock)
    try:
        yield instance
    finally:
        await instance.close()


@pytest.fixture
def talk(bot: JobClubBot, clock: FakeClock) -> Conversation:
    """The conversation on this test's database (SQLite file, and PostgreSQL when set)."""
    return Conversation(bot, clock)


async def test_a_due_reminder_goes_out_once_then_one_checkin(
    bot: JobClubBot, talk: Conversation
) -> None:
    due = START + timedelta(hours=2)
    cid = await add(bot, "send the thank-you note", due)
    assert await bot.dispatcher(never_sent).next_due() == due
    assert await talk.advance(due - timedelta(seconds=1)) == []
    (reminder,) = await talk.advance(due + timedelta(hours=1))
    assert (reminder.kind, reminder.to, reminder.at) == ("reminder", "Ada", due)
    assert "send the thank-you note" in reminder.plain_text()
    assert await bot.dispatcher(never_sent).next_due() == due + timedelta(hours=24)
    later = await talk.advance(due + timedelta(days=10))
    assert about(later, cid) == [("still-open", cid, due + timedelta(hours=24))]
    async with bot.services.db.session() as session:
        rows = list(await session.scalars(select(Delivery).order_by(Delivery.id)))
        assert [(d.kind, d.status, d.attempts) for d in rows] == [
            ("reminder", "sent", 1),
            ("still-open", "sent", 1),
        ]


async def test_done_before_due_sends_nothing(bot: JobClubBot, talk: Conversation) -> None:
    cid = await add(bot, "prepare stories", START + timedelta(hours=1))
    async with bot.services.db.session() as session:
        commitment = await session.get(Commitment, cid)
        assert commitment is not None
        store.close(commitment, "done", START)
    assert await talk.advance(START + timedelta(days=3)) == []


async def test_closed_between_claim_and_send_is_skipped(bot: JobClubBot, clock: FakeClock) -> None:
    cid = await add(bot, "prepare stories", START + timedelta(hours=1))
    clock.set(START + timedelta(hours=1))
    dispatcher = bot.dispatcher(never_sent)
    await dispatcher._claim(clock.now())
    async with bot.services.db.session() as session:
        commitment = await session.get(Commitment, cid)
        assert commitment is not None
        store.close(commitment, "dropped", clock.now())
    assert await dispatcher.tick() == 0
    async with bot.services.db.session() as session:
        delivery = await session.scalar(select(Delivery))
        assert delivery is not None and delivery.status == "skipped"


async def test_a_restart_neither_loses_nor_repeats(
    database_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    first = await make_bot(database_url, tmp_path, clock)
    ids = [await add(first, f"task {i}", START + timedelta(hours=i + 1)) for i in range(6)]
    before = await Conversation(first, clock).advance(START + timedelta(hours=3, minutes=30))
    await first.close()  # the process stops mid-way

    second = await make_bot(database_url, tmp_path, clock)
    try:
        after = await Conversation(second, clock).advance(START + timedelta(hours=8))
    finally:
        await second.close()
    expected = [("reminder", cid, START + timedelta(hours=n + 1)) for n, cid in enumerate(ids)]
    assert about(before, *ids) == expected[:3]
    assert about(after, *ids) == expected[3:]


async def test_two_dispatchers_at_once_deliver_each_item_once(
    database_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    a = await make_bot(database_url, tmp_path, clock)
    b = await make_bot(database_url, tmp_path, clock)
    try:
        due = START + timedelta(minutes=5)
        ids = [await add(a, f"task {i}", due, who=f"m{i % 17}") for i in range(120)]
        clock.set(due)
        both: list[Sent] = []
        one = FakePlatform(clock, name="a", shared=both)
        other = FakePlatform(clock, name="b", shared=both)
        for _ in range(3):
            await asyncio.gather(a.dispatcher(one).tick(), b.dispatcher(other).tick())
        expected = [f"reminder:m{i % 17}:{cid}" for i, cid in enumerate(ids)]
        assert sorted(sent.id for sent in both) == sorted(expected)  # each once, none lost
        async with a.services.db.session() as session:
            count = await session.scalar(select(func.count()).select_from(Delivery))
            assert count == len(ids)
    finally:
        await a.close()
        await b.close()


async def test_failures_are_retried_with_backoff_then_recorded(
    bot: JobClubBot, clock: FakeClock
) -> None:
    due = START + timedelta(hours=1)
    cid = await add(bot, "email the recruiter", due)
    platform = FlakyPlatform(failures=2)
    dispatcher = bot.dispatcher(platform)
    clock.set(due)
    assert await dispatcher.tick() == 0  # attempt 1 fails
    retry_at = await dispatcher.next_due()
    assert retry_at == due + timedelta(seconds=30)
    await dispatcher.advance_to(due + timedelta(minutes=5), clock.set)
    assert platform.taken == [("reminder", cid, due + timedelta(seconds=90))]
    async with bot.services.db.session() as session:
        delivery = await session.scalar(select(Delivery))
        assert delivery is not None
        assert (delivery.status, delivery.attempts) == ("sent", 3)


async def test_a_reminder_that_never_gets_through_expires_with_the_reason(
    bot: JobClubBot, clock: FakeClock
) -> None:
    due = START + timedelta(hours=1)
    await add(bot, "email the recruiter", due)
    platform = FlakyPlatform(failures=10_000)
    dispatcher = bot.dispatcher(platform)

    async def status() -> tuple[str, int, str]:
        async with bot.services.db.session() as session:
            d = await session.scalar(select(Delivery).where(Delivery.kind == "reminder"))
            assert d is not None
            return d.status, d.attempts, d.last_error or ""

    clock.set(due)
    await dispatcher.tick()
    clock.set(due + USEFUL_FOR - timedelta(hours=1))  # still worth sending: keep trying
    await dispatcher.tick()
    assert (await status())[:2] == ("pending", 2)
    clock.set(due + USEFUL_FOR - timedelta(minutes=1))  # the next try would come too late
    await dispatcher.tick()
    state, attempts, reason = await status()
    assert (state, attempts) == ("expired", 3)
    assert "platform said 500" in reason
    await dispatcher.advance_to(due + USEFUL_FOR + timedelta(hours=1), clock.set)
    assert platform.taken == []


async def test_a_permanent_error_is_not_retried(bot: JobClubBot, clock: FakeClock) -> None:
    await add(bot, "email the recruiter", START + timedelta(hours=1))
    platform = FlakyPlatform(failures=1, permanent=True)
    await bot.dispatcher(platform).advance_to(START + timedelta(hours=2), clock.set)
    async with bot.services.db.session() as session:
        delivery = await session.scalar(select(Delivery).where(Delivery.kind == "reminder"))
        assert delivery is not None and (delivery.status, delivery.attempts) == ("failed", 1)


async def test_after_downtime_a_reminder_comes_once_late_and_says_so(
    bot: JobClubBot, clock: FakeClock, talk: Conversation
) -> None:
    due = START + timedelta(hours=1)
    cid = await add(bot, "send the appreciation note", due)
    clock.set(due + timedelta(hours=5))  # the bot was down
    (late,) = await talk.advance(timedelta(0))
    assert await talk.advance(timedelta(minutes=30)) == []  # once
    assert (late.kind, late.at, late.meta["late"]) == (
        "reminder",
        clock.now() - timedelta(minutes=30),
        True,
    )
    assert "late" in late.plain_text()
    assert "send the appreciation note" in late.plain_text()
    async with bot.services.db.session() as session:
        commitment = await session.get(Commitment, cid)
        assert commitment is not None
        # The check-in counts from when the late reminder went out.
        assert commitment.next_reminder_at == late.at + timedelta(hours=24)


async def test_a_crashed_send_is_retried_after_its_lease(
    bot: JobClubBot, clock: FakeClock, talk: Conversation
) -> None:
    due = START + timedelta(hours=1)
    cid = await add(bot, "follow up", due)
    clock.set(due)
    dispatcher = bot.dispatcher(never_sent)
    await dispatcher._claim(clock.now())
    assert await dispatcher._lease(10)  # taken, then the process "dies" before sending
    arrived = await talk.advance(due + timedelta(minutes=10))
    assert about(arrived, cid) == [("reminder", cid, due + LEASE)]  # once, when the lease ran out


async def test_dm_channel_id_is_stored(bot: JobClubBot, clock: FakeClock) -> None:
    await add(bot, "follow up", START + timedelta(hours=1))
    await bot.dispatcher(FlakyPlatform()).advance_to(START + timedelta(hours=1), clock.set)
    async with bot.services.db.session() as session:
        from bot.store.models import Member

        member = await session.scalar(select(Member))
        assert member is not None and member.dm_channel_id == "D123"


class StaleWork:
    """A routine message whose moment passed while the bot was down."""

    kinds = ("routine",)

    def __init__(self, due: datetime, member_id: int) -> None:
        self.due, self.member_id, self.claimed = due, member_id, False

    async def next_due(self, session: object, services: object) -> datetime | None:
        return None if self.claimed else self.due

    async def claim_due(self, session: object, services: object, now: datetime) -> list[DueItem]:
        if self.claimed or self.due > now:
            return []
        self.claimed = True
        stale = now - self.due > timedelta(hours=12)
        key = f"routine:{self.due.isoformat()}"
        return [DueItem(key, "routine", self.due, member_id=self.member_id, stale=stale)]

    async def render(self, *args: object) -> Reply | None:
        return Reply(text="yesterday's nudge")


async def test_a_stale_routine_message_is_skipped_and_recorded(
    bot: JobClubBot, clock: FakeClock
) -> None:
    cid = await add(bot, "anything", START + timedelta(days=30))
    async with bot.services.db.session() as session:
        commitment = await session.get(Commitment, cid)
        assert commitment is not None
        member_id = commitment.member_id
    work = StaleWork(START + timedelta(hours=1), member_id)
    clock.set(START + timedelta(days=1))  # down for a day
    assert await Dispatcher(bot.services, [work], never_sent).tick() == 0
    async with bot.services.db.session() as session:
        delivery = await session.scalar(select(Delivery).where(Delivery.kind == "routine"))
        assert delivery is not None
        assert delivery.status == "skipped" and delivery.last_error == STALE_REASON
