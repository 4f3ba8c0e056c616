"""The weekly club digest: counts only, names only for members who opted in, admins only.

It runs on the club's clock: the zone the admin named, or the admin's own when the club
has none yet, and every confirmation says which.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.features.digest import digest_text
from bot.store.models import Club
from tests.conftest import Conversation, Delivered
from tests.statement_count import statements

SECRET = "call Zorblax Industries about the FLAMINGO project"
NEW_YORK = "America/New_York"


def digests(arrived: list[Delivered]) -> list[Delivered]:
    return [d for d in arrived if d.kind == "digest"]


async def practise_today(conversation: Conversation, who: str) -> None:
    """Something that counts as a day's practice: a promise made and kept."""
    made = await conversation.one(f"/commit {SECRET} tomorrow 10am", who=who)
    kept = await conversation.one(f"/commitments done {made.meta['number']}", who=who)
    assert kept.meta["status"] == "done"


async def test_only_admins_can_turn_the_digest_on(conversation: Conversation) -> None:
    reply = await conversation.one("/jobclub digest on #club monday 09:00")
    assert reply.meta["error"] == "user" and "admins" in reply.text
    conversation.admins.add("Ada")
    reply = await conversation.one("/jobclub digest on #club monday 09:00")
    assert reply.meta["digest_channel"] == "club"


async def test_a_new_york_admin_gets_the_digest_at_nine_new_york_time_across_dst(
    conversation: Conversation,
) -> None:
    # Bug: the digest ran in UTC ("09:00 (UTC)") and arrived at 04:00 in New York.
    conversation.admins.add("Ada")
    conversation.zones["Ada"] = NEW_YORK
    conversation.clock.set(datetime(2027, 3, 1, 8, 0, tzinfo=UTC))  # Mon 03:00 in New York
    reply = await conversation.one("/jobclub digest on #jobclub monday 09:00")
    assert "every Monday at 09:00 America/New_York" in reply.text
    assert "Mon 1 Mar, 09:00 (America/New_York)" in reply.text
    # US clocks go forward on Sunday 14 March: the digest stays at 09:00 on the wall.
    arrived = digests(await conversation.advance(datetime(2027, 3, 23, tzinfo=UTC)))
    local = [d.local(NEW_YORK) for d in arrived]
    assert [(t.month, t.day, t.hour, t.minute) for t in local] == [
        (3, 1, 9, 0),
        (3, 8, 9, 0),
        (3, 15, 9, 0),
        (3, 22, 9, 0),
    ]
    assert [t.utcoffset() for t in local] == [timedelta(hours=h) for h in (-5, -5, -4, -4)]
    assert {d.to for d in arrived} == {"#jobclub"}
    status = await conversation.one("/jobclub digest")
    assert "America/New_York" in status.text and status.meta["zone"] == NEW_YORK


async def test_a_named_zone_wins_and_is_kept_for_the_club(conversation: Conversation) -> None:
    conversation.admins.update({"Ada", "Grace"})
    conversation.zones.update({"Ada": NEW_YORK, "Grace": "Asia/Tokyo"})
    conversation.clock.set(datetime(2027, 3, 1, 6, 0, tzinfo=UTC))
    reply = await conversation.one("/jobclub digest on #club friday 17:30 Europe/Paris")
    assert reply.meta["zone"] == "Europe/Paris"
    assert "Friday at 17:30 Europe/Paris" in reply.text
    assert reply.meta["next_digest_at"] == "2027-03-05T16:30:00+00:00"
    # Another admin moving the day keeps the club's zone, and says so.
    reply = await conversation.one("/jobclub digest on #club monday 08:00", who="Grace")
    assert reply.meta["zone"] == "Europe/Paris" and "set before" in reply.text
    reply = await conversation.one("/jobclub digest on #club monday 08:00 new york")
    assert reply.meta["zone"] == NEW_YORK


async def test_without_any_zone_the_default_is_named_with_a_hint(
    conversation: Conversation,
) -> None:
    conversation.admins.add("Ada")
    reply = await conversation.one("/jobclub digest on #club")
    assert "Monday at 09:00 UTC" in reply.text and "the bot's default" in reply.text
    assert "Europe/Paris" in reply.text  # how to name one


@pytest.mark.parametrize("words", ["monday 09:00 xyzzy", "funday"])
async def test_unreadable_words_are_explained(conversation: Conversation, words: str) -> None:
    conversation.admins.add("Ada")
    reply = await conversation.one(f"/jobclub digest on #club {words}")
    assert reply.meta["error"] == "user"
    assert "Europe/Paris" in reply.text


async def test_the_digest_has_counts_and_no_member_text(conversation: Conversation) -> None:
    conversation.clock.set(datetime(2027, 3, 1, 8, 0, tzinfo=UTC))  # a Monday
    conversation.admins.add("Ada")
    await conversation.one("/jobclub digest on <#C024BE7LR|job-club> monday 09:00")
    for who in ("Ada", "Grace", "Linus"):
        await conversation.one(f"/commit {SECRET} for {who} tomorrow 10am", who=who)
        await conversation.one("/commitments done 1", who=who)
    await conversation.one("/jobclub shoutouts on", who="Grace")
    arrived = digests(await conversation.advance(datetime(2027, 3, 8, 10, 0, tzinfo=UTC)))
    assert len(arrived) == 2  # Monday 1 March 09:00 and Monday 8 March 09:00
    assert all(d.to == "#C024BE7LR" for d in arrived)
    # The second digest covers 1 March 09:00 to 8 March 09:00: the follow-ups were kept before.
    assert "follow-ups kept: 0" in arrived[-1].plain_text()
    first = arrived[0].plain_text()
    assert "follow-ups kept: 3" in first
    for d in arrived:
        body = d.plain_text()
        assert "Zorblax" not in body and "FLAMINGO" not in body
        assert "Ada" not in body and "Linus" not in body  # not opted in
    assert "Grace" in first


async def test_a_monday_to_friday_practiser_is_on_a_streak_on_monday_morning(
    conversation: Conversation,
) -> None:
    # Bug: taken on Monday morning after a quiet weekend, the count showed 0.
    conversation.admins.add("Ada")
    conversation.zones.update({"Ada": NEW_YORK, "Grace": NEW_YORK, "Linus": NEW_YORK})
    conversation.clock.set(datetime(2027, 3, 1, 12, 0, tzinfo=UTC))  # Mon 07:00 New York
    await conversation.one("/jobclub digest on #jobclub monday 09:00")
    await conversation.advance(datetime(2027, 3, 1, 15, 0, tzinfo=UTC))  # this week's digest
    for day in range(1, 6):  # Grace practises Monday to Friday; Linus only Thursday, Friday
        conversation.clock.set(datetime(2027, 3, day, 17, 0, tzinfo=UTC))
        await practise_today(conversation, "Grace")
        if day >= 4:
            await practise_today(conversation, "Linus")
    (digest,) = digests(await conversation.advance(datetime(2027, 3, 8, 15, 0, tzinfo=UTC)))
    assert digest.local(NEW_YORK).hour == 9
    assert "members on a 3+ day streak: 1" in digest.plain_text()


async def test_digest_preview_and_off(conversation: Conversation) -> None:
    conversation.admins.add("Ada")
    await conversation.one("/jobclub digest on #club friday 17:30")
    preview = await conversation.one("/jobclub digest preview")
    assert preview.text.startswith("This week in the club")
    await conversation.one("/jobclub digest off")
    assert digests(await conversation.advance(timedelta(days=14))) == []


async def test_shoutouts_are_off_until_a_member_turns_them_on(conversation: Conversation) -> None:
    reply = await conversation.one("/jobclub shoutouts")
    assert "off" in reply.text
    reply = await conversation.one("/jobclub shoutouts on")
    assert reply.meta["shoutouts"] is True


async def test_bad_channel_is_explained(conversation: Conversation) -> None:
    conversation.admins.add("Ada")
    reply = await conversation.one("/jobclub digest on everyone")
    assert "Name the channel" in reply.text


async def test_the_digest_counts_practice_and_stories(conversation: Conversation) -> None:
    conversation.admins.add("Ada")
    await conversation.command("/practice sensitive")
    await conversation.dm("I was one of twelve people whose roles were cut. What comes first here?")
    preview = await conversation.one("/jobclub digest preview")
    assert "practice answers: 1" in preview.text
    assert "stories written: 0" in preview.text
    assert "twelve" not in preview.text


async def test_the_digest_counts_streaks_in_a_fixed_number_of_statements(
    conversation: Conversation,
) -> None:
    """Was: one streak query per member active this week; now the digest's text takes the
    same statements for two active members and for six, and still counts the streaks."""
    conversation.admins.add("Ada")
    conversation.clock.set(datetime(2027, 3, 1, 12, 0, tzinfo=UTC))
    await conversation.one("/jobclub digest on #jobclub monday 09:00")
    bot = conversation.bot

    async def digest_statements(crowd: int, monday: int) -> int:
        for day in range(monday, monday + 3):
            conversation.clock.set(datetime(2027, 3, day, 17, 0, tzinfo=UTC))
            for i in range(crowd):
                await practise_today(conversation, f"Member{i}")
        async with bot.services.db.session() as session:
            club = await session.scalar(select(Club))
            assert club is not None
            with statements(bot) as seen:
                text = await digest_text(session, bot.services, club, conversation.clock.now())
        assert f"members on a 3+ day streak: {crowd}" in text
        return len(seen)

    assert await digest_statements(2, monday=1) == await digest_statements(6, monday=8)
