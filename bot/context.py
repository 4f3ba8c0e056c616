"""What a handler gets: the event, the member's rows, one DB session and the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot import focus, members
from bot.events import Event
from bot.replies import Reply, Visibility
from bot.store.models import Club, Member

if TYPE_CHECKING:
    from bot.content import Library
    from bot.services import Services


@dataclass
class Context:
    """One event being handled. `args` are the words after the command or action prefix."""

    event: Event
    session: AsyncSession
    club: Club
    member: Member
    services: Services
    text: str = ""
    args: tuple[str, ...] = ()

    @property
    def now(self) -> datetime:
        return self.services.clock.now()

    @property
    def zone(self) -> ZoneInfo:
        return members.zone_for(self.member, self.club, self.services.settings.timezone)

    @property
    def in_dm(self) -> bool:
        return self.event.place.is_dm

    @property
    def is_admin(self) -> bool:
        return self.event.member.is_admin

    @property
    def library(self) -> Library:
        return self.services.library

    async def hold_dm(
        self, owner: str, state: dict[str, Any] | None = None, waiting_for: str = ""
    ) -> list[str]:
        """Give the member's next free DM text to conversation `owner` (see `bot.focus`).

        `waiting_for` says in the member's words what the bot now waits for ("your answer
        to …"); help and the greeting repeat it. Returns what the conversation that lost
        the DM wants the member told, for the caller to put in its reply.
        """
        return await focus.hold(self, owner, state, waiting_for)

    async def release_dm(self, owner: str) -> bool:
        """End conversation `owner`, if it still holds the DM."""
        return await focus.release(self, owner)

    def private(self, reply: Reply) -> Reply:
        """Make `reply` for the member's eyes only: in their DM, or ephemeral in a channel."""
        reply.visibility = Visibility.DM if self.in_dm else Visibility.ONLY_MEMBER
        return reply
