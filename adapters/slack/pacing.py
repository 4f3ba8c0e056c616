"""Outbound pacing: about one message per second per channel, short bursts, a workspace cap.

Slack allows `chat.postMessage` roughly one message per second per channel (brief bursts
are tolerated) and several hundred per minute per workspace. Sending at that pace avoids
most 429s; the client's rate-limit retry handler covers the rest. Each `wait` reserves a
slot, so concurrent senders to one channel are spaced out rather than released together.

Two kinds of callers want different things when a channel is busy:
- scheduled sends (the dispatcher's outbox) pass a `max_wait`; past it they get
  `PacingTimeout` with the delay, so the dispatcher retries later instead of holding
  its lease while it waits;
- replies to a member's own requests wait as long as it takes (`max_wait=None`): they
  are never dropped, and `replyline.py` keeps them in order.
The clock and the sleep are injected, so tests run on virtual time.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


class PacingTimeout(Exception):
    """The next free slot is further away than the caller is willing to wait.

    `delay` is how long it would have been, which is when to try again.
    """

    def __init__(self, channel: str, delay: float) -> None:
        super().__init__(f"channel {channel} is busy for {delay:.0f} s")
        self.delay = delay


SCHEDULED_MAX_WAIT = 10.0
"""Longest a scheduled send waits for its slot before it is handed back to the dispatcher."""


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

    def rested(self, now: float) -> bool:
        """Refilled to its burst: no different from a bucket made afresh."""
        return self.tokens + (now - self.updated) * self.rate >= self.burst

    def take(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate) - 1.0
        self.updated = now


class Pacer:
    """Per-channel and workspace-wide token buckets.

    A channel's bucket is forgotten once it has refilled (a few seconds after its last
    send), since a new one starts full: a 09:00 fan-out used to leave a bucket behind for
    every member it reached, ten thousand objects for each full garbage collection to
    walk. `max_channels` caps the channels sent to within those few seconds.
    """

    def __init__(
        self,
        *,
        per_channel: float = 1.0,
        channel_burst: float = 3.0,
        workspace: float = 5.0,
        workspace_burst: float = 20.0,
        max_channels: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._per_channel = per_channel
        self._channel_burst = channel_burst
        self._max_channels = max_channels
        self._clock = clock
        self._sleep = sleep
        self._workspace = _Bucket(workspace, workspace_burst, workspace_burst, clock())
        self._channels: OrderedDict[str, _Bucket] = OrderedDict()

    @property
    def rate(self) -> float:
        """The workspace-wide messages per second this pacer lets through."""
        return self._workspace.rate

    def reserve(self, channel: str, max_wait: float | None = None) -> float:
        """Take the next slot for `channel`; returns how long to wait before sending.

        With `max_wait`, a slot further away than that is not taken: `PacingTimeout`.
        """
        now = self._clock()
        self._forget_rested(now)
        bucket = self._channels.get(channel)
        if bucket is None:
            bucket = _Bucket(self._per_channel, self._channel_burst, self._channel_burst, now)
            self._channels[channel] = bucket
            if len(self._channels) > self._max_channels:
                self._channels.popitem(last=False)
        else:
            self._channels.move_to_end(channel)
        delay = max(bucket.delay(now), self._workspace.delay(now))
        if max_wait is not None and delay > max_wait:
            raise PacingTimeout(channel, delay)
        # Taking at `now` may leave a bucket negative: that debt is the queue ahead.
        bucket.take(now)
        self._workspace.take(now)
        return delay

    @property
    def channels_remembered(self) -> int:
        """Channels whose bucket is still refilling (or not yet looked at since)."""
        return len(self._channels)

    def _forget_rested(self, now: float) -> None:
        """Drop the buckets that have refilled, least recently used first, up to the first
        that has not: each bucket is dropped once, so this costs O(1) a call over time."""
        channels = self._channels
        while channels:
            oldest = next(iter(channels))
            if not channels[oldest].rested(now):
                return
            del channels[oldest]

    async def wait(self, channel: str, max_wait: float | None = None) -> None:
        """Wait for this channel's next slot (see `reserve` for `max_wait`)."""
        delay = self.reserve(channel, max_wait)
        if delay > 0:
            await self._sleep(delay)
