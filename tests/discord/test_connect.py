"""Logging in, registering commands, the gateway handshake, and sharding."""

from __future__ import annotations

from pathlib import Path

import discord

from adapters.discord import DiscordAdapter
from bot.app import JobClubBot
from tests.discord.conftest import Seconds, connected, discord_settings, make_core
from tests.discord.fake_discord import APP_ID, GUILD_ID, FakeDiscord

DESIGN_COMMANDS = {
    "tip", "practice", "story", "quiz", "commit", "commitments",
    "nudges", "interview", "rejected", "progress", "jobclub",
}  # fmt: skip


async def test_logs_in_and_registers_every_core_command_globally(
    live: DiscordAdapter, fake: FakeDiscord, core: JobClubBot
) -> None:
    assert fake.calls_to("GET", "/users/@me")
    puts = fake.calls_to("PUT", rf"/applications/{APP_ID}/commands")
    assert len(puts) == 1
    registered = {spec["name"]: spec for spec in puts[0].body}
    assert set(registered) == set(core.router.commands)
    assert DESIGN_COMMANDS & set(core.router.commands) <= set(registered)
    for name, spec in registered.items():
        assert 1 <= len(spec["description"]) <= 100
        (option,) = spec["options"]
        assert option["name"] == "text" and option["type"] == 3
        assert option["required"] is False and option["autocomplete"] is True
        assert spec["contexts"] == [0, 1], name
    assert not fake.calls_to("PUT", r"/applications/\d+/guilds/\d+/commands")
    assert live.synced and {c.name for c in live.synced} == set(registered)


async def test_identifies_with_guilds_and_dm_intents_only(
    live: DiscordAdapter, fake: FakeDiscord
) -> None:
    (identify,) = fake.identified()
    intents = discord.Intents._from_value(identify["d"]["intents"])
    assert intents.guilds and intents.dm_messages
    assert not intents.message_content and not intents.members
    assert not intents.guild_messages and not intents.presences
    assert "token" not in identify["d"]  # the fake never keeps it
    await live.ready.wait()


async def test_heartbeats_are_acknowledged(tmp_path: Path) -> None:
    fake = FakeDiscord(heartbeat_ms=20, clock=Seconds())
    await fake.start()
    try:
        settings = discord_settings(tmp_path, fake)
        bot = await make_core(settings)
        try:
            async with connected(bot, settings, fake) as adapter:
                await fake.wait_for(lambda: len([f for f in fake.frames if f["op"] == 1]) >= 2)
                assert not adapter.client.is_closed()
                assert adapter.client.latency < 5
        finally:
            await bot.close()
    finally:
        await fake.stop()


async def test_a_guild_id_registers_commands_in_that_guild_only(
    tmp_path: Path, fake: FakeDiscord
) -> None:
    settings = discord_settings(tmp_path, fake, discord_guild_id=int(GUILD_ID))
    bot = await make_core(settings)
    try:
        async with connected(bot, settings, fake):
            puts = fake.calls_to("PUT", rf"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
            assert {s["name"] for s in puts[0].body} == set(bot.router.commands)
            assert not fake.calls_to("PUT", rf"/applications/{APP_ID}/commands")
            iid = await fake.command("tip", "networking")
            await fake.wait_for(lambda: fake.answered(iid))
            assert fake.shown(iid)
    finally:
        await bot.close()


async def test_a_shard_range_connects_as_those_shards(tmp_path: Path, fake: FakeDiscord) -> None:
    settings = discord_settings(tmp_path, fake, discord_shard_count=2, discord_shard_ids="1")
    bot = await make_core(settings)
    try:
        async with connected(bot, settings, fake) as adapter:
            assert isinstance(adapter.client, discord.AutoShardedClient)
            (identify,) = fake.identified()
            assert identify["d"]["shard"] == [1, 2]
            # Only the process with shard 0 registers commands.
            assert not fake.calls_to("PUT", r"/applications/.*")
    finally:
        await bot.close()
