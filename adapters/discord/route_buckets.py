"""discord.py's per-route rate-limit state, kept to the routes still in use.

discord.py keeps a rate-limit bucket (a `Ratelimit`, its `deque` and its `Lock`) for each
route and major parameter it has called, and a DM to each member is a route of its own.
Once it holds 256 buckets it looks through all of them, on every new route, for ones
idle five minutes (`HTTPClient._try_clear_expired_ratelimits`). In a 09:00 fan-out none
is, so each new member's DM looked through every bucket made so far: 1.4 ms at 10,000
members, several of them in one pass of the event loop (up to 30 ms that every member's
command waited behind), and the adapter's CPU per delivery doubled (bench/README.md).

`keep_routes_in_use` replaces that sweep on our client with one that
- drops a bucket only when nothing is waiting on it or sending through it, its window has
  reset (a new bucket then starts as strict as it: one request until Discord's headers
  say more), and nobody has used it for `IDLE` seconds;
- looks through the buckets only when they have doubled since the last look, so the
  looking costs O(1) a new route over time and the map holds about the routes of the
  last few seconds.

This reaches into discord.py's private state (pinned `<3` in pyproject.toml). If a
release changes it, the first sweep that fails logs it once and discord.py's own sweep
takes over again: slower, never wrong.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

IDLE = 10.0
"""Seconds since a bucket's last request before it may be dropped (it covers a request
that has its bucket but waits for the global limit before taking it)."""
FIRST_LOOK = 256
"""discord.py's own size for its first look; after one, the next waits for double."""


class RouteSweeper:
    """What `HTTPClient.get_ratelimit` calls after it adds a bucket."""

    def __init__(self, http: Any, clock: Callable[[], float] | None = None) -> None:
        self._http = http
        self.clock = clock
        """The event loop's time when None (tests set their own, on the same scale)."""
        self.next_look = FIRST_LOOK
        """The number of buckets at which the next look happens."""

    def __call__(self) -> None:
        try:
            buckets: dict[str, Any] = self._http._buckets
            if len(buckets) < self.next_look:
                return
            now = self.clock() if self.clock else asyncio.get_running_loop().time()
            done = [key for key, bucket in buckets.items() if _finished(bucket, now)]
        except AttributeError:
            log.warning(
                "discord.py's rate-limit buckets have changed shape: using its own sweep",
                exc_info=True,
            )
            del self._http._try_clear_expired_ratelimits  # the class's own, from the next
            return
        for key in done:
            del buckets[key]
        self.next_look = max(FIRST_LOOK, 2 * len(buckets))


def _finished(bucket: Any, now: float) -> bool:
    """Nothing in it or waiting on it, its window over, unused for `IDLE` seconds."""
    return (
        bucket.outgoing == 0
        and not bucket._pending_requests
        and not bucket._sleeping.locked()
        and (bucket.expires is None or now > bucket.expires)
        and now - bucket._last_request >= IDLE
    )


def keep_routes_in_use(http: Any, clock: Callable[[], float] | None = None) -> RouteSweeper:
    """Put a `RouteSweeper` in place of `http`'s own sweep (`clock`: the event loop's
    time unless a test passes its own, on the same scale)."""
    sweeper = RouteSweeper(http, clock)
    http._try_clear_expired_ratelimits = sweeper
    return sweeper
