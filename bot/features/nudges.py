"""`/nudges`: a short interview-prep task by DM, each chosen day at the member's own time.

Opt-in only: a new member is offered nudges once (a welcome DM), never enrolled
silently. With an interview on the calendar the nudge is about that interview; a
question answered weakly comes back a few days later once practice exists.

The plan moves on every nudge day, Done or not: nobody gets the same task two days
running. A task not marked Done comes back *later*: once `RETURN_AFTER` other plan
tasks have gone out after it (with weekday nudges, a week on, after the rest of that
week's plan), never two comebacks in a row, and only once (`MAX_SENDS`); after that the
plan leaves it. What was sent and done is kept in `plan_steps`. A task's words fit the
day it is read: one that uses an earlier task's result says when that was ("the list
you made on Monday"), and a comeback says which day it first came.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, bindparam, func, not_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity
from bot.clocktime import parse_minutes
from bot.commitments import PREP_STEPS
from bot.content.drafts import day_words
from bot.content.loader import Library
from bot.content.schema import PlanTask
from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, Interview, feature
from bot.nudges import (
    STALE_AFTER,
    NudgePrefs,
    describe_days,
    next_nudge,
    parse_days,
    parse_schedule,
    reschedule,
    skipped_nudge_note,
)
from bot.replies import Button, ButtonStyle, Reply, Section, Visibility
from bot.router import Router
from bot.router import text as text_arg
from bot.scheduling import DueFromQuery, DueItem, Leased, ScheduledWork
from bot.services import Services
from bot.store.database import BulkWrite
from bot.store.models import Club, Delivery, Member, PlanStep
from bot.text import ascii_number
from bot.timezones import effective_zone, local_instant, show_time
from bot.turns import in_turns
from bot.when import WhenError, parse_when

OFFER_AFTER = timedelta(minutes=1)
"""The welcome offer goes out this long after a member is first seen."""
CLAIM_BATCH = 200
"""Members claimed per transaction: the tasks are chosen in Python (tens of microseconds
each, in `bot.turns` turns of the event loop), so this keeps the write short.
A round costs about eight statements whatever its size: in `bench/bench_claim.py` rounds of
100 cost about 40% more CPU a member than 200, and 400 cost 0-20% less than 200. But the
step that reads a round's rows (and each of its reads by member id) runs in one turn of
the event loop: at 400 those steps were 9-14 ms on PostgreSQL, and a member's command
waited behind them at the start of every fan-out (bench/README.md, session 7)."""
_CLAIM_COLUMNS = (
    "id",
    "tz",
    "platform_tz",
    "next_nudge_at",
    "nudge_minutes",
    "nudge_days",
    "nudges_paused_until",
    "plan_position",
)
"""What choosing a member's nudge reads of them (`choose_task`, `NudgePrefs.of`, the zone)."""
_MIDNIGHT = datetime.min.time()
STEP_ROWS_A_TURN = 1000
"""Plan-step rows read for a claim round in one step of the event loop at most (cheap rows:
`bot.turns`' 2 ms budget usually ends the step first)."""
PAUSE_WEEK = 7
RETRY_QUIET = timedelta(days=7)
"""A weak answer's retry nudge comes back at most once in this period."""
RETURN_AFTER = 4
"""A plan task not marked Done comes back once this many other plan tasks went out after it."""
MAX_SENDS = 2
"""A plan task is sent at most this often in one pass through the plan (once, and once back)."""


@feature
class Nudges(Feature):
    name = "nudges"

    def register(self, router: Router) -> None:
        self._router = router
        router.add_command(
            "nudges",
            "A 5–15 minute prep task by DM on the days and at the time you choose.",
            "/nudges",
            self.on_status,
        )
        sub = partial(router.add_subcommand, "nudges")
        sub(
            "on",
            "Turn nudges on, optionally with a time and days.",
            self.on_command_on,
            args=(text_arg("at 08:30 weekdays|daily|mon,wed,fri", optional=True),),
            example="on at 08:30 weekdays",
        )
        sub("off", "Stop nudges.", self.on_off)
        sub(
            "pause",
            "No nudges until a date (a week when none is given).",
            self.on_command_pause,
            args=(text_arg("until DATE", optional=True),),
            example="pause until friday",
        )
        sub("resume", "End a pause now.", self.on_resume)
        sub(
            "time",
            "The time nudges arrive.",
            self.on_time,
            args=(text_arg("TIME", ask="Give a time"),),
            example="time 07:45",
        )
        sub(
            "days",
            "The days nudges arrive.",
            self.on_days,
            args=(text_arg("weekdays|daily|mon,wed,fri", ask="Say which days"),),
            example="days mon,wed,fri",
        )
        sub("status", "Your nudge settings.", self.on_status, aliases=("show",))
        router.add_action("nudge:done", self.on_done)
        router.add_action("nudge:skip", self.on_skip)
        router.add_action("nudge:pause", self.on_pause)
        router.add_action("nudge:on", self.on_turn_on)
        router.add_action("nudge:later", self.on_not_now)

    def scheduled_work(self) -> list[ScheduledWork]:
        return [DailyNudges(self._router), NudgeOffers()]

    # -- command ------------------------------------------------------------------------

    async def on_status(self, ctx: Context) -> Reply:
        return self._status(ctx)

    async def on_command_on(self, ctx: Context) -> Reply:
        return await self._turn_on(ctx, ctx.text.strip())

    async def on_off(self, ctx: Context) -> Reply:
        ctx.member.nudges_on = False
        ctx.member.next_nudge_at = None
        return _private(ctx, "Nudges are off. `/nudges on` brings them back any time.")

    async def on_command_pause(self, ctx: Context) -> Reply:
        return await self._pause(ctx, ctx.text.strip())

    async def on_resume(self, ctx: Context) -> Reply:
        ctx.member.nudges_paused_until = None
        return await self._reschedule(ctx, "Nudges resumed.")

    async def on_time(self, ctx: Context) -> Reply:
        rest = ctx.text.strip()
        minutes = parse_minutes(rest)
        if minutes is None:
            raise UserError(
                "Give a time like `/nudges time 07:45`, `/nudges time 8` or `/nudges time 8pm`."
            )
        ctx.member.nudge_minutes = minutes
        return await self._reschedule(ctx, f"Nudge time set to {_hhmm(minutes)}.")

    async def on_days(self, ctx: Context) -> Reply:
        rest = ctx.text.strip()
        mask = parse_days(rest)
        if mask is None:
            raise UserError("Say `weekdays`, `daily`, or days like `mon,wed,fri`.")
        ctx.member.nudge_days = mask
        return await self._reschedule(ctx, f"Nudges on {describe_days(mask)}.")

    async def _turn_on(self, ctx: Context, rest: str) -> Reply:
        schedule = parse_schedule(rest)
        if schedule is None:
            raise UserError(
                f"I could not read “{rest[:40]}”. Try `/nudges on weekdays at 8`, "
                "`/nudges on at 08:30 mon,wed,fri` or `/nudges on daily`."
            )
        if schedule.at is not None:
            ctx.member.nudge_minutes = schedule.at.hour * 60 + schedule.at.minute
        if schedule.days is not None:
            ctx.member.nudge_days = schedule.days
        ctx.member.nudges_on = True
        ctx.member.nudge_offered = True
        return await self._reschedule(ctx, "Nudges are on.")

    async def _pause(self, ctx: Context, rest: str) -> Reply:
        rest = rest.lower().removeprefix("until ").strip()
        if rest in ("", "for a week", "a week", "week", "1 week"):
            until = _start_of_day(ctx, ctx.now.astimezone(ctx.zone).date() + timedelta(days=7))
        else:
            phrase = rest.removeprefix("for ")
            try:
                if re.fullmatch(r"\d+\s*(days?|weeks?)", phrase):
                    phrase = f"in {phrase}"  # "pause for 3 days"
                when = parse_when(phrase, ctx.now, ctx.zone)
            except WhenError as exc:
                raise UserError(f"{exc} For example `/nudges pause until 3 dec`.") from None
            until = _start_of_day(ctx, when.due_at.astimezone(ctx.zone).date())
        ctx.member.nudges_paused_until = until
        return await self._reschedule(ctx, f"Paused until {show_time(until, ctx.zone)}.")

    async def _reschedule(self, ctx: Context, lead: str) -> Reply:
        await reschedule(ctx.session, ctx.member, ctx.zone, ctx.now, keep_today=False)
        return self._status(ctx, lead)

    def _status(self, ctx: Context, lead: str = "") -> Reply:
        member = ctx.member
        prefs = NudgePrefs.of(member)
        if not member.nudges_on:
            text = (
                "Nudges are off. `/nudges on` sends a 5–15 minute prep task on weekdays at 09:00 "
                "your time; change it with e.g. `/nudges on at 07:30 mon,wed,fri`."
            )
            return _private(ctx, f"{lead}\n{text}".strip(), {"nudges_on": False})
        next_at = member.next_nudge_at
        lines = [
            f"Nudges: on, {describe_days(prefs.days)} at {prefs.time:%H:%M} ({ctx.zone.key}).",
            f"Next one: {show_time(next_at, ctx.zone)}." if next_at else "No nudge day is set.",
        ]
        if prefs.paused_until and prefs.paused_until > ctx.now:
            lines.append(f"Paused until {show_time(prefs.paused_until, ctx.zone)}.")
        if gap := skipped_nudge_note(prefs, ctx.zone, ctx.now):
            lines.append(gap)
        return _private(
            ctx,
            "\n".join([lead, *lines]).strip(),
            {
                "nudges_on": True,
                "next_nudge_at": next_at.astimezone(ctx.zone).isoformat() if next_at else None,
                "days": prefs.days,
                "time": f"{prefs.time:%H:%M}",
            },
        )

    # -- buttons ------------------------------------------------------------------------

    async def on_done(self, ctx: Context) -> Reply:
        task_id = ctx.args[0] if ctx.args else ""
        await activity.record(
            ctx.session, ctx.services.db.dialect, ctx.member, ctx.zone, ctx.now, "nudge"
        )
        task = ctx.library.task(task_id)
        step = await ctx.session.get(PlanStep, (ctx.member.id, task_id)) if task else None
        if task is None or step is None:
            return _private(ctx, "Nice work. Marked as done.", {"task_id": task_id})
        if step.done_on is not None:
            return _private(ctx, f"{task.title}: already marked done. Nice work.")
        step.done_on = ctx.now.astimezone(ctx.zone).date()
        steps = await plan_steps(ctx.session, [ctx.member.id])
        following = next_plan_task(ctx.library, steps.get(ctx.member.id, {}), ctx.member)
        return _private(
            ctx,
            f"Done: {task.title}. Next from the plan: {following.task.title}.",
            {"task_id": task_id, "done": True, "next_task_id": following.task.id},
        )

    async def on_skip(self, ctx: Context) -> Reply:
        task = ctx.library.task(ctx.args[0]) if ctx.args else None
        if task is None:
            return _private(ctx, "Skipped for today. The next nudge brings something new.")
        return _private(
            ctx,
            f"Skipped for today. The next nudge brings the next task; “{task.title}” comes "
            f"back after {RETURN_AFTER} others, unless you mark it done before then.",
            {"task_id": task.id},
        )

    async def on_pause(self, ctx: Context) -> Reply:
        days = ascii_number(ctx.args[0], max_digits=3) if ctx.args else PAUSE_WEEK
        if days is None:
            raise UserError(
                "I could not read how long to pause from that button. "
                "Try `/nudges pause until friday` instead."
            )
        days = min(max(days, 1), 90)
        today = ctx.now.astimezone(ctx.zone).date()
        ctx.member.nudges_paused_until = _start_of_day(ctx, today + timedelta(days=days))
        return await self._reschedule(ctx, f"Paused for {days} days.")

    async def on_turn_on(self, ctx: Context) -> Reply:
        return await self._turn_on(ctx, " ".join(ctx.args))

    async def on_not_now(self, ctx: Context) -> Reply:
        ctx.member.nudge_offered = True
        return _private(ctx, "No problem. `/nudges on` whenever you want them.")

    # -- home and member data -----------------------------------------------------------

    async def home_sections(self, ctx: Context) -> list[Section]:
        member = ctx.member
        if not member.nudges_on or member.next_nudge_at is None:
            return [Section(title="Daily prep", text="Nudges are off: `/nudges on`.")]
        steps = (await plan_steps(ctx.session, [member.id])).get(member.id, {})
        task = next_plan_task(ctx.library, steps, member).task
        done = sum(1 for step in steps.values() if step.done_on is not None)
        streak = await activity.streak(ctx.session, member, ctx.zone, ctx.now)
        return [
            Section(
                title="Daily prep",
                text=f"Next nudge {show_time(member.next_nudge_at, ctx.zone)}: {task.title}"
                + f"\nPlan: {done} of {len(ctx.library.plan)} done · streak {streak} days",
            )
        ]

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        return {
            "nudges": {
                "on": member.nudges_on,
                "time_minutes": member.nudge_minutes,
                "days": member.nudge_days,
                "paused_until": member.nudges_paused_until.isoformat()
                if member.nudges_paused_until
                else None,
                "plan_position": member.plan_position,
                "plan_steps": [
                    {
                        "task_id": step.task_id,
                        "sent_on": step.sent_on.isoformat(),
                        "sent_seq": step.sent_seq,
                        "times_sent": step.times_sent,
                        "done_on": step.done_on.isoformat() if step.done_on else None,
                    }
                    for step in (await plan_steps(session, [member.id])).get(member.id, {}).values()
                ],
            }
        }


@dataclass(frozen=True)
class NudgeTask:
    """What one nudge asks the member to do."""

    task_id: str
    title: str
    text: str
    minutes: int
    question_id: str | None = None
    advances_plan: bool = False
    returning: bool = False
    step_aside: bool = False
    """The interview's own reminders carry this day: claimed (one per day), never sent."""


class DailyNudges(DueFromQuery):
    """Claims due nudges from `members.next_nudge_at`; one per member per local day."""

    kinds = ("nudge",)

    def __init__(self, router: Router) -> None:
        self._router = router

    def due_query(self) -> Select[tuple[datetime | None]]:
        return select(func.min(Member.next_nudge_at)).where(Member.nudges_on.is_(True))

    async def claim_due(
        self, session: AsyncSession, services: Services, now: datetime
    ) -> list[DueItem]:
        """Claim a batch of due nudges in a few statements, whatever the batch's size.

        Everything is read first (members, interviews, plan steps, weak answers), the
        tasks are chosen in Python, and only then written: one UPDATE for the members'
        next instants (executemany), one INSERT and one UPDATE for plan steps, one UPDATE
        for plan positions. So a 09:00 crowd costs no query per member, and SQLite's
        writer is held only for those few statements at the end of the transaction.

        Each claimed row is locked (PostgreSQL: FOR UPDATE SKIP LOCKED, so a second
        dispatcher takes other members; SQLite: one writer, and a snapshot that changed
        under the transaction makes the write fail), so the executemany matches every
        row it was given; the per-row condition on `next_nudge_at` stays as a guard.
        """
        # Plain rows of just the columns the choice reads, not mapped objects.
        table = Member.__table__
        query = (
            select(*(table.c[name] for name in _CLAIM_COLUMNS), Club.default_tz.label("club_tz"))
            .join(Club, Club.id == table.c.club_id)
            .where(table.c.nudges_on.is_(True), table.c.next_nudge_at <= now)
            .order_by(table.c.next_nudge_at, table.c.id)
            .limit(CLAIM_BATCH)
        )
        if services.db.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True, of=table)
        rows: Sequence[Any] = (await session.execute(query)).all()
        if not rows:
            return []
        ids = [member.id for member in rows]
        interviews = await _upcoming_interviews(session, services, ids, now)
        steps = await plan_step_states(session, ids)
        weak = await _weak_questions(session, services, ids, now)
        plan = _PlanWrites()
        advance: list[dict[str, Any]] = []
        claimed: list[DueItem] = []
        fallback = services.settings.timezone
        # A 09:00 crowd shares its zones, time, days and due instant: each distinct schedule
        # (the local day, the next instant, the day's end: pure functions of the row's
        # columns below) is worked out once a round, not once a member.
        schedules: dict[tuple[Any, ...], _Schedule] = {}
        async for member in in_turns(rows):
            due = member.next_nudge_at
            assert due is not None
            key = (
                member.tz,
                member.platform_tz,
                member.club_tz,
                member.nudge_minutes,
                member.nudge_days,
                member.nudges_paused_until,
                due,
            )
            schedule = schedules.get(key)
            if schedule is None:
                schedule = schedules[key] = _Schedule.of(member, due, now, fallback)
            zone, day, following = schedule.zone, schedule.day, schedule.following
            stale = now - due > STALE_AFTER
            mine = steps.get(member.id, {})
            task = choose_task(services, member, zone, now, interviews, mine, day, weak)
            # A skipped (stale) nudge moves nothing on.
            moved_on = task.advances_plan and not stale and plan.sent(member.id, task, mine, day)
            advance.append(
                {"m_id": member.id, "m_due": due, "m_next": following, "m_step": int(moved_on)}
            )
            claimed.append(
                DueItem(
                    key=f"nudge:{member.id}:{day.isoformat()}",
                    kind="nudge",
                    due_at=due,
                    member_id=member.id,
                    stale=stale,
                    # Useful until the member's day ends: an outage never sends yesterday's task.
                    useful_until=schedule.day_end,
                    payload={
                        "task_id": task.task_id,
                        "title": task.title,
                        "text": task.text,
                        "minutes": task.minutes,
                        "question_id": task.question_id,
                        "date": day.isoformat(),
                        **({"step_aside": True} if task.step_aside else {}),
                    },
                )
            )
        await _advance_members(session, advance)
        await plan.write(session)
        return claimed

    async def render(
        self, session: AsyncSession, services: Services, delivery: Leased, now: datetime
    ) -> Reply | None:
        member = await session.get(Member, delivery.member_id) if delivery.member_id else None
        return self._reply(delivery, member is not None and member.nudges_on)

    async def render_batch(
        self,
        session: AsyncSession,
        services: Services,
        deliveries: Sequence[Leased],
        now: datetime,
    ) -> list[Reply | None]:
        """A fan-out's batch: whether each member still takes nudges, in one query of one
        column (nothing else of the member is in the message)."""
        ids = {d.member_id for d in deliveries if d.member_id is not None}
        taking = (
            set(
                await session.scalars(
                    select(Member.id).where(
                        Member.id.in_(bindparam("ids", expanding=True)), Member.nudges_on.is_(True)
                    ),
                    {"ids": list(ids)},
                )
            )
            if ids
            else set()
        )
        return [self._reply(d, d.member_id in taking) for d in deliveries]

    def _reply(self, delivery: Leased, nudges_on: bool) -> Reply | None:
        if not nudges_on:
            return None
        p = delivery.payload
        if p.get("step_aside"):
            return None  # the interview reminder that morning says it better
        buttons = []
        if p.get("question_id") and self._router.action("practice:start") is not None:
            buttons.append(
                Button("Practise now", f"practice:start:{p['question_id']}", ButtonStyle.PRIMARY)
            )
        buttons += [
            Button("Another tip", "tip:another"),
            Button("Done", f"nudge:done:{p['task_id']}", ButtonStyle.PRIMARY),
            Button("Skip today", f"nudge:skip:{p['task_id']}"),
            Button("Pause a week", f"nudge:pause:{PAUSE_WEEK}"),
        ]
        return Reply(
            title=f"Today's prep ({p['minutes']} min): {p['title']}",
            text=p["text"],
            buttons=buttons,
            visibility=Visibility.DM,
            meta={"task_id": p["task_id"], "date": p["date"]},
        )


@dataclass(frozen=True, slots=True)
class _Schedule:
    """Where a claimed member's nudge falls: worked out once for all who share it."""

    zone: ZoneInfo
    day: date
    """The member's local date of the nudge being claimed."""
    following: datetime | None
    """Their next nudge instant after this one."""
    day_end: datetime
    """The end of that local day: the nudge is useful until then."""

    @classmethod
    def of(cls, member: Any, due: datetime, now: datetime, fallback: ZoneInfo) -> _Schedule:
        zone = effective_zone(member.tz, member.platform_tz, member.club_tz, fallback=fallback)
        day = due.astimezone(zone).date()
        after = max(now, due)
        following = next_nudge(NudgePrefs.of(member), zone, after, not_on_or_before=day)
        day_end = local_instant(day + timedelta(days=1), _MIDNIGHT, zone)
        return cls(zone, day, following, day_end)


class NudgeOffers(DueFromQuery):
    """The one-time welcome DM that offers nudges to a new member."""

    kinds = ("nudge-offer",)

    due_after = OFFER_AFTER

    def due_query(self) -> Select[tuple[datetime | None]]:
        return select(func.min(Member.created_at)).where(_not_offered())

    async def claim_due(
        self, session: AsyncSession, services: Services, now: datetime
    ) -> list[DueItem]:
        rows = (
            await session.execute(
                select(Member.id, Member.created_at)
                .where(_not_offered(), Member.created_at <= now - OFFER_AFTER)
                .limit(CLAIM_BATCH)
            )
        ).all()
        if not rows:
            return []
        # One conditional UPDATE for the batch; RETURNING says which this claim won.
        won = set(
            await session.scalars(
                update(Member)
                .where(Member.id.in_([r.id for r in rows]), Member.nudge_offered.is_(False))
                .values(nudge_offered=True)
                .returning(Member.id)
                .execution_options(synchronize_session=False)
            )
        )
        claimed = [
            DueItem(
                key=f"nudge-offer:{r.id}",
                kind="nudge-offer",
                due_at=r.created_at + OFFER_AFTER,
                member_id=r.id,
            )
            for r in rows
            if r.id in won
        ]
        return claimed

    async def render(
        self, session: AsyncSession, services: Services, delivery: Leased, now: datetime
    ) -> Reply | None:
        member = await session.get(Member, delivery.member_id) if delivery.member_id else None
        if member is None or member.nudges_on:
            return None
        return Reply(
            title="Welcome to the job club bot",
            text=(
                "Would a short prep task help? On the days you pick I send one 5–15 minute "
                "task at your time: your value line, a story, a hard question to practise. "
                "You can change or stop it any time with `/nudges`."
            ),
            buttons=[
                Button("Yes, weekdays at 09:00", "nudge:on:weekdays", ButtonStyle.PRIMARY),
                Button("Every day at 09:00", "nudge:on:daily"),
                Button("Not now", "nudge:later"),
            ],
            visibility=Visibility.DM,
        )


def _not_offered() -> Any:
    # Spelt exactly as the partial index ix_members_offer_pending, so both databases use it.
    return and_(not_(Member.nudge_offered), not_(Member.nudges_on))


async def _upcoming_interviews(
    session: AsyncSession, services: Services, member_ids: list[int], now: datetime
) -> dict[int, Interview]:
    """Each member's next interview within about three days, from the features that keep
    interviews (`Feature.upcoming_interviews`, one query for a whole batch)."""
    if not member_ids:
        return {}
    until = now + timedelta(days=3, hours=12)
    found: dict[int, Interview] = {}
    for feat in services.features:
        for member_id, interview in (
            await feat.upcoming_interviews(session, member_ids, now, until)
        ).items():
            if member_id not in found or interview.at < found[member_id].at:
                found[member_id] = interview
    return found


def choose_task(
    services: Services,
    member: Member,
    zone: Any,
    now: datetime,
    interviews: dict[int, Interview],
    steps: Mapping[str, StepState],
    day: date,
    weak: dict[int, str],
) -> NudgeTask:
    """An interview in the next days wins; then a weak answer due for a retry; then the plan
    (a task due back, or the next new one: `next_plan_task`).

    Pure: what it needs was loaded for the whole batch (`weak` holds only questions not
    retried lately), so choosing costs no query."""
    interview = interviews.get(member.id)
    if interview is not None and interview.at is not None:
        days = (interview.at.astimezone(zone).date() - now.astimezone(zone).date()).days
        if (prep := _interview_task(interview, days)) is not None:
            return prep
    library = services.library
    question_id = weak.get(member.id)
    if question_id is not None and (question := library.question(question_id)) is not None:
        return NudgeTask(
            task_id=f"retry-{question.id}",
            title="Another go at a question that was hard last time",
            text=f"“{question.text}” Answer it again aloud, then in the DM: see how it compares.",
            minutes=10,
            question_id=question.id,
        )
    pick = next_plan_task(library, steps, member)
    task = pick.task
    text = _plan_text(task, steps, library.task(task.builds_on or ""), day)
    if pick.returning:
        first = steps[task.id].sent_on
        text = f"This one came {day_words(first, day)} without a Done, so here it is again. {text}"
    return NudgeTask(
        task_id=task.id,
        title=task.title,
        text=text,
        minutes=task.minutes,
        question_id=task.question,
        advances_plan=True,
        returning=pick.returning,
    )


class StepState(Protocol):
    """What choosing a plan task reads of a step: a `PlanStep` or the claim's plain row."""

    @property
    def task_id(self) -> str: ...
    @property
    def sent_on(self) -> date: ...
    @property
    def sent_seq(self) -> int: ...
    @property
    def times_sent(self) -> int: ...
    @property
    def done_on(self) -> date | None: ...


@dataclass(frozen=True)
class PlanPick:
    task: PlanTask
    returning: bool


def next_plan_task(library: Library, steps: Mapping[str, StepState], member: Member) -> PlanPick:
    """The plan task the member's next plan nudge carries.

    A task due back (not done, sent once, `RETURN_AFTER` other plan tasks since) comes
    first, the oldest one, unless the last plan nudge was itself a comeback; otherwise
    the next new task at `plan_position`.
    """
    last = max(steps.values(), key=lambda step: step.sent_seq, default=None)
    if last is not None and last.times_sent < MAX_SENDS:
        seq = last.sent_seq + 1
        due = [
            step
            for step in steps.values()
            if step.done_on is None
            and step.times_sent < MAX_SENDS
            and seq - step.sent_seq > RETURN_AFTER
            and library.task(step.task_id) is not None
        ]
        if due:
            oldest = min(due, key=lambda step: step.sent_seq)
            task = library.task(oldest.task_id)
            assert task is not None
            return PlanPick(task, True)
    plan = library.plan
    return PlanPick(plan[member.plan_position % len(plan)], False)


async def plan_steps(
    session: AsyncSession, member_ids: list[int]
) -> dict[int, dict[str, PlanStep]]:
    """Each member's plan steps by task id, in one query for a batch."""
    found: dict[int, dict[str, PlanStep]] = {member_id: {} for member_id in member_ids}
    if member_ids:
        for step in await session.scalars(
            select(PlanStep).where(PlanStep.member_id.in_(member_ids))
        ):
            found[step.member_id][step.task_id] = step
    return found


@dataclass(slots=True)
class _StepRow:
    """A plan step as the claim reads it: plain values, no ORM object per row."""

    task_id: str
    sent_on: date
    sent_seq: int
    times_sent: int
    done_on: date | None


async def plan_step_states(
    session: AsyncSession, member_ids: list[int]
) -> dict[int, dict[str, StepState]]:
    """`plan_steps` for the claim: the same answer as plain rows (a batch of members may
    hold thousands of steps; mapped objects would cost far more than the claim itself)."""
    found: dict[int, dict[str, StepState]] = {member_id: {} for member_id in member_ids}
    if member_ids:
        table = PlanStep.__table__
        rows = await session.execute(
            select(
                table.c.member_id,
                table.c.task_id,
                table.c.sent_on,
                table.c.sent_seq,
                table.c.times_sent,
                table.c.done_on,
            ).where(table.c.member_id.in_(bindparam("ids", expanding=True))),
            {"ids": list(member_ids)},
        )
        # A long-standing member has a step per plan task they were sent: a claim round's
        # rows can run to thousands.
        async for member_id, task_id, sent_on, sent_seq, times_sent, done_on in in_turns(
            rows, STEP_ROWS_A_TURN
        ):
            found[member_id][task_id] = _StepRow(task_id, sent_on, sent_seq, times_sent, done_on)
    return found


class _PlanWrites:
    """What a claimed batch's nudges do to the plan steps, written in two statements at the
    end (the members' `plan_position` moves with their next instant, `_advance_members`).

    A task sent for the first time (or again after the plan came round) is a new or reset
    step and moves the member's `plan_position` on; a comeback counts one more send."""

    def __init__(self) -> None:
        self.new: list[dict[str, Any]] = []
        self.changed: list[dict[str, Any]] = []

    def sent(self, member_id: int, task: NudgeTask, steps: dict[str, StepState], day: date) -> bool:
        """Note that today's nudge carries plan task `task` (and keep `steps` current);
        True when that moves the member's place in the plan on."""
        seq = max((step.sent_seq for step in steps.values()), default=0) + 1
        step = steps.get(task.task_id)
        row = {"p_member": member_id, "p_task": task.task_id, "p_on": day, "p_seq": seq}
        if task.returning and step is not None:
            times, done_on, moved_on = step.times_sent + 1, step.done_on, False
        else:
            times, done_on, moved_on = 1, None, True
        row |= {"p_times": times, "p_done": done_on}
        (self.new if step is None else self.changed).append(row)
        steps[task.task_id] = _StepRow(task.task_id, day, seq, times, done_on)
        return moved_on

    async def write(self, session: AsyncSession) -> None:
        connection = await session.connection()
        if self.new:
            await _STEP_INSERT.execute(connection, self.new)
        if self.changed:
            await _STEP_UPDATE.execute(connection, self.changed)


_STEPS = PlanStep.__table__
_STEP_INSERT = BulkWrite(
    _STEPS.insert().values(
        member_id=bindparam("p_member"),
        task_id=bindparam("p_task"),
        sent_on=bindparam("p_on"),
        sent_seq=bindparam("p_seq"),
        times_sent=bindparam("p_times"),
        done_on=bindparam("p_done"),
    )
)
_STEP_UPDATE = BulkWrite(
    _STEPS.update()
    .where(_STEPS.c.member_id == bindparam("p_member"), _STEPS.c.task_id == bindparam("p_task"))
    .values(
        sent_on=bindparam("p_on"),
        sent_seq=bindparam("p_seq"),
        times_sent=bindparam("p_times"),
        done_on=bindparam("p_done"),
    )
)


async def _advance_members(session: AsyncSession, advance: list[dict[str, Any]]) -> None:
    """Move each claimed member's `next_nudge_at` on, and their place in the plan by
    `m_step` (0 or 1).

    A crowd shares its due and next instants, so members moving the same way go in one
    UPDATE by id list (a 09:00 round of 400 is two or three statements); when most move
    differently, one executemany. The claim's read locked the rows (see
    `DailyNudges.claim_due`), so every row matches.
    """
    if not advance:
        return
    connection = await session.connection()
    alike: dict[tuple[Any, ...], list[int]] = {}
    for row in advance:
        alike.setdefault((row["m_due"], row["m_next"], row["m_step"]), []).append(row["m_id"])
    if len(alike) * ALIKE_SHARE <= len(advance):
        moved = 0
        for (due, following, step), ids in alike.items():
            result = await connection.execute(
                _ADVANCE_ALIKE, {"m_ids": ids, "m_due": due, "m_next": following, "m_step": step}
            )
            moved += result.rowcount
    else:
        moved = await _ADVANCE_ONE.execute(connection, advance)
    if moved not in (-1, len(advance)):
        # Cannot happen while the rows are locked; if it ever does, roll the batch back
        # (nothing is claimed, the next round takes it again) rather than guess.
        raise RuntimeError(f"nudge claim: {moved} of {len(advance)} members moved; rolled back")


ALIKE_SHARE = 8
"""Members moving the same way are written by id list when there are at least this many
per distinct move on average (else the executemany is fewer statements)."""
_MEMBERS = Member.__table__
_ADVANCE_ONE = BulkWrite(
    _MEMBERS.update()
    .where(_MEMBERS.c.id == bindparam("m_id"), _MEMBERS.c.next_nudge_at == bindparam("m_due"))
    .values(
        next_nudge_at=bindparam("m_next"),
        plan_position=_MEMBERS.c.plan_position + bindparam("m_step"),
    )
)
_ADVANCE_ALIKE = (
    _MEMBERS.update()
    .where(
        _MEMBERS.c.id.in_(bindparam("m_ids", expanding=True)),
        _MEMBERS.c.next_nudge_at == bindparam("m_due"),
    )
    .values(
        next_nudge_at=bindparam("m_next"),
        plan_position=_MEMBERS.c.plan_position + bindparam("m_step"),
    )
)


def _plan_text(
    task: PlanTask, steps: Mapping[str, StepState], earlier: PlanTask | None, day: date
) -> str:
    """The task's words for `day`: `{made}` becomes when the earlier result was made."""
    if earlier is None:
        return task.task
    step = steps.get(earlier.id)
    if step is None:
        return task.task.replace("{made}", f"for “{earlier.title}”") + (
            f" (Not done “{earlier.title}” yet? Start with that: it is the groundwork.)"
        )
    made = day_words(step.done_on or step.sent_on, day)
    text = task.task.replace("{made}", made)
    if step.done_on is None:
        text += f" (No Done on “{earlier.title}” yet: if you skipped it, start there.)"
    return text


async def _retried_lately(session: AsyncSession, wanted: dict[int, str], now: datetime) -> set[int]:
    """The members whose retry nudge `wanted[member]` already came in `RETRY_QUIET` (one
    query for the batch)."""
    if not wanted:
        return set()
    rows = await session.execute(
        select(Delivery.member_id, Delivery.payload["task_id"].as_string()).where(
            Delivery.member_id.in_(list(wanted)),
            Delivery.kind == "nudge",
            Delivery.due_at >= now - RETRY_QUIET,
        )
    )
    return {member_id for member_id, task_id in rows if wanted.get(member_id) == task_id}


def _prep_topic(interview: Interview, days: int) -> str | None:
    """The prep this day is for (research 3+ days before, the interviewer 2, stories 1).

    Prep the member already did or dropped is never suggested: the next open one is (a
    later one first), and with none left, None: the usual plan goes on.
    """
    if days <= 0:
        return "day"
    wanted = max(0, 3 - days)
    if interview.open_prep is None:
        return PREP_STEPS[wanted]
    for name in PREP_STEPS[wanted:] + PREP_STEPS[:wanted][::-1]:
        if name in interview.open_prep:
            return name
    return None


def _interview_task(interview: Interview, days: int) -> NudgeTask | None:
    company, person = interview.company, interview.person or "the people you will meet"
    topic = _prep_topic(interview, days)
    if topic is None:
        return None
    if topic == "research":
        title, text = (
            f"Research {company}",
            f"Spend ten minutes on {company}: its mission, where it is heading, recent news and "
            "two competitors. Write three lines and one question it raises for you.",
        )
    elif topic == "interviewer":
        title, text = (
            f"Read up on {person}",
            f"Look up {person}: background, recent projects, what they care about. Note one "
            "thing you could ask them about.",
        )
    elif topic == "stories":
        title, text = (
            f"Pick your stories for {company}",
            f"Choose three CCAR stories that fit {company} and say each aloud in under two "
            "minutes, ending with why it mattered. Prepare two questions to ask them.",
        )
    else:
        title, text = (
            f"Interview day at {company}",
            "Re-read your three stories and your questions, check the route or the video link, "
            "and plan to be ready ten minutes early. You have prepared: go and enjoy the talk.",
        )
    return NudgeTask(
        task_id=f"interview-{interview.id}-{max(days, 0)}",
        title=title,
        text=text,
        minutes=10,
        question_id="tell-me-about-yourself" if topic == "stories" else None,
        step_aside=topic == "day" and interview.reminds_on_the_day,
    )


class BatchRetryQuestions(Protocol):
    """Optional for a feature that keeps practice answers: `Feature.retry_question` for a
    whole claimed batch of members in a few queries."""

    async def retry_questions(
        self, session: AsyncSession, member_ids: Sequence[int], now: datetime
    ) -> dict[int, str]: ...


async def _weak_questions(
    session: AsyncSession, services: Services, ids: Sequence[int], now: datetime
) -> dict[int, str]:
    """Each member's question worth another go, from whichever feature keeps practice
    answers, leaving out a retry that already came lately (the plan goes on meanwhile).

    A feature with `retry_questions` answers for the batch at once; one that only
    overrides `Feature.retry_question` is asked member by member."""
    found: dict[int, str] = {}
    batch: list[Member] | None = None
    for feat in services.features:
        batched = getattr(feat, "retry_questions", None)
        if batched is not None:
            answers = await batched(session, ids, now)
        elif type(feat).retry_question is not Feature.retry_question:
            if batch is None:
                batch = list(await session.scalars(select(Member).where(Member.id.in_(ids))))
            answers = {}
            for member in batch:
                if (question_id := await feat.retry_question(session, member, now)) is not None:
                    answers[member.id] = question_id
        else:
            continue
        for member_id, question_id in answers.items():
            found.setdefault(member_id, question_id)
    retried = await _retried_lately(
        session, {member_id: f"retry-{q}" for member_id, q in found.items()}, now
    )
    return {member_id: q for member_id, q in found.items() if member_id not in retried}


def _start_of_day(ctx: Context, day: date) -> datetime:
    from datetime import time as clock_time

    return local_instant(day, clock_time(0, 0), ctx.zone)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _private(ctx: Context, text: str, meta: dict[str, Any] | None = None) -> Reply:
    return ctx.private(Reply(text=text, meta=meta or {}))
