"""The outbound port: how the core sends messages nobody asked for just now.

Each adapter implements `Outbox`; the scheduler and features only see this.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.events import Platform
from bot.replies import Reply


@dataclass(frozen=True, slots=True)
class MemberAddress:
    """Enough to reach a member on their platform without a lookup."""

    platform: Platform
    club_id: str
    user_id: str
    display_name: str
    dm_channel_id: str | None = None
    zone: str | None = None
    """The member's time zone (their choice, else their profile's, else the club's), so an
    adapter that shows when a message arrived (the console's `:clock`) shows their time."""


class SendError(Exception):
    """A platform refused or failed a send; `retryable` says whether trying later may work.

    `retry_after` carries the platform's own answer to "when?" (Slack's and Discord's
    `Retry-After`, in seconds), so the dispatcher never retries sooner than it was asked to.
    """

    def __init__(
        self, reason: str, *, retryable: bool = True, retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Pace:
    """How much sending an outbox can take, so the dispatcher sizes its leased batches.

    Optional: an outbox (or a deliver function) may expose a `pace` attribute. Without
    one the dispatcher sends one at a time and measures how long sends take, which is
    always safe; declaring a pace only lets it go faster or size batches sooner.
    """

    concurrency: int = 1
    """Sends the dispatcher may have in flight at once (each to a different member); the
    adapter's own pacer still decides when each request goes."""
    sends_per_second: float | None = None
    """The steady rate the platform allows overall; None when unknown."""


DEFAULT_PACE = Pace()

IN_FLIGHT_SECONDS = 1.0
"""An adapter that knows its rate offers this many seconds of it as concurrent sends: with
50–150 ms round trips (and a retry now and then) that keeps the platform's limit busy, while
the adapter's own pacer decides when each request really goes."""


def pace_for_rate(sends_per_second: float, *, least: int = 1) -> Pace:
    """The pace of an adapter whose platform allows `sends_per_second` overall."""
    concurrency = max(least, math.ceil(sends_per_second * IN_FLIGHT_SECONDS))
    return Pace(concurrency=concurrency, sends_per_second=sends_per_second)


def combined(paces: list[Pace]) -> Pace:
    """One dispatcher sending through several adapters at once: their capacities add up."""
    if not paces:
        return DEFAULT_PACE
    rates = [p.sends_per_second for p in paces]
    rate = None if any(r is None for r in rates) else sum(r for r in rates if r is not None)
    return Pace(concurrency=sum(p.concurrency for p in paces), sends_per_second=rate)


def pace_of(sender: object) -> Pace:
    """The pace `sender` declares, or the cautious default when it declares none."""
    pace = getattr(sender, "pace", None)
    if not isinstance(pace, Pace) or pace.concurrency < 1:
        return DEFAULT_PACE
    return pace


class Outbox(Protocol):
    async def send_dm(self, to: MemberAddress, reply: Reply) -> str | None:
        """DM a member; returns the DM channel id when the platform has one."""
        ...

    async def post_to_channel(
        self, platform: Platform, club_id: str, channel_id: str, reply: Reply
    ) -> None:
        """Post in a club channel."""
        ...

    async def send_group(
        self, to: Sequence[MemberAddress], reply: Reply, channel_id: str | None = None
    ) -> None:
        """One message that every member in `to` reads together (practice partners).

        Slack: a group DM (`conversations.open` with all of them). Discord, where a bot
        cannot open group DMs: a private thread in `channel_id` with them added, or the
        same message in each one's DM when no channel is set. Console: shown to each.
        """
        ...
