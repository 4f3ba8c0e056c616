"""A core `Reply` as Discord messages: content or an embed, split when too long, plus buttons.

Core text is plain, so every piece is escaped here (`escape.py`): markdown, masked links
and angle tokens lose their meaning (backticks stay, the core uses them for command
examples) and mentions get a zero-width space. Every message is also sent with
`AllowedMentions.none()`.

A reply too long for `MAX_MESSAGES` messages (an export of hundreds of commitments
would be dozens) goes out as one message: the start of the text, and the whole reply
as a plain-text file attached to it. A text file is shown as written, never as markup.

The reply's own files (the /progress chart, a report CSV) ride on its last message, each
with its alt text as the attachment's description (what screen readers read). They are
extras: the text carries the same facts, so a send refused because of them is sent
again without them (`send_keeping_text`).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any

import discord

from adapters.discord.escape import escape
from adapters.discord.views import build_views
from bot.replies import Reply

log = logging.getLogger(__name__)

CONTENT_MAX = 2000
DESCRIPTION_MAX = 4096
TITLE_MAX = 256
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
EMBED_TOTAL_MAX = 6000
BLANK = "\u200b"
NO_MENTIONS = discord.AllowedMentions.none()
MAX_MESSAGES = 3
"""More text messages than this for one reply, and it becomes a preview and a file."""
PREVIEW_CHARS = 1500
FILES_MAX = 10
"""Attachments Discord takes on one message."""
FILE_BYTES_MAX = 10 * 1024 * 1024
"""The upload limit of a server without boosts; a bigger file is left out (the text stays)."""
DESCRIPTION_CHARS = 1024
"""Discord's limit on an attachment's description (its alt text)."""


@dataclass(frozen=True)
class Attachment:
    """A file to attach: its name, bytes and alt text (a fresh `discord.File` per send)."""

    filename: str
    data: bytes
    description: str | None = None

    def file(self) -> discord.File:
        return discord.File(
            io.BytesIO(self.data), filename=self.filename, description=self.description
        )


@dataclass(frozen=True)
class OutMessage:
    """One Discord message to send; `kwargs()` fits `send`, `send_message` and webhooks."""

    content: str | None = None
    embeds: tuple[discord.Embed, ...] = ()
    view: discord.ui.View | None = None
    attachment: Attachment | None = None
    """The whole of a very long reply, as a text file: part of the text, always sent."""
    files: tuple[Attachment, ...] = ()
    """The reply's own files (a chart, a report): extras, dropped if Discord refuses them."""

    def kwargs(self) -> dict[str, Any]:
        out: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
        if self.content:
            out["content"] = self.content
        if self.embeds:
            out["embeds"] = list(self.embeds)
        if self.view is not None:
            out["view"] = self.view
        files = [a.file() for a in ([self.attachment] if self.attachment else []) + [*self.files]]
        if len(files) == 1:
            out["file"] = files[0]
        elif files:
            out["files"] = files
        return out

    def without_files(self) -> OutMessage:
        return replace(self, files=())


async def send_keeping_text(
    send: Callable[..., Awaitable[Any]], message: OutMessage, **extra: Any
) -> Any:
    """`send(**message.kwargs(), **extra)`; if Discord refuses a message that carries the
    reply's files, it is sent again without them, so the text always arrives.

    Refusals that would hit the text as well (DMs closed, an unknown channel) are raised
    at once. The log names the error and the files' sizes, never their contents.
    """
    try:
        try:
            return await send(**message.kwargs(), **extra)
        except discord.HTTPException as exc:
            if not message.files or isinstance(exc, discord.Forbidden | discord.NotFound):
                raise
            sizes = ", ".join(f"{len(f.data)} bytes" for f in message.files)
            log.warning("Discord refused the files (%s): %s %s", sizes, exc.status, exc.code)
        return await send(**message.without_files().kwargs(), **extra)
    finally:
        if message.view is not None:
            _let_go(message.view)


def _let_go(view: discord.ui.View) -> None:
    """End a sent message's View. Its buttons are routed by the `ActionButton` pattern
    registered at start, never through the View, which only wrote the components. A View
    and its items point at each other, so each one sent (one per message with buttons)
    waited for a full garbage collection: 49,168 objects for a 2,200-message fan-out, and
    a 10-15 ms collection in its middle (bench/README.md). Emptied, it is freed at once."""
    view.clear_items()


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis when cut (never a dangling backslash)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rstrip()
    while cut.endswith("\\"):
        cut = cut[:-1]
    return cut + "…"


def render(reply: Reply) -> list[OutMessage]:
    """The messages for one reply; buttons ride on the last one (25 per message)."""
    texts, embeds = _body(reply)
    if len(texts) > MAX_MESSAGES:
        messages = [_as_file(reply)]
    else:
        messages = [OutMessage(content=t) for t in texts]
    if embeds is not None:
        messages.append(OutMessage(embeds=(embeds,)))
    files = reply_files(reply)
    if files:
        last = messages.pop() if messages else OutMessage()
        messages.append(replace(last, files=files[: FILES_MAX - (last.attachment is not None)]))
    views = build_views(reply.buttons)
    if views:
        if messages:
            messages.append(replace(messages.pop(), view=views[0]))
        else:
            messages.append(OutMessage(view=views[0]))
        messages.extend(OutMessage(view=v) for v in views[1:])
    return messages


def reply_files(reply: Reply) -> tuple[Attachment, ...]:
    """The reply's attachments as Discord files: alt text as the description, names
    without folders, none over the upload limit."""
    files = []
    for item in reply.attachments:
        if len(item.data) > FILE_BYTES_MAX:
            log.warning(
                "left out a %s file of %d bytes (over the limit)", item.mime, len(item.data)
            )
            continue
        name = PurePosixPath(item.filename.replace("\\", "/")).name.strip() or "file"
        alt = " ".join(item.alt.split())
        files.append(Attachment(name[:100], item.data, clip(alt, DESCRIPTION_CHARS) or None))
    return tuple(files[:FILES_MAX])


def _as_file(reply: Reply) -> OutMessage:
    """One message for a very long reply: its start, and all of it as a text file."""
    full = reply.plain_text()
    start = escape(reply.text.strip() or full)
    preview = clip(start, PREVIEW_CHARS)
    heading = f"**{clip(escape(reply.title), TITLE_MAX)}**\n" if reply.title else ""
    note = f"\n\nThe whole reply ({len(full):,} characters) is in the attached file."
    name = re.sub(r"[^a-z0-9]+", "-", (reply.title or "reply").lower()).strip("-") or "reply"
    return OutMessage(
        content=heading + preview + note,
        attachment=Attachment(f"{name[:60]}.txt", full.encode("utf-8")),
    )


def split_text(text: str, limit: int = CONTENT_MAX) -> list[str]:
    """Cut at paragraph, then line, then word boundaries; each piece at most `limit`."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = -1
        for separator in ("\n\n", "\n", " "):
            cut = rest.rfind(separator, 0, limit + len(separator))  # may start right at limit
            if cut > limit // 4:
                break
        if cut <= 0:
            cut = limit
            while cut > 1 and rest[cut - 1] == "\\":
                cut -= 1  # keep an escape with the character it escapes
        piece, rest = rest[:cut].rstrip(), rest[cut:].strip()
        if piece:
            pieces.append(piece)
    if rest:
        pieces.append(rest)
    return pieces


def _body(reply: Reply) -> tuple[list[str], discord.Embed | None]:
    """Plain content pieces, or one embed; never both."""
    text = escape(reply.text.strip())
    if not reply.title and not reply.sections:
        if len(text) <= CONTENT_MAX:
            return ([text] if text else []), None
        if len(text) <= DESCRIPTION_MAX:
            return [], discord.Embed(description=text)
        return split_text(text), None
    embed = _embed(reply, text)
    if embed is not None:
        return [], embed
    return split_text(_as_markdown(reply)), None


def _embed(reply: Reply, text: str) -> discord.Embed | None:
    """Title, text as description, sections as fields; None when it would not fit."""
    if len(text) > DESCRIPTION_MAX:
        return None
    embed = discord.Embed(
        title=clip(escape(reply.title), TITLE_MAX) if reply.title else None,
        description=text or None,
    )
    for section in reply.sections:
        name = escape(section.title or "")
        value = escape(section.text.strip())
        if name or value:
            if len(name) > FIELD_NAME_MAX or len(value) > FIELD_VALUE_MAX:
                return None
            embed.add_field(name=name or BLANK, value=value or BLANK, inline=False)
        for field in section.fields:
            label, shown = escape(field.label), escape(field.value)
            if len(label) > FIELD_NAME_MAX or len(shown) > FIELD_VALUE_MAX:
                return None
            embed.add_field(name=label or BLANK, value=shown or BLANK, inline=True)
    if len(embed.fields) > FIELDS_MAX or len(embed) > EMBED_TOTAL_MAX:
        return None
    return embed


def _as_markdown(reply: Reply) -> str:
    """The whole reply as escaped text with bold headings, for splitting into messages."""
    parts: list[str] = []
    if reply.title:
        parts.append(f"**{escape(reply.title)}**")
    if reply.text.strip():
        parts.append(escape(reply.text.strip()))
    for section in reply.sections:
        lines: list[str] = []
        if section.title:
            lines.append(f"**{escape(section.title)}**")
        if section.text.strip():
            lines.append(escape(section.text.strip()))
        lines.extend(f"**{escape(f.label)}:** {escape(f.value)}" for f in section.fields)
        if lines:
            parts.append("\n".join(lines))
    return "\n\n".join(parts)
