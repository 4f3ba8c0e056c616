"""DMs to the bot, and the outbox the scheduler sends through."""

from __future__ import annotations

import gc

import discord
import pytest

from adapters.discord import DiscordAdapter
from bot.events import Platform
from bot.outbox import MemberAddress, SendError
from bot.replies import Button, Reply, Visibility
from tests.discord.conftest import buttons_of, text_of
from tests.discord.fake_discord import ADA, CARL, CHANNEL_ID, GUILD_ID, FakeDiscord, Json


async def bot_replies(fake: FakeDiscord, channel_id: str, count: int = 1) -> list[Json]:
    """The bot's messages in a channel, once there are at least `count`."""

    def found() -> list[Json] | None:
        sent = [m for m in fake.channel_messages(channel_id) if m["author"]["bot"]]
        return sent if len(sent) >= count else None

    return await fake.wait_for(found)


async def test_a_dm_reaches_the_core_and_is_answered(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    sent = await fake.dm("tip thank you note")
    (reply,) = await bot_replies(fake, sent["channel_id"])
    assert reply["embeds"] and "tip:another" in buttons_of(reply)
    assert reply["allowed_mentions"] == {"parse": []}


async def test_dm_free_text_gets_the_core_answer_and_never_pings(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    sent = await fake.dm("commit @everyone call @here by tomorrow 9am")
    (reply,) = await bot_replies(fake, sent["channel_id"])
    assert "@\u200beveryone call @\u200bhere" in text_of(reply)
    assert reply["allowed_mentions"] == {"parse": []}


async def test_a_button_in_a_dm_works(live: DiscordAdapter, fake: FakeDiscord) -> None:
    sent = await fake.dm("tip")
    (reply,) = await bot_replies(fake, sent["channel_id"])
    iid = await fake.press(reply, "Another tip")
    await fake.wait_for(lambda: fake.settled(iid))
    (answer,) = fake.shown(iid)
    assert not answer["flags"] & 64 and answer["embeds"]  # in the member's own DM: plain


def address(dm_channel_id: str | None = None, user_id: str = ADA.id) -> MemberAddress:
    return MemberAddress(Platform.DISCORD, GUILD_ID, user_id, "Ada", dm_channel_id)


REMINDER = Reply(
    text="Reminder: send the note to @everyone",
    buttons=[Button("Done", "commit:done:1"), Button("Snooze", "commit:snooze:1")],
    visibility=Visibility.DM,
)


async def test_send_dm_opens_a_dm_once_and_returns_its_id(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    channel_id = await live.outbox.send_dm(address(), REMINDER)
    assert channel_id == fake.dm_channels[ADA.id]
    assert len(fake.calls_to("POST", "/users/@me/channels")) == 1
    (message,) = fake.channel_messages(channel_id)
    assert message["content"] == "Reminder: send the note to @\u200beveryone"
    assert buttons_of(message) == ["commit:done:1", "commit:snooze:1"]
    assert message["allowed_mentions"] == {"parse": []}

    # With the stored id, no new DM is opened.
    assert await live.outbox.send_dm(address(channel_id), REMINDER) == channel_id
    assert len(fake.calls_to("POST", "/users/@me/channels")) == 1
    assert len(fake.channel_messages(channel_id)) == 2


async def test_a_reminder_button_works_after_delivery(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    channel_id = await live.outbox.send_dm(
        address(), Reply(text="x", buttons=[Button("Tip", "tip:another")])
    )
    (message,) = fake.channel_messages(channel_id)
    iid = await fake.press(message, "Tip")
    await fake.wait_for(lambda: fake.settled(iid))
    assert fake.shown(iid)[0]["embeds"]


async def test_sent_buttons_leave_no_garbage_and_still_work(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    """Each message with buttons is written through a discord.py View whose items point
    back at it; kept whole, every one sent waited for a full garbage collection (a
    fan-out's 2,200 left 49,168 objects, and a 10-15 ms collection mid-send). Sent, a
    View is emptied and freed at once, and its buttons still work (they are routed by
    the pattern registered at start, not by the View)."""
    reply = Reply(text="x", buttons=[Button("Tip", "tip:another"), Button("Done", "nudge:done:a")])
    gc.collect()
    gc.disable()
    try:
        for _ in range(5):
            channel_id = await live.outbox.send_dm(address(), reply)
        left = [o for o in gc.get_objects() if isinstance(o, discord.ui.View)]
    finally:
        gc.enable()
    assert left == []
    message = fake.channel_messages(channel_id)[-1]
    assert buttons_of(message) == ["tip:another", "nudge:done:a"]
    iid = await fake.press(message, "Tip")
    await fake.wait_for(lambda: fake.settled(iid))
    assert fake.shown(iid)[0]["embeds"]


async def test_a_closed_dm_is_a_permanent_failure(live: DiscordAdapter, fake: FakeDiscord) -> None:
    fake.refuse_dms.add(ADA.id)
    with pytest.raises(SendError) as caught:
        await live.outbox.send_dm(address(), REMINDER)
    assert caught.value.retryable is False
    assert "cannot send messages to this user" in str(caught.value)


async def test_a_server_member_s_dms_belong_to_their_server_club(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    """A reminder's buttons act on the commitment made in the server."""
    iid = await fake.command("commit", "send the note by Friday 3pm")
    await fake.wait_for(lambda: fake.settled(iid))
    reminder = Reply(text="Due now: send the note", buttons=[Button("Done", "commit:done:1")])
    channel_id = await live.outbox.send_dm(address(), reminder)
    (message,) = fake.channel_messages(channel_id)

    pressed = await fake.press(message, "Done")
    await fake.wait_for(lambda: fake.settled(pressed))
    assert "send the note" in text_of(fake.shown(pressed)[0])
    assert "no longer exists" not in text_of(fake.shown(pressed)[0])

    sent = await fake.dm("commitments history")
    listing = (await bot_replies(fake, sent["channel_id"], count=3))[-1]
    assert "send the note" in text_of(listing)


async def test_dm_only_members_have_a_personal_club(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    sent = await fake.dm("commit call mum by tomorrow 9am", user=CARL)
    await bot_replies(fake, sent["channel_id"])
    sent = await fake.dm("commitments", user=CARL)
    _, listing = await bot_replies(fake, sent["channel_id"], count=2)
    assert "call mum" in text_of(listing)
    assert len(fake.calls_to("GET", rf"/guilds/{GUILD_ID}/members/{CARL.id}")) == 1  # cached

    (ada_list,) = await _ask(fake, "commitments")
    assert "call mum" not in text_of(ada_list)


async def _ask(fake: FakeDiscord, name: str) -> list[Json]:
    iid = await fake.command(name)
    await fake.wait_for(lambda: fake.settled(iid))
    return fake.shown(iid)


async def test_server_errors_and_bad_addresses(live: DiscordAdapter, fake: FakeDiscord) -> None:
    fake.fail_next("POST", r"/channels/\d+/messages", 503)
    with pytest.raises(SendError) as caught:
        await live.outbox.send_dm(address(), REMINDER)
    assert caught.value.retryable is True

    with pytest.raises(SendError) as caught:
        await live.outbox.send_dm(address(user_id="U123"), REMINDER)  # a Slack id
    assert caught.value.retryable is False


async def test_a_stale_dm_channel_id_is_replaced(live: DiscordAdapter, fake: FakeDiscord) -> None:
    channel_id = await live.outbox.send_dm(address("1999999999999999999"), REMINDER)
    assert channel_id == fake.dm_channels[ADA.id]
    assert len(fake.channel_messages(channel_id)) == 1


async def test_post_to_channel(live: DiscordAdapter, fake: FakeDiscord) -> None:
    digest = Reply(
        title="This week in the club", text="3 tips shared", visibility=Visibility.CHANNEL
    )
    await live.outbox.post_to_channel(Platform.DISCORD, "1", CHANNEL_ID, digest)
    (message,) = fake.channel_messages(CHANNEL_ID)
    assert message["embeds"][0]["title"] == "This week in the club"
    with pytest.raises(SendError) as caught:
        await live.outbox.post_to_channel(Platform.DISCORD, "1", "42", digest)  # unknown
    assert caught.value.retryable is False
