"""Which club a member's DMs belong to: the server they share with the bot, if any.

A DM carries no server, but a reminder the core sent a server member has buttons that
only work for that member in that server's club. So a DM (message or button) from
someone who is in a server with the bot counts for that server's club; members who only
ever talk to the bot in DMs get a personal club (`dm-<user id>`).

The lookup is one `GET /guilds/{id}/members/{user}` per server the bot is in (cached),
so it is done only while the bot is in a few servers; beyond that DMs use the personal
club (see docs/discord.md).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict

import aiohttp
import discord

from adapters.discord.translate import club_id

log = logging.getLogger(__name__)

MAX_GUILDS = 10
"""Look memberships up only while the bot is in at most this many servers."""
TTL = 15 * 60.0
ERROR_TTL = 60.0
CACHE_SIZE = 10_000


class DmClubs:
    """Maps a DM author to a club id, remembering answers for a while."""

    def __init__(self, client: discord.Client, *, max_guilds: int = MAX_GUILDS) -> None:
        self._client = client
        self._max_guilds = max_guilds
        self._cache: OrderedDict[int, tuple[str, float]] = OrderedDict()

    async def club_for(self, user_id: int) -> str:
        now = time.monotonic()
        hit = self._cache.get(user_id)
        if hit is not None and hit[1] > now:
            self._cache.move_to_end(user_id)
            return hit[0]
        club, ttl = await self._lookup(user_id)
        self._cache[user_id] = (club, now + ttl)
        self._cache.move_to_end(user_id)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return club

    async def _lookup(self, user_id: int) -> tuple[str, float]:
        personal = club_id(None, user_id)
        guilds = sorted(self._client.guilds, key=lambda g: g.id)
        if not guilds or len(guilds) > self._max_guilds:
            return personal, TTL
        for guild in guilds:
            try:
                await guild.fetch_member(user_id)
            except discord.NotFound:
                continue
            except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
                log.warning("membership lookup in guild %s failed: %r", guild.id, exc)
                return personal, ERROR_TTL
            return club_id(guild.id, user_id), TTL
        return personal, TTL
