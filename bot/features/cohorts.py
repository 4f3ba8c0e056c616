"""Cohorts: groups of a club's members who started together.

An admin starts one (`/jobclub cohort start NAME [until DATE]`), members join it or an
admin adds them (names or mentions), and it ends on its date or when an admin ends it.
A coordinator's report can be narrowed to a cohort (`/jobclub report spring`): the
coordinator feature asks for it through `Feature.report_group` and gets its members and
its span, never this feature's tables. An ended cohort's report stays available.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import members
from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, Group, feature
from bot.replies import Reply
from bot.router import Router, word
from bot.router import text as text_arg
from bot.store.models import Cohort, CohortMember, Member
from bot.text import shorten
from bot.timezones import local_instant
from bot.typed_days import read_day

_COHORT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@feature
class Cohorts(Feature):
    name = "cohorts"

    def register(self, router: Router) -> None:
        jobclub = partial(router.add_subcommand, "jobclub")
        jobclub(
            "cohort",
            "Cohorts: groups of members who started together (`cohort join NAME`).",
            self.on_cohort_list,
        )
        cohort = partial(router.add_subcommand, "jobclub cohort")
        cohort(
            "start",
            "Admins: start a cohort, optionally ending on a date.",
            self.on_cohort_start,
            args=(word("NAME", ask="Name the cohort"), text_arg("[until DATE]", optional=True)),
            admin_only=True,
            example="start spring until 31 march",
        )
        cohort(
            "join",
            "Join a cohort.",
            self.on_cohort_join,
            args=(word("NAME", ask="Say which cohort"),),
            example="join spring",
        )
        cohort(
            "leave",
            "Leave a cohort.",
            self.on_cohort_leave,
            args=(word("NAME", ask="Say which cohort"),),
            example="leave spring",
            destructive=True,
        )
        cohort(
            "add",
            "Admins: add members to a cohort (names or mentions, separated by commas).",
            self.on_cohort_add,
            args=(word("NAME", ask="Say which cohort"), text_arg("MEMBERS", ask="Say who")),
            admin_only=True,
            example="add spring Ada, Grace",
        )
        cohort(
            "end",
            "Admins: end a cohort now (its report stays available).",
            self.on_cohort_end,
            args=(word("NAME", ask="Say which cohort"),),
            admin_only=True,
            example="end spring",
            destructive=True,
        )
        cohort("list", "The club's cohorts.", self.on_cohort_list)

    # -- commands -------------------------------------------------------------------------

    async def on_cohort_list(self, ctx: Context) -> Reply:
        cohorts = list(
            await ctx.session.scalars(
                select(Cohort).where(Cohort.club_id == ctx.club.id).order_by(Cohort.starts_at)
            )
        )
        if not cohorts:
            hint = " `/jobclub cohort start NAME` starts one." if ctx.is_admin else ""
            return _private(ctx, "The club has no cohorts yet." + hint)
        sizes = dict(
            (
                await ctx.session.execute(
                    select(CohortMember.cohort_id, func.count())
                    .where(CohortMember.cohort_id.in_([c.id for c in cohorts]))
                    .group_by(CohortMember.cohort_id)
                )
            ).all()
        )
        mine = set(
            await ctx.session.scalars(
                select(CohortMember.cohort_id).where(CohortMember.member_id == ctx.member.id)
            )
        )
        lines = ["Cohorts:"]
        for cohort in cohorts:
            count = sizes.get(cohort.id, 0)
            you = " · you're in it" if cohort.id in mine else ""
            lines.append(
                f"· {cohort.name}: {count} member{'' if count == 1 else 's'}, "
                f"{_span(cohort, ctx.now, ctx.zone)}{you}"
            )
        return _private(ctx, "\n".join(lines), {"cohorts": [c.name for c in cohorts]})

    async def on_cohort_start(self, ctx: Context) -> Reply:
        name = _cohort_name(ctx.args[0])
        ends_at = None
        rest = ctx.text.strip()
        if rest:
            phrase = re.sub(r"^(?:until|till|to|ends?|ending)\s+", "", rest, flags=re.IGNORECASE)
            if phrase == rest:
                raise UserError(
                    "A cohort's name is one word; after it only `until DATE`, e.g. "
                    "`/jobclub cohort start spring-2027 until 31 march`."
                )
            ends_at = _end_of_day(read_day(phrase, ctx.now, ctx.zone, past=False), ctx.zone)
            if ends_at <= ctx.now:
                raise UserError("A cohort can't end before it starts: pick a later date.")
        if await _cohort(ctx.session, ctx.club.id, name) is not None:
            raise UserError(f"There is already a cohort called {name}. Pick another name.")
        cohort = Cohort(
            club_id=ctx.club.id, name=name, starts_at=ctx.now, ends_at=ends_at, created_at=ctx.now
        )
        ctx.session.add(cohort)
        await ctx.session.flush()
        until = (
            f" It ends at the end of {_day(ends_at - timedelta(seconds=1), ctx.zone)}."
            if ends_at
            else " It runs until `/jobclub cohort end " + name + "`."
        )
        return _private(
            ctx,
            f"Cohort {name} started today.{until} Members join with `/jobclub cohort join "
            f"{name}`; `/jobclub cohort add {name} NAMES` adds them; `/jobclub report {name}` "
            "reports on it.",
            {"cohort": name, "ends_at": ends_at.isoformat() if ends_at else None},
        )

    async def on_cohort_join(self, ctx: Context) -> Reply:
        cohort = await _open_cohort(ctx, ctx.args[0])
        added = bool(
            await _add_to_cohort(ctx.session, cohort, [ctx.member.id], ctx.now, by_admin=False)
        )
        said = "You joined" if added else "You were already in"
        return _private(
            ctx,
            f"{said} cohort {cohort.name}. Coordinators see you in its totals; your own "
            "figures only if you turn on `/jobclub share-progress`.",
            {"cohort": cohort.name, "joined": added},
        )

    async def on_cohort_leave(self, ctx: Context) -> Reply:
        cohort = await _known_cohort(ctx.session, ctx.club.id, ctx.args[0])
        gone = await ctx.session.execute(
            delete(CohortMember).where(
                CohortMember.cohort_id == cohort.id, CohortMember.member_id == ctx.member.id
            )
        )
        if not gone.rowcount:
            return _private(ctx, f"You are not in cohort {cohort.name}.")
        return _private(ctx, f"You left cohort {cohort.name}.", {"left": cohort.name})

    async def on_cohort_add(self, ctx: Context) -> Reply:
        cohort = await _open_cohort(ctx, ctx.args[0])
        found, unknown, ambiguous = await members.find_members(ctx.session, ctx.club.id, ctx.text)
        new = await _add_to_cohort(
            ctx.session, cohort, [m.id for m in found], ctx.now, by_admin=True
        )
        added = [m.display_name for m in found if m.id in new]
        lines = []
        if added:
            lines.append(f"Added to cohort {cohort.name}: {', '.join(added)}.")
        # By id: two members may show the same name (added by mention).
        already = [m.display_name for m in found if m.id not in new]
        if already:
            lines.append(f"Already in it: {', '.join(already)}.")
        if unknown:
            lines.append(
                "I don't know "
                + ", ".join(f"“{shorten(u, 40)}”" for u in unknown)
                + " in this club: they need to use the bot once first."
            )
        if ambiguous:
            lines.append(
                "More than one member is called "
                + ", ".join(f"“{shorten(a, 40)}”" for a in ambiguous)
                + ": name them with a mention (@name) so I add the right one."
            )
        meta = {"added": added, "unknown": unknown, "ambiguous": ambiguous}
        return _private(ctx, "\n".join(lines), meta)

    async def on_cohort_end(self, ctx: Context) -> Reply:
        cohort = await _known_cohort(ctx.session, ctx.club.id, ctx.args[0])
        if cohort.ends_at is not None and cohort.ends_at <= ctx.now:
            return _private(ctx, f"Cohort {cohort.name} already ended.")
        cohort.ends_at = ctx.now
        return _private(
            ctx,
            f"Cohort {cohort.name} ended. Its report stays: `/jobclub report {cohort.name}`.",
            {"ended": cohort.name},
        )

    # -- hooks ----------------------------------------------------------------------------

    async def report_group(self, session: AsyncSession, club_id: int, name: str) -> Group:
        cohort = await _known_cohort(session, club_id, name)
        ids = await session.scalars(
            select(CohortMember.member_id).where(CohortMember.cohort_id == cohort.id)
        )
        return Group(cohort.name, frozenset(ids), cohort.starts_at, cohort.ends_at)

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        cohorts = (
            await session.execute(
                select(Cohort, CohortMember)
                .join(CohortMember, CohortMember.cohort_id == Cohort.id)
                .where(CohortMember.member_id == member.id)
            )
        ).all()
        if not cohorts:
            return {}
        return {
            "cohorts": [
                {
                    "name": c.name,
                    "starts_at": _iso(c.starts_at),
                    "ends_at": _iso(c.ends_at),
                    "joined_at": _iso(m.joined_at),
                    "added_by_an_admin": m.added_by_admin,
                }
                for c, m in cohorts
            ]
        }

    async def delete_member(self, session: AsyncSession, member: Member) -> int:
        gone = await session.execute(
            delete(CohortMember).where(CohortMember.member_id == member.id)
        )
        return gone.rowcount or 0


# -- cohorts and members ----------------------------------------------------------------------


def _cohort_name(raw: str) -> str:
    name = raw.strip().lower()
    if not _COHORT_NAME.match(name):
        raise UserError(
            "A cohort's name is one word of letters, digits or dashes (up to 40), "
            "e.g. `spring-2027`."
        )
    return name


async def _cohort(session: AsyncSession, club_id: int, name: str) -> Cohort | None:
    return await session.scalar(
        select(Cohort).where(Cohort.club_id == club_id, Cohort.name == name)
    )


async def _known_cohort(session: AsyncSession, club_id: int, name: str) -> Cohort:
    """The club's cohort called `name`; an unknown name gets the list of known ones."""
    cohort = await _cohort(session, club_id, name.strip().lower())
    if cohort is None:
        names = list(
            await session.scalars(
                select(Cohort.name).where(Cohort.club_id == club_id).order_by(Cohort.name)
            )
        )
        known = f" The club's cohorts: {', '.join(names)}." if names else " The club has none yet."
        raise UserError(f"There is no cohort called “{shorten(name, 40)}”.{known}")
    return cohort


async def _open_cohort(ctx: Context, name: str) -> Cohort:
    cohort = await _known_cohort(ctx.session, ctx.club.id, name)
    if cohort.ends_at is not None and cohort.ends_at <= ctx.now:
        raise UserError(
            f"Cohort {cohort.name} ended on {_day(cohort.ends_at - timedelta(seconds=1), ctx.zone)}"
            f"; its report stays: `/jobclub report {cohort.name}`."
        )
    return cohort


async def _add_to_cohort(
    session: AsyncSession, cohort: Cohort, member_ids: list[int], now: datetime, *, by_admin: bool
) -> set[int]:
    """Add these members to the cohort; the ids that were not in it yet (now added).

    Who is in it already is read once, and the rest are added together: an admin adding
    a dozen names runs the same statements as one.
    """
    if not member_ids:
        return set()
    there = set(
        await session.scalars(
            select(CohortMember.member_id).where(
                CohortMember.cohort_id == cohort.id, CohortMember.member_id.in_(member_ids)
            )
        )
    )
    new = [member_id for member_id in dict.fromkeys(member_ids) if member_id not in there]
    session.add_all(
        CohortMember(
            cohort_id=cohort.id, member_id=member_id, joined_at=now, added_by_admin=by_admin
        )
        for member_id in new
    )
    await session.flush()
    return set(new)


def _end_of_day(day: date, zone: ZoneInfo) -> datetime:
    return local_instant(day + timedelta(days=1), time(0, 0), zone)


def _day(instant: datetime, zone: ZoneInfo) -> str:
    local = instant.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y}"


def _span(cohort: Cohort, now: datetime, zone: ZoneInfo) -> str:
    started = _day(cohort.starts_at, zone)
    if cohort.ends_at is None:
        return f"since {started}"
    last = _day(cohort.ends_at - timedelta(seconds=1), zone)
    return f"{started} to {last}" + (" (ended)" if cohort.ends_at <= now else "")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _private(ctx: Context, text: str, meta: dict[str, Any] | None = None) -> Reply:
    return ctx.private(Reply(text=text, meta=meta or {}))
