"""Endpoints, intents and sharding, read from the settings once at start."""

from __future__ import annotations

import discord
import discord.gateway
import discord.http
import yarl

from bot.settings import Settings


class DiscordConfigError(ValueError):
    """A Discord setting has a wrong value; the message names it."""


def apply_endpoints(settings: Settings) -> None:
    """Point discord.py at `DISCORD_API_URL` and `DISCORD_GATEWAY_URL` (it reads neither).

    Both are class attributes, so this is process-wide: call it once, before connecting.
    """
    discord.http.Route.BASE = settings.discord_api_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def intents() -> discord.Intents:
    """Guilds (commands, permissions) and DMs. No message-content or member intents.

    Discord delivers the text of DMs sent to the bot without the privileged
    message-content intent, and the bot never reads guild channel messages.
    """
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.dm_messages = True
    return wanted


def parse_shard_ids(spec: str | None, count: int | None) -> list[int] | None:
    """`0-3`, `4,5` or `0-1,6` into shard ids, checked against `DISCORD_SHARD_COUNT`."""
    if spec is None or not spec.strip():
        return None
    if count is None:
        raise DiscordConfigError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the total)")
    ids: set[int] = set()
    for part in spec.split(","):
        first, dash, last = part.strip().partition("-")
        try:
            low = int(first)
            high = int(last) if dash else low
        except ValueError:
            raise DiscordConfigError(
                f"DISCORD_SHARD_IDS {spec!r}: use ids and ranges like 0-3 or 4,5"
            ) from None
        if not 0 <= low <= high < count:
            raise DiscordConfigError(
                f"DISCORD_SHARD_IDS {spec!r}: shard ids run from 0 to {count - 1}"
            )
        ids.update(range(low, high + 1))
    return sorted(ids)


def client_options(settings: Settings) -> dict[str, object]:
    """Keyword arguments for the discord.py client: lean caches, nobody ever pinged."""
    # The bot never joins voice: skip discord.py's start-up warnings about voice libraries.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False
    options: dict[str, object] = {
        "intents": intents(),
        "allowed_mentions": discord.AllowedMentions.none(),
        "max_messages": None,
        "chunk_guilds_at_startup": False,
        "member_cache_flags": discord.MemberCacheFlags.none(),
    }
    if settings.discord_shard_count is not None:
        options["shard_count"] = settings.discord_shard_count
        options["shard_ids"] = parse_shard_ids(
            settings.discord_shard_ids, settings.discord_shard_count
        )
    elif settings.discord_shard_ids:
        parse_shard_ids(settings.discord_shard_ids, None)  # raises the explanation
    return options


def syncs_commands(settings: Settings) -> bool:
    """Only the process that runs shard 0 (or the only process) registers commands."""
    if settings.discord_shard_count is None:
        return True
    ids = parse_shard_ids(settings.discord_shard_ids, settings.discord_shard_count)
    return ids is None or 0 in ids
