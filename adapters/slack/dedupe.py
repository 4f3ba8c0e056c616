"""Remembering Events API deliveries already handled, so Slack's retries are handled once.

Slack re-sends an event (header `X-Slack-Retry-Num`) when it did not see a timely 200;
every copy carries the same `event_id`. This cache is per process and only the cheap
first check: a copy that reaches another replica behind a load balancer is caught by the
shared record in the database (`JobClubBot.first_delivery`, `bot/dedupe.py`), which the
adapter consults after acknowledging.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable


class SeenEvents:
    """A bounded set of recent event ids with a time-to-live."""

    def __init__(
        self,
        *,
        ttl: float = 3600.0,
        max_entries: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, event_id: str) -> bool:
        """True the first time an id is offered (within the TTL), False for repeats."""
        now = self._clock()
        while self._seen:
            _, at = next(iter(self._seen.items()))
            if now - at <= self._ttl and len(self._seen) < self._max:
                break
            self._seen.popitem(last=False)
        if event_id in self._seen:
            return False
        self._seen[event_id] = now
        return True
