"""`/checkin`: the weekly job-search check-in, and the club's weekly summary of it.

Job clubs work because members count what they do and see it add up. Once a week, on
the member's day and time (Friday 16:00 in their zone unless they change it), a DM asks
for five counts with quick buttons (typing "3", "three", "none" or "3 apps" works too),
then two optional lines: a win, and where they are stuck. Both stay private unless the
member presses Share, and the stuck line never leaves the member at all. Last, a goal
for next week, which the next check-in shows against the result.

A week is Monday to Sunday in the member's zone (`bot/weekly.py`). Answers are taken
late and can be changed until the week ends; a week asked about and never answered is
recorded as missed, never as zero. Counts the bot already knows (interviews from
`/interview`, follow-ups marked Done) come pre-filled from the features that keep them
(`Feature.week_counts`); this feature reads no other feature's tables.

Opt-in, offered once like nudges: a day after a member is first seen, once they have
been active (an active day: practice, a kept promise…), one DM offers it.

The club summary (`/jobclub checkin-summary on #channel`, admins) goes out on Monday
09:00 in the club's zone, after the week closed, whoever answered: totals, how many
checked in, the trend against the four weeks before, wins members chose to share, and
names only of members who turned shout-outs on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, delete, exists, func, not_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import members
from bot.charts import week_bars
from bot.clocktime import parse_minutes
from bot.clubclock import club_zone, settle_club_zone
from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, Figure, Period, ProgressPart, SearchEnded, feature
from bot.replies import Button, ButtonStyle, Reply, Section, Visibility
from bot.router import Router
from bot.router import text as text_arg
from bot.scheduling import DueFromQuery, DueItem, Leased, ScheduledWork
from bot.services import Services
from bot.store.database import insert_ignoring_conflict
from bot.store.models import (
    ActivityDay,
    CheckinPrefs,
    CheckinSummary,
    CheckinWeek,
    Club,
    Member,
)
from bot.text import ascii_number, fold, shorten
from bot.timezones import show_time
from bot.weekly import (
    BY_KEY,
    CHART_WEEKS,
    COUNT_KEYS,
    COUNTS,
    describe,
    next_weekly,
    read_bare_count,
    read_count,
    read_goal,
    recent_starts,
    week_bounds,
    week_end,
    week_label,
    week_start,
)

KIND = "weekly-checkin"
"""The delivery kind (and `meta.kind`): never `checkin`, which named the reminder's
follow-up before it became `still-open`."""
OFFER_KIND = "weekly-checkin-offer"
SUMMARY_KIND = "checkin-summary"
DEFAULT_WEEKDAY, DEFAULT_MINUTES = 4, 16 * 60
SUMMARY_WEEKDAY, SUMMARY_MINUTES = 0, 9 * 60
"""The club summary goes out Monday 09:00 club time: the week before has closed."""
OFFER_AFTER = timedelta(days=1)
"""The one offer comes a day after a member is first seen (the nudge offer comes first)."""
CLAIM_BATCH = 200
QUICK = (0, 1, 2, 3, 5, 10)
"""The quick-pick buttons for a count; anything else is typed."""
TEXT_STEPS = ("win", "stuck")
STEPS = (*COUNT_KEYS, *TEXT_STEPS, "goal")
MAX_TEXT = 500
MAX_SHARED_WINS = 10
MAX_NAMES = 20
TREND_WEEKS = 4
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SKIP_WORDS = frozenset({"skip", "pass", "no", "none", "nothing", "no goal", "not really", "nope"})
_CHANNEL = re.compile(r"^<#([A-Za-z0-9]+)(?:\|[^>]*)?>$|^#([\w-]{1,64})$")
_PROMPTS = {
    "win": "A win this week, big or small? Type it in a line, or Skip. Only you see it "
    "unless you press Share afterwards.",
    "stuck": "Where are you stuck? Type it in a line, or Skip. This stays between you and "
    "me: it is never shared, not even in the club summary.",
    "goal": "Your goal for next week? For example `10 applications, 3 conversations`. "
    "Next week's check-in shows it against what you did.",
}


@feature
class WeeklyCheckin(Feature):
    name = "checkin"

    def register(self, router: Router) -> None:
        router.add_command(
            "checkin",
            "A weekly DM to count your job-search week: applications, conversations, "
            "interviews, follow-ups, offers.",
            "/checkin",
            self.on_status,
        )
        sub = partial(router.add_subcommand, "checkin")
        sub(
            "on",
            "Turn the weekly check-in on (Friday 16:00 your time unless you say).",
            self.on_on,
            args=(text_arg("[DAY] [TIME]", optional=True),),
            example="on friday 16:00",
        )
        sub("off", "Stop the weekly check-in.", self.on_off)
        sub("now", "Answer this week's check-in now (or change your answers).", self.on_now)
        sub("status", "Your check-in settings and this week.", self.on_status, aliases=("show",))
        router.add_subcommand(
            "jobclub",
            "checkin-summary",
            "Admins: a weekly check-in summary in a channel (`checkin-summary on #channel`).",
            self.on_summary_status,
            admin_only=True,
        )
        verb = partial(router.add_subcommand, "jobclub checkin-summary", admin_only=True)
        verb(
            "on",
            "Post the club's check-in summary to a channel every Monday 09:00 club time.",
            self.on_summary_on,
            args=(text_arg("#CHANNEL", ask="Say which channel"),),
            example="on #jobclub",
        )
        verb("off", "Stop the weekly check-in summary.", self.on_summary_off)
        verb("preview", "Show last week's summary to you only.", self.on_summary_preview)
        router.add_action("checkin:on", self.on_offer_yes)
        router.add_action("checkin:later", self.on_offer_no)
        router.add_action("checkin:n", self.on_count_button)
        router.add_action("checkin:skip", self.on_skip_button)
        router.add_action("checkin:share", self.on_share)
        router.add_action("checkin:edit", self.on_edit)
        router.add_conversation("checkin", self.on_text, self.on_leave)
        router.add_dm_fallback(self.on_stray_count)

    def scheduled_work(self) -> list[ScheduledWork]:
        return [WeeklyAsk(), CheckinOffers(), WeeklySummary()]

    # -- settings -----------------------------------------------------------------------

    async def on_status(self, ctx: Context) -> Reply:
        prefs = await ctx.session.get(CheckinPrefs, ctx.member.id)
        if prefs is None or not prefs.on:
            return _private(
                ctx,
                "The weekly check-in is off. `/checkin on` sends one DM a week (Friday 16:00 "
                "your time) to count applications, conversations, interviews, follow-ups and "
                "offers; `/checkin on monday 09:00` picks another time.",
                {"checkin_on": False},
            )
        return await self._status(ctx, prefs, "")

    async def _status(self, ctx: Context, prefs: CheckinPrefs, lead: str) -> Reply:
        lines = [
            lead,
            f"Weekly check-in: on, {_when(prefs)} ({ctx.zone.key}).",
        ]
        if prefs.next_at:
            lines.append(f"Next one: {show_time(prefs.next_at, ctx.zone)}.")
        week = await _week(ctx.session, ctx.member.id, week_start(ctx.now, ctx.zone))
        if week is not None and week.status == "answered":
            lines.append(f"This week so far: {describe(_counts(week))}.")
        lines.append("`/checkin now` answers this week's now; `/checkin off` stops it.")
        return _private(
            ctx,
            "\n".join(line for line in lines if line),
            {
                "checkin_on": True,
                "next_at": prefs.next_at.astimezone(ctx.zone).isoformat()
                if prefs.next_at
                else None,
            },
        )

    async def on_on(self, ctx: Context) -> Reply:
        weekday, minutes = _read_schedule(ctx.text)
        prefs = await _prefs(ctx.session, ctx.member, ctx.now)
        prefs.on, prefs.weekday, prefs.minutes = True, weekday, minutes
        prefs.offered_at = prefs.offered_at or ctx.now
        prefs.next_at = next_weekly(prefs.weekday, prefs.minutes, ctx.zone, ctx.now)
        prefs.updated_at = ctx.now
        return await self._status(ctx, prefs, "The weekly check-in is on.")

    async def on_off(self, ctx: Context) -> Reply:
        prefs = await _prefs(ctx.session, ctx.member, ctx.now)
        prefs.on, prefs.next_at, prefs.updated_at = False, None, ctx.now
        await ctx.release_dm("checkin")
        return _private(
            ctx,
            "The weekly check-in is off. Your past weeks stay in `/progress`; "
            "`/checkin on` brings it back.",
            {"checkin_on": False},
        )

    async def on_offer_yes(self, ctx: Context) -> Reply:
        return await self.on_on(ctx)

    async def on_offer_no(self, ctx: Context) -> Reply:
        prefs = await _prefs(ctx.session, ctx.member, ctx.now)
        prefs.offered_at = prefs.offered_at or ctx.now
        return _private(ctx, "No problem. `/checkin on` whenever you want it.")

    # -- answering ----------------------------------------------------------------------

    async def on_now(self, ctx: Context) -> Reply:
        start = week_start(ctx.now, ctx.zone)
        week = await _ensure_week(ctx, start)
        return await self._ask(ctx, week, _first_open_step(week))

    async def on_edit(self, ctx: Context) -> Reply:
        week = await self._own_open_week(ctx, ctx.args[0] if ctx.args else "")
        if isinstance(week, Reply):
            return week
        return await self._ask(ctx, week, STEPS[0], editing=True)

    async def on_count_button(self, ctx: Context) -> Reply:
        """`checkin:n:<week>:<count>:<value>`, pressed on a question."""
        week_id, key, value, mode = (*ctx.args, "", "", "", "")[:4]
        number = ascii_number(value, max_digits=3)
        if key not in COUNT_KEYS or number is None:
            raise UserError("That button is out of date. `/checkin now` asks again.")
        week = await self._own_open_week(ctx, week_id)
        if isinstance(week, Reply):
            return week
        return await self._answer(ctx, week, key, number, editing=mode == "edit")

    async def on_skip_button(self, ctx: Context) -> Reply:
        week_id, step = (*ctx.args, "", "")[:2]
        if step not in (*TEXT_STEPS, "goal"):
            raise UserError("That button is out of date. `/checkin now` asks again.")
        week = await self._own_open_week(ctx, week_id)
        if isinstance(week, Reply):
            return week
        return await self._next(ctx, week, step, editing=bool(ctx.args[2:]))

    async def on_text(self, ctx: Context, state: dict[str, Any]) -> Reply | None:
        week = await self._own_open_week(ctx, str(state.get("week", "")))
        if isinstance(week, Reply):
            await ctx.release_dm("checkin")
            return week
        step = str(state.get("step", ""))
        editing = bool(state.get("editing"))
        typed = ctx.text.strip()
        if fold(typed) in _SKIP_WORDS and step not in COUNT_KEYS:
            return await self._next(ctx, week, step, editing=editing)
        if step in COUNT_KEYS:
            number = read_count(typed)
            if number is None:
                return _private(
                    ctx,
                    f"I could not read a number in “{shorten(typed, 40)}”. Type a count such "
                    "as `3`, `three` or `none`, or press a button.",
                )
            return await self._answer(ctx, week, step, number, editing=editing)
        if step in TEXT_STEPS:
            setattr(week, step, shorten(typed, MAX_TEXT))
            week.updated_at = ctx.now
            return await self._next(ctx, week, step, editing=editing)
        if step == "goal":
            goal = read_goal(typed)
            if goal is None:
                return _private(
                    ctx,
                    f"I could not read a goal in “{shorten(typed, 40)}”. Try `10 applications, "
                    "3 conversations`, or press Skip.",
                )
            week.goal, week.updated_at = goal, ctx.now
            return await self._finish(ctx, week)
        return None

    async def on_leave(self, ctx: Context, state: dict[str, Any], reason: str) -> str | None:
        return "The weekly check-in is paused: `/checkin now` picks it up where you were."

    async def on_stray_count(self, ctx: Context) -> Reply | None:
        """A bare count typed in the DM after the check-in arrived, before any button:
        it answers the first question still open this week."""
        count = read_bare_count(ctx.text.strip())
        if count is None:
            return None
        week = await _week(ctx.session, ctx.member.id, week_start(ctx.now, ctx.zone))
        if week is None or week.status != "asked":
            return None
        step = _first_open_step(week)
        if step not in COUNT_KEYS:
            return None
        return await self._answer(ctx, week, step, count)

    async def on_share(self, ctx: Context) -> Reply:
        week = await self._own_open_week(ctx, ctx.args[0] if ctx.args else "")
        if isinstance(week, Reply):
            return week
        if not week.win:
            return _private(ctx, "There is no win to share this week yet.")
        week.win_shared_at = week.win_shared_at or ctx.now
        named = (
            "with your name (shout-outs are on)"
            if ctx.member.shoutouts
            else "without your name (`/jobclub shoutouts on` adds it)"
        )
        return _private(
            ctx,
            f"Shared: your win goes in the club's weekly summary, {named}. "
            "Where you are stuck is never shared.",
            {"shared": True},
        )

    async def _own_open_week(self, ctx: Context, week_id: str) -> CheckinWeek | Reply:
        number = ascii_number(week_id)
        week = await ctx.session.get(CheckinWeek, number) if number is not None else None
        if week is None or week.member_id != ctx.member.id:
            raise UserError("That check-in is not one of yours. `/checkin now` starts this week's.")
        if ctx.now >= week_end(week.week_start, ctx.zone):
            said = "missed" if week.status != "answered" else "as you answered it"
            return _private(
                ctx,
                f"The {week_label(week.week_start)} has ended, so it stays recorded {said}. "
                "`/checkin now` opens this week's.",
                {"closed": True},
            )
        return week

    async def _answer(
        self, ctx: Context, week: CheckinWeek, key: str, value: int, *, editing: bool = False
    ) -> Reply:
        setattr(week, key, value)
        if week.status != "answered":
            week.status, week.answered_at = "answered", ctx.now
        week.updated_at = ctx.now
        return await self._next(ctx, week, key, editing=editing)

    async def _next(self, ctx: Context, week: CheckinWeek, step: str, *, editing: bool) -> Reply:
        following = STEPS[STEPS.index(step) + 1] if step != "goal" else None
        if following is None:
            return await self._finish(ctx, week)
        if not editing and following in COUNT_KEYS and getattr(week, following) is not None:
            # Already answered this week (an earlier round): go on to what is still open.
            following = _first_open_step(week, after=following)
        return await self._ask(ctx, week, following, editing=editing)

    async def _ask(
        self, ctx: Context, week: CheckinWeek, step: str, *, editing: bool = False
    ) -> Reply:
        """One question of the check-in; the member's next typed DM answers it."""
        await ctx.hold_dm(
            "checkin",
            {"week": week.id, "step": step, "editing": editing},
            waiting_for=f"your check-in answer ({_step_name(step)})",
        )
        reply = await question(ctx.session, ctx.services, ctx.member, week, step, ctx.now, editing)
        return ctx.private(reply)

    async def _finish(self, ctx: Context, week: CheckinWeek) -> Reply:
        await ctx.release_dm("checkin")
        if week.status != "answered":
            week.status, week.answered_at = "answered", ctx.now
        earlier = await _week(ctx.session, ctx.member.id, week.week_start - timedelta(days=7))
        goal = earlier.goal if earlier is not None else {}
        lines = [f"Thanks, that's your {week_label(week.week_start)}:"]
        lines += _result_lines(week, goal)
        sections = []
        if week.win:
            shared = " (shared)" if week.win_shared_at else " (only you see it)"
            sections.append(Section(title="Your win" + shared, text=week.win))
        if week.stuck:
            sections.append(Section(title="Where you're stuck (private)", text=week.stuck))
        if week.goal:
            sections.append(Section(title="Goal for next week", text=describe(week.goal)))
        until = week_end(week.week_start, ctx.zone) - timedelta(minutes=1)
        lines.append(f"You can change these until {show_time(until, ctx.zone)}.")
        buttons = [Button("Edit answers", f"checkin:edit:{week.id}")]
        if week.win and not week.win_shared_at:
            buttons.insert(0, Button("Share my win", f"checkin:share:{week.id}"))
        return ctx.private(
            Reply(
                title="Check-in saved",
                text="\n".join(lines),
                sections=sections,
                buttons=buttons,
                meta={"week": week.week_start.isoformat(), "counts": _counts(week)},
            )
        )

    # -- the club summary ---------------------------------------------------------------

    async def on_summary_status(self, ctx: Context) -> Reply:
        row = await ctx.session.get(CheckinSummary, ctx.club.id)
        zone = club_zone(ctx.club, ctx.services)
        if row is None or not row.channel or row.next_at is None:
            return _private(ctx, "Turn it on with `/jobclub checkin-summary on #channel`.")
        return _private(
            ctx,
            f"The check-in summary goes to channel {row.channel} every Monday at 09:00 "
            f"{zone.key}; next {show_time(row.next_at, zone)}.",
        )

    async def on_summary_on(self, ctx: Context) -> Reply:
        found = _CHANNEL.match(ctx.text.strip().split()[0] if ctx.text.strip() else "")
        if not found:
            raise UserError("Name the channel, e.g. `/jobclub checkin-summary on #jobclub`.")
        channel = found.group(1) or found.group(2)
        typed_zone = " ".join(ctx.text.strip().split()[1:])
        zone, source = settle_club_zone(
            ctx, typed_zone, "/jobclub checkin-summary on #jobclub Europe/Paris"
        )
        row = await ctx.session.get(CheckinSummary, ctx.club.id)
        if row is None:
            row = CheckinSummary(club_id=ctx.club.id, updated_at=ctx.now)
            ctx.session.add(row)
        row.channel, row.updated_at = channel, ctx.now
        row.next_at = next_weekly(SUMMARY_WEEKDAY, SUMMARY_MINUTES, zone, ctx.now)
        return _private(
            ctx,
            f"The weekly check-in summary will go to that channel every Monday at 09:00 "
            f"{zone.key} (the club's time zone: {source}), first on "
            f"{show_time(row.next_at, zone)}. It holds totals, how many "
            "checked in, the trend, wins members chose to share, and names only of members "
            "with shout-outs on. Nobody's “stuck” line is ever in it.",
            {"channel": channel, "next_at": row.next_at.isoformat(), "zone": zone.key},
        )

    async def on_summary_off(self, ctx: Context) -> Reply:
        row = await ctx.session.get(CheckinSummary, ctx.club.id)
        if row is not None:
            row.channel, row.next_at, row.updated_at = None, None, ctx.now
        return _private(ctx, "The weekly check-in summary is off.")

    async def on_summary_preview(self, ctx: Context) -> Reply:
        zone = club_zone(ctx.club, ctx.services)
        start = week_start(ctx.now, zone) - timedelta(days=7)
        return _private(ctx, await summary_text(ctx.session, ctx.club, start), {"preview": True})

    # -- hooks --------------------------------------------------------------------------

    async def progress(self, ctx: Context) -> ProgressPart | None:
        weeks = await recent_weeks(ctx.session, ctx.member.id, ctx.now, ctx.zone, CHART_WEEKS)
        if not any(weeks.values()):
            return None
        starts = sorted(weeks)
        series: dict[str, list[int | None]] = {key: [] for key in (*COUNT_KEYS, "goal")}
        for index, start in enumerate(starts):
            week = weeks[start]
            before = weeks.get(starts[index - 1]) if index else None
            for key in COUNT_KEYS:
                series[key].append(getattr(week, key) if _counted(week) else None)
            goal = sum(before.goal.values()) if before is not None and before.goal else None
            series["goal"].append(goal)
        # The last four weeks once, in words with a bar first (the text chart): the
        # picture covers twelve, and its alt text states every number.
        rows: list[tuple[int | None, int | None, str]] = []
        for index in range(max(0, len(starts) - 4), len(starts)):
            week = weeks[starts[index]]
            before = weeks.get(starts[index - 1]) if index else None
            total = sum(_counts(week).values()) if week is not None and _counted(week) else None
            goal = before.goal if before is not None and before.goal else {}
            words = _week_line(starts[index], week, goal, ctx.now, ctx.zone)
            rows.append((total, series["goal"][index], words))
        lines = ["Weekly check-ins, last 4 weeks (a bar adds up all five counts)", *week_bars(rows)]
        return ProgressPart(
            key="weekly",
            lines=lines,
            meta={
                "weeks": [s.isoformat() for s in starts],
                "status": [_state(weeks[s], ctx.now, ctx.zone) for s in starts],
                **series,
            },
            order=5,
            weekly={
                **{key: series[key] for key in (*COUNT_KEYS, "goal")},
                "missed": [int(_state(weeks[s], ctx.now, ctx.zone) == "missed") for s in starts],
            },
        )

    async def report_figures(
        self, session: AsyncSession, member_ids: Sequence[int], period: Period
    ) -> list[Figure]:
        """Weekly check-ins whose week starts (Monday, the member's zone) in the period:
        weeks answered, and each count summed over them. Never the win or stuck lines."""
        rows = (
            await session.execute(
                select(
                    CheckinWeek.member_id, *(getattr(CheckinWeek, key) for key in COUNT_KEYS)
                ).where(
                    CheckinWeek.member_id.in_(member_ids),
                    CheckinWeek.status == "answered",
                    CheckinWeek.week_start >= period.first,
                    CheckinWeek.week_start <= period.last,
                )
            )
        ).all()
        answered: dict[int, int] = {}
        sums: dict[str, dict[int, int]] = {key: {} for key in COUNT_KEYS}
        for row in rows:
            answered[row.member_id] = answered.get(row.member_id, 0) + 1
            for key in COUNT_KEYS:
                per = sums[key]
                per[row.member_id] = per.get(row.member_id, 0) + (getattr(row, key) or 0)
        figures = [Figure("checkins", "check-ins answered", answered, len(rows), 70)]
        for position, count in enumerate(COUNTS, start=1):
            per = sums[count.key]
            figures.append(
                Figure(
                    f"checkin_{count.key}",
                    f"{count.label.lower()} (check-ins)",
                    per,
                    sum(per.values()),
                    70 + position,
                )
            )
        return figures

    async def end_search(
        self, session: AsyncSession, member: Member, now: datetime
    ) -> SearchEnded | None:
        prefs = await session.get(CheckinPrefs, member.id)
        if prefs is None or not prefs.on:
            return None
        prefs.on, prefs.next_at, prefs.updated_at = False, None, now
        return SearchEnded("weekly check-ins stopped", {"on": True})

    async def resume_search(
        self,
        session: AsyncSession,
        member: Member,
        state: dict[str, Any],
        now: datetime,
        zone: ZoneInfo,
    ) -> str | None:
        prefs = await session.get(CheckinPrefs, member.id)
        if not state.get("on") or prefs is None:
            return None
        prefs.on, prefs.updated_at = True, now
        prefs.next_at = next_weekly(prefs.weekday, prefs.minutes, zone, now)
        return "weekly check-ins are back on"

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        prefs = await session.get(CheckinPrefs, member.id)
        weeks = await session.scalars(
            select(CheckinWeek)
            .where(CheckinWeek.member_id == member.id)
            .order_by(CheckinWeek.week_start)
        )
        # Weeks exist without prefs too (`/checkin now` never turned it on): export them.
        settings = (
            {
                "on": prefs.on,
                "weekday": _WEEKDAYS[prefs.weekday],
                "time": _hhmm(prefs.minutes),
                "next_at": _iso(prefs.next_at),
                "offered_at": _iso(prefs.offered_at),
            }
            if prefs is not None
            else {}
        )
        found = [
            {
                "week_start": w.week_start.isoformat(),
                "status": w.status,
                **{key: getattr(w, key) for key in COUNT_KEYS},
                "prefilled": w.prefilled,
                "win": w.win,
                "win_shared_at": _iso(w.win_shared_at),
                "stuck": w.stuck,
                "goal_for_next_week": w.goal,
                "asked_at": _iso(w.asked_at),
                "answered_at": _iso(w.answered_at),
            }
            for w in weeks
        ]
        if not settings and not found:
            return {}
        return {**settings, "weeks": found}

    async def delete_member(self, session: AsyncSession, member: Member) -> int:
        weeks = await session.execute(delete(CheckinWeek).where(CheckinWeek.member_id == member.id))
        prefs = await session.execute(
            delete(CheckinPrefs).where(CheckinPrefs.member_id == member.id)
        )
        return (weeks.rowcount or 0) + (prefs.rowcount or 0)


# -- questions -----------------------------------------------------------------------------


async def question(
    session: AsyncSession,
    services: Services,
    member: Member,
    week: CheckinWeek,
    step: str,
    now: datetime,
    editing: bool = False,
) -> Reply:
    """The reply asking `step` of `week`, with its quick buttons."""
    title = f"Weekly check-in · {week_label(week.week_start)}"
    position = STEPS.index(step) + 1
    lines: list[str] = []
    if step == STEPS[0]:
        club = await session.get(Club, member.club_id)
        zone = members.zone_for(member, club, services.settings.timezone) if club else None
        earlier = await _week(session, member.id, week.week_start - timedelta(days=7))
        if earlier is not None and earlier.goal:
            lines.append(f"Your goal for this week: {describe(earlier.goal)}.")
        if zone is not None and not editing:
            until = week_end(week.week_start, zone) - timedelta(minutes=1)
            lines.append(
                "Five quick counts, then two optional lines and a goal. Answer any time "
                f"until {show_time(until, zone)}; you can change answers until then."
            )
    buttons: list[Button] = []
    suffix = ":edit" if editing else ""
    if step in COUNT_KEYS:
        count = BY_KEY[step]
        lines.append(f"{position}/5 · {count.question}")
        known = (await _prefill(session, services, member, week, now)).get(step)
        current = getattr(week, step)
        if current is not None:
            lines.append(f"Now: {current}. Press a number or type another to change it.")
        elif known is not None:
            lines.append(f"I counted {known} from what you told me this week.")
            buttons.append(
                Button(
                    f"Keep {known}",
                    f"checkin:n:{week.id}:{step}:{known}{suffix}",
                    ButtonStyle.PRIMARY,
                )
            )
        buttons += [
            Button(f"{n}+" if n == QUICK[-1] else str(n), f"checkin:n:{week.id}:{step}:{n}{suffix}")
            for n in QUICK
            if not (known is not None and current is None and n == known)
        ]
        lines.append("Or type a number.")
    else:
        lines.append(_PROMPTS[step])
        current = getattr(week, step) if step in TEXT_STEPS else None
        if current:
            lines.append(f"Now: “{shorten(current, 120)}”. Type a new one to replace it.")
        label = "No goal this week" if step == "goal" else "Skip"
        buttons.append(Button(label, f"checkin:skip:{week.id}:{step}{suffix}"))
    return Reply(
        title=title,
        text="\n".join(lines),
        buttons=buttons,
        visibility=Visibility.DM,
        meta={"week": week.week_start.isoformat(), "step": step},
    )


async def _prefill(
    session: AsyncSession, services: Services, member: Member, week: CheckinWeek, now: datetime
) -> dict[str, int]:
    """What the features that keep them counted this week (`Feature.week_counts`)."""
    club = await session.get(Club, member.club_id)
    if club is None:
        return {}
    zone = members.zone_for(member, club, services.settings.timezone)
    since, until = week_bounds(week.week_start, zone)
    found: dict[str, int] = {}
    for feat in services.features:
        for key, value in (await feat.week_counts(session, member, since, until)).items():
            if key in COUNT_KEYS:
                found[key] = found.get(key, 0) + value
    if found != week.prefilled:
        week.prefilled = found
    return found


def _first_open_step(week: CheckinWeek, after: str | None = None) -> str:
    """The first step from `after` on that is not a count already given."""
    for step in STEPS[STEPS.index(after) if after else 0 :]:
        if step not in COUNT_KEYS or getattr(week, step) is None:
            return step
    return "goal"


def _step_name(step: str) -> str:
    return (
        BY_KEY[step].label
        if step in BY_KEY
        else {"win": "a win", "stuck": "where you're stuck"}.get(step, "next week's goal")
    )


def _counts(week: CheckinWeek) -> dict[str, int]:
    return {key: value for key in COUNT_KEYS if (value := getattr(week, key)) is not None}


def _counted(week: CheckinWeek | None) -> bool:
    return week is not None and week.status == "answered"


def _state(week: CheckinWeek | None, now: datetime, zone: ZoneInfo) -> str:
    """answered, missed (asked, the week over), open (asked, still time), or none."""
    if week is None:
        return "none"
    if week.status == "answered":
        return "answered"
    if week.status == "missed" or now >= week_end(week.week_start, zone):
        return "missed"
    return "open"


def _result_lines(week: CheckinWeek, goal: dict[str, int]) -> list[str]:
    lines = []
    for count in COUNTS:
        value = getattr(week, count.key)
        shown = "–" if value is None else str(value)
        target = f" (goal {goal[count.key]})" if count.key in goal else ""
        lines.append(f"· {count.label}: {shown}{target}")
    return lines


def _week_line(
    start: date, week: CheckinWeek | None, goal: dict[str, int], now: datetime, zone: ZoneInfo
) -> str:
    state = _state(week, now, zone)
    head = f"{start:%a} {start.day} {start:%b}"
    if week is None or state == "none":
        return f"{head} · no check-in"
    if state == "missed":
        return f"{head} · missed"
    if state == "open":
        return f"{head} · waiting for your answers"
    counts = _counts(week)
    text = f"{head} · {describe(counts, short=True)}"
    if goal:
        met = [
            f"{counts.get(key, 0)}/{target} {BY_KEY[key].short}"
            for key, target in goal.items()
            if key in BY_KEY
        ]
        text += f" · goal: {', '.join(met)}"
    return text


async def recent_weeks(
    session: AsyncSession, member_id: int, now: datetime, zone: ZoneInfo, count: int
) -> dict[date, CheckinWeek | None]:
    """The member's last `count` weeks (this one included), oldest first; None where the
    check-in was never asked (off, or before they started)."""
    starts = recent_starts(now, zone, count)
    rows = await session.scalars(
        select(CheckinWeek).where(
            CheckinWeek.member_id == member_id, CheckinWeek.week_start >= starts[0]
        )
    )
    found = {row.week_start: row for row in rows}
    return {start: found.get(start) for start in starts}


# -- rows ----------------------------------------------------------------------------------


async def _prefs(session: AsyncSession, member: Member, now: datetime) -> CheckinPrefs:
    prefs = await session.get(CheckinPrefs, member.id)
    if prefs is None:
        prefs = CheckinPrefs(
            member_id=member.id,
            on=False,
            weekday=DEFAULT_WEEKDAY,
            minutes=DEFAULT_MINUTES,
            updated_at=now,
        )
        session.add(prefs)
    return prefs


async def _week(session: AsyncSession, member_id: int, start: date) -> CheckinWeek | None:
    return await session.scalar(
        select(CheckinWeek).where(
            CheckinWeek.member_id == member_id, CheckinWeek.week_start == start
        )
    )


async def _ensure_week(ctx: Context, start: date) -> CheckinWeek:
    await ctx.session.execute(
        insert_ignoring_conflict(
            ctx.services.db.dialect,
            CheckinWeek.__table__,
            _new_week(ctx.member.id, start, ctx.now),
            ["member_id", "week_start"],
        )
    )
    week = await _week(ctx.session, ctx.member.id, start)
    assert week is not None
    return week


def _new_week(member_id: int, start: date, now: datetime) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "week_start": start,
        "status": "asked",
        "prefilled": {},
        "goal": {},
        "asked_at": now,
        "updated_at": now,
    }


# -- schedules -----------------------------------------------------------------------------


class WeeklyAsk(DueFromQuery):
    """Claims due check-ins from `checkin_prefs.next_at`; one per member per week.

    Claiming opens the week's row (status `asked`) and records weeks that ended unanswered
    as `missed`. The message stays useful until the member's week ends, so answering late
    is always possible, and an outage never sends last week's questions.
    """

    kinds = (KIND,)

    def due_query(self) -> Select[tuple[datetime | None]]:
        return select(func.min(CheckinPrefs.next_at)).where(CheckinPrefs.on.is_(True))

    async def claim_due(
        self, session: AsyncSession, services: Services, now: datetime
    ) -> list[DueItem]:
        rows = (
            await session.execute(
                select(CheckinPrefs, Member, Club)
                .join(Member, Member.id == CheckinPrefs.member_id)
                .join(Club, Club.id == Member.club_id)
                .where(CheckinPrefs.on.is_(True), CheckinPrefs.next_at <= now)
                .order_by(CheckinPrefs.next_at)
                .limit(CLAIM_BATCH)
            )
        ).all()
        claimed = []
        for prefs, member, club in rows:
            due = prefs.next_at
            assert due is not None
            zone = members.zone_for(member, club, services.settings.timezone)
            following = next_weekly(prefs.weekday, prefs.minutes, zone, max(now, due))
            result = await session.execute(
                update(CheckinPrefs)
                .where(CheckinPrefs.member_id == member.id, CheckinPrefs.next_at == due)
                .values(next_at=following)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                continue
            start = week_start(due, zone)
            ends = week_end(start, zone)
            await session.execute(
                update(CheckinWeek)
                .where(
                    CheckinWeek.member_id == member.id,
                    CheckinWeek.status == "asked",
                    CheckinWeek.week_start < start,
                )
                .values(status="missed", updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if now >= ends:
                continue  # the whole week went by while we were down: nothing to ask
            await session.execute(
                insert_ignoring_conflict(
                    services.db.dialect,
                    CheckinWeek.__table__,
                    _new_week(member.id, start, now),
                    ["member_id", "week_start"],
                )
            )
            claimed.append(
                DueItem(
                    key=f"{KIND}:{member.id}:{start.isoformat()}",
                    kind=KIND,
                    due_at=due,
                    member_id=member.id,
                    useful_until=ends,
                    payload={"week_start": start.isoformat()},
                )
            )
        return claimed

    async def render(
        self, session: AsyncSession, services: Services, delivery: Leased, now: datetime
    ) -> Reply | None:
        member = await session.get(Member, delivery.member_id) if delivery.member_id else None
        prefs = await session.get(CheckinPrefs, member.id) if member else None
        if member is None or prefs is None or not prefs.on:
            return None
        start = date.fromisoformat(delivery.payload["week_start"])
        week = await _week(session, member.id, start)
        if week is None:
            return None
        if week.status == "answered":
            return None  # answered early with `/checkin now`: nothing to ask
        return await question(session, services, member, week, STEPS[0], now)


class CheckinOffers(DueFromQuery):
    """The one DM that offers the weekly check-in, a day after a member is first seen."""

    kinds = (OFFER_KIND,)

    due_after = OFFER_AFTER

    def due_query(self) -> Select[tuple[datetime | None]]:
        return select(func.min(Member.created_at)).where(_not_offered())

    async def claim_due(
        self, session: AsyncSession, services: Services, now: datetime
    ) -> list[DueItem]:
        rows = list(
            await session.scalars(
                select(Member)
                .where(_not_offered(), Member.created_at <= now - OFFER_AFTER)
                .limit(CLAIM_BATCH)
            )
        )
        claimed = []
        for member in rows:
            result = await session.execute(
                insert_ignoring_conflict(
                    services.db.dialect,
                    CheckinPrefs.__table__,
                    {
                        "member_id": member.id,
                        "on": False,
                        "weekday": DEFAULT_WEEKDAY,
                        "minutes": DEFAULT_MINUTES,
                        "offered_at": now,
                        "updated_at": now,
                    },
                    ["member_id"],
                )
            )
            if result.rowcount == 1:
                claimed.append(
                    DueItem(
                        key=f"{OFFER_KIND}:{member.id}",
                        kind=OFFER_KIND,
                        due_at=member.created_at + OFFER_AFTER,
                        member_id=member.id,
                        useful_until=now + timedelta(days=3),
                    )
                )
        return claimed

    async def render(
        self, session: AsyncSession, services: Services, delivery: Leased, now: datetime
    ) -> Reply | None:
        prefs = await session.get(CheckinPrefs, delivery.member_id) if delivery.member_id else None
        if prefs is None or prefs.on:
            return None
        return Reply(
            title="A weekly check-in?",
            text=(
                "Job clubs work when members count what they do and see it add up. Once a "
                "week I can DM you five quick counts (applications, conversations, interviews, "
                "follow-ups, offers), then a win, where you're stuck and a goal. It takes two "
                "minutes; `/progress` charts it. Change or stop it any time with `/checkin`."
            ),
            buttons=[
                Button("Yes, Fridays at 16:00", "checkin:on", ButtonStyle.PRIMARY),
                Button("Not now", "checkin:later"),
            ],
            visibility=Visibility.DM,
        )


def _not_offered() -> Any:
    """Members not offered yet who have done something (an active day): the offer goes to
    people using the club, not to everyone who once typed a command."""
    return and_(
        not_(exists().where(CheckinPrefs.member_id == Member.id)),
        exists().where(ActivityDay.member_id == Member.id),
    )


class WeeklySummary(DueFromQuery):
    """The club's check-in summary, Monday 09:00 club time, for the week that just closed."""

    kinds = (SUMMARY_KIND,)

    def due_query(self) -> Select[tuple[datetime | None]]:
        return select(func.min(CheckinSummary.next_at)).where(CheckinSummary.channel.is_not(None))

    async def claim_due(
        self, session: AsyncSession, services: Services, now: datetime
    ) -> list[DueItem]:
        rows = (
            await session.execute(
                select(CheckinSummary, Club)
                .join(Club, Club.id == CheckinSummary.club_id)
                .where(CheckinSummary.channel.is_not(None), CheckinSummary.next_at <= now)
            )
        ).all()
        claimed = []
        for row, club in rows:
            due = row.next_at
            assert due is not None
            zone = club_zone(club, services)
            following = next_weekly(SUMMARY_WEEKDAY, SUMMARY_MINUTES, zone, max(now, due))
            result = await session.execute(
                update(CheckinSummary)
                .where(CheckinSummary.club_id == club.id, CheckinSummary.next_at == due)
                .values(next_at=following)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                continue
            start = week_start(due, zone) - timedelta(days=7)
            claimed.append(
                DueItem(
                    key=f"{SUMMARY_KIND}:{club.id}:{start.isoformat()}",
                    kind=SUMMARY_KIND,
                    due_at=due,
                    club_id=club.id,
                    useful_until=following,
                    payload={"channel_id": row.channel, "week_start": start.isoformat()},
                )
            )
        return claimed

    async def render(
        self, session: AsyncSession, services: Services, delivery: Leased, now: datetime
    ) -> Reply | None:
        club = await session.get(Club, delivery.club_id) if delivery.club_id else None
        if club is None:
            return None
        start = date.fromisoformat(delivery.payload["week_start"])
        return Reply(
            text=await summary_text(session, club, start),
            visibility=Visibility.CHANNEL,
            meta={"week": start.isoformat()},
        )


async def summary_text(session: AsyncSession, club: Club, start: date) -> str:
    """Totals for the week starting `start`, the trend, shared wins, opted-in names.

    Reads the `stuck` column never: it is not even selected.
    """
    first = start - timedelta(days=7 * TREND_WEEKS)
    rows = (
        await session.execute(
            select(
                CheckinWeek.week_start,
                CheckinWeek.status,
                *(getattr(CheckinWeek, key) for key in COUNT_KEYS),
                CheckinWeek.win,
                CheckinWeek.win_shared_at,
                Member.display_name,
                Member.shoutouts,
            )
            .join(Member, Member.id == CheckinWeek.member_id)
            .where(
                Member.club_id == club.id,
                CheckinWeek.week_start >= first,
                CheckinWeek.week_start <= start,
            )
        )
    ).all()
    this = [r for r in rows if r.week_start == start]
    answered = [r for r in this if r.status == "answered"]
    totals = {key: sum(getattr(r, key) or 0 for r in answered) for key in COUNT_KEYS}
    before: dict[date, int] = {}
    for r in rows:
        if r.week_start < start and r.status == "answered":
            total = sum(getattr(r, key) or 0 for key in COUNT_KEYS)
            before[r.week_start] = before.get(r.week_start, 0) + total
    lines = [
        f"Check-in summary · {week_label(start)}",
        f"{len(answered)} of {len(this)} members checked in."
        if this
        else "Nobody was asked this week.",
        "Totals: " + describe(totals),
    ]
    total = sum(totals.values())
    if before:
        # Averaged over the earlier weeks someone answered: a week nobody answered is
        # missed, not zero, and a new club's first weeks are not diluted by weeks before it.
        average = sum(before.values()) / len(before)
        span = "week" if len(before) == 1 else f"{len(before)} weeks"
        lines.append(
            f"Trend: {total} actions against {average:.0f} a week over the last "
            f"{span} with check-ins {_trend(average, total)}"
        )
    else:
        lines.append(f"Trend: {total} actions; the trend starts once there are earlier weeks.")
    wins = [r for r in answered if r.win and r.win_shared_at][:MAX_SHARED_WINS]
    if wins:
        lines.append("Wins members shared:")
        for r in wins:
            who = r.display_name if r.shoutouts else "a member"
            lines.append(f"· “{shorten(r.win, 200)}” (from {who})")
    names = sorted({r.display_name for r in answered if r.shoutouts})[:MAX_NAMES]
    if names:
        lines.append("Shout-outs to everyone who checked in, including " + ", ".join(names) + ".")
    return "\n".join(lines)


# -- small helpers -------------------------------------------------------------------------


def _read_schedule(text: str) -> tuple[int, int]:
    weekday, minutes = DEFAULT_WEEKDAY, DEFAULT_MINUTES
    for word in text.lower().replace(",", " ").split():
        if word in ("on", "at", "every", "each"):
            continue
        day = next((i for i, d in enumerate(_WEEKDAYS) if d.startswith(word[:3])), None)
        if day is not None and len(word) >= 3 and word.isalpha():
            weekday = day
        elif (parsed := parse_minutes(word)) is not None:
            minutes = parsed
        else:
            raise UserError(
                f"I could not read “{shorten(word, 30)}” as a day or a time. "
                "Try `/checkin on friday 16:00`."
            )
    return weekday, minutes


def _trend(average: float, total: int) -> str:
    """Counts are small whole numbers: a change of a tenth, and at least one, is a trend."""
    margin = max(1.0, average / 10)
    if total > average + margin:
        return "↑"
    if total < average - margin:
        return "↓"
    return "→"


def _when(prefs: CheckinPrefs) -> str:
    return f"{_WEEKDAYS[prefs.weekday].title()}s at {_hhmm(prefs.minutes)}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _private(ctx: Context, text: str, meta: dict[str, Any] | None = None) -> Reply:
    return ctx.private(Reply(text=text, meta=meta or {}))
