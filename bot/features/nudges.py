"""`/nudges`: a short interview-prep task by DM, each chosen day at the member's own time.

Opt-in only: a new member is offered nudges once (a welcome DM), never enrolled
silently. Done moves the plan on; ignoring a nudge does not. With an interview on
the calendar the nudge is about that interview; a question answered weakly comes
back a few days later once practice exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import and_, func, not_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity, members
from bot.clocktime import parse_minutes
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
from bot.scheduling import DueItem, ScheduledWork
from bot.services import Services
from bot.store.models import Club, Delivery, Member
from bot.text import ascii_number
from bot.timezones import local_instant, show_time
from bot.when import WhenError, parse_when

OFFER_AFTER = timedelta(minutes=1)
"""The welcome offer goes out this long after a member is first seen."""
CLAIM_BATCH = 200
PAUSE_WEEK = 7
RETRY_QUIET = timedelta(days=7)
"""A weak answer's retry nudge comes back at most once in this period."""


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
        plan = ctx.library.plan
        current = plan[ctx.member.plan_position % len(plan)] if plan else None
        await activity.record(
            ctx.session, ctx.services.db.dialect, ctx.member, ctx.zone, ctx.now, "nudge"
        )
        if current is not None and current.id == task_id:
            ctx.member.plan_position += 1
            following = plan[ctx.member.plan_position % len(plan)]
            return _private(
                ctx,
                f"Done: {current.title}. Tomorrow's task: {following.title}.",
                {"task_id": task_id, "plan_position": ctx.member.plan_position},
            )
        return _private(ctx, "Nice work. Marked as done.", {"task_id": task_id})

    async def on_skip(self, ctx: Context) -> Reply:
        return _private(ctx, "Skipped for today. The same task will be waiting next time.")

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
        plan = ctx.library.plan
        task = plan[member.plan_position % len(plan)] if plan else None
        streak = await activity.streak(ctx.session, member, ctx.zone, ctx.now)
        return [
            Section(
                title="Daily prep",
                text=f"Next nudge {show_time(member.next_nudge_at, ctx.zone)}"
                + (f": {task.title}" if task else "")
                + f"\nPlan: task {member.plan_position + 1} of {len(plan)} · streak {streak} days",
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


class DailyNudges:
    """Claims due nudges from `members.next_nudge_at`; one per member per local day."""

    kinds = ("nudge",)

    def __init__(self, router: Router) -> None:
        self._router = router

    async def next_due(self, session: AsyncSession, services: Services) -> datetime | None:
        return await session.scalar(
            select(func.min(Member.next_nudge_at)).where(Member.nudges_on.is_(True))
        )

    async def claim_due(
        self, session: AsyncSession, services: Services, now: datetime
    ) -> list[DueItem]:
        rows = (
            await session.execute(
                select(Member, Club)
                .join(Club, Club.id == Member.club_id)
                .where(Member.nudges_on.is_(True), Member.next_nudge_at <= now)
                .order_by(Member.next_nudge_at, Member.id)
                .limit(CLAIM_BATCH)
            )
        ).all()
        claimed: list[DueItem] = []
        interviews = await _upcoming_interviews(session, services, [m.id for m, _ in rows], now)
        for member, club in rows:
            zone = members.zone_for(member, club, services.settings.timezone)
            due = member.next_nudge_at
            assert due is not None
            day = due.astimezone(zone).date()
            following = next_nudge(NudgePrefs.of(member), zone, max(now, due), not_on_or_before=day)
            result = await session.execute(
                update(Member)
                .where(Member.id == member.id, Member.next_nudge_at == due)
                .values(next_nudge_at=following)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                continue
            task = await choose_task(session, services, member, zone, now, interviews)
            claimed.append(
                DueItem(
                    key=f"nudge:{member.id}:{day.isoformat()}",
                    kind="nudge",
                    due_at=due,
                    member_id=member.id,
                    stale=now - due > STALE_AFTER,
                    # Useful until the member's day ends: an outage never sends yesterday's task.
                    useful_until=local_instant(day + timedelta(days=1), datetime.min.time(), zone),
                    payload={
                        "task_id": task.task_id,
                        "title": task.title,
                        "text": task.text,
                        "minutes": task.minutes,
                        "question_id": task.question_id,
                        "date": day.isoformat(),
                    },
                )
            )
        return claimed

    async def render(
        self, session: AsyncSession, services: Services, delivery: Delivery, now: datetime
    ) -> Reply | None:
        member = await session.get(Member, delivery.member_id) if delivery.member_id else None
        if member is None or not member.nudges_on:
            return None
        p = delivery.payload
        buttons = []
        if p.get("question_id") and self._router.action("practice:start") is not None:
            buttons.append(
                Button("Practise now", f"practice:start:{p['question_id']}", ButtonStyle.PRIMARY)
            )
        buttons += [
            Button("Another tip", "tip:another"),
            Button("Done", f"nudge:done:{p['task_id']}", ButtonStyle.PRIMARY),
            Button("Skip today", "nudge:skip"),
            Button("Pause a week", f"nudge:pause:{PAUSE_WEEK}"),
        ]
        return Reply(
            title=f"Today's prep ({p['minutes']} min): {p['title']}",
            text=p["text"],
            buttons=buttons,
            visibility=Visibility.DM,
            meta={"task_id": p["task_id"], "date": p["date"]},
        )


class NudgeOffers:
    """The one-time welcome DM that offers nudges to a new member."""

    kinds = ("nudge-offer",)

    async def next_due(self, session: AsyncSession, services: Services) -> datetime | None:
        first = await session.scalar(select(func.min(Member.created_at)).where(_not_offered()))
        return first + OFFER_AFTER if first else None

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
                update(Member)
                .where(Member.id == member.id, Member.nudge_offered.is_(False))
                .values(nudge_offered=True)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:
                claimed.append(
                    DueItem(
                        key=f"nudge-offer:{member.id}",
                        kind="nudge-offer",
                        due_at=member.created_at + OFFER_AFTER,
                        member_id=member.id,
                    )
                )
        return claimed

    async def render(
        self, session: AsyncSession, services: Services, delivery: Delivery, now: datetime
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


async def choose_task(
    session: AsyncSession,
    services: Services,
    member: Member,
    zone: Any,
    now: datetime,
    interviews: dict[int, Interview],
) -> NudgeTask:
    """An interview in the next days wins; then a weak answer due for a retry; then the plan."""
    interview = interviews.get(member.id)
    if interview is not None and interview.at is not None:
        days = (interview.at.astimezone(zone).date() - now.astimezone(zone).date()).days
        return _interview_task(interview, days)
    weak = await _weak_question(session, services, member, now)
    library = services.library
    if weak is not None and await _retried_lately(session, member, f"retry-{weak}", now):
        weak = None  # it came back once already; the plan goes on meanwhile
    if weak is not None and (question := library.question(weak)) is not None:
        return NudgeTask(
            task_id=f"retry-{question.id}",
            title="Another go at a question that was hard last time",
            text=f"“{question.text}” Answer it again aloud, then in the DM: see how it compares.",
            minutes=10,
            question_id=question.id,
        )
    plan = library.plan
    task: PlanTask = plan[member.plan_position % len(plan)]
    return NudgeTask(
        task_id=task.id,
        title=task.title,
        text=task.task,
        minutes=task.minutes,
        question_id=task.question,
        advances_plan=True,
    )


async def _retried_lately(
    session: AsyncSession, member: Member, task_id: str, now: datetime
) -> bool:
    found = await session.scalar(
        select(Delivery.id)
        .where(
            Delivery.member_id == member.id,
            Delivery.kind == "nudge",
            Delivery.due_at >= now - RETRY_QUIET,
            Delivery.payload["task_id"].as_string() == task_id,
        )
        .limit(1)
    )
    return found is not None


def _interview_task(interview: Interview, days: int) -> NudgeTask:
    company, person = interview.company, interview.person or "the people you will meet"
    if days >= 3:
        title, text = (
            f"Research {company}",
            f"Spend ten minutes on {company}: its mission, where it is heading, recent news and "
            "two competitors. Write three lines and one question it raises for you.",
        )
    elif days == 2:
        title, text = (
            f"Read up on {person}",
            f"Look up {person}: background, recent projects, what they care about. Note one "
            "thing you could ask them about.",
        )
    elif days == 1:
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
        question_id="tell-me-about-yourself" if days == 1 else None,
    )


async def _weak_question(
    session: AsyncSession, services: Services, member: Member, now: datetime
) -> str | None:
    """A question worth another go, from whichever feature keeps practice answers
    (`Feature.retry_question`: a weak answer a few days old)."""
    for feat in services.features:
        question_id = await feat.retry_question(session, member, now)
        if question_id is not None:
            return question_id
    return None


def _start_of_day(ctx: Context, day: date) -> datetime:
    from datetime import time as clock_time

    return local_instant(day, clock_time(0, 0), ctx.zone)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _private(ctx: Context, text: str, meta: dict[str, Any] | None = None) -> Reply:
    return ctx.private(Reply(text=text, meta=meta or {}))
