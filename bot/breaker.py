"""Waiting out a platform outage: retry spacing and a per-platform circuit breaker.

When Slack or Discord is down, every send fails. Retrying each delivery on its own
schedule would spend its attempts against a wall and hammer the platform when it
comes back. Instead, after a run of failures with no success in between, the
platform as a whole is left alone for a while (30 s, doubling, at most 5 minutes,
never sooner than a `Retry-After` it gave); then one send probes it. A success
closes the breaker; a failure opens it again for longer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.events import Platform

RETRY_FIRST = timedelta(seconds=30)
RETRY_CAP = timedelta(minutes=5)
"""No wait between tries is longer than this unless the platform asked for more."""
OPEN_AFTER = 5
"""Distinct deliveries failing in a row on one platform (no success between) that open it.

Counting deliveries, not attempts, keeps one unlucky message (which has its own backoff)
from closing the platform for everyone."""


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    """30 s, 1, 2, 4, then 5 minutes; never shorter than the platform's `Retry-After`."""
    step = RETRY_FIRST * 2 ** min(max(attempts - 1, 0), 16)
    wait = min(step, RETRY_CAP)
    if retry_after is not None and retry_after > 0:
        wait = max(wait, timedelta(seconds=retry_after))
    return wait


@dataclass
class _State:
    failing: set[int] = field(default_factory=set)
    opened: int = 0
    open_until: datetime | None = None


class PlatformBreakers:
    """One circuit breaker per platform, kept in memory by each dispatcher.

    Each replica keeps its own; the dispatcher also postpones the platform's pending
    deliveries in the database when a breaker opens, so the others hold off as well.
    """

    def __init__(self) -> None:
        self._states: dict[Platform | None, _State] = {}

    @property
    def all_closed(self) -> bool:
        """No platform is being left alone or probed: the usual case, answered without the
        clock (a fan-out asks before every send)."""
        return all(state.open_until is None for state in self._states.values())

    def open_until(self, platform: Platform | None, now: datetime) -> datetime | None:
        """When the platform may be tried again, or None when sends may go now."""
        state = self._states.get(platform)
        if state is None or state.open_until is None or state.open_until <= now:
            return None
        return state.open_until

    def probing(self, now: datetime) -> bool:
        """Whether some platform's wait is over but no send has worked yet: the next send
        there is a probe, so the dispatcher takes one delivery at a time until it is known."""
        return any(
            state.open_until is not None and state.open_until <= now
            for state in self._states.values()
        )

    def succeeded(self, platform: Platform | None) -> None:
        self._states.pop(platform, None)

    def failed(
        self, platform: Platform | None, delivery_id: int, now: datetime, retry_after: float | None
    ) -> datetime | None:
        """Count a transient failure; returns the reopening instant if this opened it."""
        state = self._states.setdefault(platform, _State())
        state.failing.add(delivery_id)
        if len(state.failing) < OPEN_AFTER or self.open_until(platform, now) is not None:
            return None
        state.opened += 1
        state.open_until = now + backoff(state.opened, retry_after)
        return state.open_until
