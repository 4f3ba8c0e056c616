"""What a feature module provides, and the registry they add themselves to."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.replies import Section
from bot.router import Router
from bot.scheduling import ScheduledWork
from bot.store.models import Member

if TYPE_CHECKING:
    from bot.context import Context

_REGISTRY: dict[str, type[Feature]] = {}
F = TypeVar("F", bound="type[Feature]")


class Feature:
    """One capability end to end: commands, actions, scheduled work, and its member data.

    Subclasses set `name` and override what they need; `register` is required.
    """

    name: str = ""

    def register(self, router: Router) -> None:
        raise NotImplementedError

    def scheduled_work(self) -> list[ScheduledWork]:
        return []

    async def home_sections(self, ctx: Context) -> list[Section]:
        """This feature's part of the member's home view (Slack App Home, `/progress`)."""
        return []

    async def digest_counts(
        self, session: AsyncSession, club_id: int, since: datetime, until: datetime
    ) -> dict[str, int]:
        """Club-wide counts for the weekly digest, e.g. {"follow-ups kept": 7}. Never text."""
        return {}

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        """This feature's data about the member, as plain JSON-able values."""
        return {}

    async def delete_member(self, session: AsyncSession, member: Member) -> int:
        """Delete this feature's data about the member; returns how many rows went."""
        return 0


def feature(cls: F) -> F:
    """Class decorator: make a feature known to `bot.features.load_features`."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} needs a name")
    _REGISTRY[cls.name] = cls
    return cls


def registered() -> dict[str, type[Feature]]:
    return dict(_REGISTRY)
