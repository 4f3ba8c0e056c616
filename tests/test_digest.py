"""The weekly club digest: counts only, names only for members who opted in, admins only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.scheduling import Outgoing
from tests.conftest import Conversation

SECRET = "call Zorblax Industries about the FLAMINGO project"


async def collect(conversation: Conversation, until: datetime) -> list[Outgoing]:
    items: list[Outgoing] = []

    async def deliver(item: Outgoing, at: datetime) -> str | None:
        items.append(item)
        return None

    await conversation.bot.dispatcher(deliver).advance_to(until, conversation.clock.set)
    return items


async def test_only_admins_can_turn_the_digest_on(conversation: Conversation) -> None:
    reply = await conversation.one("/jobclub digest on #club monday 09:00")
    assert reply.meta["error"] == "user" and "admins" in reply.text
    conversation.admins.add("Ada")
    reply = await conversation.one("/jobclub digest on #club monday 09:00")
    assert reply.meta["digest_channel"] == "club"


async def test_the_digest_has_counts_and_no_member_text(conversation: Conversation) -> None:
    conversation.clock.set(datetime(2027, 3, 1, 8, 0, tzinfo=UTC))  # a Monday
    conversation.admins.add("Ada")
    await conversation.one("/jobclub digest on <#C024BE7LR|job-club> monday 09:00")
    for who in ("Ada", "Grace", "Linus"):
        await conversation.one(f"/commit {SECRET} for {who} tomorrow 10am", who=who)
        await conversation.one("/commitments done 1", who=who)
    await conversation.one("/jobclub shoutouts on", who="Grace")
    items = await collect(conversation, datetime(2027, 3, 8, 10, 0, tzinfo=UTC))
    digests = [i for i in items if i.kind == "digest"]
    assert len(digests) == 2  # Monday 1 March 09:00 and Monday 8 March 09:00
    assert all(d.channel == ("test-club", "C024BE7LR") for d in digests)
    # The second digest covers 1 March 09:00 to 8 March 09:00: the follow-ups were kept before.
    assert "follow-ups kept: 0" in digests[-1].reply.plain_text()
    first = digests[0].reply.plain_text()
    assert "follow-ups kept: 3" in first
    for d in digests:
        body = d.reply.plain_text()
        assert "Zorblax" not in body and "FLAMINGO" not in body
        assert "Ada" not in body and "Linus" not in body  # not opted in
    assert "Grace" in first


async def test_digest_preview_and_off(conversation: Conversation) -> None:
    conversation.admins.add("Ada")
    await conversation.one("/jobclub digest on #club friday 17:30")
    preview = await conversation.one("/jobclub digest preview")
    assert preview.text.startswith("This week in the club")
    await conversation.one("/jobclub digest off")
    items = await collect(conversation, conversation.clock.now() + timedelta(days=14))
    assert [i for i in items if i.kind == "digest"] == []


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
