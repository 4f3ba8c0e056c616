"""`/landed`: the search is over. It closes what it should, nothing it shouldn't, and
two kind DMs follow, at 30 and 90 days, once each even across a restart."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.app import JobClubBot
from bot.clock import FakeClock
from bot.features.landed import LandedFollowUps
from tests.conftest import Conversation, make_settings, shared_library
from tests.statement_count import kinds, statements

MON = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
SEARCH_KINDS = {"nudge", "weekly-checkin", "reminder", "still-open", "interview"}


async def busy_search(conversation: Conversation) -> None:
    """Ada and Grace both search: nudges, check-ins, an interview, follow-ups."""
    conversation.clock.set(MON)
    for who in ("Ada", "Grace"):
        await conversation.one("/nudges on daily at 09:00", who=who)
        await conversation.one("/checkin on", who=who)
        await conversation.one("/commit email the recruiter at Globex by friday", who=who)
    await conversation.one("/interview Initech with Ana Ruiz on thursday 10am")
    kept = await conversation.one("/commit update my CV by tomorrow")
    await conversation.one(f"/commitments done {kept.meta['number']}")


async def landed(conversation: Conversation, line: str = "/landed Initech as analyst") -> list:
    ask = await conversation.one(line)
    assert "Congratulations on Initech as analyst!" in ask.text
    return await conversation.press(ask, "Yes, close my search")


async def test_landed_stops_the_search_and_only_that(conversation: Conversation) -> None:
    await busy_search(conversation)
    (closed,) = await landed(conversation)
    stopped = closed.meta["stopped"]
    assert "daily nudges stopped" in stopped
    assert "weekly check-ins stopped" in stopped
    assert "1 open follow-up closed" in stopped
    assert any(line.startswith("5 interview and follow-up steps closed") for line in stopped)

    arrived = await conversation.advance(timedelta(days=100))
    ada = conversation.inbox("Ada")
    assert {d.kind for d in ada} == {"landed-followup"}, [d.kind for d in ada]
    # Grace's search goes on untouched.
    grace = {d.kind for d in arrived if d.to == "Grace"}
    assert {"nudge", "weekly-checkin", "reminder"} <= grace
    # Kept: the done commitment stays done, her interview is still on record.
    listing = await conversation.one("/commitments history")
    assert "update my CV" in listing.plain_text()


async def test_undo_gives_the_search_back(conversation: Conversation) -> None:
    await busy_search(conversation)
    await landed(conversation)
    (undone,) = await conversation.command("/landed undo")
    assert "Undone: your search is open again" in undone.text
    assert "daily nudges back on" in undone.text and "weekly check-ins are back on" in undone.text
    arrived = await conversation.advance(timedelta(days=40))
    kinds = {d.kind for d in arrived if d.to == "Ada"}
    assert {"nudge", "weekly-checkin", "reminder"} <= kinds
    assert "landed-followup" not in kinds


async def test_not_yet_changes_nothing_and_the_celebration_is_opt_in(
    conversation: Conversation,
) -> None:
    await busy_search(conversation)
    ask = await conversation.one("/landed <@U123> *Initech*")
    (no,) = await conversation.press(ask, "Not yet")
    assert no.text == "Nothing changed. Good luck!"
    assert "nudge" in {d.kind for d in await conversation.advance(timedelta(days=1))}
    (closed,) = await landed(conversation)
    assert [b.label for b in closed.buttons] == ["Post a celebration"]
    (post,) = await conversation.press(closed, "Post a celebration")
    assert post.visibility.value == "channel"
    assert post.text == "🎉 Ada got the job: Initech as analyst! Congratulations!"


async def test_thirty_and_ninety_days_once_each_across_a_restart(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, database_url=f"sqlite+aiosqlite:///{tmp_path / 'j.db'}")
    library = shared_library(settings.jobclub_content_dir, settings.jobclub_club_content_dir)
    clock = FakeClock(MON)

    first = Conversation(await JobClubBot.create(settings, clock, library=library), clock)
    try:
        await landed(first)
        before = await first.advance(timedelta(days=31))
    finally:
        await first.bot.close()
    second = Conversation(await JobClubBot.create(settings, clock, library=library), clock)
    try:
        after = await second.advance(timedelta(days=120))
        (again,) = await second.command("/landed undo")
    finally:
        await second.bot.close()
    followups = [d for d in [*before, *after] if d.kind == "landed-followup"]
    # each on its day, at the member's day start (09:00 in her zone, UTC here), not at the
    # minute of the day she pressed Yes
    assert [(d.meta["stage"], (d.at.date() - MON.date()).days, d.at.time()) for d in followups] == [
        ("30", 30, time(9, 0)),
        ("90", 90, time(9, 0)),
    ]
    assert followups[0].text == "How is the new job going? Want to stay in the club as a mentor?"
    assert "Undone" in again.text


async def test_a_landing_late_at_night_checks_in_at_a_waking_hour(
    conversation: Conversation,
) -> None:
    conversation.zones["Ada"] = "America/New_York"
    conversation.clock.set(datetime(2026, 12, 2, 4, 30, tzinfo=UTC))  # Tue 1 Dec, 23:30 in New York
    await landed(conversation)
    arrived = await conversation.advance(timedelta(days=31))
    (first,) = [d for d in arrived if d.kind == "landed-followup"]
    assert first.local("America/New_York").isoformat() == "2026-12-31T09:00:00-05:00"
    # The 90-day DM, set while the 30-day one was claimed: 09:00 in New York too.
    arrived = await conversation.advance(timedelta(days=60))
    (second,) = [d for d in arrived if d.kind == "landed-followup"]
    assert second.local("America/New_York").isoformat() == "2027-03-01T09:00:00-05:00"


async def test_a_landing_never_confirmed_is_not_counted_or_celebrated(
    conversation: Conversation,
) -> None:
    conversation.clock.set(MON)
    conversation.admins.add("Ada")
    await conversation.one("/jobclub digest on #jobclub monday 09:00")
    ask = await conversation.one("/landed Initech as analyst")  # Yes never pressed
    landing = ask.buttons[0].action.rsplit(":", 1)[1]
    (refused,) = await conversation.press_id(f"landed:celebrate:{landing}")  # hand-made id
    assert "Confirm the landing first" in refused.text
    arrived = await conversation.advance(timedelta(days=7))
    (digest,) = [d for d in arrived if d.kind == "digest"]
    assert "landed" not in digest.text


@pytest.mark.parametrize("crowd", [2, 8])
async def test_a_morning_of_thirty_day_dms_is_claimed_in_a_fixed_number_of_queries(
    any_db_conversation: Conversation, crowd: int
) -> None:
    """Was: a member and a club read per landing, then one UPDATE per landing; now the
    same three statements for 2 landings and for 8 (read, members, one claiming UPDATE)."""
    conversation = any_db_conversation  # SQLite and PostgreSQL: RETURNING on both
    conversation.clock.set(MON)
    names = [f"Member{i}" for i in range(crowd)]
    for who in names:
        ask = await conversation.one("/landed Initech as analyst", who=who)
        await conversation.press(ask, "Yes, close my search", who=who)
    conversation.clock.set(MON + timedelta(days=31))
    bot = conversation.bot
    async with bot.services.db.session() as session:
        with statements(bot) as seen:
            items = await LandedFollowUps().claim_due(
                session, bot.services, bot.services.clock.now()
            )
    assert len(items) == crowd and {i.payload["stage"] for i in items} == {"30"}
    # The due landings, their members with clubs, then one UPDATE claiming them all.
    assert kinds(seen) == ["SELECT", "SELECT", "UPDATE"], seen
