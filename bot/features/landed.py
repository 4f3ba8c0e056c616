"""`/landed COMPANY [as ROLE] [start DATE]`: the search is over.

One confirmation, then everything about the search stops: each feature closes its own
part (`Feature.end_search`: interview and follow-up steps, reminders, check-ins), and the
daily nudges stop here (their settings are on the member's row, `bot/nudges.py`).
What was stopped is kept on the landing, so `/landed undo` gives it all back.

The member may post a celebration in the channel (their words, which the adapters
escape). Thirty and ninety days on, one kind DM each asks how the job is going and
whether they would stay as a mentor: claimed from `landings.next_followup_at`, keyed by
landing and day, so each goes once whatever restarts happen. A landing is the member's
outcome in the club's counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, case, delete, func, literal, null, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import members
from bot import nudges as nudge_times
from bot.commitments import day_start
from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, Figure, Period, feature
from bot.replies import Button, ButtonStyle, Reply, Visibility
from bot.router import Router
from bot.scheduling import DueFromQuery, DueItem, Leased, ScheduledWork
from bot.services import Services
from bot.store.models import Club, Landing, Member
from bot.text import ascii_number
from bot.timezones import local_instant
from bot.when import WhenError, parse_when

KIND = "landed-followup"
FOLLOW_UPS = {"30": 30, "90": 90}
"""Days after the landing; each DM goes at the member's day start on that local date, so
"how is the new job going?" never arrives at the minute of the night they pressed Yes."""


def followup_at(landed_at: datetime, stage: str, member: Member, zone: ZoneInfo) -> datetime:
    """The instant of the `stage`-day DM: the member's day start, that many local days on."""
    day = landed_at.astimezone(zone).date() + timedelta(days=FOLLOW_UPS[stage])
    return local_instant(day, day_start(member), zone)


PENDING = "pending"
"""`followup_stage` of a landing typed but not confirmed yet: nothing is stopped."""


def _confirmed() -> Any:
    """Landings the member confirmed (the only ones any figure or the search state counts)."""
    return Landing.followup_stage.is_distinct_from(PENDING)


ANSWERS = {"well": "going well", "mentor": "mentor", "later": "not now"}
_FORM = re.compile(
    r"^(?P<company>.+?)(?:\s+as\s+(?P<role>.+?))?(?:\s+start(?:ing|s)?\s+(?P<start>.+))?$",
    re.IGNORECASE,
)


@feature
class Landed(Feature):
    name = "landed"

    def register(self, router: Router) -> None:
        router.add_command(
            "landed",
            "You got the job: close the search (one confirmation), celebrate if you like.",
            "/landed COMPANY [as ROLE] [start DATE] · /landed undo",
            self.on_landed,
            destructive=True,
            confirms_itself=True,
        )
        router.add_action("landed:yes", self.on_confirm)
        router.add_action("landed:no", self.on_cancel)
        router.add_action("landed:celebrate", self.on_celebrate)
        router.add_action("landed:answer", self.on_answer)

    def scheduled_work(self) -> list[ScheduledWork]:
        return [LandedFollowUps()]

    async def on_landed(self, ctx: Context) -> Reply:
        words = ctx.text.strip()
        if words.lower() == "undo":
            # Read here, not as a sub-command: the first word of `/landed` is a company.
            return await self.on_undo(ctx)
        if not words:
            raise UserError("Tell me where: `/landed Initech as analyst start 3 jan`.")
        company, role, starts = _read(words, ctx)
        landing = await _current(ctx.session, ctx.member.id)
        if landing is not None:
            return _private(
                ctx,
                f"You already told me about {landing.company}. `/landed undo` first if that "
                "was a mistake.",
            )
        await ctx.session.execute(
            delete(Landing).where(
                Landing.member_id == ctx.member.id, Landing.followup_stage == PENDING
            )
        )
        landing = Landing(
            member_id=ctx.member.id,
            company=company,
            role=role,
            starts_on=starts,
            landed_at=ctx.now,
            search_state={},
            followup_stage=PENDING,
            answers={},
        )
        ctx.session.add(landing)
        await ctx.session.flush()
        job = company + (f" as {role}" if role else "")
        return _private(
            ctx,
            f"Congratulations on {job}! Shall I close your search? That closes your open "
            "interview and follow-up steps, stops nudges and weekly check-ins, and in 30 "
            "and 90 days I'll ask how it's going. `/landed undo` brings it all back.",
            {"company": company, "role": role, "starts_on": starts.isoformat() if starts else None},
            buttons=[
                Button("Yes, close my search", f"landed:yes:{landing.id}", ButtonStyle.PRIMARY),
                Button("Not yet", f"landed:no:{landing.id}"),
            ],
        )

    async def on_confirm(self, ctx: Context) -> Reply:
        landing = await _pending(ctx)
        if landing is None:
            if await _current(ctx.session, ctx.member.id) is not None:
                return _private(ctx, "Your search is already closed. `/landed undo` reopens it.")
            raise UserError("That button is out of date. Type `/landed COMPANY` again.")
        now = ctx.now
        stopped: list[str] = []
        state: dict[str, Any] = {}
        for feat in ctx.services.features:
            ended = await feat.end_search(ctx.session, ctx.member, now)
            if ended is not None:
                stopped.append(ended.summary)
                state[feat.name] = ended.state
        if ctx.member.nudges_on:
            state["nudges"] = {"on": True}
            ctx.member.nudges_on, ctx.member.next_nudge_at = False, None
            stopped.append("daily nudges stopped")
        landing.landed_at, landing.search_state = now, state
        landing.next_followup_at = followup_at(now, "30", ctx.member, ctx.zone)
        landing.followup_stage = "30"
        await ctx.release_dm("checkin")
        await ctx.session.flush()
        done = "; ".join(stopped) if stopped else "nothing was open"
        return _private(
            ctx,
            f"Search closed: {done}. Enjoy it! I'll check in once at 30 days and once at 90. "
            "Want to tell the club? I'll post only what you wrote in the command.",
            {"landing": landing.id, "stopped": stopped},
            buttons=[
                Button("Post a celebration", f"landed:celebrate:{landing.id}", ButtonStyle.PRIMARY),
            ],
        )

    async def on_cancel(self, ctx: Context) -> Reply:
        landing = await _pending(ctx)
        if landing is not None:
            await ctx.session.delete(landing)
        return _private(ctx, "Nothing changed. Good luck!")

    async def on_celebrate(self, ctx: Context) -> Reply:
        number = ascii_number(ctx.args[0]) if ctx.args else None
        landing = await ctx.session.get(Landing, number) if number is not None else None
        if landing is None or landing.member_id != ctx.member.id:
            raise UserError("That celebration button is not one of yours.")
        if landing.followup_stage == PENDING:  # a hand-made id before Yes was pressed
            raise UserError("Confirm the landing first: type `/landed COMPANY` again.")
        if landing.celebrated_at is not None:
            return _private(ctx, "The club already heard. 🎉")
        landing.celebrated_at = ctx.now
        job = landing.company + (f" as {landing.role}" if landing.role else "")
        # Plain text: the adapters escape it, so a company name can never become markup.
        return Reply(
            text=f"🎉 {ctx.member.display_name} got the job: {job}! Congratulations!",
            visibility=Visibility.CHANNEL,
            meta={"celebration": landing.id},
        )

    async def on_undo(self, ctx: Context) -> Reply:
        landing = await _current(ctx.session, ctx.member.id)
        if landing is None:
            return _private(ctx, "There is no closed search to undo.")
        told: list[str] = []
        features = {feat.name: feat for feat in ctx.services.features}
        for name, state in landing.search_state.items():
            if name == "nudges":
                ctx.member.nudges_on = True
                await nudge_times.reschedule(
                    ctx.session, ctx.member, ctx.zone, ctx.now, keep_today=False
                )
                told.append("daily nudges back on")
            elif (feat := features.get(name)) is not None:
                said = await feat.resume_search(ctx.session, ctx.member, state, ctx.now, ctx.zone)
                if said:
                    told.append(said)
        await ctx.session.delete(landing)
        back = "; ".join(told) if told else "nothing needed reopening"
        return _private(ctx, f"Undone: your search is open again ({back}).", {"undone": True})

    async def on_answer(self, ctx: Context) -> Reply:
        landing_id, stage, answer = (*ctx.args, "", "", "")[:3]
        number = ascii_number(landing_id)
        landing = await ctx.session.get(Landing, number) if number is not None else None
        if landing is None or landing.member_id != ctx.member.id or answer not in ANSWERS:
            raise UserError("That button is out of date.")
        landing.answers = {**landing.answers, stage: ANSWERS[answer]}
        if answer == "mentor":
            text = (
                "Wonderful: members value hearing from someone who just got through it. "
                "Stay in the channel; a story of how you did it helps more than you think."
            )
        elif answer == "well":
            text = "Great to hear. Thanks for telling me!"
        else:
            text = "No problem. All the best in the new job."
        return _private(ctx, text, {"answer": ANSWERS[answer]})

    async def report_figures(
        self, session: AsyncSession, member_ids: Sequence[int], period: Period
    ) -> list[Figure]:
        """Members whose confirmed landing falls in the period, and the days from their
        first day in the club to it (the club figure is the median)."""
        rows = (
            await session.execute(
                select(Landing.member_id, Landing.landed_at, Member.created_at)
                .join(Member, Member.id == Landing.member_id)
                .where(
                    Landing.member_id.in_(member_ids),
                    _confirmed(),
                    Landing.landed_at >= period.since,
                    Landing.landed_at < period.until,
                )
            )
        ).all()
        landed = {member: 1 for member, _, _ in rows}
        days = {member: (at - joined).days for member, at, joined in rows}
        return [
            Figure("landed", "members landed", landed, len(landed), 80),
            Figure(
                "days_to_land",
                "median days to land",
                days,
                median(days.values()) if days else None,
                81,
            ),
        ]

    async def digest_counts(
        self, session: AsyncSession, club_id: int, since: datetime, until: datetime
    ) -> dict[str, int]:
        landed = await session.scalar(
            select(func.count(Landing.id))
            .join(Member, Member.id == Landing.member_id)
            .where(
                Member.club_id == club_id,
                Landing.landed_at >= since,
                Landing.landed_at < until,
                _confirmed(),
            )
        )
        return {"members who landed a job": landed or 0} if landed else {}

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        rows = await session.scalars(select(Landing).where(Landing.member_id == member.id))
        return {
            "landings": [
                {
                    "company": r.company,
                    "role": r.role,
                    "starts_on": r.starts_on.isoformat() if r.starts_on else None,
                    "landed_at": r.landed_at.isoformat(),
                    "what_was_stopped": r.search_state,
                    "celebrated_at": r.celebrated_at.isoformat() if r.celebrated_at else None,
                    "next_followup_at": r.next_followup_at.isoformat()
                    if r.next_followup_at
                    else None,
                    "followup_stage": r.followup_stage,
                    "answers": r.answers,
                }
                for r in rows
            ]
        }

    async def delete_member(self, session: AsyncSession, member: Member) -> int:
        result = await session.execute(delete(Landing).where(Landing.member_id == member.id))
        return result.rowcount or 0


class LandedFollowUps(DueFromQuery):
    """The 30- and 90-day DMs after a landing: each claimed once from the landing row."""

    kinds = (KIND,)

    def due_query(self) -> Select[tuple[datetime | None]]:
        return select(func.min(Landing.next_followup_at))

    async def claim_due(
        self, session: AsyncSession, services: Services, now: datetime
    ) -> list[DueItem]:
        rows = list(
            await session.scalars(select(Landing).where(Landing.next_followup_at <= now).limit(200))
        )
        # The members whose 90-day DM is computed now, read in one query, never one per
        # landing: a morning's crowd of 30-day DMs is claimed in one round.
        wanted = {r.member_id for r in rows if (r.followup_stage or "90") == "30" and r.landed_at}
        people = await _members_with_clubs(session, wanted)
        # Each landing's next stage, worked out here; then one UPDATE sets them all. A row
        # is claimed only if it still holds the due time read above (no other claim took
        # it, no undo or new landing changed it), and RETURNING says which rows were won.
        following: dict[int, tuple[datetime | None, str | None]] = {}
        for landing in rows:
            if (
                (landing.followup_stage or "90") == "30"
                and landing.landed_at is not None
                and landing.member_id in people
            ):
                member, club = people[landing.member_id]
                zone = members.zone_for(member, club, services.settings.timezone)
                following[landing.id] = (followup_at(landing.landed_at, "90", member, zone), "90")
        won: set[int] = set()
        if rows:
            # Typed as the column, so the 90-day instant is stored as UTC like any other.
            at = {
                i: literal(when, Landing.next_followup_at.type)
                for i, (when, _) in following.items()
            }
            stages = {i: next_stage for i, (_, next_stage) in following.items()}
            won = set(
                await session.scalars(
                    update(Landing)
                    .where(
                        tuple_(Landing.id, Landing.next_followup_at).in_(
                            [(r.id, r.next_followup_at) for r in rows]
                        )
                    )
                    .values(
                        next_followup_at=case(at, value=Landing.id, else_=null()) if at else null(),
                        followup_stage=case(stages, value=Landing.id, else_=null())
                        if stages
                        else null(),
                    )
                    .returning(Landing.id)
                    .execution_options(synchronize_session=False)
                )
            )
        claimed = []
        for landing in rows:
            if landing.id not in won:
                continue
            due = landing.next_followup_at
            assert due is not None
            stage_now = landing.followup_stage or "90"
            claimed.append(
                DueItem(
                    key=f"{KIND}:{landing.id}:{stage_now}",
                    kind=KIND,
                    due_at=due,
                    member_id=landing.member_id,
                    ref_id=landing.id,
                    useful_until=due + timedelta(days=7),
                    payload={"stage": stage_now},
                )
            )
        return claimed

    async def render(
        self, session: AsyncSession, services: Services, delivery: Leased, now: datetime
    ) -> Reply | None:
        landing = await session.get(Landing, delivery.ref_id) if delivery.ref_id else None
        if landing is None:
            return None  # undone or deleted meanwhile
        stage = delivery.payload.get("stage", "30")
        return Reply(
            title=f"{stage} days at {landing.company}",
            text="How is the new job going? Want to stay in the club as a mentor?",
            buttons=[
                Button("Going well", f"landed:answer:{landing.id}:{stage}:well"),
                Button("Yes, as a mentor", f"landed:answer:{landing.id}:{stage}:mentor"),
                Button("Not now", f"landed:answer:{landing.id}:{stage}:later"),
            ],
            visibility=Visibility.DM,
            meta={"landing": landing.id, "stage": stage},
        )


async def _current(session: AsyncSession, member_id: int) -> Landing | None:
    """The member's confirmed landing (the search is closed), if any."""
    return await session.scalar(
        select(Landing)
        .where(Landing.member_id == member_id, _confirmed())
        .order_by(Landing.id.desc())
        .limit(1)
    )


async def _pending(ctx: Context) -> Landing | None:
    """The landing waiting for the member's confirmation (the button carries its id)."""
    number = ascii_number(ctx.args[0]) if ctx.args else None
    landing = await ctx.session.get(Landing, number) if number is not None else None
    if landing is None or landing.member_id != ctx.member.id:
        return None
    return landing if landing.followup_stage == PENDING else None


def _read(words: str, ctx: Context) -> tuple[str, str | None, date | None]:
    found = _FORM.match(words.strip())
    assert found is not None  # the pattern matches any non-empty text
    company = found.group("company").strip()
    role = (found.group("role") or "").strip() or None
    starts: date | None = None
    if found.group("start"):
        try:
            when = parse_when(found.group("start"), ctx.now, ctx.zone)
        except WhenError as exc:
            raise UserError(f"{exc} For example `/landed Initech start 3 jan`.") from None
        starts = when.due_at.astimezone(ctx.zone).date()
    if len(company) > 120 or (role and len(role) > 120):
        raise UserError("That is a long name: keep the company and the role under 120 letters.")
    return company, role, starts


def _private(
    ctx: Context, text: str, meta: dict[str, Any] | None = None, buttons: list[Button] | None = None
) -> Reply:
    return ctx.private(Reply(text=text, meta=meta or {}, buttons=buttons or []))


async def _members_with_clubs(
    session: AsyncSession, member_ids: set[int]
) -> dict[int, tuple[Member, Club]]:
    """Each member with their club, by member id, in one query."""
    if not member_ids:
        return {}
    rows = await session.execute(
        select(Member, Club).join(Club, Club.id == Member.club_id).where(Member.id.in_(member_ids))
    )
    return {member.id: (member, club) for member, club in rows}
