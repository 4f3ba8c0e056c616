"""The core's outbound port on Discord: proactive DMs and channel posts, over REST only."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import discord

from adapters.discord.render import render
from bot.events import Platform
from bot.outbox import MemberAddress, SendError
from bot.replies import Reply

log = logging.getLogger(__name__)

LOGIN_WAIT = 10.0
"""How long a send waits for the client to log in before asking the scheduler to retry."""
CANNOT_DM_USER = 50007
UNKNOWN_CHANNEL = 10003


class DiscordOutbox:
    """`send_dm` uses the stored DM channel id, opening a DM (and returning its id) if none."""

    def __init__(self, client: discord.Client, logged_in: asyncio.Event) -> None:
        self._client = client
        self._logged_in = logged_in

    async def send_dm(self, to: MemberAddress, reply: Reply) -> str | None:
        if to.platform is not Platform.DISCORD:
            raise SendError(f"not a Discord member: {to.platform}", retryable=False)
        user_id = _snowflake(to.user_id, "user id")
        await self._wait_logged_in()
        channel_id = _snowflake(to.dm_channel_id, "DM channel id") if to.dm_channel_id else None
        try:
            if channel_id is None:
                channel_id = await self._open_dm(user_id)
            try:
                await self._post(channel_id, reply, discord.ChannelType.private)
            except discord.NotFound as exc:
                if exc.code != UNKNOWN_CHANNEL or to.dm_channel_id is None:
                    raise
                channel_id = await self._open_dm(user_id)  # the stored id went stale
                await self._post(channel_id, reply, discord.ChannelType.private)
        except Exception as exc:
            raise _send_error(exc) from exc
        return str(channel_id)

    async def post_to_channel(
        self, platform: Platform, club_id: str, channel_id: str, reply: Reply
    ) -> None:
        if platform is not Platform.DISCORD:
            raise SendError(f"not a Discord channel: {platform}", retryable=False)
        target = _snowflake(channel_id, "channel id")
        await self._wait_logged_in()
        try:
            await self._post(target, reply, discord.ChannelType.text)
        except Exception as exc:
            raise _send_error(exc) from exc

    async def _wait_logged_in(self) -> None:
        if self._client.is_closed():
            raise SendError("the Discord client is closed", retryable=True)
        try:
            await asyncio.wait_for(self._logged_in.wait(), LOGIN_WAIT)
        except TimeoutError:
            raise SendError("not logged in to Discord yet", retryable=True) from None

    async def _open_dm(self, user_id: int) -> int:
        """`POST /users/@me/channels`; the core stores the id so this happens once per member."""
        channel = await self._client.create_dm(discord.Object(id=user_id))
        return channel.id

    async def _post(self, channel_id: int, reply: Reply, kind: discord.ChannelType) -> None:
        channel = self._client.get_partial_messageable(channel_id, type=kind)
        for message in render(reply):
            await channel.send(**message.kwargs())


def _snowflake(value: str | None, what: str) -> int:
    if value is None or not (value.isascii() and value.isdigit()):
        raise SendError(f"{what} {str(value)[:30]!r} is not a Discord id", retryable=False)
    return int(value)


def _send_error(exc: Exception) -> SendError:
    """Retry what time can fix (5xx, 429, network, not yet connected); not refusals."""
    if isinstance(exc, SendError):
        return exc
    if isinstance(exc, discord.Forbidden):
        reason = (
            "cannot send messages to this user (DMs closed or bot blocked)"
            if exc.code == CANNOT_DM_USER
            else f"forbidden: {exc.text[:120]}"
        )
        return SendError(reason, retryable=False)
    if isinstance(exc, discord.DiscordServerError):
        return SendError(f"Discord server error {exc.status}", retryable=True)
    if isinstance(exc, discord.HTTPException):
        retryable = exc.status in (401, 408, 429)
        return SendError(f"Discord refused: {exc.status} {exc.text[:120]}", retryable=retryable)
    if isinstance(exc, aiohttp.ClientError | OSError | TimeoutError):
        return SendError(f"network: {type(exc).__name__}", retryable=True)
    log.exception("unexpected error sending to Discord")
    return SendError(f"unexpected: {type(exc).__name__}", retryable=True)
