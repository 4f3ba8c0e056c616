"""Who a Slack user is (name, time zone, admin) from `users.info`, cached.

A fresh entry is used as is; a stale one is used while a refresh runs in the background;
a user seen for the first time is looked up with a bounded wait, so a slow or failing
`users.info` can delay an answer by at most `first_wait`, never stop it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SlackUser:
    """The facts the bot needs about a workspace member."""

    user_id: str
    name: str
    tz: str | None = None
    is_admin: bool = False
    is_bot: bool = False


def user_from_api(data: dict[str, Any]) -> SlackUser:
    """A `SlackUser` from a `users.info` `user` object."""
    profile = data.get("profile") or {}
    name = (
        profile.get("display_name")
        or profile.get("real_name")
        or data.get("real_name")
        or data.get("name")
        or data.get("id")
        or ""
    )
    return SlackUser(
        user_id=str(data.get("id") or ""),
        name=str(name),
        tz=data.get("tz") or None,
        is_admin=bool(data.get("is_admin") or data.get("is_owner") or data.get("is_primary_owner")),
        is_bot=bool(data.get("is_bot")),
    )


@dataclass
class _Entry:
    user: SlackUser
    fetched: float


class UserDirectory:
    """A TTL cache over `users.info` with background refresh and bounded first-sight waits."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl: float = 1800.0,
        first_wait: float = 1.5,
        max_entries: int = 20_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ttl = ttl
        self.first_wait = first_wait
        self._max = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._fetches: dict[str, asyncio.Task[SlackUser | None]] = {}

    def cached(self, user_id: str) -> SlackUser | None:
        """The cached user, even if stale (a stale entry starts a refresh)."""
        entry = self._entries.get(user_id)
        if entry is None:
            return None
        if self._clock() - entry.fetched > self._ttl:
            self._fetch(user_id)
        return entry.user

    async def get(self, user_id: str, wait: float | None = None) -> SlackUser | None:
        """The user, fetched if never seen; waits at most `wait` seconds for the fetch."""
        found = self.cached(user_id)
        if found is not None:
            return found
        task = self._fetch(user_id)
        with contextlib.suppress(TimeoutError):
            return await asyncio.wait_for(
                asyncio.shield(task), self.first_wait if wait is None else wait
            )
        return None

    def _fetch(self, user_id: str) -> asyncio.Task[SlackUser | None]:
        task = self._fetches.get(user_id)
        if task is None:
            task = asyncio.create_task(self._load(user_id), name=f"users.info {user_id}")
            self._fetches[user_id] = task
        return task

    async def _load(self, user_id: str) -> SlackUser | None:
        try:
            response = await self._client.users_info(user=user_id)
            user = user_from_api(response.get("user") or {})
        except Exception as exc:
            log.warning("users.info for %s failed: %s", user_id, exc)
            return None
        finally:
            self._fetches.pop(user_id, None)
        self._entries[user_id] = _Entry(user, self._clock())
        self._entries.move_to_end(user_id)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
        return user

    async def close(self) -> None:
        tasks = list(self._fetches.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
