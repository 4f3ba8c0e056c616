"""Files on Discord: the /progress chart and scheduled files ride on the message with their
alt text as the attachment's description; the text arrives even when the files cannot; and
a practice pair's introduction goes to a private thread (or, without a channel, to DMs)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.discord import DiscordAdapter
from bot.app import JobClubBot
from bot.events import Platform
from bot.outbox import MemberAddress, SendError
from bot.replies import Attachment, Reply, Visibility
from bot.scheduling import Outgoing
from tests.discord.conftest import is_ephemeral, text_of
from tests.discord.fake_discord import (
    ADA,
    BEN,
    CHANNEL_ID,
    GUILD_ID,
    FakeDiscord,
    FakeUser,
    Json,
)
from tests.discord.test_dm_and_outbox import bot_replies
from tests.discord.test_interactions import ask
from tests.test_practice import BRIEF

CSV = Attachment(b"week,applications\n2026-11-23,3\n", "report.csv", "Club report", "text/csv")
MONDAY_9_UTC = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def address(user: FakeUser) -> MemberAddress:
    return MemberAddress(Platform.DISCORD, GUILD_ID, user.id, user.name)


async def practise_once(fake: FakeDiscord, user: FakeUser = ADA) -> None:
    """One practice answer, so /progress has a week to draw."""
    await ask(fake, "practice", "sensitive", user=user)
    channel = fake.dm_channels.get(user.id)
    asked = [m for m in fake.channel_messages(channel or "") if m["author"]["bot"]]
    sent = await fake.dm(BRIEF, user=user)
    await bot_replies(fake, sent["channel_id"], count=len(asked) + 1)  # the review is back


def attached(fake: FakeDiscord, shown: list[Json]) -> list[tuple[Json, bytes]]:
    return [pair for message in shown for pair in fake.files_of(message)]


async def test_progress_with_data_attaches_one_chart_described_by_its_numbers(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    await practise_once(fake)
    shown = await ask(fake, "progress")

    ((chart, data),) = attached(fake, shown)
    assert data.startswith(b"\x89PNG")
    assert chart["filename"].endswith(".png") and chart["content_type"] == "image/png"
    assert "1 practice days" in chart["description"]
    assert all(is_ephemeral(m) for m in shown)  # only Ada sees it, picture included
    assert "Practice · 1 answer" in "\n".join(text_of(m) for m in shown)  # the text stays


async def test_progress_without_data_attaches_nothing(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    shown = await ask(fake, "progress", user=BEN)
    assert "Your progress" in "\n".join(text_of(m) for m in shown)
    assert not attached(fake, shown)


async def test_refused_files_still_deliver_the_text(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    await practise_once(fake)
    fake.refuse_files = True
    shown = await ask(fake, "progress")
    assert "Practice · 1 answer" in "\n".join(text_of(m) for m in shown)
    assert not attached(fake, shown)
    refused = [c for c in fake.calls if c.status == 413]
    assert len(refused) == 1  # tried once with the picture, then sent without it


async def test_a_scheduled_dm_carries_its_file_and_survives_a_refusal(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    report = Reply(text="Your club report is ready.", attachments=[CSV], visibility=Visibility.DM)
    channel = await live.outbox.send_dm(address(ADA), report)
    assert channel is not None
    (message,) = fake.channel_messages(channel)
    ((item, data),) = fake.files_of(message)
    assert (item["filename"], item["description"], data) == ("report.csv", "Club report", CSV.data)

    fake.refuse_files = True  # e.g. a server whose upload limit is lower
    await live.outbox.send_dm(address(ADA), report)
    later = fake.channel_messages(channel)[-1]
    assert later["content"] == "Your club report is ready." and not later["attachments"]


async def test_a_pair_meets_in_a_private_thread_in_the_admins_channel(
    live: DiscordAdapter, fake: FakeDiscord, core: JobClubBot
) -> None:
    for user in (ADA, BEN):
        (on,) = await ask(fake, "partners", "on weekdays 12-14", user=user)
        assert "Practice partners: on" in text_of(on)
    (admin,) = await ask(fake, "jobclub", f"partners on monday 9:00 <#{CHANNEL_ID}>", admin=True)
    assert "private thread" in text_of(admin)

    async def deliver(item: Outgoing, at: datetime) -> str | None:
        if item.group:
            channel = item.channel[1] if item.channel else None
            await live.outbox.send_group(item.group, item.reply, channel)
            return None
        assert item.member is not None
        return await live.outbox.send_dm(item.member, item.reply)

    await core.dispatcher(deliver).advance_to(MONDAY_9_UTC, core.services.clock.set)  # type: ignore[attr-defined]

    (thread,) = fake.threads.values()
    assert thread.parent_id == CHANNEL_ID and thread.private and not thread.invitable
    assert sorted(thread.members) == sorted([ADA.id, BEN.id])
    (intro,) = fake.channel_messages(thread.id)
    assert "Ada" in text_of(intro) and "Ben" in text_of(intro)
    dms = [text_of(m) for m in fake.channel_messages(fake.dm_channels.get(ADA.id, "none"))]
    assert text_of(intro) not in dms, dms  # not sent a second time by DM


async def test_without_a_channel_each_member_of_the_pair_gets_it_by_dm(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    intro = Reply(title="Practice partners", text="Ada and Ben: practise together this week.")
    await live.outbox.send_group([address(ADA), address(BEN)], intro, None)
    assert not fake.threads
    for user in (ADA, BEN):
        (message,) = fake.channel_messages(fake.dm_channels[user.id])
        assert "practise together" in text_of(message)


async def test_a_thread_for_a_pair_can_carry_a_file(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    plan = Reply(title="Practice partners", text="Your questions are attached.", attachments=[CSV])
    await live.outbox.send_group([address(ADA), address(BEN)], plan, CHANNEL_ID)
    (thread,) = fake.threads.values()
    (message,) = fake.channel_messages(thread.id)
    ((item, _),) = fake.files_of(message)
    assert item["filename"] == "report.csv"


async def test_a_retried_pair_message_reuses_its_thread(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    """The post fails for a moment; the dispatcher's retry must not open a second thread."""
    intro = Reply(title="Practice partners", text="Ada and Ben: practise together this week.")
    pair = [address(ADA), address(BEN)]
    fake.fail_next("POST", r"/channels/\d+/messages", 503)
    with pytest.raises(SendError) as failed:
        await live.outbox.send_group(pair, intro, CHANNEL_ID)
    assert failed.value.retryable

    await live.outbox.send_group(pair, intro, CHANNEL_ID)
    (thread,) = fake.threads.values()
    assert sorted(thread.members) == sorted([ADA.id, BEN.id])
    (message,) = fake.channel_messages(thread.id)
    assert "practise together" in text_of(message)


async def test_the_same_words_to_the_same_pair_next_week_are_a_new_message(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    """Only a retry resumes: once a message went out whole, an identical one is sent anew."""
    intro = Reply(title="Practice partners", text="Ada and Ben: practise together this week.")
    pair = [address(ADA), address(BEN)]
    await live.outbox.send_group(pair, intro, None)
    await live.outbox.send_group(pair, intro, None)
    for member in (ADA, BEN):
        messages = fake.channel_messages(fake.dm_channels[member.id])
        sent = [m for m in messages if "practise together" in text_of(m)]
        assert len(sent) == 2


async def test_a_member_who_left_does_not_stop_the_thread(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    fake.guild_members.discard(BEN.id)
    intro = Reply(title="Practice partners", text="Ada and Ben: practise together this week.")
    await live.outbox.send_group([address(ADA), address(BEN)], intro, CHANNEL_ID)
    (thread,) = fake.threads.values()
    assert thread.members == [ADA.id]
    assert len(fake.channel_messages(thread.id)) == 1


async def test_closed_dms_skip_one_member_of_the_pair_not_both(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    intro = Reply(text="Ada and Ben: practise together this week.")
    fake.refuse_dms.add(ADA.id)
    await live.outbox.send_group([address(ADA), address(BEN)], intro, None)
    (message,) = fake.channel_messages(fake.dm_channels[BEN.id])
    assert "practise together" in text_of(message)

    fake.refuse_dms.add(BEN.id)
    with pytest.raises(SendError) as failed:  # nobody could get it: that is a failure
        await live.outbox.send_group([address(ADA), address(BEN)], Reply(text="Next week"), None)
    assert not failed.value.retryable


def test_a_thread_name_is_one_line_and_never_blank() -> None:
    from adapters.discord.outbox import _thread_name
    from bot.replies import Reply

    assert _thread_name(Reply(text="", title=" \n ")) == "Practice partners"
    assert _thread_name(Reply(text="", title="Ada and\nHedy")) == "Ada and Hedy"
    assert len(_thread_name(Reply(text="", title="x" * 300))) <= 100
