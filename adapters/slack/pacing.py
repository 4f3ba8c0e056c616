"""Outbound pacing: about one message per second per channel, short bursts, a workspace cap.

Slack allows `chat.postMessage` roughly one message per second per channel (brief bursts
are tolerated) and several hundred per minute per workspace. Sending at that pace avoids
most 429s; the client's rate-limit retry handler covers the rest. Each `wait` reserves a
slot, so concurrent senders to one channel are spaced out rather than released together.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


class PacingTimeout(Exception):
    """The next free slot is further away than the caller is willing to wait."""


@dataclass
class _Bucket:
    rate: float
    burst: float
    tokens: float
    updated: float

    def delay(self, now: float) -> float:
        """Seconds until one token is available (without taking it)."""
        tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        return max(0.0, (1.0 - tokens) / self.rate)

    def take(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate) - 1.0
        self.updated = now


class Pacer:
    """Per-channel and workspace-wide token buckets."""

    def __init__(
        self,
        *,
        per_channel: float = 1.0,
        channel_burst: float = 3.0,
        workspace: float = 5.0,
        workspace_burst: float = 20.0,
        max_wait: float = 30.0,
        max_channels: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._per_channel = per_channel
        self._channel_burst = channel_burst
        self._max_wait = max_wait
        self._max_channels = max_channels
        self._clock = clock
        self._workspace = _Bucket(workspace, workspace_burst, workspace_burst, clock())
        self._channels: OrderedDict[str, _Bucket] = OrderedDict()

    def reserve(self, channel: str) -> float:
        """Take the next slot for `channel`; returns how long to wait before sending."""
        now = self._clock()
        bucket = self._channels.get(channel)
        if bucket is None:
            bucket = _Bucket(self._per_channel, self._channel_burst, self._channel_burst, now)
            self._channels[channel] = bucket
            if len(self._channels) > self._max_channels:
                self._channels.popitem(last=False)
        else:
            self._channels.move_to_end(channel)
        delay = max(bucket.delay(now), self._workspace.delay(now))
        if delay > self._max_wait:
            raise PacingTimeout(f"channel {channel} is busy for {delay:.0f} s")
        # Taking at `now` may leave a bucket negative: that debt is the queue ahead.
        bucket.take(now)
        self._workspace.take(now)
        return delay

    async def wait(self, channel: str) -> None:
        """Wait for this channel's next slot."""
        delay = self.reserve(channel)
        if delay > 0:
            await asyncio.sleep(delay)
