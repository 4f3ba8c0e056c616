"""The Outbox port on Slack: proactive DMs and channel posts, paced, with failures surfaced.

A DM goes to the channel `conversations.open` gives for the member (remembered here, and
returned so the scheduler stores it on the member). The client retries 429s (after
`Retry-After`) and 5xx itself; whatever still fails becomes `SendError`, so the
dispatcher retries the delivery later instead of losing it, and no sooner than Slack
asked (`retry_after`).

Scheduled sends do not queue behind a busy channel: when the channel's next slot is
more than `scheduled_wait` seconds away, the send is handed back (`SendError` with
`retry_after` = that delay) rather than holding the dispatcher's lease. Replies to a
member's own requests use `post` without a limit and always go out.

A reply's files follow its text into the same DM, channel or group DM (`files.py`).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import Message, render_messages
from adapters.slack.files import upload_files
from adapters.slack.pacing import SCHEDULED_MAX_WAIT, Pacer, PacingTimeout
from bot.events import Platform
from bot.outbox import MemberAddress, Pace, SendError, pace_for_rate
from bot.replies import Reply

log = logging.getLogger(__name__)

PERMANENT_ERRORS = frozenset(
    {
        "user_not_found",
        "users_not_found",
        "account_inactive",
        "user_disabled",
        "cannot_dm_bot",
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "restricted_action",
        "restricted_action_read_only_channel",
        "ekm_access_denied",
        "invalid_blocks",
        "msg_too_long",
        "no_text",
    }
)
"""Errors that trying again later will not fix (the member left, the channel is gone...)."""


def send_error(exc: BaseException, what: str) -> SendError:
    """The `SendError` for a failed Slack call, retryable unless it can never succeed."""
    if isinstance(exc, SendError):
        return exc
    if isinstance(exc, SlackApiError):
        response = exc.response
        status = getattr(response, "status_code", 0) or 0
        error = ""
        data = getattr(response, "data", None)
        if isinstance(data, dict):
            error = str(data.get("error") or "")
        reason = f"{what}: {error or f'HTTP {status}'}"
        permanent = error in PERMANENT_ERRORS and status < 500
        return SendError(reason, retryable=not permanent, retry_after=_retry_after(response))
    if isinstance(exc, PacingTimeout):
        return SendError(f"{what}: {exc}", retryable=True, retry_after=exc.delay)
    return SendError(f"{what}: {type(exc).__name__}: {exc}"[:300], retryable=True)


class SlackOutbox:
    """Sends replies to DMs and channels through one paced Web API client."""

    def __init__(
        self,
        client: AsyncWebClient,
        pacer: Pacer,
        *,
        max_dm_cache: int = 50_000,
        scheduled_wait: float = SCHEDULED_MAX_WAIT,
    ) -> None:
        self.client = client
        self.pacer = pacer
        self.scheduled_wait = scheduled_wait
        self._dm: OrderedDict[str, str] = OrderedDict()
        self._max_dm = max_dm_cache
        self._opening: dict[str, asyncio.Task[str]] = {}

    @property
    def pace(self) -> Pace:
        """What the dispatcher may send through this outbox: a second of the workspace's
        rate in flight; the pacer spaces them per channel and workspace-wide."""
        return pace_for_rate(self.pacer.rate)

    # -- the Outbox port ------------------------------------------------------------------

    async def send_dm(self, to: MemberAddress, reply: Reply) -> str | None:
        """DM the member; returns the DM channel id (stored by the scheduler)."""
        channel = to.dm_channel_id or self._dm.get(to.user_id)
        opened = channel is None
        try:
            if channel is None:
                channel = await self.open_dm(to.user_id)
            try:
                await self.post_reply(channel, reply, max_wait=self.scheduled_wait)
            except SlackApiError as exc:
                if opened or _error(exc) != "channel_not_found":
                    raise
                # A remembered DM channel that no longer works: open the DM afresh, once.
                channel = await self.open_dm(to.user_id, refresh=True)
                await self.post_reply(channel, reply, max_wait=self.scheduled_wait)
        except Exception as exc:
            raise send_error(exc, f"DM to {to.user_id}") from exc
        await self.upload(channel, reply)
        return channel

    async def post_to_channel(
        self, platform: Platform, club_id: str, channel_id: str, reply: Reply
    ) -> None:
        """Post in a club channel (the bot must be a member, or the channel public)."""
        if platform is not Platform.SLACK:
            raise SendError(f"the Slack outbox cannot post to {platform}", retryable=False)
        try:
            await self.post_reply(channel_id, reply, max_wait=self.scheduled_wait)
        except Exception as exc:
            raise send_error(exc, f"post to {channel_id}") from exc
        await self.upload(channel_id, reply)

    async def send_group(
        self, to: Sequence[MemberAddress], reply: Reply, channel_id: str | None = None
    ) -> None:
        """One group DM with all of them (`conversations.open` with several users); Slack
        gives the same conversation back each time for the same people."""
        users = ",".join(sorted({member.user_id for member in to}))
        try:
            response = await self.client.conversations_open(users=users)
            channel = str(response["channel"]["id"])
            await self.post(channel, render_messages(reply), max_wait=self.scheduled_wait)
        except Exception as exc:
            raise send_error(exc, f"group DM to {users}") from exc
        await self.upload(channel, reply)

    # -- building blocks used by the interactive paths too --------------------------------

    async def open_dm(self, user_id: str, *, refresh: bool = False) -> str:
        """The DM channel with a user (`conversations.open`, remembered; concurrent calls share)."""
        if not refresh and user_id in self._dm:
            return self._dm[user_id]
        task = self._opening.get(user_id)
        if task is None:
            task = asyncio.create_task(self._open(user_id))
            self._opening[user_id] = task
        return await asyncio.shield(task)

    async def _open(self, user_id: str) -> str:
        try:
            response = await self.client.conversations_open(users=user_id)
            channel = str(response["channel"]["id"])
        finally:
            self._opening.pop(user_id, None)
        self.remember_dm(user_id, channel)
        return channel

    def remember_dm(self, user_id: str, channel_id: str) -> None:
        self._dm[user_id] = channel_id
        self._dm.move_to_end(user_id)
        while len(self._dm) > self._max_dm:
            self._dm.popitem(last=False)

    async def post(
        self, channel: str, messages: list[Message], *, max_wait: float | None = None
    ) -> None:
        """`chat.postMessage` each message in order, at the channel's pace.

        Without `max_wait` it waits as long as pacing needs (replies to a member). With
        it, only the first message can be refused (`PacingTimeout`, nothing sent): the
        rest of a reply follows at its pace, so a reply never goes out in part.
        """
        for index, message in enumerate(messages):
            await self.pacer.wait(channel, max_wait if index == 0 else None)
            await self.client.chat_postMessage(channel=channel, unfurl_links=False, **message)

    async def post_reply(self, channel: str, reply: Reply, *, max_wait: float | None) -> None:
        """`post` a reply rendered only once its first slot has come: when a fan-out
        starts a hundred sends at once, the pacer spreads their rendering over the second
        it spreads their requests over, instead of all of it running before the event loop
        can do anything else (bench/README.md, loop block)."""
        await self.pacer.wait(channel, max_wait)
        messages = render_messages(reply)
        for index, message in enumerate(messages):
            if index:
                await self.pacer.wait(channel)
            await self.client.chat_postMessage(channel=channel, unfurl_links=False, **message)

    async def upload(self, channel: str, reply: Reply) -> int:
        """Share the reply's files in `channel` after its text (`files.py`): a failed upload
        is logged, never raised, so the text that already arrived is not sent again."""
        if not reply.attachments:
            return 0
        return await upload_files(self.client, self.pacer, channel, reply)

    async def post_ephemeral(self, channel: str, user: str, messages: list[Message]) -> None:
        for message in messages:
            await self.pacer.wait(channel)
            await self.client.chat_postEphemeral(channel=channel, user=user, **message)


def _retry_after(response: Any) -> float | None:
    """Seconds from a `Retry-After` header (Slack sends it with 429s), if any."""
    headers = getattr(response, "headers", None) or {}
    raw = next((v for k, v in headers.items() if str(k).lower() == "retry-after"), None)
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    try:
        seconds = float(str(raw))
    except ValueError:
        return None
    return seconds if 0 <= seconds < 86_400 else None


def _error(exc: SlackApiError) -> str:
    data: Any = getattr(exc.response, "data", None)
    return str(data.get("error") or "") if isinstance(data, dict) else ""
