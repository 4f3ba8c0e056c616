"""The outbound port: how the core sends messages nobody asked for just now.

Each adapter implements `Outbox`; the scheduler and features only see this.
"""

from __future__ import annotations

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
    """Sends the platform handles well at once (e.g. DMs to different channels)."""
    sends_per_second: float | None = None
    """The steady rate the platform allows overall; None when unknown."""


DEFAULT_PACE = Pace()


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
