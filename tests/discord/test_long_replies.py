"""A very long reply is one message and a file, not dozens of follow-ups.

An export with a few hundred commitments used to become 67 messages in a row; now a
reply longer than three messages is sent as its start plus the whole text attached
as a plain-text file (shown as written, never as markup).
"""

from __future__ import annotations

import json

from adapters.discord import DiscordAdapter
from adapters.discord.render import MAX_MESSAGES, render
from bot.app import JobClubBot
from bot.events import CommandEvent, MemberRef, Place, Platform
from bot.replies import Button, Reply
from tests.discord.conftest import buttons_of, is_ephemeral, text_of
from tests.discord.fake_discord import ADA, CHANNEL_ID, GUILD_ID, FakeDiscord, Json

MANY = 200


async def make_many_commitments(core: JobClubBot) -> None:
    ada = MemberRef(Platform.DISCORD, GUILD_ID, ADA.id, "Ada")
    for n in range(1, MANY + 1):
        (reply,) = await core.handle(
            CommandEvent(
                ada,
                Place.channel(CHANNEL_ID),
                "commit",
                f"follow up with the hiring manager at company {n} about the role by friday 3pm",
            )
        )
        assert "error" not in reply.meta, reply.text


async def export(fake: FakeDiscord, *, in_dm: bool) -> list[Json]:
    iid = await fake.command("jobclub", "export", in_dm=in_dm)
    await fake.wait_for(lambda: fake.settled(iid))
    return fake.shown(iid)


def the_file(messages: list[Json]) -> str:
    files = [a for m in messages for a in m["attachments"]]
    assert len(files) == 1, files
    assert files[0]["filename"] == "your-data.txt"
    return str(files[0]["content"])


async def test_an_export_of_hundreds_of_commitments_is_one_message_and_a_file(
    live: DiscordAdapter, fake: FakeDiscord, core: JobClubBot
) -> None:
    await make_many_commitments(core)
    shown = await export(fake, in_dm=False)
    assert len(shown) == 1 and is_ephemeral(shown[0])
    assert "attached file" in text_of(shown[0])
    content = the_file(shown)
    data = json.loads(content[content.index("{") :])
    assert [c["number"] for c in data["commitments"]["commitments"]] == list(range(1, MANY + 1))
    assert all(f"company {n} about" in content for n in range(1, MANY + 1))


async def test_in_the_dm_too(live: DiscordAdapter, fake: FakeDiscord, core: JobClubBot) -> None:
    await make_many_commitments(core)
    shown = await export(fake, in_dm=True)
    assert len(shown) == 1 and not is_ephemeral(shown[0])
    assert f"company {MANY} about" in the_file(shown)


def test_short_replies_are_unchanged_and_buttons_stay() -> None:
    medium = Reply(text="word " * 1000, buttons=[Button("More", "tip:another")])
    assert 1 < len(render(medium)) <= MAX_MESSAGES
    assert all(m.attachment is None for m in render(medium))
    long = Reply(title="Your data", text="word " * 20_000, buttons=[Button("More", "tip:another")])
    (message,) = render(long)
    assert message.attachment is not None and message.view is not None
    assert message.content is not None and len(message.content) <= 2000
    assert message.attachment.data.decode().count("word") == 20_000


async def test_a_long_dm_reply_from_the_scheduler_is_a_file_too(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    from bot.outbox import MemberAddress

    reply = Reply(title="Reminder", text="line of text\n" * 2000, buttons=[Button("Done", "x:1")])
    to = MemberAddress(Platform.DISCORD, GUILD_ID, ADA.id, "Ada")
    channel = await live.outbox.send_dm(to, reply)
    assert channel is not None
    (message,) = fake.channel_messages(channel)
    assert buttons_of(message) == ["x:1"]
    assert message["attachments"][0]["content"].count("line of text") == 2000
