"""The install link: exactly the scopes and permissions the bot uses, nothing more."""

from __future__ import annotations

import base64
import binascii

import discord

from bot.settings import Settings

SCOPES = ("bot", "applications.commands")
"""`bot` puts the bot in the server (scheduled channel posts); the other adds slash commands."""

PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    attach_files=True,
    create_private_threads=True,
    send_messages_in_threads=True,
)
"""Scheduled posts to a club channel (digests, shout-outs, a report's CSV) as content,
embeds and files; and each practice pair's private thread in the admin's channel (start
it, add the pair, post the introduction).

Interaction replies, follow-ups and DMs need no server permission, and the bot reads
no channel messages, so it asks for nothing else.
"""


class InviteError(ValueError):
    """The application id cannot be found; the message says what to set."""


def application_id_from_token(token: str) -> int:
    """A bot token's first segment is its user id in base64; for bots that is the app id."""
    first = token.strip().split(".", 1)[0]
    try:
        decoded = base64.b64decode(first + "=" * (-len(first) % 4), validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    if not (decoded.isascii() and decoded.isdigit()):
        raise InviteError(
            "DISCORD_TOKEN does not look like a bot token (its first part should be the "
            "application id in base64); copy it again from the Developer Portal's Bot page"
        )
    return int(decoded)


def invite_url(settings: Settings) -> str:
    """The OAuth2 link that installs the bot in a server (`jobclub discord invite-url`)."""
    if settings.discord_token is None:
        raise InviteError("set DISCORD_TOKEN first (see docs/discord.md)")
    app_id = application_id_from_token(settings.discord_token.get_secret_value())
    return discord.utils.oauth_url(app_id, permissions=PERMISSIONS, scopes=SCOPES)
