"""What a real platform does to a fan-out, for the fakes: a rate limit answered with 429
and `Retry-After`, round-trip latency, and a share of transient server errors.

`FakeSlack.limits` and `FakeDiscord.limits` take one; `bench/bench_fanout.py` uses them
to measure the dispatcher against a platform that pushes back.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field


@dataclass
class PlatformLimits:
    """A token bucket of `rate` requests a second (up to `burst` at once), `latency`
    seconds before every answer, and `flaky` of requests failing with a 5xx (not acted on,
    so a retry is safe)."""

    rate: float | None = None
    burst: float | None = None
    """Defaults to one second of `rate`."""
    latency: float = 0.0
    flaky: float = 0.0
    flaky_status: int = 503
    """The transient error's status. Slack answers a glitch with 500 or 503 (its SDK retries
    both); Discord's glitches are 500, 502 and 504 from its gateway (discord.py retries
    those itself; a 503 it hands straight back, as the sign of an outage)."""
    seed: int = 16
    limited: int = 0
    """How many requests were answered 429."""
    failed: int = 0
    """How many requests were answered with a transient 5xx."""
    _tokens: float | None = None
    _updated: float = field(default_factory=time.monotonic)
    _random: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    async def admit(self) -> tuple[int, float | None] | None:
        """None when the request may be served; else (status, Retry-After seconds)."""
        if self.latency:
            await asyncio.sleep(self.latency)
        if self.flaky and self._random.random() < self.flaky:
            self.failed += 1
            return self.flaky_status, None
        if self.rate is None:
            return None
        burst = self.burst or self.rate
        now = time.monotonic()
        tokens = burst if self._tokens is None else self._tokens
        tokens = min(burst, tokens + (now - self._updated) * self.rate)
        self._updated = now
        if tokens < 1.0:
            self._tokens = tokens
            self.limited += 1
            return 429, (1.0 - tokens) / self.rate
        self._tokens = tokens - 1.0
        return None
