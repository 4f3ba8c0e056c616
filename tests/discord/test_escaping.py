"""Member text and display names reach Discord as written: no live links, channels, times.

A display name `[a](https://a.b) [b](https://evil.co)` used to keep its second masked link
clickable in the shared-tip message and in the weekly digest, because discord.py's
`escape_markdown` escapes only the first `[x](url)` of a line.
"""

from __future__ import annotations

import re

from adapters.discord import DiscordAdapter
from adapters.discord.render import escape
from bot.app import JobClubBot
from bot.events import CommandEvent, MemberRef, Place, Platform
from bot.replies import Reply
from tests.discord.conftest import is_ephemeral, text_of
from tests.discord.fake_discord import BEN, CHANNEL_ID, GUILD_ID, FakeDiscord, FakeUser, Json

EVIL_NAME = "[a](https://a.b) [b](https://evil.co)"
EVIL = FakeUser("1200000000000000009", EVIL_NAME)


def live_markup(text: str) -> list[str]:
    """What Discord would act on: masked links `[..](` and `<#…>`, `<t:…>`, `<@…>`-style
    tokens whose opening bracket is not escaped with a backslash."""
    escaped: set[int] = set()
    i = 0
    while i < len(text):
        if text[i] == "\\":
            escaped.add(i + 1)
            i += 2
            continue
        i += 1
    live = lambda at: at not in escaped  # noqa: E731
    found: list[str] = []
    for start, char in enumerate(text):
        if char == "[" and live(start):
            close = next((j for j in range(start + 1, len(text)) if text[j] == "]" and live(j)), -1)
            if close != -1 and text[close + 1 : close + 2] == "(":
                found.append(text[start : close + 2])
        if char == "<" and live(start) and re.match(r"<(?:[#@:/]|t:|a:)", text[start:]):
            found.append(text[start : start + 12])
    return found


def shown(text: str) -> str:
    """What a member reads once Discord has applied the escapes."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u200b", "")


def test_the_checker_sees_what_discord_would_link() -> None:
    assert live_markup(EVIL_NAME) == ["[a](", "[b]("]
    assert live_markup("\\[a](https://a.b) [b](https://evil.co)") == ["[b]("]
    assert live_markup("<#1100000000000000003> \\<t:1:R>") == ["<#1100000000"]


def test_every_masked_link_and_angle_token_is_escaped() -> None:
    hostile = [
        EVIL_NAME,
        "[x](<https://evil.co>) and [y]( https://evil.co ) and [z][1]",
        "see <#1100000000000000003> at <t:1700000000:R>, ask <@&1100000000000000002>",
        "</tip:1100000000000000001> <:blob:1100000000000000005> <a:wave:11>",
        "nested [[a](https://a.b)](https://evil.co) and \\[b](https://evil.co)",
        "https://good.example/path_(x)[y](https://evil.co)",
    ]
    for text in hostile:
        escaped = escape(text)
        assert live_markup(escaped) == [], (text, escaped)
        assert shown(escaped) == text, (text, escaped)


def test_block_markup_at_line_start_is_escaped() -> None:
    text = "# big\n-# small\n> quote\n- item\n+ item"
    assert escape(text) == "\\# big\n\\-# small\n\\> quote\n\\- item\n\\+ item"
    assert shown(escape(text)) == text


def test_a_bare_address_stays_as_typed() -> None:
    assert escape("read https://example.com/a_b_c now") == "read https://example.com/a_b_c now"


async def test_a_shared_tip_shows_the_display_name_as_written(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    fake.users[EVIL.id] = EVIL
    fake.guild_members.add(EVIL.id)
    iid = await fake.command("tip", "research the company", user=EVIL)
    await fake.wait_for(lambda: fake.settled(iid))
    (tip,) = fake.shown(iid)
    iid = await fake.press(tip, "Share with the channel", user=EVIL)
    await fake.wait_for(lambda: fake.settled(iid))
    (shared,) = fake.shown(iid)
    assert not is_ephemeral(shared)
    body = text_of(shared)
    assert f"{EVIL_NAME} shared a tip" in shown(body)
    assert live_markup(body) == []


async def test_member_text_with_channels_and_timestamps_stays_text(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    typed = "ask in <#1100000000000000003> at <t:1700000000:R> [docs](https://evil.co)"
    iid = await fake.command("commit", f"{typed} by friday 3pm")
    await fake.wait_for(lambda: fake.settled(iid))
    (reply,) = fake.shown(iid)
    assert typed in shown(text_of(reply))
    assert live_markup(text_of(reply)) == []


async def test_the_weekly_digest_shows_display_names_as_written(
    live: DiscordAdapter, fake: FakeDiscord, core: JobClubBot
) -> None:
    fake.users[EVIL.id] = EVIL
    fake.guild_members.add(EVIL.id)
    for line in ("commit call Ana by friday 3pm", "commitments done 1", "jobclub shoutouts on"):
        name, _, text = line.partition(" ")
        iid = await fake.command(name, text, user=EVIL)
        await fake.wait_for(lambda iid=iid: fake.settled(iid))
    iid = await fake.command("jobclub", "digest on #club monday 09:00", user=BEN, admin=True)
    await fake.wait_for(lambda: fake.settled(iid))
    # The digest as the scheduler hands it to the outbox: the core's reply, posted publicly.
    admin = MemberRef(Platform.DISCORD, GUILD_ID, BEN.id, "Ben", is_admin=True)
    (preview,) = await core.handle(
        CommandEvent(admin, Place.channel(CHANNEL_ID), "jobclub", "digest preview")
    )
    assert EVIL_NAME in preview.text
    digest = Reply(text=preview.text, visibility=preview.visibility)
    await live.outbox.post_to_channel(Platform.DISCORD, GUILD_ID, CHANNEL_ID, digest)
    posted: Json = fake.channel_messages(CHANNEL_ID)[-1]
    body = text_of(posted)
    assert f"Shout-outs: {EVIL_NAME}" in shown(body)
    assert live_markup(body) == []
