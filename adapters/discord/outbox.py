"""The core's outbound port on Discord: proactive DMs and channel posts, over REST only."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence

import aiohttp
import discord

from adapters.discord.render import render, send_keeping_text
from bot.events import Platform
from bot.outbox import MemberAddress, Pace, SendError, pace_for_rate
from bot.replies import Reply
from bot.text import shorten

log = logging.getLogger(__name__)

LOGIN_WAIT = 10.0
"""How long a send waits for the client to log in before asking the scheduler to retry."""
CANNOT_DM_USER = 50007
UNKNOWN_CHANNEL = 10003


GLOBAL_RATE = 50.0
"""Discord's global limit: requests per second per bot token, across all routes."""


class GlobalLimit:
    """Spaces REST requests to the global limit before they leave, with a short burst.

    discord.py keeps the per-route buckets from Discord's rate-limit headers and waits
    out a 429 itself, but it learns of the global limit only from a 429. Pacing here
    keeps a fan-out under it instead of running into it. Each call reserves its slot, so
    concurrent senders are spaced out rather than released together. Clock and sleep are
    injected for tests.
    """

    def __init__(
        self,
        rate: float = GLOBAL_RATE,
        *,
        burst: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self._burst = burst
        self._tokens = burst
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()

    def reserve(self) -> float:
        """Take the next slot; returns how long to wait before using it."""
        now = self._clock()
        self._tokens = min(self._burst, self._tokens + (now - self._updated) * self.rate) - 1.0
        self._updated = now
        return max(0.0, -self._tokens / self.rate)

    async def wait(self) -> None:
        delay = self.reserve()
        if delay > 0:
            await self._sleep(delay)


class GroupSteps:
    """What a group message has done so far (its thread, whose DMs went), by message.

    A group message takes several requests: start a thread, add each member, post; or one
    DM each. When one fails for a moment the dispatcher sends the whole message again, and
    this lets that retry carry on where the first try stopped instead of opening a second
    thread or DMing someone twice. It lives in memory (a retry usually comes to the same
    process within minutes) and keeps the latest `size` messages.
    """

    def __init__(self, size: int = 1000) -> None:
        self._size = size
        self._steps: OrderedDict[str, dict[str, int]] = OrderedDict()

    def of(
        self, to: Sequence[MemberAddress], reply: Reply, channel_id: str | None
    ) -> dict[str, int]:
        key = self._key(to, reply, channel_id)
        steps = self._steps.setdefault(key, {})
        self._steps.move_to_end(key)
        while len(self._steps) > self._size:
            self._steps.popitem(last=False)
        return steps

    def forget(self, to: Sequence[MemberAddress], reply: Reply, channel_id: str | None) -> None:
        """The message went out whole: a later message with the same words to the same
        members is a new one, not a retry to skip."""
        self._steps.pop(self._key(to, reply, channel_id), None)

    @staticmethod
    def _key(to: Sequence[MemberAddress], reply: Reply, channel_id: str | None) -> str:
        users = ",".join(sorted(member.user_id for member in to))
        text = f"{channel_id}|{users}|{reply.plain_text()}"
        return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


class DiscordOutbox:
    """`send_dm` uses the stored DM channel id, opening a DM (and returning its id) if none."""

    def __init__(
        self,
        client: discord.Client,
        logged_in: asyncio.Event,
        limit: GlobalLimit | None = None,
    ) -> None:
        self._client = client
        self._logged_in = logged_in
        self.limit = limit or GlobalLimit()
        self._group_steps = GroupSteps()

    @property
    def pace(self) -> Pace:
        """What the dispatcher may send through this outbox: a second of the global limit
        in flight; `GlobalLimit` spaces the requests, discord.py keeps each route's bucket."""
        return pace_for_rate(self.limit.rate)

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

    async def send_group(
        self, to: Sequence[MemberAddress], reply: Reply, channel_id: str | None = None
    ) -> None:
        """A private thread in `channel_id` with each of them added (a bot cannot open a
        group DM on Discord); without a channel, the same message in each one's DM."""
        if any(member.platform is not Platform.DISCORD for member in to):
            raise SendError("not all Discord members", retryable=False)
        done = self._group_steps.of(to, reply, channel_id)
        if channel_id is None:
            await self._group_by_dm(to, reply, done)
            self._group_steps.forget(to, reply, channel_id)
            return
        parent = _snowflake(channel_id, "channel id")
        users = [_snowflake(member.user_id, "user id") for member in to]
        await self._wait_logged_in()
        try:
            thread_id = done.get("thread")
            if thread_id is None:
                await self.limit.wait()
                thread = await self._client.http.start_thread_without_message(
                    parent,
                    name=_thread_name(reply),
                    auto_archive_duration=10080,
                    type=discord.ChannelType.private_thread.value,
                    invitable=False,
                )
                thread_id = done["thread"] = int(thread["id"])
            for user in users:
                await self.limit.wait()
                try:  # adding someone already in the thread is fine (a retry)
                    await self._client.http.add_user_to_thread(thread_id, user)
                except discord.NotFound:
                    log.info("discord:%s left the server; the thread goes on without them", user)
            await self._post(thread_id, reply, discord.ChannelType.private_thread)
        except Exception as exc:
            raise _send_error(exc) from exc
        self._group_steps.forget(to, reply, channel_id)

    async def _group_by_dm(
        self, to: Sequence[MemberAddress], reply: Reply, done: dict[str, int]
    ) -> None:
        """The group's message in each one's DM. One whose DMs are closed is skipped (the
        others still get theirs); a retry after a passing failure skips those already sent."""
        refused: list[SendError] = []
        for member in to:
            if done.get(member.user_id):
                continue
            try:
                await self.send_dm(member, reply)
            except SendError as exc:
                if exc.retryable:
                    raise
                refused.append(exc)
                log.info("group message: discord:%s cannot get DMs (%s)", member.user_id, exc)
            done[member.user_id] = 1
        if refused and len(refused) == len(to):
            raise refused[0]

    async def _wait_logged_in(self) -> None:
        if self._client.is_closed():
            raise SendError("the Discord client is closed", retryable=True)
        try:
            await asyncio.wait_for(self._logged_in.wait(), LOGIN_WAIT)
        except TimeoutError:
            raise SendError("not logged in to Discord yet", retryable=True) from None

    async def _open_dm(self, user_id: int) -> int:
        """`POST /users/@me/channels`; the core stores the id so this happens once per member."""
        await self.limit.wait()
        channel = await self._client.create_dm(discord.Object(id=user_id))
        return channel.id

    async def _post(self, channel_id: int, reply: Reply, kind: discord.ChannelType) -> None:
        channel = self._client.get_partial_messageable(channel_id, type=kind)
        for message in render(reply):
            await self.limit.wait()
            await send_keeping_text(channel.send, message)


def _snowflake(value: str | None, what: str) -> int:
    if value is None or not (value.isascii() and value.isdigit()):
        raise SendError(f"{what} {str(value)[:30]!r} is not a Discord id", retryable=False)
    return int(value)


def _send_error(exc: Exception) -> SendError:
    """Retry what time can fix (5xx, 429, network, not yet connected); not refusals.

    discord.py waits out short rate limits itself; when it gives up (`RateLimited`, or a
    429 or 503 after its own retries) the wait Discord asked for becomes `retry_after`,
    so the dispatcher does not come back sooner.
    """
    if isinstance(exc, SendError):
        return exc
    if isinstance(exc, discord.RateLimited):
        return SendError(
            f"Discord rate limit ({exc.retry_after:.1f} s)",
            retryable=True,
            retry_after=_seconds(exc.retry_after),
        )
    if isinstance(exc, discord.Forbidden):
        reason = (
            "cannot send messages to this user (DMs closed or bot blocked)"
            if exc.code == CANNOT_DM_USER
            else f"forbidden: {exc.text[:120]}"
        )
        return SendError(reason, retryable=False)
    if isinstance(exc, discord.DiscordServerError):
        return SendError(
            f"Discord server error {exc.status}",
            retryable=True,
            retry_after=_header_seconds(exc.response),
        )
    if isinstance(exc, discord.HTTPException):
        retryable = exc.status in (401, 408, 429)
        return SendError(
            f"Discord refused: {exc.status} {exc.text[:120]}",
            retryable=retryable,
            retry_after=_header_seconds(exc.response) if retryable else None,
        )
    if isinstance(exc, aiohttp.ClientError | OSError | TimeoutError):
        return SendError(f"network: {type(exc).__name__}", retryable=True)
    log.exception("unexpected error sending to Discord")
    return SendError(f"unexpected: {type(exc).__name__}", retryable=True)


def _header_seconds(response: object) -> float | None:
    """`Retry-After` (seconds) from a REST response's headers, when there is one."""
    headers = getattr(response, "headers", None)
    raw = headers.get("Retry-After") if headers is not None else None
    if raw is None:
        return None
    try:
        return _seconds(float(raw))
    except (TypeError, ValueError):
        return None


def _seconds(value: float) -> float | None:
    """A usable wait: not negative, not NaN, not absurdly long."""
    return value if 0 <= value < 86_400 else None


def _thread_name(reply: Reply) -> str:
    """A thread needs a name: the reply's title on one line, under Discord's 100
    characters (a blank or multi-line name is refused with a 400 that is not retried)."""
    return shorten(" ".join((reply.title or "").split()) or "Practice partners", 100)
