"""Reply → Block Kit: escaping, Slack's limits, and the "more" path for long replies."""

from __future__ import annotations

import json

import pytest

from adapters.slack.blocks import (
    CONTINUED,
    CUT,
    LONG_ACTION,
    MAX_BLOCKS,
    decode_action,
    render_home,
    render_messages,
)
from adapters.slack.escape import cut_plain, escape, slack_len, split_escaped
from bot.replies import Button, ButtonStyle, Field, Reply, Section
from tests.slack.fake_slack import MENTION, check_blocks, check_message, mrkdwn_texts

HOSTILE = "<!channel> <!here> <!everyone> <@U0GRACE> <#C0GENERAL> <https://evil.example|click> & co"


def test_escape_makes_every_mention_inert() -> None:
    escaped = escape(HOSTILE)
    assert MENTION.search(escaped) is None
    assert "&lt;!channel&gt;" in escaped and "&amp; co" in escaped


@pytest.mark.parametrize("limit", [10, 57, 3000])
def test_split_never_breaks_an_entity_and_keeps_every_word(limit: int) -> None:
    text = ("a<b & c>d " * 700) + "x" * 4000
    pieces = list(split_escaped(text, limit))
    assert all(slack_len(p) <= limit for p in pieces)
    for piece in pieces:
        assert "&" not in piece.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")
    rejoined = "".join(p.replace(" ", "") for p in pieces)
    assert rejoined == escape(text).replace(" ", "")


def test_lengths_count_emoji_as_slack_does() -> None:
    assert slack_len("😀") == 2
    assert slack_len(cut_plain("😀" * 100, 75)) <= 75


def test_a_reply_becomes_header_sections_fields_and_buttons() -> None:
    reply = Reply(
        title="Tip · Thank-you notes",
        text="Send it within a day.",
        sections=[Section("Body", "Open", (Field("Due", "Friday"), Field("Who", "Ana")))],
        buttons=[
            Button("Another tip", "tip:another", ButtonStyle.PRIMARY),
            Button("Delete", "privacy:delete:confirm", ButtonStyle.DANGER),
        ],
    )
    [message] = render_messages(reply)
    blocks = message["blocks"]
    assert [b["type"] for b in blocks] == ["header", "section", "section", "section", "actions"]
    assert blocks[0]["text"] == {
        "type": "plain_text",
        "text": "Tip · Thank-you notes",
        "emoji": True,
    }
    assert blocks[2]["text"]["text"] == "*Open*\nBody"
    assert blocks[3]["fields"][0]["text"] == "*Due*\nFriday"
    buttons = blocks[4]["elements"]
    assert [b["action_id"] for b in buttons] == ["tip:another", "privacy:delete:confirm"]
    assert [b.get("style") for b in buttons] == ["primary", "danger"]
    assert check_message(message) is None


def test_user_text_everywhere_is_escaped_including_the_fallback() -> None:
    reply = Reply(
        title=HOSTILE,
        text=HOSTILE,
        sections=[Section(HOSTILE, HOSTILE, (Field(HOSTILE, HOSTILE),))],
        buttons=[Button(HOSTILE, "tip:another")],
    )
    for message in render_messages(reply):
        assert check_message(message) is None
        for text in [*mrkdwn_texts(message["blocks"]), message["text"]]:
            assert MENTION.search(text) is None, text


def test_a_huge_reply_is_split_into_valid_messages_with_a_continue_note() -> None:
    reply = Reply(
        text="word " * 40_000,
        sections=[Section(f"line {i}", f"Part {i}", (Field("k", "v" * 5000),)) for i in range(30)],
        buttons=[Button(f"Choice {i}", f"tip:topic:{i % 3}") for i in range(40)],
    )
    messages = render_messages(reply)
    assert len(messages) > 1
    for message in messages:
        assert check_message(message) is None
        assert len(message["blocks"]) <= MAX_BLOCKS
    assert messages[0]["blocks"][-1]["elements"][0]["text"] == escape(CONTINUED)
    assert messages[-1]["blocks"][-1]["type"] == "actions"  # buttons come last
    texts = " ".join(t for m in messages for t in mrkdwn_texts(m["blocks"]))
    assert texts.count("word") == 40_000  # nothing lost on the way


def test_beyond_the_message_cap_the_reply_is_cut_with_a_note() -> None:
    messages = render_messages(Reply(text="x " * 2_000_000), max_messages=3)
    assert len(messages) == 3
    assert messages[-1]["blocks"][-1]["elements"][0]["text"] == escape(CUT)
    assert all(check_message(m) is None for m in messages)


def test_duplicate_and_overlong_action_ids_still_render() -> None:
    long_action = "commit:set:42:" + "x" * 400
    reply = Reply(
        text="Pick",
        buttons=[Button("A", "tip:another"), Button("B", "tip:another"), Button("C", long_action)],
    )
    [message] = render_messages(reply)
    assert check_message(message) is None
    elements = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    long = elements[2]
    assert long["action_id"].startswith(LONG_ACTION) and len(long["action_id"]) <= 255
    assert decode_action(long) == long_action
    assert decode_action(elements[0]) == "tip:another"


def test_empty_reply_sends_nothing_and_blank_labels_are_filled() -> None:
    assert render_messages(Reply(text="")) == []
    [message] = render_messages(Reply(text="", buttons=[Button("  ", "tip:another")]))
    assert check_message(message) is None


def test_home_view_fits_the_tab_and_keeps_its_buttons() -> None:
    reply = Reply(
        title="Hi Ada",
        text="Overview",
        sections=[Section(f"item {i}", f"Section {i}") for i in range(150)],
        buttons=[Button("Help", "jobclub:help")],
    )
    view = render_home(reply)
    assert view["type"] == "home"
    assert check_blocks(view["blocks"], limit=100) is None
    assert view["blocks"][-1]["type"] == "actions"
    assert "longer than this tab" in json.dumps(view)
