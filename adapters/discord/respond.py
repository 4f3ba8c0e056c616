"""Answering one interaction with the core's replies, the way Discord wants it.

The first message is the interaction response (Discord requires one within 3 s);
more messages are follow-ups. Only-the-member replies are ephemeral; DM replies go
to the member's DM with a short ephemeral note in place. After a deferral the
"thinking…" message is replaced by the first reply, or removed when that reply is
public (an ephemeral deferral cannot turn public).
"""

from __future__ import annotations

import contextlib
import logging
from enum import Enum
from typing import Any

import discord

from adapters.discord.render import NO_MENTIONS, OutMessage, render, send_keeping_text
from bot.replies import Reply, Visibility

log = logging.getLogger(__name__)

NOTE_DM = "I sent you a DM."
NOTE_DONE = "Done."
NOTE_FAILED = "Sorry, I could not show that here. Please try again in a moment."


class Target(Enum):
    EPHEMERAL = "ephemeral"
    PUBLIC = "public"
    DM = "dm"


def target_of(visibility: Visibility, *, in_dm: bool) -> Target:
    """Where a reply goes; in the member's own DM everything is simply posted there."""
    if in_dm:
        return Target.PUBLIC
    if visibility is Visibility.ONLY_MEMBER:
        return Target.EPHEMERAL
    if visibility is Visibility.DM:
        return Target.DM
    return Target.PUBLIC


class Answer:
    """Sends replies for one interaction: response first, then follow-ups."""

    def __init__(self, interaction: discord.Interaction, *, in_dm: bool) -> None:
        self.interaction = interaction
        self.in_dm = in_dm
        self._thinking = False
        """Deferred with a "thinking…" message that no reply has replaced yet."""
        self._dm_sent = False
        self._shown = False
        """Something was posted where the member pressed or typed."""

    @property
    def _is_command(self) -> bool:
        return self.interaction.type is discord.InteractionType.application_command

    async def defer(self) -> None:
        """Acknowledge now and answer later (the token then lasts 15 minutes)."""
        if self.interaction.response.is_done():
            return
        if self._is_command:
            await self.interaction.response.defer(ephemeral=not self.in_dm, thinking=True)
            self._thinking = True
        else:
            await self.interaction.response.defer()

    async def deliver(self, replies: list[Reply]) -> None:
        targets = [target_of(r.visibility, in_dm=self.in_dm) for r in replies]
        if Target.DM in targets:
            await self.defer()  # opening a DM takes extra round trips
        for reply, target in zip(replies, targets, strict=True):
            if target is Target.DM:
                if await self._send_dm(reply):
                    continue
                target = Target.EPHEMERAL
            for message in render(reply):
                await self._send(message, ephemeral=target is Target.EPHEMERAL)
        await self._finish()

    async def fail(self) -> None:
        """Best effort after an error: never leave the member with "interaction failed"."""
        with contextlib.suppress(discord.HTTPException):
            if not self.interaction.response.is_done():
                await self.interaction.response.send_message(
                    NOTE_FAILED, ephemeral=True, allowed_mentions=NO_MENTIONS
                )
            elif self._thinking:
                self._thinking = False
                await self.interaction.edit_original_response(
                    content=NOTE_FAILED, allowed_mentions=NO_MENTIONS
                )

    async def _send(self, message: OutMessage, *, ephemeral: bool) -> None:
        """Answer, edit the deferral, or follow up; a message whose files Discord refuses
        goes again without them (`send_keeping_text`)."""
        response = self.interaction.response
        self._shown = True
        if not response.is_done():
            await send_keeping_text(response.send_message, message, ephemeral=ephemeral)
            return
        if self._thinking:
            self._thinking = False
            if ephemeral != self.in_dm:  # the deferral's own visibility
                await send_keeping_text(self._edit_original, message)
                return
            await self.interaction.delete_original_response()
        await send_keeping_text(self.interaction.followup.send, message, ephemeral=ephemeral)

    async def _edit_original(self, **kwargs: Any) -> None:
        """Replace the "thinking…" message; an edit takes files as its new attachments."""
        files = [kwargs.pop("file")] if "file" in kwargs else kwargs.pop("files", [])
        if files:
            kwargs["attachments"] = files
        await self.interaction.edit_original_response(**kwargs)

    async def _send_dm(self, reply: Reply) -> bool:
        """Post in the member's DM; False when Discord refuses (DMs closed)."""
        user = self.interaction.user
        try:
            channel = user.dm_channel or await user.create_dm()
            for message in render(reply):
                await send_keeping_text(channel.send, message)
        except discord.Forbidden:
            log.info("DM to discord:%s refused; answering in place", user.id)
            return False
        self._dm_sent = True
        return True

    async def _finish(self) -> None:
        response = self.interaction.response
        note = NOTE_DM if self._dm_sent else NOTE_DONE
        if not response.is_done():
            if self._is_command or self._dm_sent:
                await response.send_message(note, ephemeral=True, allowed_mentions=NO_MENTIONS)
            else:
                await response.defer()  # a button with nothing to say: just acknowledge
        elif self._thinking:
            self._thinking = False
            if self._dm_sent:
                await self.interaction.edit_original_response(
                    content=note, allowed_mentions=NO_MENTIONS
                )
            else:
                await self.interaction.delete_original_response()
        elif self._dm_sent and not self._shown:
            await self.interaction.followup.send(note, ephemeral=True, allowed_mentions=NO_MENTIONS)
