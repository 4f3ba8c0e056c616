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


class Outbox(Protocol):
    async def send_dm(self, to: MemberAddress, reply: Reply) -> str | None:
        """DM a member; returns the DM channel id when the platform has one."""
        ...

    async def post_to_channel(
        self, platform: Platform, club_id: str, channel_id: str, reply: Reply
    ) -> None:
        """Post in a club channel."""
        ...
