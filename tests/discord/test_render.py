"""Rendering, splitting, buttons, the install link and shard settings, without a server."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from adapters.discord import InviteError, invite_url
from adapters.discord.commands import spec_words
from adapters.discord.config import DiscordConfigError, intents, parse_shard_ids
from adapters.discord.invite import PERMISSIONS
from adapters.discord.render import CONTENT_MAX, escape, render, split_text
from adapters.discord.views import ActionButton
from bot.replies import Button, Field, Reply, Section
from bot.router import Router, number, text
from tests.conftest import make_settings


def test_escape_keeps_text_as_written() -> None:
    assert escape("@everyone and @here") == "@\u200beveryone and @\u200bhere"
    assert escape("<@123456789012345678>") == "\\<@\u200b123456789012345678\\>"
    assert escape("**bold** _it_ `code`") == "\\*\\*bold\\*\\* \\_it\\_ `code`"
    assert escape("# heading") == "\\# heading"


async def test_short_text_is_content_and_long_text_an_embed_or_split() -> None:
    (short,) = render(Reply(text="hello"))
    assert short.content == "hello" and not short.embeds

    (medium,) = render(Reply(text="x " * 1500))
    assert medium.content is None and len(medium.embeds[0].description or "") <= 4096

    parts = render(Reply(text="line of text\n" * 400))  # 5,200 characters
    assert len(parts) == 3
    assert all(p.content and len(p.content) <= CONTENT_MAX for p in parts)
    assert "".join(p.content or "" for p in parts).count("line of text") == 400
    # Longer than three messages: the start, and the whole text as a file (test_long_replies).
    (single,) = render(Reply(text="line of text\n" * 700))
    assert single.attachment is not None


async def test_titles_and_sections_become_an_embed() -> None:
    reply = Reply(
        title="Your week",
        text="Well done.",
        sections=[Section(text="3 kept", title="Commitments", fields=(Field("Streak", "4 days"),))],
    )
    (message,) = render(reply)
    embed = message.embeds[0]
    assert (embed.title, embed.description) == ("Your week", "Well done.")
    assert [(f.name, f.value, f.inline) for f in embed.fields] == [
        ("Commitments", "3 kept", False),
        ("Streak", "4 days", True),
    ]


async def test_a_section_too_long_for_a_field_falls_back_to_split_text() -> None:
    reply = Reply(
        title="Export", text="Here it is.", sections=[Section(text="y" * 1500, title="Data")]
    )
    messages = render(reply)
    assert all(m.content and not m.embeds for m in messages)
    assert messages[0].content.startswith("**Export**")


async def test_buttons_keep_the_action_id_as_custom_id_25_per_message() -> None:
    buttons = [Button(f"Topic {i}", f"tip:topic:t{i}") for i in range(30)]
    buttons += [Button("dup", "tip:topic:t0"), Button("long", "x" * 101)]
    messages = render(Reply(text="Pick one", buttons=buttons))
    assert len(messages) == 2 and messages[0].content == "Pick one"
    ids = [[c.custom_id for c in m.view.children] for m in messages if m.view]  # type: ignore[attr-defined]
    assert [len(i) for i in ids] == [25, 5]
    assert ids[0][0] == "tip:topic:t0" and all("x" * 101 not in i for i in ids)
    assert all(isinstance(c, ActionButton) for m in messages for c in m.view.children)  # type: ignore[union-attr]
    assert all(m.view.timeout is None for m in messages)  # type: ignore[union-attr]


def test_split_never_exceeds_the_limit_and_keeps_escapes() -> None:
    text = escape("*" * 3000)
    parts = split_text(text)
    assert all(len(p) <= CONTENT_MAX for p in parts)
    assert all(not p.endswith("\\") for p in parts)
    assert "".join(parts) == text


def test_invite_url_has_exactly_the_needed_scopes_and_permissions(tmp_path: Path) -> None:
    app_id = "1234567890123456789"
    token = base64.b64encode(app_id.encode()).decode().rstrip("=") + ".GabcDe.secretpart"
    url = invite_url(make_settings(tmp_path, discord_token=token))
    assert url == (
        f"https://discord.com/oauth2/authorize?client_id={app_id}"
        "&scope=bot+applications.commands&permissions=343597435904"
    )
    # view channel, send messages, embed links, attach files (a report's CSV in a channel),
    # create private threads and send messages in threads (practice pairs)
    assert PERMISSIONS.value == 1024 + 2048 + 16384 + 32768 + (1 << 36) + (1 << 38)

    with pytest.raises(InviteError, match="DISCORD_TOKEN"):
        invite_url(make_settings(tmp_path, discord_token="fake.token.x"))
    with pytest.raises(InviteError, match="DISCORD_TOKEN"):
        invite_url(make_settings(tmp_path))


def test_shard_ids() -> None:
    assert parse_shard_ids(None, 4) is None
    assert parse_shard_ids("0-1,3", 4) == [0, 1, 3]
    assert parse_shard_ids(" 2 ", 4) == [2]
    for bad, count in (("4", 4), ("1-x", 4), ("3-1", 4), ("0", None)):
        with pytest.raises(DiscordConfigError, match="DISCORD_SHARD"):
            parse_shard_ids(bad, count)


def test_spec_words_come_from_the_sub_command_specs() -> None:
    async def handler(ctx: object) -> None:
        return None

    router = Router()
    router.add_command("commitments", "Your open commitments.", "/commitments", handler)  # type: ignore[arg-type]
    router.add_subcommand("commitments", "done", "Done.", handler, args=(number(),))  # type: ignore[arg-type]
    router.add_subcommand(
        "commitments",
        "snooze",
        "Later.",
        handler,
        args=(number(), text("WHEN")),  # type: ignore[arg-type]
    )
    router.add_subcommand("commitments", "history", "Past.", handler)  # type: ignore[arg-type]
    router.add_subcommand("commitments", "purge", "Admins.", handler, admin_only=True)  # type: ignore[arg-type]
    router.add_subcommand("commitments", "group", "A group.", handler)  # type: ignore[arg-type]
    router.add_subcommand("commitments group", "add", "Nested.", handler, args=(text("NAME"),))  # type: ignore[arg-type]
    assert spec_words(router, "commitments", admin=False) == [
        ("done", "done N", True),
        ("snooze", "snooze N WHEN", True),
        ("history", "history", False),
        ("group add", "group add NAME", False),
    ]
    assert ("purge", "purge", False) in spec_words(router, "commitments", admin=True)
    # A command without specs still offers the plain words of its usage.
    router.add_command("tip", "Tips.", "/tip [words] · /tip topics", handler)  # type: ignore[arg-type]
    assert spec_words(router, "tip", admin=False) == [("topics", "topics", False)]


def test_no_privileged_intents() -> None:
    wanted = intents()
    assert wanted.value == (1 << 0) | (1 << 12)  # GUILDS, DIRECT_MESSAGES
