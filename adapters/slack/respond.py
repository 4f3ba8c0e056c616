"""Where each reply to an interaction goes, and getting it there.

- In the member's DM with the bot: every reply is a normal message in that DM; for a
  button there, through the button's `response_url` (`in_channel`), which Slack does
  not pace per channel; for a DM the member wrote, with `chat.postMessage`.
- `Visibility.DM`: the member's DM with the bot (`conversations.open` + `chat.postMessage`).
- Otherwise, with a `response_url` (slash commands, buttons on messages): ephemeral for
  `ONLY_MEMBER`, `in_channel` for `CHANNEL`. The first of these can ride in the ack.
- Without one (buttons on the App Home): the member's DM.

A reply's files are uploaded after its text (`files.py`): into the DM, or the channel
for a reply posted there. An ephemeral reply cannot carry files, so its files go to the
member's DM and the reply says so.

Slack accepts five `response_url` posts per interaction; past that, or when one fails,
a reply meant for the member alone goes to their DM instead of being lost. Posts made
here wait for the channel's pacing as long as it takes: a reply to a member is never
dropped for being slow (the app sends each member's replies in order).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.blocks import Message, render_messages
from adapters.slack.files import with_dm_note
from adapters.slack.outbox import SlackOutbox
from bot.events import MemberRef
from bot.replies import Reply, Visibility

log = logging.getLogger(__name__)

RESPONSE_URL_USES = 5


class Route(StrEnum):
    RESPOND = "respond"
    """POST to the interaction's response_url (ephemeral or in_channel)."""
    DM = "dm"
    """The member's DM with the bot."""
    POST = "post"
    """`chat.postMessage` to the conversation the interaction came from."""


@dataclass
class Step:
    route: Route
    reply: Reply
    messages: list[Message]
    response_type: str = "ephemeral"


@dataclass
class Origin:
    """Where an interaction came from, and what can answer it there."""

    member: MemberRef
    response_url: str | None = None
    channel_id: str | None = None
    bot_dm: bool = False
    """The conversation is the member's DM with the bot, so a real message can go there."""
    response_uses: int = field(default=0)


def plan(replies: list[Reply], origin: Origin) -> list[Step]:
    """One step per reply, in order."""
    steps: list[Step] = []
    for reply in replies:
        messages = render_messages(reply)
        if not messages:
            continue
        if origin.bot_dm and origin.response_url:
            steps.append(Step(Route.RESPOND, reply, messages, "in_channel"))
        elif origin.bot_dm and origin.channel_id:
            steps.append(Step(Route.POST, reply, messages))
        elif reply.visibility is Visibility.DM or not origin.response_url:
            steps.append(Step(Route.DM, reply, messages))
        elif reply.visibility is Visibility.CHANNEL:
            steps.append(Step(Route.RESPOND, reply, messages, "in_channel"))
        else:
            if reply.attachments:  # its files cannot ride on an ephemeral message
                messages = render_messages(with_dm_note(reply))
            steps.append(Step(Route.RESPOND, reply, messages, "ephemeral"))
    return steps


def take_ack(steps: list[Step]) -> dict[str, Any] | None:
    """Remove and return the first response_url message, to be sent as the ack body instead."""
    for step in steps:
        if step.route is Route.RESPOND and step.messages:
            message = step.messages.pop(0)
            return {"response_type": step.response_type, **message}
    return None


class Responder:
    """Carries out a plan: response_url posts, DMs and posts, with fallbacks."""

    def __init__(self, outbox: SlackOutbox, webhook_options: dict[str, Any]) -> None:
        self._outbox = outbox
        self._webhook_options = webhook_options

    async def deliver(self, steps: list[Step], origin: Origin) -> None:
        for step in steps:
            if not step.messages and not step.reply.attachments:
                continue
            try:
                channel = await self._deliver_step(step, origin)
                if step.reply.attachments:
                    channel = channel or await self._dm_channel(origin)
                    await self._outbox.upload(channel, step.reply)
            except Exception:
                log.exception("could not deliver a reply to %s", origin.member.user_id)

    async def _deliver_step(self, step: Step, origin: Origin) -> str | None:
        """Send the step's messages; returns where its files go (None: the member's DM)."""
        if step.route is Route.POST and origin.channel_id:
            await self._outbox.post(origin.channel_id, step.messages)
            return origin.channel_id
        if step.route is Route.RESPOND and origin.response_url:
            for index, message in enumerate(step.messages):
                if not await self.respond(origin, message, step.response_type):
                    return await self._dm(origin, step.messages[index:])
            shown_there = origin.bot_dm or step.response_type == "in_channel"
            return origin.channel_id if shown_there else None
        return await self._dm(origin, step.messages)

    async def respond(self, origin: Origin, message: Message, response_type: str) -> bool:
        """POST one message to the response_url; False when it is used up or refused."""
        if origin.response_url is None or origin.response_uses >= RESPONSE_URL_USES:
            return False
        origin.response_uses += 1
        client = AsyncWebhookClient(origin.response_url, **self._webhook_options)
        body = {"response_type": response_type, "replace_original": False, **message}
        try:
            response = await client.send_dict(body)
        except Exception as exc:
            log.warning("response_url post failed: %s", exc)
            return False
        if response.status_code != 200:
            log.warning("response_url answered %s: %s", response.status_code, response.body[:200])
            return False
        return True

    async def _dm(self, origin: Origin, messages: list[Message]) -> str:
        channel = await self._dm_channel(origin)
        if messages:
            await self._outbox.post(channel, messages)
        return channel

    async def _dm_channel(self, origin: Origin) -> str:
        return await self._outbox.open_dm(origin.member.user_id)
