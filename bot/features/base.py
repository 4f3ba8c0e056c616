"""What a feature module provides, and the registry they add themselves to.

Features stay in their rooms: a feature never imports another feature and never reads
or writes another feature's tables (`tests/test_feature_boundaries.py` checks both).
What one needs from another goes through a hook declared here, which every feature may
implement and any feature may ask all features for (`ctx.services.features`): progress
counts, a question worth another go, stories that fit a question, upcoming interviews,
a report's figures and the groups (cohorts) a report can be narrowed to.
A conversation that must end because another one takes the DM is told so by the core
(`Router.add_conversation`'s `on_leave`), not by the feature taking over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.replies import Button, Section
from bot.router import Router
from bot.scheduling import ScheduledWork
from bot.store.models import Member

if TYPE_CHECKING:
    from bot.context import Context


@dataclass
class ProgressPart:
    """A feature's block of `/progress`: its lines, its share of the reply's meta."""

    key: str
    """The meta key (`practice`, `stories`, `quiz`, `commitments_kept`)."""
    lines: list[str]
    meta: Any
    order: int = 50
    """Blocks are shown lowest first."""
    weekly: dict[str, list[int | None]] | None = None
    """Counts per week for the `/progress` chart, one value per week of the last
    `bot.weekly.CHART_WEEKS` (oldest first, None where nothing was recorded); the key
    `goal` is drawn as the goal line, and `missed` (1 or 0) marks weeks asked about and
    never answered."""


@dataclass(frozen=True)
class Interview:
    """An interview a member has coming up, as other features may see it."""

    id: int
    member_id: int
    company: str
    person: str | None
    at: datetime
    open_prep: frozenset[str] | None = None
    """The prep steps still open (research, interviewer, stories); None when the feature
    does not track them. A nudge only suggests prep that is still open."""
    reminds_on_the_day: bool = False
    """The feature itself reminds the member on the day (that morning, an hour before), so
    a daily nudge steps aside that day instead of saying the same thing again."""


@dataclass(frozen=True)
class SearchEnded:
    """What one feature stopped when a member's job search ended (`/landed`).

    `summary` is what the member is told ("2 interview steps closed"); `state` is what the
    feature needs to give it back on `/landed undo` (kept on the landing row, plain JSON).
    """

    summary: str
    state: dict[str, Any]


@dataclass(frozen=True)
class Period:
    """The span a coordinator's report covers: whole local days of the club's zone.

    `first` and `last` are those days (both included); `since` (included) and `until`
    (excluded) are the same span as UTC instants. Features count instants (an answer's
    `created_at`) against the instants and local days (a check-in week's Monday) against
    the days.
    """

    first: date
    last: date
    since: datetime
    until: datetime


@dataclass(frozen=True)
class Figure:
    """One figure of the coordinator's report (`Feature.report_figures`): counts only.

    `per_member` holds each member's value (members with none may be missing: they count
    as 0); `total` is the club figure for all the members asked about, given by the
    feature because it is not always a sum (a meeting of two members is one meeting, the
    time to land is a median). `docs/coordinators.md` defines every key.
    """

    key: str
    label: str
    per_member: dict[int, int]
    total: int | float | None
    order: int = 50
    in_rows: bool = True
    """Whether each consenting member's row shows it (False: club totals only)."""


@dataclass(frozen=True)
class Group:
    """A named group of a club's members a coordinator's report can be narrowed to (a
    cohort, `Feature.report_group`): who is in it and the span it ran, nothing else."""

    name: str
    member_ids: frozenset[int]
    starts_at: datetime
    ends_at: datetime | None
    """None while it runs with no end set."""


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

    async def home_buttons(self, ctx: Context) -> list[Button]:
        """Buttons this feature adds to the member's home view (e.g. admins' report)."""
        return []

    async def digest_counts(
        self, session: AsyncSession, club_id: int, since: datetime, until: datetime
    ) -> dict[str, int]:
        """Club-wide counts for the weekly digest, e.g. {"follow-ups kept": 7}. Never text."""
        return {}

    # -- hooks other features call (each returns "nothing" unless the feature overrides it) --

    async def progress(self, ctx: Context) -> ProgressPart | None:
        """This feature's block of `/progress`."""
        return None

    async def retry_question(
        self, session: AsyncSession, member: Member, now: datetime
    ) -> str | None:
        """A practice question id worth another go now (a weak answer, come back in a nudge)."""
        return None

    async def fitting_stories(
        self, session: AsyncSession, member: Member, competencies: Sequence[str], limit: int
    ) -> list[str]:
        """The member's own stories that show `competencies`, one line each ("#2 Title")."""
        return []

    async def upcoming_interviews(
        self, session: AsyncSession, member_ids: Sequence[int], now: datetime, until: datetime
    ) -> dict[int, Interview]:
        """Each member's soonest interview after `now` and up to `until` (one query a batch)."""
        return {}

    async def week_counts(
        self, session: AsyncSession, member: Member, since: datetime, until: datetime
    ) -> dict[str, int]:
        """Counts the feature already knows for a week of the search, for the weekly
        check-in to pre-fill: `interviews` (from /interview), `follow_ups` (marked Done)."""
        return {}

    async def end_search(
        self, session: AsyncSession, member: Member, now: datetime
    ) -> SearchEnded | None:
        """The member got a job: stop everything of this feature about the search (open
        steps, reminders, nudges). None when there was nothing to stop."""
        return None

    async def resume_search(
        self,
        session: AsyncSession,
        member: Member,
        state: dict[str, Any],
        now: datetime,
        zone: ZoneInfo,
    ) -> str | None:
        """`/landed undo`: give back what `end_search` stopped (its `state`); returns what
        the member is told, or None."""
        return None

    async def report_figures(
        self, session: AsyncSession, member_ids: Sequence[int], period: Period
    ) -> list[Figure]:
        """Counts for the coordinator's report (`/jobclub report`): each member's and the
        club total over `member_ids`, for `period`. Counts and dates only, never text;
        the coordinator feature decides whose rows are shown (consent)."""
        return []

    async def report_group(self, session: AsyncSession, club_id: int, name: str) -> Group | None:
        """The club's group called `name`, for a report narrowed to it (`/jobclub report
        spring`); None when the feature keeps no groups. A feature that keeps them raises
        `UserError` naming the ones it knows when `name` is none of them."""
        return None

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
