"""Replies as terminal text (buttons numbered) or as one JSON line each."""

from __future__ import annotations

import json
import shutil
import textwrap
from typing import Any

from bot.replies import Button, Reply

LABELS = {"only_you": "only you", "channel": "channel", "dm": "DM"}


def render_text(reply: Reply, where: str, first_button: int, heading: str = "") -> str:
    """A reply as a framed block; buttons numbered from `first_button`."""
    width = min(shutil.get_terminal_size((88, 20)).columns, 100)
    label = f"── {LABELS.get(where, where)}{' · ' + heading if heading else ''} "
    lines = [label + "─" * max(0, width - len(label))]
    for paragraph in reply.plain_text().split("\n"):
        wrapped = textwrap.wrap(paragraph, width=width) if paragraph else []
        lines.extend(wrapped or [""])
    if reply.buttons:
        lines.append("")
        lines.append(_buttons_line(reply.buttons, first_button, width))
    return "\n".join(lines)


def _buttons_line(buttons: list[Button], first: int, width: int) -> str:
    chips = [f"[{first + i}] {b.label}" for i, b in enumerate(buttons)]
    out: list[str] = []
    line = ""
    for chip in chips:
        candidate = f"{line}   {chip}" if line else chip
        if len(candidate) > width and line:
            out.append(line)
            line = chip
        else:
            line = candidate
    out.append(line)
    return "\n".join(out)


def render_json(member: str, where: str, reply: Reply, extra_meta: dict[str, Any] | None) -> str:
    """Exactly one line: member, where, text, buttons, meta."""
    meta = {**reply.meta, **(extra_meta or {})}
    record = {
        "member": member,
        "where": where,
        "text": reply.plain_text(),
        "buttons": [{"label": b.label, "action": b.action} for b in reply.buttons],
        "meta": meta,
    }
    return json.dumps(record, ensure_ascii=False, default=str)
