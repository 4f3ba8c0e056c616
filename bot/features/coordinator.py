"""The coordinator's view: consent, an honest report, and reaching quiet members.

Job clubs are run by someone (a career adviser, a programme facilitator, a volunteer) who
needs to know whether the club works and whom to call. This feature gives them that, and
nothing a member did not agree to:

- Consent first. `/jobclub share-progress on` lets the club's coordinators (its admins)
  see the member's own figures: counts and dates, never answers, stories, contacts or the
  check-in's "stuck" line. It is off until the member turns it on, and turning it on
  shows the member exactly the row a coordinator would see. Everyone else is in the club
  totals only: never a row, never a name, never in the quiet list.
- Cohorts (`bot/features/cohorts.py`) group members who started together; a report can
  be narrowed to one (`Feature.report_group`: its members and span, never its tables),
  and an ended cohort's report stays available.
- `/jobclub report [COHORT] [from DATE] [to DATE]`: the totals, the consenting members'
  rows, as a message and as a CSV file. Every figure comes from the feature that owns it
  (`Feature.report_figures`); this module reads only the core's tables (members, active
  days) and its own. `docs/coordinators.md` defines each figure.
- `/jobclub quiet [DAYS]`: consenting members with no active day in that many days, each
  with a button to send them a kind check-in written by the coordinator and sent by the
  bot on their behalf (saying so). Quiet members who do not share are never named; those
  who opted in to nudges can get one club-wide "we miss you" DM.
- Every look at members' figures is written to an audit log (who, what, when, whose
  figures), and `/jobclub who-saw-me` shows a member their part of it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, delete, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity, members
from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, Figure, Group, Period, feature
from bot.replies import Attachment, Button, ButtonStyle, Reply, Section, Visibility
from bot.router import Router, number, word
from bot.router import text as text_arg
from bot.scheduling import DueFromQuery, DueItem, Leased, ScheduledWork
from bot.services import Services
from bot.store.models import (
    ActivityDay,
    CoordinatorMessage,
    CoordinatorView,
    CoordinatorViewSubject,
    Member,
    ProgressShare,
)
from bot.text import ascii_number, fold, shorten
from bot.timezones import local_instant, show_time
from bot.typed_days import read_day

MESSAGE_KIND = "coordinator-message"
MISS_YOU_KIND = "miss-you"
DEFAULT_QUIET_DAYS = 14
MAX_QUIET_DAYS = 365
MAX_QUIET_LISTED = 25
"""Buttons beyond this many make a reply nobody reads; the rest are counted."""
DEFAULT_REPORT_DAYS = 30
MISS_YOU_EVERY = timedelta(days=14)
"""A member gets the club-wide "we miss you" at most this often."""
MAX_MESSAGE = 1200
MAX_WHO_SAW = 20
LEFT_COORDINATOR = "a coordinator who has since left"
_PERIOD = re.compile(
    r"^(?P<cohort>.*?)\s*(?:\bfrom\s+(?P<first>.+?))?\s*(?:\b(?:to|until)\s+(?P<last>.+))?$",
    re.IGNORECASE,
)
VISIBLE = (
    "your name",
    "the last day you were active, your active days and your streak",
    "how many practice answers, stories, follow-ups kept and partner meetings you had",
    "your weekly check-in counts (applications, conversations, interviews, follow-ups, "
    "offers) and how many weeks you checked in",
    "whether you landed a job, and how many days after joining the club",
)
NEVER = "what you wrote: practice answers, stories, contacts, check-in wins, or where you're stuck"
MISS_YOU_TEXT = (
    "It's been a while since we saw you in the job club, and we miss you. A job search "
    "has quiet stretches, and that's fine. Whenever you feel like it, one small step is "
    "enough: `/tip` for an idea, `/practice` for one question, or `/checkin now` to count "
    "your week. If you'd rather hear less from me, `/nudges off` stops these."
)


def default_check_in(name: str, coordinator: str) -> str:
    """The kind message a coordinator can send as is, or edit."""
    return (
        f"Hi {name}, it's {coordinator}. I noticed we haven't seen you in the club for a "
        "little while and wanted to check how you're doing. No pressure and nothing to "
        "catch up on: if something would help (a chat, a practice partner, a break), "
        "just tell me."
    )


@dataclass
class MemberRow:
    """One consenting member's line of the report: counts and dates, nothing written."""

    member_id: int
    name: str
    last_active: date | None
    active_days: int
    streak: int
    values: dict[str, int] = field(default_factory=dict)


@dataclass
class Report:
    """What `/jobclub report` shows: the scope, the club totals, the consenting rows."""

    scope: str
    period: Period
    members: int
    active: int
    active_days: int
    figures: list[Figure]
    rows: list[MemberRow]
    not_sharing: int

    def totals(self) -> dict[str, int | float | None]:
        out: dict[str, int | float | None] = {
            "members": self.members,
            "members_active": self.active,
            "active_days": self.active_days,
        }
        out.update({f.key: f.total for f in self.figures})
        return out


@feature
class Coordinator(Feature):
    name = "coordinator"

    def register(self, router: Router) -> None:
        jobclub = partial(router.add_subcommand, "jobclub")
        jobclub(
            "share-progress",
            "Let the club's coordinators see your progress counts (`on`/`off`; off unless "
            "you turn it on).",
            self.on_share,
            args=(word("on|off", "on", "off", optional=True),),
            example="share-progress on",
        )
        jobclub(
            "who-saw-me",
            "Which coordinators looked at your progress figures, and when.",
            self.on_who_saw_me,
        )
        jobclub(
            "report",
            "Admins: club totals and sharing members' figures, with a CSV "
            "(`report [COHORT] [from DATE] [to DATE]`).",
            self.on_report,
            args=(text_arg("[COHORT] [from DATE] [to DATE]", optional=True),),
            admin_only=True,
            example="report spring from 1 nov to 30 nov",
        )
        jobclub(
            "quiet",
            "Admins: members who share their progress and had no activity in DAYS (14).",
            self.on_quiet,
            args=(number("DAYS", optional=True),),
            admin_only=True,
            example="quiet 7",
        )
        router.add_action("coord:report", self.on_report_button)
        router.add_action("coord:quiet", self.on_quiet_button)
        router.add_action("coord:write", self.on_write)
        router.add_action("coord:default", self.on_send_default)
        router.add_action("coord:cancel", self.on_cancel_write)
        router.add_action("coord:missyou", self.on_miss_you)
        router.add_conversation("coordinator", self.on_text, self.on_leave)

    def scheduled_work(self) -> list[ScheduledWork]:
        return [CoordinatorMessages()]

    # -- consent ------------------------------------------------------------------------

    async def on_share(self, ctx: Context) -> Reply:
        choice = ctx.args[0] if ctx.args else ""
        share = await ctx.session.get(ProgressShare, ctx.member.id)
        if choice == "off":
            if share is not None:
                share.on, share.since, share.updated_at = False, None, ctx.now
            return _private(
                ctx,
                "Sharing is off. Coordinators see you only inside the club's totals, and you "
                "are never listed as quiet. What they saw before stays in "
                "`/jobclub who-saw-me`.",
                {"sharing": False},
            )
        if choice == "on":
            if share is None:
                share = ProgressShare(member_id=ctx.member.id, updated_at=ctx.now)
                ctx.session.add(share)
            if not share.on:
                share.on, share.since = True, ctx.now
            share.updated_at = ctx.now
            await ctx.session.flush()
        sharing = bool(share and share.on)
        period = last_days(ctx.now, ctx.zone, DEFAULT_REPORT_DAYS)
        report = await build_report(ctx, [ctx.member], period, "you", sharing_only=False)
        row = report.rows[0]
        lines = [
            "Sharing is on." if choice == "on" else f"Sharing is {'on' if sharing else 'off'}.",
            "With it on, the club's coordinators (its admins) see in reports and the quiet list:",
            *(f"· {item}" for item in VISIBLE),
            f"Never {NEVER}.",
            "Every time one of them looks, it is logged: `/jobclub who-saw-me` shows you.",
        ]
        if not sharing:
            lines.append("It is off unless you turn it on: `/jobclub share-progress on`.")
        else:
            lines.append("`/jobclub share-progress off` stops it at any time.")
        return ctx.private(
            Reply(
                title="Sharing your progress with coordinators",
                text="\n".join(lines),
                sections=[
                    Section(
                        title="Exactly what they would see now (last 30 days)",
                        text=row_text(row, report.figures, ctx.now, ctx.zone),
                    )
                ],
                meta={"sharing": sharing, "row": row_values(row, report.figures)},
            )
        )

    async def on_who_saw_me(self, ctx: Context) -> Reply:
        rows = (
            await ctx.session.execute(
                select(CoordinatorView)
                .join(CoordinatorViewSubject, CoordinatorViewSubject.view_id == CoordinatorView.id)
                .where(CoordinatorViewSubject.member_id == ctx.member.id)
                .order_by(CoordinatorView.at.desc(), CoordinatorView.id.desc())
                .limit(MAX_WHO_SAW)
            )
        ).scalars()
        seen = [
            f"· {show_time(v.at, ctx.zone, ctx.now)}: {v.viewer_name} {_did(v.action)} ({v.scope})"
            for v in rows
        ]
        share = await ctx.session.get(ProgressShare, ctx.member.id)
        state = "on" if share and share.on else "off"
        if not seen:
            text = f"No coordinator has looked at your figures. Sharing is {state}."
        else:
            text = (
                f"Coordinators who saw your figures (newest first; sharing is {state}):\n"
                + "\n".join(seen)
            )
        return _private(ctx, text, {"views": len(seen)})

    # -- the report ---------------------------------------------------------------------

    async def on_report(self, ctx: Context) -> Reply:
        cohort, period = await read_report_args(ctx, ctx.text)
        return await self._report(ctx, cohort, period)

    async def on_report_button(self, ctx: Context) -> Reply:
        _admin(ctx)
        return await self._report(ctx, None, this_month(ctx.now, ctx.zone))

    async def _report(self, ctx: Context, cohort: Group | None, period: Period) -> Reply:
        scope = await _scope_members(ctx, cohort)
        label = _scope_label(cohort, period)
        report = await build_report(ctx, scope, period, label)
        await log_view(ctx, "report", label, [row.member_id for row in report.rows])
        csv_bytes = report_csv(report)
        filename = f"report-{cohort.name if cohort else 'club'}-{period.first}-{period.last}.csv"
        alt = (
            f"CSV report ({label}): {len(report.rows)} member "
            f"row{'' if len(report.rows) == 1 else 's'} "
            f"and a club total row over {report.members} members."
        )
        return ctx.private(
            Reply(
                title=f"Club report · {label}",
                text=totals_text(report),
                sections=[rows_section(report, ctx.now, ctx.zone)],
                attachments=[Attachment(csv_bytes, filename, alt, "text/csv")],
                meta={
                    "totals": report.totals(),
                    "rows": {row.name: row_values(row, report.figures) for row in report.rows},
                    "not_sharing": report.not_sharing,
                    "first": period.first.isoformat(),
                    "last": period.last.isoformat(),
                },
            )
        )

    # -- quiet members ------------------------------------------------------------------

    async def on_quiet(self, ctx: Context) -> Reply:
        days = int(ctx.args[0]) if ctx.args and ctx.args[0] else DEFAULT_QUIET_DAYS
        return await self._quiet(ctx, days)

    async def on_quiet_button(self, ctx: Context) -> Reply:
        _admin(ctx)
        days = ascii_number(ctx.args[0]) if ctx.args else None
        return await self._quiet(ctx, days or DEFAULT_QUIET_DAYS)

    async def _quiet(self, ctx: Context, days: int) -> Reply:
        if not 1 <= days <= MAX_QUIET_DAYS:
            raise UserError(f"Say a number of days from 1 to {MAX_QUIET_DAYS}, e.g. `quiet 14`.")
        quiet = await quiet_members(ctx, days)
        sharing = [q for q in quiet if q.sharing]
        reachable = [q for q in quiet if not q.sharing and q.nudges]
        listed = sharing[:MAX_QUIET_LISTED]
        lines = []
        if not sharing:
            lines.append(f"No member who shares their progress has been quiet for {days}+ days.")
        else:
            lines.append(f"Members who share their progress, quiet for {days}+ days:")
            for q in listed:
                lines.append(f"· {q.name}: {_last_seen(q.last_active, ctx.now, ctx.zone)}")
            if len(sharing) > len(listed):
                lines.append(f"…and {len(sharing) - len(listed)} more.")
            lines.append(
                "A button sends one a kind check-in written by you; it says it comes from you."
            )
        buttons = [Button(f"Check in with {q.name}", f"coord:write:{q.member_id}") for q in listed]
        if reachable:
            lines.append(
                f"{len(reachable)} other quiet member{'s' if len(reachable) != 1 else ''} "
                "who don't share their progress but opted in to nudges can get the club's "
                "“we miss you” DM (they are not named here)."
            )
            buttons.append(Button("Send “we miss you”", f"coord:missyou:{days}"))
        await log_view(ctx, "quiet", f"quiet for {days}+ days", [q.member_id for q in listed])
        return _private(
            ctx,
            "\n".join(lines),
            {
                "quiet": [q.name for q in listed],
                "miss_you_reachable": len(reachable),
                "days": days,
            },
            buttons=buttons,
        )

    async def on_write(self, ctx: Context) -> Reply:
        _admin(ctx)
        target = await _sharing_member(ctx, ctx.args[0] if ctx.args else "")
        await ctx.hold_dm(
            "coordinator",
            {"to": target.id},
            waiting_for=f"your check-in message to {target.display_name}",
        )
        kind = default_check_in(target.display_name, ctx.member.display_name)
        return Reply(
            title=f"A check-in for {target.display_name}",
            text=(
                f"Type your message to {target.display_name} here, in your own words, and I'll "
                f"send it to them as a DM from you (it says I send it on your behalf). Or send "
                f"this one:\n\n{kind}"
            ),
            buttons=[
                Button("Send this one", f"coord:default:{target.id}", ButtonStyle.PRIMARY),
                Button("Cancel", f"coord:cancel:{target.id}"),
            ],
            visibility=Visibility.DM,
            meta={"to": target.display_name, "default": kind},
        )

    async def on_send_default(self, ctx: Context) -> Reply:
        _admin(ctx)
        target = await _sharing_member(ctx, ctx.args[0] if ctx.args else "")
        text = default_check_in(target.display_name, ctx.member.display_name)
        return await self._send(ctx, target, text)

    async def on_cancel_write(self, ctx: Context) -> Reply:
        await ctx.release_dm("coordinator")
        return _private(ctx, "Nothing was sent.")

    async def on_text(self, ctx: Context, state: dict[str, Any]) -> Reply | None:
        if not ctx.is_admin:
            await ctx.release_dm("coordinator")
            return None
        target = await _sharing_member(ctx, str(state.get("to", "")))
        typed = ctx.text.strip()
        if len(typed) > MAX_MESSAGE:
            return _private(
                ctx, f"That's long for a check-in: keep it under {MAX_MESSAGE} characters."
            )
        return await self._send(ctx, target, typed)

    async def on_leave(self, ctx: Context, state: dict[str, Any], reason: str) -> str | None:
        return "Your check-in message was not sent."

    async def _send(self, ctx: Context, target: Member, text: str) -> Reply:
        await ctx.release_dm("coordinator")
        ctx.session.add(
            CoordinatorMessage(
                member_id=target.id,
                kind="check-in",
                text=text,
                sender_id=ctx.member.id,
                sender_name=ctx.member.display_name,
                send_at=ctx.now,
                created_at=ctx.now,
            )
        )
        await log_view(ctx, "message", "a check-in DM", [target.id])
        return _private(
            ctx,
            f"Sent to {target.display_name}, as from you:\n\n{text}",
            {"sent_to": target.display_name},
        )

    async def on_miss_you(self, ctx: Context) -> Reply:
        _admin(ctx)
        days = ascii_number(ctx.args[0]) if ctx.args else None
        quiet = await quiet_members(ctx, days or DEFAULT_QUIET_DAYS)
        reachable = [q.member_id for q in quiet if not q.sharing and q.nudges]
        recent = set(
            await ctx.session.scalars(
                select(CoordinatorMessage.member_id).where(
                    CoordinatorMessage.member_id.in_(reachable),
                    CoordinatorMessage.kind == MISS_YOU_KIND,
                    CoordinatorMessage.created_at > ctx.now - MISS_YOU_EVERY,
                )
            )
        )
        sending = [m for m in reachable if m not in recent]
        for member_id in sending:
            ctx.session.add(
                CoordinatorMessage(
                    member_id=member_id,
                    kind=MISS_YOU_KIND,
                    text=MISS_YOU_TEXT,
                    sender_id=ctx.member.id,
                    sender_name=ctx.member.display_name,
                    send_at=ctx.now,
                    created_at=ctx.now,
                )
            )
        skipped = len(reachable) - len(sending)
        note = f" ({skipped} had one in the last two weeks)" if skipped else ""
        return _private(
            ctx,
            f"“We miss you” goes to {len(sending)} member{'s' if len(sending) != 1 else ''}"
            f"{note}. It is the same for everyone and names nobody.",
            {"miss_you_sent": len(sending)},
        )

    # -- App Home, member data ------------------------------------------------------------

    async def home_sections(self, ctx: Context) -> list[Section]:
        """Admins: this month's club totals (no member's own figures: it is not logged).

        Opened on every visit to the Home tab, so it reads a summary, not the report: the
        members' ids once (their number is the members total, and the features take them
        for their figures), then each member's active days in the grouped query the report
        counts with (never every member's row, nor every member's every active day).
        """
        if not ctx.is_admin:
            return []
        period = this_month(ctx.now, ctx.zone)
        ids = list(
            await ctx.session.scalars(select(Member.id).where(Member.club_id == ctx.club.id))
        )
        figures = await report_figures(ctx, ids, period)
        days = await days_active(ctx.session, ids, period)
        report = Report(
            "this month", period, len(ids), len(days), sum(days.values()), figures, [], 0
        )
        return [
            Section(
                title=f"Coordinator · {_period_words(period)}",
                text=totals_text(report, rows_note=False)
                + "\n`/jobclub report` for members' rows and a CSV; `/jobclub quiet` for "
                "who went quiet.",
            )
        ]

    async def home_buttons(self, ctx: Context) -> list[Button]:
        if not ctx.is_admin:
            return []
        return [
            Button("Club report", "coord:report"),
            Button("Quiet members", f"coord:quiet:{DEFAULT_QUIET_DAYS}"),
        ]

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        share = await session.get(ProgressShare, member.id)
        seen_by = (
            await session.scalars(
                select(CoordinatorView)
                .join(CoordinatorViewSubject, CoordinatorViewSubject.view_id == CoordinatorView.id)
                .where(CoordinatorViewSubject.member_id == member.id)
                .order_by(CoordinatorView.at)
            )
        ).all()
        looked = (
            await session.scalars(
                select(CoordinatorView)
                .where(CoordinatorView.member_id == member.id)
                .order_by(CoordinatorView.at)
            )
        ).all()
        received = (
            await session.scalars(
                select(CoordinatorMessage)
                .where(CoordinatorMessage.member_id == member.id)
                .order_by(CoordinatorMessage.created_at)
            )
        ).all()
        sent = (
            await session.scalars(
                select(CoordinatorMessage)
                .where(CoordinatorMessage.sender_id == member.id)
                .order_by(CoordinatorMessage.created_at)
            )
        ).all()
        if not (share or seen_by or looked or received or sent):
            return {}
        return {
            "share_progress": {
                "on": bool(share and share.on),
                "since": _iso(share.since) if share else None,
            },
            "coordinators_who_saw_your_figures": [_view(v) for v in seen_by],
            "your_looks_as_coordinator": [_view(v) for v in looked],
            "messages_sent_to_you_by_coordinators": [_message(m) for m in received],
            "messages_you_sent_as_coordinator": [_message(m) for m in sent],
        }

    async def delete_member(self, session: AsyncSession, member: Member) -> int:
        removed = 0
        for statement in (
            delete(ProgressShare).where(ProgressShare.member_id == member.id),
            delete(CoordinatorViewSubject).where(CoordinatorViewSubject.member_id == member.id),
            delete(CoordinatorMessage).where(CoordinatorMessage.member_id == member.id),
        ):
            removed += (await session.execute(statement)).rowcount or 0
        # Looks they took as a coordinator stay for the members they looked at, unnamed.
        looked = await session.execute(
            update(CoordinatorView)
            .where(CoordinatorView.member_id == member.id)
            .values(member_id=None, viewer_name=LEFT_COORDINATOR)
        )
        sent = await session.execute(
            update(CoordinatorMessage)
            .where(CoordinatorMessage.sender_id == member.id)
            .values(sender_id=None, sender_name="a coordinator")
        )
        return removed + (looked.rowcount or 0) + (sent.rowcount or 0)


# -- the report's figures ------------------------------------------------------------------


async def build_report(
    ctx: Context,
    scope: Sequence[Member],
    period: Period,
    label: str,
    *,
    sharing_only: bool = True,
) -> Report:
    """Totals over `scope`, and rows for its members who share (all of them when
    `sharing_only` is False: the member's own preview of what sharing shows)."""
    ids = [m.id for m in scope]
    figures = await report_figures(ctx, ids, period)
    active_days = await days_active(ctx.session, ids, period)
    if sharing_only:
        sharing = await sharing_ids(ctx.session, ids)  # once, not once per member
        shown = [m for m in scope if m.id in sharing]
    else:
        shown = list(scope)
    at = min(ctx.now, period.until - timedelta(seconds=1))
    last_seen = await _last_active(ctx.session, [m.id for m in shown], period.last)
    fallback = ctx.services.settings.timezone
    streaks = await activity.streaks(  # one read for every row, not one per member
        ctx.session, [(m, members.zone_for(m, ctx.club, fallback)) for m in shown], at
    )
    rows = [
        MemberRow(
            member_id=member.id,
            name=member.display_name,
            last_active=last_seen.get(member.id),
            active_days=active_days.get(member.id, 0),
            streak=streaks[member.id],
            values={f.key: f.per_member.get(member.id, 0) for f in figures if f.in_rows},
        )
        for member in sorted(shown, key=lambda m: fold(m.display_name))
    ]
    return Report(
        scope=label,
        period=period,
        members=len(scope),
        active=len(active_days),
        active_days=sum(active_days.values()),
        figures=figures,
        rows=rows,
        not_sharing=len(scope) - len(rows) if sharing_only else 0,
    )


async def report_figures(ctx: Context, ids: Sequence[int], period: Period) -> list[Figure]:
    """Every feature's figures for these members over `period`, in the report's order."""
    figures: list[Figure] = []
    for feat in ctx.services.features:
        figures.extend(await feat.report_figures(ctx.session, ids, period))
    figures.sort(key=lambda f: f.order)
    return figures


async def days_active(
    session: AsyncSession, member_ids: Sequence[int], period: Period
) -> dict[int, int]:
    """How many days in `period` each of these members was active (a day counted once
    whatever they did), in one grouped query; members never active are left out.

    The report and the Home tab both count from this, so their totals always agree.
    """
    if not member_ids:
        return {}
    rows = await session.execute(
        select(ActivityDay.member_id, func.count(func.distinct(ActivityDay.day)))
        .where(
            ActivityDay.member_id.in_(member_ids),
            ActivityDay.day >= period.first,
            ActivityDay.day <= period.last,
        )
        .group_by(ActivityDay.member_id)
    )
    return {member_id: int(days) for member_id, days in rows}


async def _last_active(
    session: AsyncSession, member_ids: Sequence[int], up_to: date
) -> dict[int, date]:
    """Each member's last active day up to `up_to`, in one grouped query for the rows."""
    if not member_ids:
        return {}
    rows = await session.execute(
        select(ActivityDay.member_id, func.max(ActivityDay.day))
        .where(ActivityDay.member_id.in_(member_ids), ActivityDay.day <= up_to)
        .group_by(ActivityDay.member_id)
    )
    return {member_id: day for member_id, day in rows}


async def sharing_ids(session: AsyncSession, member_ids: Sequence[int]) -> set[int]:
    """Which of these members share their progress now."""
    return set(
        await session.scalars(
            select(ProgressShare.member_id).where(
                ProgressShare.member_id.in_(member_ids), ProgressShare.on.is_(True)
            )
        )
    )


def row_values(row: MemberRow, figures: Sequence[Figure]) -> dict[str, Any]:
    """A member's row as plain values, the CSV's columns (meta for tests, the JSON mode)."""
    return {
        "last_active": row.last_active.isoformat() if row.last_active else "",
        "active_days": row.active_days,
        "streak": row.streak,
        **{f.key: row.values.get(f.key, 0) for f in figures if f.in_rows},
    }


def row_text(row: MemberRow, figures: Sequence[Figure], now: datetime, zone: ZoneInfo) -> str:
    """One member's figures in words, on one line per kind of thing."""
    values = row.values
    landed = values.get("landed", 0)
    parts = [
        f"{f.label} {values[f.key]}"
        for f in figures
        if f.in_rows and f.key not in ("landed", "days_to_land") and values.get(f.key)
    ]
    outcome = (
        f"landed, {values.get('days_to_land', 0)} days after joining"
        if landed
        else "still searching (or not said)"
    )
    days = f"{row.active_days} active day{'' if row.active_days == 1 else 's'}"
    counts = ", ".join(parts) + " (all else 0)" if parts else "no counts in this period"
    return (
        f"{row.name}: {_last_seen(row.last_active, now, zone)}; {days}; streak {row.streak}\n"
        f"  {counts}\n  outcome: {outcome}"
    )


def totals_text(report: Report, *, rows_note: bool = True) -> str:
    lines = [
        f"Members: {report.members} · active: {report.active} "
        f"({report.active_days} active days between them)",
    ]
    for figure in report.figures:
        if figure.key == "days_to_land":
            continue
        value = figure.total if figure.total is not None else 0
        line = f"{figure.label.capitalize()}: {value}"
        if figure.key == "landed":
            median = next((f.total for f in report.figures if f.key == "days_to_land"), None)
            if median is not None:
                line += f" (median {median:g} days from joining)"
        lines.append(line)
    if rows_note and report.not_sharing:
        lines.append(
            f"{report.not_sharing} member{'s' if report.not_sharing != 1 else ''} "
            f"{'don' if report.not_sharing != 1 else 'doesn'}'t share their progress: "
            "in the totals only."
        )
    return "\n".join(lines)


def rows_section(report: Report, now: datetime, zone: ZoneInfo) -> Section:
    if not report.rows:
        return Section(
            title="Members who share their progress",
            text="Nobody in this report shares their progress (`/jobclub share-progress on`).",
        )
    return Section(
        title=f"Members who share their progress ({len(report.rows)})",
        text="\n".join(row_text(r, report.figures, now, zone) for r in report.rows),
    )


def report_csv(report: Report) -> bytes:
    """The report as CSV: one row per sharing member, then the club total row.

    Member names are user text: a cell that a spreadsheet would run as a formula gets a
    leading quote.
    """
    keys = [f.key for f in report.figures]
    header = ["row", "member", "last_active", "active", "active_days", "streak", *keys]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in report.rows:
        values = row_values(row, report.figures)
        writer.writerow(
            [
                "member",
                _cell(row.name),
                values["last_active"],
                int(row.active_days > 0),
                row.active_days,
                row.streak,
                *(values.get(k, "") for k in keys),
            ]
        )
    totals = report.totals()
    writer.writerow(
        [
            "club total",
            f"all {report.members} members ({report.scope})",
            "",
            report.active,
            report.active_days,
            "",
            *("" if totals[k] is None else f"{totals[k]:g}" for k in keys),
        ]
    )
    return out.getvalue().encode("utf-8")


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# -- quiet ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quiet:
    member_id: int
    name: str
    last_active: date | None
    sharing: bool
    nudges: bool


async def quiet_members(ctx: Context, days: int) -> list[Quiet]:
    """Members of the club with no active day in the last `days` days (counted to today in
    the coordinator's zone), who joined at least that long ago and have not landed."""
    today = ctx.now.astimezone(ctx.zone).date()
    cutoff = today - timedelta(days=days - 1)
    last = (
        select(ActivityDay.member_id, func.max(ActivityDay.day).label("last"))
        .join(Member, Member.id == ActivityDay.member_id)
        .where(Member.club_id == ctx.club.id)  # this club's days only, not every club's
        .group_by(ActivityDay.member_id)
        .subquery()
    )
    rows = (
        await ctx.session.execute(
            select(Member, last.c.last)
            .outerjoin(last, last.c.member_id == Member.id)
            .where(
                Member.club_id == ctx.club.id,
                Member.id != ctx.member.id,
                Member.created_at <= ctx.now - timedelta(days=days),
                or_(last.c.last.is_(None), last.c.last < cutoff),
            )
        )
    ).all()
    ids = [member.id for member, _ in rows]
    ever = Period(date.min, date.max, datetime.min.replace(tzinfo=UTC), ctx.now)
    landed: set[int] = set()
    for feat in ctx.services.features:
        for figure in await feat.report_figures(ctx.session, ids, ever):
            if figure.key == "landed":
                landed |= {m for m, v in figure.per_member.items() if v}
    sharing = await sharing_ids(ctx.session, ids)
    found = [
        Quiet(
            member.id,
            member.display_name,
            last_day,
            member.id in sharing,
            member.nudges_on
            and not (member.nudges_paused_until and member.nudges_paused_until > ctx.now),
        )
        for member, last_day in rows
        if member.id not in landed
    ]
    return sorted(found, key=lambda q: (q.last_active or date.min, fold(q.name)))


# -- the audit log ------------------------------------------------------------------------


async def log_view(ctx: Context, action: str, scope: str, subjects: Sequence[int]) -> None:
    """Record that the coordinator looked at (or acted on) these members' figures."""
    view = CoordinatorView(
        club_id=ctx.club.id,
        member_id=ctx.member.id,
        viewer_name=ctx.member.display_name,
        action=action,
        scope=shorten(scope, 300),
        at=ctx.now,
    )
    ctx.session.add(view)
    await ctx.session.flush()
    for member_id in dict.fromkeys(subjects):
        ctx.session.add(CoordinatorViewSubject(view_id=view.id, member_id=member_id))


def _did(action: str) -> str:
    return {
        "report": "saw a report with your figures and exported it as CSV",
        "quiet": "saw you in the quiet list",
        "message": "sent you a check-in",
    }.get(action, action)


# -- periods and dates -----------------------------------------------------------------------


def period_of(first: date, last: date, zone: ZoneInfo) -> Period:
    """Whole local days `first`..`last` in `zone`, with the instants that bound them."""
    return Period(
        first,
        last,
        local_instant(first, time(0, 0), zone),
        local_instant(last + timedelta(days=1), time(0, 0), zone),
    )


def last_days(now: datetime, zone: ZoneInfo, days: int) -> Period:
    today = now.astimezone(zone).date()
    return period_of(today - timedelta(days=days - 1), today, zone)


def this_month(now: datetime, zone: ZoneInfo) -> Period:
    today = now.astimezone(zone).date()
    return period_of(today.replace(day=1), today, zone)


async def read_report_args(ctx: Context, text: str) -> tuple[Group | None, Period]:
    """`[COHORT] [from DATE] [to DATE]`: the cohort (if named) and the days covered.

    Without dates: a cohort's own span (to today if it is still running), else the last
    30 days.
    """
    found = _PERIOD.match(text.strip())
    assert found is not None  # every part is optional
    name = found.group("cohort").strip()
    cohort = await _report_group(ctx, name) if name else None
    today = ctx.now.astimezone(ctx.zone).date()
    if cohort is not None:
        first = cohort.starts_at.astimezone(ctx.zone).date()
        end = cohort.ends_at - timedelta(seconds=1) if cohort.ends_at else ctx.now
        last = min(end.astimezone(ctx.zone).date(), today)
    else:
        default = last_days(ctx.now, ctx.zone, DEFAULT_REPORT_DAYS)
        first, last = default.first, default.last
    if found.group("first"):
        first = read_day(found.group("first"), ctx.now, ctx.zone, past=True)
    if found.group("last"):
        last = read_day(found.group("last"), ctx.now, ctx.zone, past=True)
    if last < first:
        raise UserError(
            f"The report would end ({last:%d %b %Y}) before it starts ({first:%d %b %Y})."
        )
    return cohort, period_of(first, last, ctx.zone)


def _scope_label(cohort: Group | None, period: Period) -> str:
    who = f"cohort {cohort.name}" if cohort else "the whole club"
    return f"{who}, {_period_words(period)}"


def _period_words(period: Period) -> str:
    first, last = period.first, period.last
    if first == last:
        return f"{first.day} {first:%b %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
    return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"


def _last_seen(last: date | None, now: datetime, zone: ZoneInfo) -> str:
    if last is None:
        return "no active day yet"
    ago = (now.astimezone(zone).date() - last).days
    when = "today" if ago == 0 else "yesterday" if ago == 1 else f"{ago} days ago"
    return f"last active {last.day} {last:%b %Y} ({when})"


# -- members ---------------------------------------------------------------------------------


async def _report_group(ctx: Context, name: str) -> Group:
    """The cohort a report is narrowed to, from the feature that keeps cohorts."""
    for feat in ctx.services.features:
        group = await feat.report_group(ctx.session, ctx.club.id, name)
        if group is not None:
            return group
    raise UserError(f"There is no cohort called “{shorten(name, 40)}”.")


async def _scope_members(ctx: Context, cohort: Group | None) -> list[Member]:
    query = select(Member).where(Member.club_id == ctx.club.id)
    if cohort is not None:
        query = query.where(Member.id.in_(cohort.member_ids))
    return list(await ctx.session.scalars(query))


async def _sharing_member(ctx: Context, member_id: str) -> Member:
    """The member a check-in button names: in this club, and still sharing."""
    number = ascii_number(member_id)
    member = await ctx.session.get(Member, number) if number is not None else None
    if member is None or member.club_id != ctx.club.id:
        raise UserError("That member is no longer in the club.")
    if not await sharing_ids(ctx.session, [member.id]):
        raise UserError(
            f"{member.display_name} no longer shares their progress, so I can't single them "
            "out. The club-wide “we miss you” still reaches members who opted in to nudges."
        )
    return member


def _admin(ctx: Context) -> None:
    """Buttons carry no admin check of their own: the handler makes it."""
    if not ctx.is_admin:
        raise UserError("Only club admins can do that.")


# -- the DMs sent on a coordinator's behalf ---------------------------------------------------


class CoordinatorMessages(DueFromQuery):
    """Sends the check-ins and "we miss you" DMs: each row claimed once from `send_at`."""

    kinds = (MESSAGE_KIND, MISS_YOU_KIND)

    def due_query(self) -> Select[tuple[datetime | None]]:
        return select(func.min(CoordinatorMessage.send_at))

    async def claim_due(
        self, session: AsyncSession, services: Services, now: datetime
    ) -> list[DueItem]:
        rows = list(
            await session.scalars(
                select(CoordinatorMessage).where(CoordinatorMessage.send_at <= now).limit(200)
            )
        )
        if not rows:
            return []
        # One UPDATE for the round: a row is won only if it still holds the instant read
        # above (no other claim took it), and RETURNING says which rows were won.
        won = set(
            await session.scalars(
                update(CoordinatorMessage)
                .where(
                    tuple_(CoordinatorMessage.id, CoordinatorMessage.send_at).in_(
                        [(row.id, row.send_at) for row in rows]
                    )
                )
                .values(send_at=None)
                .returning(CoordinatorMessage.id)
                .execution_options(synchronize_session=False)
            )
        )
        claimed = []
        for row in rows:
            due = row.send_at
            assert due is not None
            if row.id not in won:
                continue
            kind = MISS_YOU_KIND if row.kind == MISS_YOU_KIND else MESSAGE_KIND
            claimed.append(
                DueItem(
                    key=f"{kind}:{row.id}",
                    kind=kind,
                    due_at=due,
                    member_id=row.member_id,
                    ref_id=row.id,
                    useful_until=due + timedelta(days=3),
                )
            )
        return claimed

    async def render(
        self, session: AsyncSession, services: Services, delivery: Leased, now: datetime
    ) -> Reply | None:
        row = await session.get(CoordinatorMessage, delivery.ref_id) if delivery.ref_id else None
        if row is None:
            return None
        if row.kind == MISS_YOU_KIND:
            return Reply(
                title="We miss you",
                text=row.text + "\n\n(Sent to quiet members who opted in to nudges; the club's "
                "coordinators don't see who got it.)",
                visibility=Visibility.DM,
                meta={"miss_you": True},
            )
        return Reply(
            title=f"A message from {row.sender_name}",
            text=(
                f"{row.text}\n\n— {row.sender_name}, a coordinator of your job club. I (the "
                f"jobclub bot) sent this on {row.sender_name}'s behalf, because you share "
                "your progress figures with the coordinators. To answer, message them "
                "directly; `/jobclub share-progress off` stops the sharing."
            ),
            visibility=Visibility.DM,
            meta={"from": row.sender_name, "check_in": True},
        )


# -- small helpers --------------------------------------------------------------------------


def _view(view: CoordinatorView) -> dict[str, Any]:
    return {
        "coordinator": view.viewer_name,
        "action": view.action,
        "scope": view.scope,
        "at": _iso(view.at),
    }


def _message(message: CoordinatorMessage) -> dict[str, Any]:
    return {
        "kind": message.kind,
        "text": message.text,
        "from": message.sender_name,
        "created_at": _iso(message.created_at),
        "send_at": _iso(message.send_at),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _private(
    ctx: Context,
    text: str,
    meta: dict[str, Any] | None = None,
    *,
    buttons: list[Button] | None = None,
) -> Reply:
    return ctx.private(Reply(text=text, meta=meta or {}, buttons=buttons or []))
