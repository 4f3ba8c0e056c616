"""A reply's files on Slack: each attachment uploaded with files upload v2, after the text.

slack_sdk's `files_upload_v2` does the three steps Slack asks for: `files.getUploadURLExternal`
(name, size, and for a picture its alt text), the bytes to the URL it returns, then
`files.completeUploadExternal`, which shares the file in the channel with its title.

The reply's text always goes first and carries the same facts (the text chart, the report's
totals), so the file is an extra: an upload that fails is logged and skipped, never raised.
Raising would make the dispatcher retry a message whose text has already arrived, and an
interactive reply would gain nothing from it. The log line names the kind of file, its
size, the channel and Slack's error code; never the file, its alt text or the member's words.

Slack cannot attach a file to an ephemeral message ("only visible to you"). Where a reply
meant for the member alone is shown that way, its files go to the member's DM with the bot
instead, and the ephemeral reply says so (`DM_NOTE`); `respond.py` decides where.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.escape import cut_plain
from adapters.slack.pacing import Pacer
from bot.replies import Attachment, Reply, Section

log = logging.getLogger(__name__)

ALT_TEXT_MAX = 1000
"""Slack refuses longer alt text (`alt_txt_too_large`)."""
TITLE_MAX = 250
FILENAME_MAX = 120


def title_of(reply: Reply, attachment: Attachment) -> str:
    """What Slack shows above the file: the reply's title, else the file's name."""
    title = " ".join((reply.title or "").split())
    return cut_plain(title or filename_of(attachment), TITLE_MAX)


def filename_of(attachment: Attachment) -> str:
    """The file's own name, without any folder (the core names its files, but be sure)."""
    name = PurePosixPath(attachment.filename.replace("\\", "/")).name.strip()
    return cut_plain(name or "file", FILENAME_MAX)


def alt_text_of(attachment: Attachment) -> str | None:
    """Alt text for a picture, within Slack's limit; other files have none."""
    if not attachment.is_image:
        return None
    alt = " ".join(attachment.alt.split())
    return cut_plain(alt, ALT_TEXT_MAX) if alt else None


def dm_note(reply: Reply) -> str:
    """Said in an ephemeral reply whose files went to the member's DM."""
    kinds = {"picture" if a.is_image else "file" for a in reply.attachments}
    what = "picture" if kinds == {"picture"} else "file"
    several = len(reply.attachments) > 1
    return (
        f"The {what}{'s' if several else ''} for this {'are' if several else 'is'} in your "
        "DM with me: Slack can't attach files to a message only you can see."
    )


def with_dm_note(reply: Reply) -> Reply:
    """The reply with `dm_note` as its last section (above its buttons)."""
    return replace(reply, sections=[*reply.sections, Section(text=dm_note(reply))])


async def upload_files(client: AsyncWebClient, pacer: Pacer, channel: str, reply: Reply) -> int:
    """Share each of the reply's attachments in `channel`; returns how many arrived."""
    arrived = 0
    for attachment in reply.attachments:
        try:
            await pacer.wait(channel)  # sharing a file posts a message in the channel
            await client.files_upload_v2(
                channel=channel,
                file=attachment.data,
                filename=filename_of(attachment),
                title=title_of(reply, attachment),
                alt_txt=alt_text_of(attachment),
            )
        except Exception as exc:  # the text has arrived; the file is an extra (see above)
            log.warning(
                "could not upload a %s file (%d bytes) to %s: %s",
                attachment.mime,
                len(attachment.data),
                channel,
                _reason(exc),
            )
        else:
            arrived += 1
    return arrived


def _reason(exc: BaseException) -> str:
    """Slack's error code, or the exception's type: never a body or the file's contents."""
    if isinstance(exc, SlackApiError):
        data: Any = getattr(exc.response, "data", None)
        if isinstance(data, dict) and data.get("error"):
            return str(data["error"])[:80]
        return f"HTTP {getattr(exc.response, 'status_code', '?')}"
    return type(exc).__name__
