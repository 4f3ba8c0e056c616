"""The Discord adapter: one discord.py client, the core behind it, the outbox beside it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands

from adapters.discord.clubs import DmClubs
from adapters.discord.commands import build_commands
from adapters.discord.config import (
    DiscordConfigError,
    apply_endpoints,
    client_options,
    syncs_commands,
)
from adapters.discord.outbox import DiscordOutbox
from adapters.discord.render import render, send_keeping_text
from adapters.discord.respond import Answer
from adapters.discord.route_buckets import keep_routes_in_use
from adapters.discord.translate import (
    member_of_interaction,
    member_of_message,
    place_of_interaction,
)
from adapters.discord.views import ActionButton
from bot.app import JobClubBot
from bot.events import ActionEvent, CommandEvent, Event, MemberRef, MessageEvent, Place, Platform
from bot.replies import Reply
from bot.settings import Settings

log = logging.getLogger(__name__)

ANSWER_BUDGET = 2.0
"""Seconds the core may take before the interaction is deferred (Discord allows 3)."""
_DM_TYPES = (discord.MessageType.default, discord.MessageType.reply)


class _Hooks:
    """Mixed into the discord.py client: start-up, DMs and button presses reach the adapter."""

    adapter: DiscordAdapter

    @property
    def button_handler(self) -> DiscordAdapter:
        return self.adapter

    async def setup_hook(self) -> None:
        await self.adapter.setup()

    async def on_ready(self) -> None:
        self.adapter.ready.set()

    async def on_message(self, message: discord.Message) -> None:
        await self.adapter.on_message(message)


class _Client(_Hooks, discord.Client):
    pass


class _ShardedClient(_Hooks, discord.AutoShardedClient):
    pass


class DiscordAdapter:
    """What the launcher runs: `platform`, `outbox`, `run()` and `close()`."""

    platform = Platform.DISCORD

    def __init__(
        self, bot: JobClubBot, settings: Settings, *, answer_budget: float = ANSWER_BUDGET
    ) -> None:
        if settings.discord_token is None:
            raise DiscordConfigError("set DISCORD_TOKEN (see docs/discord.md)")
        self.bot = bot
        self.settings = settings
        self.answer_budget = answer_budget
        options = client_options(settings)
        client_class = _ShardedClient if "shard_count" in options else _Client
        self.client: discord.Client = client_class(**options)
        self.client.adapter = self  # type: ignore[attr-defined]
        # Without it, discord.py keeps a rate-limit bucket for every member DMed.
        self.route_sweeper = keep_routes_in_use(self.client.http)
        self.tree: app_commands.CommandTree[Any] = app_commands.CommandTree(self.client)
        self.logged_in = asyncio.Event()
        self.ready = asyncio.Event()
        self.outbox = DiscordOutbox(self.client, self.logged_in)
        self.dm_clubs = DmClubs(self.client)
        self.synced: list[app_commands.AppCommand] = []

    async def run(self) -> None:
        """Log in, register commands, and serve until closed."""
        assert self.settings.discord_token is not None
        try:
            await self.client.start(self.settings.discord_token.get_secret_value())
        finally:
            await self.close()

    async def connection_problem(self) -> str | None:
        """For `/readyz`: None while the gateway session is up, else what is wrong."""
        if self.client.is_closed():
            return "discord: connection closed"
        if not self.client.is_ready():
            return "discord: gateway not ready"
        return None

    async def close(self) -> None:
        if not self.client.is_closed():
            # discord.py dispatches on_ready ~2 s after the last GUILD_CREATE from a task
            # that close() leaves running; it then fails on the closed loop. Stop it first.
            state = getattr(self.client, "_connection", None)
            pending = [getattr(state, "_ready_task", None)]
            pending.extend(getattr(state, "_ready_tasks", {}).values())
            for task in pending:
                if task is not None:
                    task.cancel()
            await self.client.close()

    async def setup(self) -> None:
        """Runs once logged in, before the gateway: buttons, then commands."""
        self.client.add_dynamic_items(ActionButton)
        guild_id = self.settings.discord_guild_id
        guild = discord.Object(id=guild_id) if guild_id else None
        for command in build_commands(self.bot, self.on_command, self.member_of):
            self.tree.add_command(command, guild=guild)
        if syncs_commands(self.settings):
            where = f"guild {guild_id}" if guild else "globally"
            try:
                self.synced = await self.tree.sync(guild=guild)
            except discord.HTTPException:
                log.exception("registering commands %s failed; registered ones keep working", where)
            else:
                log.info("registered %d commands %s", len(self.synced), where)
        self.logged_in.set()
        user = self.client.user
        log.info("logged in to Discord as %s (application %s)", user, self.client.application_id)

    async def member_of(self, interaction: discord.Interaction) -> MemberRef:
        """Who is interacting, in which club (a DM belongs to the member's server, if any)."""
        if interaction.guild_id is not None:
            return member_of_interaction(interaction)
        return member_of_interaction(interaction, await self.dm_clubs.club_for(interaction.user.id))

    async def on_command(self, interaction: discord.Interaction, name: str, text: str) -> None:
        await self._answer(
            interaction,
            lambda member: CommandEvent(member, place_of_interaction(interaction), name, text),
        )

    async def on_button(self, interaction: discord.Interaction, action_id: str) -> None:
        await self._answer(
            interaction,
            lambda member: ActionEvent(member, place_of_interaction(interaction), action_id),
        )

    async def on_message(self, message: discord.Message) -> None:
        """A DM to the bot is a direct message to the core; guild chatter is ignored."""
        if message.guild is not None or message.author.bot or message.type not in _DM_TYPES:
            return
        try:
            member = member_of_message(message, await self.dm_clubs.club_for(message.author.id))
            event = MessageEvent(member, Place.dm(str(message.channel.id)), message.content)
            replies = await self.bot.handle(event)
            for reply in replies:
                for out in render(reply):
                    await send_keeping_text(message.channel.send, out)
        except discord.HTTPException:
            log.exception("could not answer a DM from discord:%s", message.author.id)

    async def _answer(
        self, interaction: discord.Interaction, make_event: Callable[[MemberRef], Event]
    ) -> None:
        """Run the core; defer if it is slower than the budget; then send its replies."""
        answer = Answer(interaction, in_dm=interaction.guild_id is None)
        work = asyncio.ensure_future(self._handle(interaction, make_event))
        try:
            done, _ = await asyncio.wait({work}, timeout=self.answer_budget)
            if not done:
                await answer.defer()
            await answer.deliver(await work)
        except Exception:
            log.exception("could not answer a Discord interaction from %s", interaction.user.id)
            await answer.fail()
        finally:
            if not work.done():
                await asyncio.wait({work})  # the core commits its work either way

    async def _handle(
        self, interaction: discord.Interaction, make_event: Callable[[MemberRef], Event]
    ) -> list[Reply]:
        return await self.bot.handle(make_event(await self.member_of(interaction)))


async def build_discord(
    bot: JobClubBot, settings: Settings, *, answer_budget: float = ANSWER_BUDGET
) -> DiscordAdapter:
    """Point discord.py at the configured endpoints and build the adapter (not yet connected)."""
    apply_endpoints(settings)
    return DiscordAdapter(bot, settings, answer_budget=answer_budget)
