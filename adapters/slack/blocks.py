"""`Reply` → Block Kit: headers, mrkdwn sections, fields and buttons, within Slack's limits.

Core text is plain, so every mrkdwn string is escaped here (`escape.py`). A reply that does
not fit in one message (50 blocks) is split over several; each part but the last ends
with a "continued" note, and a reply longer than `MAX_MESSAGES` parts is cut with a note.
Button `action_id`s are the core's action ids; an id longer than Slack allows travels in
the button's `value` under a short stand-in id (`decode_action`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from itertools import islice
from typing import Any

from adapters.slack.escape import cut_plain, escape, fit_escaped, slack_len, split_escaped
from bot.replies import Button, ButtonStyle, Reply, Section

Block = dict[str, Any]
Message = dict[str, Any]
"""A message body: `text` (notification fallback) and `blocks`."""

MAX_BLOCKS = 50
MAX_HOME_BLOCKS = 100
SECTION_TEXT = 3000
FIELD_TEXT = 2000
MAX_FIELDS = 10
HEADER_TEXT = 150
BUTTON_TEXT = 75
ACTION_ID = 255
BUTTON_VALUE = 2000
ACTIONS_PER_BLOCK = 25
FALLBACK_TEXT = 300
MAX_MESSAGES = 10
LONG_ACTION = "jobclub:long:"
"""Stand-in action id prefix for core action ids longer than `ACTION_ID`."""

CONTINUED = "Continued in the next message ↓"
CUT = "This reply was too long for Slack, so the rest was left out."
HOME_CUT = "Your overview is longer than this tab can show; the commands list all of it."


def reply_blocks(reply: Reply) -> list[Block]:
    """Every block for `reply`, in order, without the per-message block limit."""
    return [*_content_blocks(reply), *_actions(reply.buttons)]


def _content_blocks(reply: Reply) -> Iterator[Block]:
    if reply.title and reply.title.strip():
        yield _header(reply.title)
    yield from _mrkdwn_sections(reply.text)
    for section in reply.sections:
        yield from _section_blocks(section)


def render_messages(reply: Reply, max_messages: int = MAX_MESSAGES) -> list[Message]:
    """The reply as one or more messages, each within Slack's limits (empty: no message).

    Buttons always come last; a reply too long for `max_messages` messages is cut before
    its buttons, with a note saying so.
    """
    per_part = MAX_BLOCKS - 1  # room for the "continued" note
    actions = _actions(reply.buttons)[: per_part - 1]
    budget = max_messages * per_part - len(actions) - 1
    content = list(islice(_content_blocks(reply), budget + 1))
    cut = len(content) > budget
    blocks = [*content[:budget], *([_context(CUT)] if cut else []), *actions]
    if not blocks:
        return []
    fallback = fallback_text(reply)
    if len(blocks) <= MAX_BLOCKS:
        return [{"text": fallback, "blocks": blocks}]
    parts = [blocks[i : i + per_part] for i in range(0, len(blocks), per_part)]
    messages: list[Message] = []
    for index, part in enumerate(parts):
        if index < len(parts) - 1:
            part = [*part, _context(CONTINUED)]
        messages.append({"text": fallback if index == 0 else "(continued)", "blocks": part})
    return messages


def render_home(reply: Reply) -> dict[str, Any]:
    """The reply as an App Home view (`views.publish`), cut to the tab's 100 blocks."""
    blocks = reply_blocks(reply)
    if len(blocks) > MAX_HOME_BLOCKS:
        # Keep the buttons: they are the way on to everything that was cut.
        actions = [b for b in blocks if b["type"] == "actions"]
        content = [b for b in blocks if b["type"] != "actions"]
        room = MAX_HOME_BLOCKS - len(actions) - 1
        blocks = [*content[:room], _context(HOME_CUT), *actions][:MAX_HOME_BLOCKS]
    if not blocks:
        blocks = [_context("Nothing to show yet.")]
    return {"type": "home", "blocks": blocks}


def fallback_text(reply: Reply) -> str:
    """A short, escaped summary for notifications and clients without Block Kit."""
    return fit_escaped(reply.plain_text().strip() or "(no text)", FALLBACK_TEXT)


def decode_action(action: dict[str, Any]) -> str:
    """The core action id behind a pressed button (undoing the long-id stand-in)."""
    action_id = str(action.get("action_id") or "")
    if action_id.startswith(LONG_ACTION) and action.get("value"):
        return str(action["value"])
    return action_id


def encode_action(action: str) -> tuple[str, str | None]:
    """(action_id, value) for a core action id."""
    if 0 < len(action) <= ACTION_ID and not action.startswith(LONG_ACTION):
        return action, None
    digest = hashlib.sha256(action.encode()).hexdigest()[:24]
    return LONG_ACTION + digest, action[:BUTTON_VALUE]


def _header(title: str) -> Block:
    text = cut_plain(" ".join(title.split()), HEADER_TEXT) or "…"
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": True}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(text)}]}


def _mrkdwn_sections(text: str, prefix: str = "") -> Iterator[Block]:
    """`text` as sections of at most `SECTION_TEXT`; `prefix` (already mrkdwn) leads the first."""
    room = SECTION_TEXT - slack_len(prefix) - 1
    pieces = split_escaped(text, room) if text.strip() else iter(())
    if prefix:
        first = next(pieces, None)
        yield _mrkdwn(prefix + ("\n" + first if first else ""))
    for piece in pieces:
        yield _mrkdwn(piece)


def _mrkdwn(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _section_blocks(section: Section) -> Iterator[Block]:
    prefix = f"*{fit_escaped(' '.join(section.title.split()), 200)}*" if section.title else ""
    yield from _mrkdwn_sections(section.text, prefix)
    fields = [
        {
            "type": "mrkdwn",
            "text": f"*{fit_escaped(f.label, 100)}*\n{fit_escaped(f.value, FIELD_TEXT - 110)}",
        }
        for f in section.fields
    ]
    for start in range(0, len(fields), MAX_FIELDS):
        yield {"type": "section", "fields": fields[start : start + MAX_FIELDS]}


def _actions(buttons: list[Button]) -> list[Block]:
    """Buttons in actions blocks: at most 25 each, and no action_id twice in one block."""
    blocks: list[Block] = []
    elements: list[Block] = []
    ids: set[str] = set()
    for button in buttons:
        element = _button(button)
        if len(elements) == ACTIONS_PER_BLOCK or element["action_id"] in ids:
            blocks.append({"type": "actions", "elements": elements})
            elements, ids = [], set()
        elements.append(element)
        ids.add(element["action_id"])
    if elements:
        blocks.append({"type": "actions", "elements": elements})
    return blocks


def _button(button: Button) -> Block:
    action_id, value = encode_action(button.action)
    label = cut_plain(" ".join(button.label.split()), BUTTON_TEXT) or "Open"
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "action_id": action_id,
    }
    if value is not None:
        element["value"] = value
    if button.style is ButtonStyle.PRIMARY:
        element["style"] = "primary"
    elif button.style is ButtonStyle.DANGER:
        element["style"] = "danger"
    return element
