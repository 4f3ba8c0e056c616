"""`/interview` and `/rejected`: one command sets up every follow-up step as a commitment.

After an interview: research, stories, a thank-you within a day (with a draft), and a
polite follow-up if nothing is heard. After a rejection: the appreciation note, the ask
to stay connected, then stay-in-touch reminders at about 1, 3, 6 and 12 months, each with
a draft. Every step is an ordinary commitment the member can see, edit, snooze or drop.

The steps respect the interview (`plan_prep`): prep lands on the days before it at the
member's day start, or, when those have passed, is spread over the waking hours still
left, never in the last two hours before it and never all at once. A prep step is bound
to the interview (`Commitment.ends_at`): no reminder or check-in after it starts, and
what is still open then closes itself quietly. The interview has its own reminders, the
morning of it and an hour before (`InterviewReminders`), whether or not nudges are on;
the first of them names the prep still open, so nothing needs saying afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import commitments as store
from bot import members
from bot.content.drafts import day_words
from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, Interview, SearchEnded, feature
from bot.replies import Button, Reply, Section, Visibility
from bot.router import Router
from bot.scheduling import DueFromQuery, DueItem, Leased, ScheduledWork
from bot.services import Services
from bot.store.models import Club, Commitment, Contact, Ladder, Member
from bot.timezones import add_months, local_instant, show_time
from bot.when import WhenError, WhenInPast, parse_when, split_text_and_when

FOLLOW_UP_AFTER = timedelta(days=7)
"""When to nudge a follow-up if nothing has been heard after an interview."""
THANK_YOU_AFTER = timedelta(hours=3)
PREP = tuple(zip(store.PREP_STEPS, (3, 2, 1), strict=True))
"""The prep steps in order, each with the days before the interview it ideally lands."""
PREP_PRIORITY = ("research", "stories", "interviewer")
"""Which prep steps to keep when only some fit before a close interview."""
FIRST_AFTER = timedelta(hours=1)
"""The first step reminds no sooner than this after `/interview` (the reply lists them)."""
LAST_BEFORE = timedelta(hours=2)
"""No prep reminder in the last hours before the interview: too late to be of use."""
MIN_GAP = timedelta(hours=1)
"""Prep steps spread over a short time still come at least this far apart."""
ROUND_TO = timedelta(minutes=15)
HOUR_BEFORE = timedelta(hours=1)
"""The interview's last reminder comes this long before it."""
COINCIDE = timedelta(hours=1)
"""A morning reminder closer than this to the hour-before one is left out: one is enough."""
STAY_IN_TOUCH_MONTHS = (1, 3, 6, 12)
_KEYWORDS = re.compile(r"\s+(with|on|at|for)\s+", re.IGNORECASE)
MAX_FIELD = 120


@dataclass(frozen=True)
class Step:
    """One step a ladder sets up: its text, when it is due (None: left out), its draft,
    what it is for, and when it stops making sense."""

    text: str
    due: datetime | None
    draft: str | None = None
    step: str | None = None
    ends_at: datetime | None = None


_PREP_NAMES = {
    "research": "reading up on the company",
    "interviewer": "reading up on your interviewer",
    "stories": "picking your stories",
}


@dataclass(frozen=True)
class InterviewWords:
    """The parts of `/interview`'s text; `when` is the time words, still to be read."""

    company: str
    person: str | None
    role: str | None
    when: str | None


def parse_interview(
    text: str, now: datetime, zone: ZoneInfo, default_time: time = time(9, 0)
) -> InterviewWords:
    """`Initech with Ana tomorrow 10am for analyst` → its parts, in any order.

    `with` names the interviewer, `for` the role, `at` the company unless it is a time,
    `on` a day; the words before the first keyword are the company. A time may stand in
    any of these clauses ("with Ana tomorrow 10am") or on its own, with or without "on"
    or "at": the when-parser finds it at either end of a clause, and the time words of
    every clause are read together ("Initech tomorrow" + "at 10am").
    """
    parts = _KEYWORDS.split(f" {text.strip()} ")
    clauses: list[tuple[str | None, str]] = [(None, parts[0].strip())]
    clauses += [(k.lower(), v.strip()) for k, v in zip(parts[1::2], parts[2::2], strict=False)]
    fields: dict[str, list[str]] = {"company": [], "person": [], "role": []}
    times: list[str] = []
    last = "company"
    for keyword, value in clauses:
        if not value:
            continue
        rest, when = _time_in(value, keyword, now, zone, default_time)
        if when:
            times.append(when)
        if not rest:
            continue
        if keyword == "on" and not when:
            times.append(f"on {rest}")  # "on blursday": a day, even one I can't read
            continue
        field = {"with": "person", "for": "role"}.get(keyword or "", "company")
        if keyword == "at" and fields["company"]:
            fields[last].append(f"at {rest}")  # "Initech at the Berlin office"
            continue
        fields[field].append(rest)
        last = field

    def joined(name: str) -> str | None:
        return " ".join(fields[name]) or None

    return InterviewWords(
        company=joined("company") or "",
        person=joined("person"),
        role=joined("role"),
        when=" ".join(times) or None,
    )


def _time_in(
    value: str, keyword: str | None, now: datetime, zone: ZoneInfo, default_time: time
) -> tuple[str, str | None]:
    """(the clause without its time words, the time words) for one clause."""
    said = f"{keyword} {value}" if keyword in ("on", "at") else value
    if _reads_as_time(said, now, zone, default_time):
        return "", said
    try:
        rest, when = split_text_and_when(value, now, zone, default_time)
    except WhenInPast as exc:
        rest, when = exc.text or "", None
        if value.startswith(rest) and rest:
            return rest, value[len(rest) :].strip()
    except WhenError:
        rest, when = value, None
    if when is not None:
        return rest, value[len(rest) :].strip() if value.startswith(rest) else when.phrase
    words = value.split()
    for cut in range(len(words) - 1, 0, -1):  # a time that starts the clause
        if _reads_as_time(" ".join(words[:cut]), now, zone, default_time):
            return " ".join(words[cut:]), " ".join(words[:cut])
    return value, None


def _reads_as_time(words: str, now: datetime, zone: ZoneInfo, default_time: time) -> bool:
    try:
        parse_when(words, now, zone, default_time)
    except WhenInPast:
        return True
    except WhenError:
        return False
    return True


@feature
class Ladders(Feature):
    name = "ladders"

    def register(self, router: Router) -> None:
        router.add_command(
            "interview",
            "Got an interview? I set up research, stories, the thank-you and the follow-up.",
            "/interview COMPANY [with NAME] [on WHEN] [for ROLE]",
            self.on_interview,
        )
        router.add_command(
            "rejected",
            "Turned down? I help you thank them and stay in touch for months to come.",
            "/rejected COMPANY [NAME]",
            self.on_rejected,
        )

    async def on_interview(self, ctx: Context) -> Reply:
        start = store.day_start(ctx.member)
        words = parse_interview(ctx.text, ctx.now, ctx.zone, start)
        company, when = words.company, None
        if words.when:
            try:
                when = parse_when(words.when, ctx.now, ctx.zone, start)
            except WhenInPast as exc:
                return await self._after_interview(ctx, words, exc.due_at)
        _check_fields(company, words.person, words.role)
        if when is None:
            raise UserError(
                "When is it? For example `/interview Acme with Ana on Friday 10am for analyst`."
            )
        at = when.due_at
        window = store.waking_window(ctx.member)
        alerts = interview_reminders(ctx.now, at, ctx.zone, start)
        ladder = await _ladder(
            ctx, "interview", company, words.person, words.role, at, reminders=alerts
        )
        who = words.person or "your interviewer"
        prep = plan_prep(ctx.now, at, ctx.zone, window)
        texts = {
            "research": f"Research {company}: mission, strategy, news, competitors, culture",
            "interviewer": (
                f"Read up on {who} at {company}: background, projects, what they care about"
                if words.person
                else f"Find out who will interview you at {company}, then read up on them"
            ),
            "stories": f"Pick three CCAR stories that fit {company}"
            + (f" and the {words.role} role" if words.role else ""),
        }
        steps = [Step(texts[name], prep.get(name), step=name, ends_at=at) for name, _ in PREP]
        steps += [
            Step(
                f"Send a thank-you note to {who} at {company}",
                store.next_waking(at + THANK_YOU_AFTER, ctx.member, ctx.zone),
                "thank-you-after-interview",
                step="thank-you",
            ),
            Step(
                f"Follow up with {company} if you have not heard back",
                at + FOLLOW_UP_AFTER,
                "follow-up-no-decision",
                step="follow-up",
            ),
        ]
        made = await _make_steps(ctx, ladder, steps, "interview")
        reply = _summary(ctx, f"Interview at {company}, {show_time(at, ctx.zone)}", made, ladder)
        left_out = [_PREP_NAMES[name] for name, _ in PREP if name not in prep]
        if left_out:
            reply.text += (
                f"\n\nYour interview is close, so I left out the prep there is no good time "
                f"for before it: {_listed(left_out)}. Ten minutes on it now still helps."
            )
        reply.text += "\n\n" + _reminders_note(alerts, ctx.zone)
        reply.meta["interview_reminders"] = [
            {"stage": stage, "at": moment.astimezone(ctx.zone).isoformat()}
            for stage, moment in alerts
        ]
        return reply

    async def _after_interview(self, ctx: Context, words: InterviewWords, at: datetime) -> Reply:
        """The interview already happened: only the steps after it still make sense."""
        if ctx.now - at > timedelta(days=30):
            raise UserError(
                f"{show_time(at, ctx.zone)} was more than a month ago. For an older interview, "
                "use `/commit` for the follow-up you have in mind."
            )
        _check_fields(words.company, words.person, words.role)
        ladder = await _ladder(ctx, "interview", words.company, words.person, words.role, at)
        who = words.person or "your interviewer"
        thank_you = max(at + THANK_YOU_AFTER, ctx.now + timedelta(hours=1))
        steps = [
            Step(
                f"Send a thank-you note to {who} at {words.company}",
                store.next_waking(thank_you, ctx.member, ctx.zone),
                "thank-you-after-interview",
                step="thank-you",
            ),
            Step(
                f"Follow up with {words.company} if you have not heard back",
                max(at + FOLLOW_UP_AFTER, ctx.now + timedelta(days=1)),
                "follow-up-no-decision",
                step="follow-up",
            ),
        ]
        made = await _make_steps(ctx, ladder, steps, "interview")
        return _summary(ctx, f"After your interview at {words.company}", made, ladder)

    async def on_rejected(self, ctx: Context) -> Reply:
        company, _, person = ctx.text.strip().partition(",")
        words = parse_interview(company, ctx.now, ctx.zone)
        company = words.company
        if not company:
            raise UserError("Which company? For example `/rejected Acme, Ana Ruiz`.")
        name = (person.strip() or words.person or "").strip() or None
        earlier = await _earlier_rejection(ctx, company, name)
        if earlier is not None:
            return await _already_set_up(ctx, earlier)
        interview = await _latest_interview(ctx, company)
        name = name or (interview.person if interview else None)
        role = interview.role if interview else None
        _check_fields(company, name, role)
        start = store.day_start(ctx.member)
        contact = await _contact_for(ctx, name or "the hiring manager", company)
        ladder = await _ladder(ctx, "rejection", company, name, role, None, contact_id=contact.id)
        who = name or f"the hiring manager at {company}"
        local = ctx.now.astimezone(ctx.zone)
        tomorrow = _workday_at(local.date() + timedelta(days=1), start, ctx.zone)
        steps = [
            Step(
                f"Send {who} a short note of appreciation", tomorrow, "appreciation-after-rejection"
            ),
            Step(
                f"Ask {who} to stay connected and meet for a networking chat",
                _workday_at(local.date() + timedelta(days=4), start, ctx.zone),
                "ask-to-stay-connected",
            ),
        ]
        for months in STAY_IN_TOUCH_MONTHS:
            steps.append(
                Step(
                    f"Stay in touch with {who} ({months} month{'s' if months > 1 else ''} on)",
                    _workday_at(add_months(local.date(), months), start, ctx.zone),
                    f"stay-in-touch-{months}-month{'s' if months > 1 else ''}",
                )
            )
        dropped = await _close_interview_steps(ctx, company)
        made = await _make_steps(ctx, ladder, steps, "rejection", contact_id=contact.id)
        reply = _summary(ctx, f"After the no from {company}", made, ladder)
        note = f"\n\n{_closed_note(dropped, company)}" if dropped else ""
        reply.text = (
            "Sorry, that is disappointing. A warm note now keeps the door open: the person "
            "they hired may not stay, and people you keep in touch with often come back with "
            "openings months or years later.\n\n" + reply.text + note
        )
        reply.meta["dropped"] = [c.id for c in dropped]
        return reply

    def scheduled_work(self) -> list[ScheduledWork]:
        return [InterviewReminders()]

    async def upcoming_interviews(
        self, session: AsyncSession, member_ids: Sequence[int], now: datetime, until: datetime
    ) -> dict[int, Interview]:
        rows = await session.scalars(
            select(Ladder)
            .where(
                Ladder.member_id.in_(bindparam("ids", expanding=True)),
                Ladder.kind == "interview",
                Ladder.at > now,
                Ladder.at <= until,
            )
            .order_by(Ladder.at.desc()),
            {"ids": list(member_ids)},
        )
        ladders = [ladder for ladder in rows if ladder.at is not None]
        steps = await store.open_steps(session, [ladder.id for ladder in ladders])
        # An interview with nothing left open is over for the member (a no closed it all).
        # Latest first, so each member's soonest interview is written last and wins.
        soonest = {ladder.member_id: ladder for ladder in ladders if steps[ladder.id]}
        return {
            member_id: Interview(
                ladder.id,
                member_id,
                ladder.company,
                ladder.person,
                ladder.at,  # type: ignore[arg-type]
                open_prep=frozenset(steps[ladder.id] & set(_PREP_NAMES)),
                reminds_on_the_day=ladder.next_reminder_at is not None,
            )
            for member_id, ladder in soonest.items()
        }

    async def week_counts(
        self, session: AsyncSession, member: Member, since: datetime, until: datetime
    ) -> dict[str, int]:
        """Interviews held that week (from `/interview`), for the weekly check-in."""
        held = await session.scalar(
            select(func.count(Ladder.id)).where(
                Ladder.member_id == member.id,
                Ladder.kind == "interview",
                Ladder.at >= since,
                Ladder.at < until,
            )
        )
        return {"interviews": held or 0}

    async def end_search(
        self, session: AsyncSession, member: Member, now: datetime
    ) -> SearchEnded | None:
        """The job is found: every ladder's open steps close and its reminders stop."""
        steps = list(
            await session.scalars(
                select(Commitment).where(
                    Commitment.member_id == member.id,
                    Commitment.status == "open",
                    Commitment.ladder_id.is_not(None),
                )
            )
        )
        ladders = list(
            await session.scalars(
                select(Ladder).where(
                    Ladder.member_id == member.id, Ladder.next_reminder_at.is_not(None)
                )
            )
        )
        if not steps and not ladders:
            return None
        reminders = []
        for ladder in ladders:
            assert ladder.next_reminder_at is not None
            reminders.append(
                [ladder.id, ladder.next_reminder_at.isoformat(), ladder.reminder_stage]
            )
            ladder.next_reminder_at, ladder.reminder_stage = None, None
        saved = store.stop_for_landing(steps, now)
        interviews = {ladder.id for ladder in ladders} | {c.ladder_id for c in steps}
        return SearchEnded(
            f"{len(steps)} interview and follow-up step{'s' if len(steps) != 1 else ''} "
            f"closed across {len(interviews)} interview{'s' if len(interviews) != 1 else ''} "
            "or rejection" + ("s" if len(interviews) != 1 else ""),
            {"steps": saved, "reminders": reminders, "at": now.isoformat()},
        )

    async def resume_search(
        self,
        session: AsyncSession,
        member: Member,
        state: dict[str, Any],
        now: datetime,
        zone: ZoneInfo,
    ) -> str | None:
        at = str(state.get("at", ""))
        reopened = await store.reopen_after_landing(
            session, member, state.get("steps", []), at, now
        )
        for ladder_id, when, stage in state.get("reminders", []):
            ladder = await session.get(Ladder, ladder_id)
            instant = datetime.fromisoformat(when)
            if ladder is not None and ladder.member_id == member.id and instant > now:
                ladder.next_reminder_at, ladder.reminder_stage = instant, stage
        return f"{reopened} interview step{'s' if reopened != 1 else ''} reopened"

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        rows = await session.scalars(select(Ladder).where(Ladder.member_id == member.id))
        return {
            "ladders": [
                {
                    "kind": r.kind,
                    "company": r.company,
                    "person": r.person,
                    "role": r.role,
                    "at": r.at.isoformat() if r.at else None,
                    "created_at": r.created_at.isoformat(),
                }
                for r in rows
            ]
        }

    async def delete_member(self, session: AsyncSession, member: Member) -> int:
        result = await session.execute(delete(Ladder).where(Ladder.member_id == member.id))
        return result.rowcount or 0


async def _earlier_rejection(ctx: Context, company: str, name: str | None) -> Ladder | None:
    """The member's rejection ladder for this company (and this person, when one is named).

    Saying no twice about the same people must not set up a second series of notes: the
    second `/rejected` would double every reminder.
    """
    rows = await ctx.session.scalars(
        select(Ladder)
        .where(
            Ladder.member_id == ctx.member.id,
            Ladder.kind == "rejection",
            func.lower(Ladder.company) == company.lower(),
        )
        .order_by(Ladder.created_at.desc())
    )
    for ladder in rows:
        if name is None or (ladder.person or "").lower() == name.lower():
            return ladder
    return None


async def _already_set_up(ctx: Context, ladder: Ladder) -> Reply:
    """What is already there for this no, and how to change it, instead of a copy."""
    steps = await store.open_for(ctx.session, ctx.member, ladder_id=ladder.id)
    who = f" ({ladder.person})" if ladder.person else ""
    lines = [
        f"#{c.number} {c.text} · {show_time(c.due_at, ctx.zone, ctx.now)}"
        for c in steps
        if c.due_at
    ]
    told = show_time(ladder.created_at, ctx.zone, ctx.now)
    lead = (
        f"You told me about the no from {ladder.company}{who} on {told}, so I did not set "
        "the steps up a second time."
    )
    if lines:
        lead += (
            " These are still open; change any of them with `/commitments edit N`, "
            "or `/commitments drop N`."
        )
    else:
        lead += " Those steps are all done or dropped."
    if not ladder.person:
        lead += " To add a name, `/rejected COMPANY, NAME` sets up notes for that person."
    return Reply(
        title=f"Already set up: the no from {ladder.company}",
        text=lead,
        sections=[Section(text="\n".join(lines))] if lines else [],
        buttons=[Button("See my commitments", "commit:list")],
        visibility=Visibility.DM if ctx.in_dm else Visibility.ONLY_MEMBER,
        meta={"ladder_id": ladder.id, "duplicate": True, "commitments": [c.id for c in steps]},
    )


async def _latest_interview(ctx: Context, company: str) -> Ladder | None:
    """The member's latest interview at this company, to fill names and role into drafts."""
    return await ctx.session.scalar(
        select(Ladder)
        .where(
            Ladder.member_id == ctx.member.id,
            Ladder.kind == "interview",
            func.lower(Ladder.company) == company.lower(),
        )
        .order_by(Ladder.created_at.desc())
        .limit(1)
    )


async def _contact_for(ctx: Context, name: str, company: str) -> Contact:
    """The member's existing contact with this name at this company, or a new one."""
    existing = await ctx.session.scalar(
        select(Contact).where(
            Contact.member_id == ctx.member.id,
            func.lower(Contact.name) == name.lower(),
            func.lower(Contact.company) == company.lower(),
        )
    )
    if existing is not None:
        return existing
    contact = Contact(
        member_id=ctx.member.id,
        name=name,
        company=company,
        how_met="interview",
        cadence_days=None,
        notes=[],
        created_at=ctx.now,
    )
    ctx.session.add(contact)
    await ctx.session.flush()
    return contact


async def _close_interview_steps(ctx: Context, company: str) -> list[Commitment]:
    """After a no, the open steps of that company's interviews have no purpose any more:
    its prep, the thank-you (the appreciation note replaces it) and the "follow up if you
    have not heard back"."""
    rows = list(
        await ctx.session.scalars(
            select(Commitment)
            .join(Ladder, Ladder.id == Commitment.ladder_id)
            .where(
                Commitment.member_id == ctx.member.id,
                Commitment.status == "open",
                Ladder.kind == "interview",
                func.lower(Ladder.company) == company.lower(),
            )
            .order_by(Commitment.number)
        )
    )
    for commitment in rows:
        store.close(commitment, "dropped", ctx.now)
    # The interview will not happen now: no reminder of it either.
    await ctx.session.execute(
        update(Ladder)
        .where(
            Ladder.member_id == ctx.member.id,
            Ladder.kind == "interview",
            func.lower(Ladder.company) == company.lower(),
            Ladder.next_reminder_at.is_not(None),
        )
        .values(next_reminder_at=None, reminder_stage=None)
    )
    return rows


def _closed_note(closed: list[Commitment], company: str) -> str:
    """What `/rejected` closed, in the words of what each step was for."""
    groups: dict[str, list[int]] = {}
    for c in closed:
        purpose = (
            f"prep for the {company} interview"
            if c.step in _PREP_NAMES
            else "the thank-you: the appreciation note takes its place"
            if c.step == "thank-you" or c.draft_id == "thank-you-after-interview"
            else f"no need to chase {company} for a decision now"
        )
        groups.setdefault(purpose, []).append(c.number)
    parts = [f"{_listed([f'#{n}' for n in numbers])} ({why})" for why, numbers in groups.items()]
    return f"I closed {_listed(parts)}."


def _listed(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


async def _ladder(
    ctx: Context,
    kind: str,
    company: str,
    person: str | None,
    role: str | None,
    at: datetime | None,
    contact_id: int | None = None,
    reminders: Sequence[tuple[str, datetime]] = (),
) -> Ladder:
    """The ladder row; an interview's first own reminder is its next one (`reminders`)."""
    first = reminders[0] if reminders else None
    ladder = Ladder(
        member_id=ctx.member.id,
        kind=kind,
        company=company,
        person=person,
        role=role,
        at=at,
        contact_id=contact_id,
        created_at=ctx.now,
        next_reminder_at=first[1] if first else None,
        reminder_stage=first[0] if first else None,
    )
    ctx.session.add(ladder)
    await ctx.session.flush()
    return ladder


async def _make_steps(
    ctx: Context,
    ladder: Ladder,
    steps: list[Step],
    source: str,
    contact_id: int | None = None,
) -> list[Commitment]:
    made = []
    for step in steps:
        if step.due is None:
            continue
        made.append(
            await store.create(
                ctx.session,
                ctx.member,
                step.text,
                step.due,
                ctx.now,
                source=source,
                draft_id=step.draft if step.draft and ctx.library.draft(step.draft) else None,
                ladder_id=ladder.id,
                contact_id=contact_id,
                step=step.step,
                ends_at=step.ends_at,
            )
        )
    return made


def _summary(ctx: Context, title: str, made: list[Commitment], ladder: Ladder) -> Reply:
    lines = [
        f"#{c.number} {c.text} · {show_time(c.due_at, ctx.zone, ctx.now)}" for c in made if c.due_at
    ]
    return Reply(
        title=title,
        text="I set up these steps; each one reminds you when it is due. "
        "Change any of them with `/commitments`.",
        sections=[Section(text="\n".join(lines))],
        buttons=[Button("See my commitments", "commit:list")],
        visibility=Visibility.DM if ctx.in_dm else Visibility.ONLY_MEMBER,
        meta={
            "ladder_id": ladder.id,
            "kind": ladder.kind,
            "company": ladder.company,
            "interviewer" if ladder.kind == "interview" else "person": ladder.person,
            "role": ladder.role,
            "at": ladder.at.astimezone(ctx.zone).isoformat() if ladder.at else None,
            "commitments": [
                {
                    "commitment_id": c.id,
                    "number": c.number,
                    "due_at": c.due_at.astimezone(ctx.zone).isoformat() if c.due_at else None,
                    "draft_id": c.draft_id,
                }
                for c in made
            ],
        },
    )


def plan_prep(
    now: datetime, at: datetime, zone: ZoneInfo, window: tuple[time, time]
) -> dict[str, datetime]:
    """When each prep step reminds, by name; a step with no sensible moment is left out.

    Each step ideally lands at the member's day start 3, 2 and 1 days before the
    interview. Steps whose ideal moment has passed are spread evenly, in order, over the
    waking hours (`window`) between an hour from now and the first step still at its
    ideal moment (or two hours before the interview), at least `MIN_GAP` apart; when
    fewer fit, `PREP_PRIORITY` says which stay. So an interview tomorrow at 10:00, set up
    at 10:00, gets research at 11:00, the interviewer at 15:30 and stories at 20:00, not
    three reminders at once, and nothing the morning of it before the day starts.
    """
    earliest, latest = now + FIRST_AFTER, at - LAST_BEFORE
    if latest < earliest:
        return {}
    day = at.astimezone(zone).date()
    ideal = {
        name: local_instant(day - timedelta(days=lead), window[0], zone) for name, lead in PREP
    }
    planned = {name: due for name, due in ideal.items() if earliest <= due <= latest}
    passed = [name for name, _ in PREP if ideal[name] < earliest]
    if not passed:
        return planned
    bound = min(planned.values()) - MIN_GAP if planned else latest
    spans = _waking_spans(earliest, bound, zone, window)
    total = sum((end - begin for begin, end in spans), timedelta())
    fits = min(len(passed), int(total / MIN_GAP) + 1) if spans else 0
    kept = set(sorted(passed, key=PREP_PRIORITY.index)[:fits])
    chosen = [name for name in passed if name in kept]
    for i, name in enumerate(chosen):
        offset = total * i / (len(chosen) - 1) if len(chosen) > 1 else timedelta()
        planned[name] = _along(spans, offset)
    return planned


def _waking_spans(
    begin: datetime, end: datetime, zone: ZoneInfo, window: tuple[time, time]
) -> list[tuple[datetime, datetime]]:
    """The parts of [begin, end] inside the waking window of each local day."""
    spans = []
    day, last = begin.astimezone(zone).date(), end.astimezone(zone).date()
    while day <= last:
        lo = max(begin, local_instant(day, window[0], zone))
        hi = min(end, local_instant(day, window[1], zone))
        if lo <= hi:
            spans.append((lo, hi))
        day += timedelta(days=1)
    return spans


def _along(spans: list[tuple[datetime, datetime]], offset: timedelta) -> datetime:
    """The instant `offset` into the spans laid end to end, on a quarter hour if one is near."""
    for lo, hi in spans:
        if offset <= hi - lo:
            moment = lo + offset
            down = moment - (moment - datetime.min.replace(tzinfo=UTC)) % ROUND_TO
            up = down + ROUND_TO if down < moment else down
            return down if down >= lo else up if up <= hi else moment
        offset -= hi - lo
    return spans[-1][1]


def interview_reminders(
    now: datetime, at: datetime, zone: ZoneInfo, start: time
) -> list[tuple[str, datetime]]:
    """The interview's own reminders: (stage, instant), soonest first.

    The morning one comes at the member's day start on the day; it is left out when that
    has passed, is after the interview, or would come within `COINCIDE` of the one an
    hour before (an interview at 10:00 gets one reminder at 09:00, not two). Neither is
    set when its moment has passed.
    """
    hour = at - HOUR_BEFORE
    morning = local_instant(at.astimezone(zone).date(), start, zone)
    planned = []
    if now < morning <= hour - COINCIDE:
        planned.append(("morning", morning))
    if now < hour:
        planned.append(("hour", hour))
    return planned


def _reminders_note(alerts: Sequence[tuple[str, datetime]], zone: ZoneInfo) -> str:
    """How the interview itself will be recalled, as the `/interview` reply says it."""
    if not alerts:
        return "It is very soon, so there is no reminder to wait for: good luck!"
    said = [
        f"the morning of it at {moment.astimezone(zone):%H:%M}"
        if stage == "morning"
        else f"an hour before it, at {moment.astimezone(zone):%H:%M}"
        for stage, moment in alerts
    ]
    return f"I will remind you of the interview itself {_listed(said)}."


def _workday_at(day: date, start: time, zone: ZoneInfo) -> datetime:
    """`start` on `day`; Saturday and Sunday move to Monday (notes land better on a workday)."""
    weekend_shift = 7 - day.weekday() if day.weekday() >= 5 else 0
    return local_instant(day + timedelta(days=weekend_shift), start, zone)


def _check_fields(company: str, person: str | None, role: str | None) -> None:
    if not company:
        raise UserError("Which company? For example `/interview Acme on Friday 10am`.")
    for label, value in (("company", company), ("name", person), ("role", role)):
        if value and len(value) > MAX_FIELD:
            raise UserError(
                f"That {label} is {len(value)} characters; keep it under {MAX_FIELD}. "
                "Nothing was saved."
            )


class InterviewReminders(DueFromQuery):
    """The interview's own reminders: the morning of it and an hour before.

    They go out whether or not the member takes nudges: an interview is the one thing in
    a job search no one wants to hear about too late. Each is claimed from the ladder row
    (`next_reminder_at`, `reminder_stage`) like every other scheduled row, and stops being
    useful when the interview starts, so an outage never sends one afterwards.
    """

    kinds = ("interview",)

    def due_query(self) -> Select[tuple[datetime | None]]:
        return select(func.min(Ladder.next_reminder_at))

    async def claim_due(
        self, session: AsyncSession, services: Services, now: datetime
    ) -> list[DueItem]:
        rows = await session.scalars(
            select(Ladder)
            .where(Ladder.next_reminder_at <= now)
            .order_by(Ladder.next_reminder_at, Ladder.id)
            .limit(store.CLAIM_BATCH)
        )
        claimed = []
        for ladder in rows:
            due, stage = ladder.next_reminder_at, ladder.reminder_stage or "hour"
            assert due is not None
            if ladder.at is None or now >= ladder.at:
                following: tuple[datetime | None, str | None] = (None, None)
            elif stage == "morning":
                following = (ladder.at - HOUR_BEFORE, "hour")
            else:
                following = (None, None)
            result = await session.execute(
                update(Ladder)
                .where(
                    Ladder.id == ladder.id,
                    Ladder.next_reminder_at == due,
                    Ladder.reminder_stage == ladder.reminder_stage,
                )
                .values(next_reminder_at=following[0], reminder_stage=following[1])
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1 or ladder.at is None or now >= ladder.at:
                continue
            claimed.append(
                DueItem(
                    key=f"interview:{ladder.id}:{stage}",
                    kind="interview",
                    due_at=due,
                    member_id=ladder.member_id,
                    ref_id=ladder.id,
                    late=now - due > store.LATE_AFTER,
                    payload={"stage": stage},
                    useful_until=ladder.at,
                )
            )
        return claimed

    async def render(
        self, session: AsyncSession, services: Services, delivery: Leased, now: datetime
    ) -> Reply | None:
        ladder = await session.get(Ladder, delivery.ref_id) if delivery.ref_id else None
        member = await session.get(Member, ladder.member_id) if ladder else None
        club = await session.get(Club, member.club_id) if member else None
        if ladder is None or ladder.at is None or member is None or club is None:
            return None
        if now >= ladder.at:
            return None
        zone = members.zone_for(member, club, services.settings.timezone)
        steps = await store.open_for(session, member, ladder_id=ladder.id)
        prep = [c for c in steps if c.step in _PREP_NAMES]
        return interview_reminder(ladder, prep, zone, now, delivery.payload.get("stage"))


def interview_reminder(
    ladder: Ladder, prep: list[Commitment], zone: ZoneInfo, now: datetime, stage: object
) -> Reply:
    """What the member reads the morning of the interview, or an hour before it.

    The prep still open is named once here, with a Done button each, and the member is
    told it closes itself when the interview starts: nothing about unfinished prep is
    ever said after the interview, when it could only make someone feel worse.
    """
    assert ladder.at is not None
    local = ladder.at.astimezone(zone)
    who = f" with {ladder.person}" if ladder.person else ""
    day = day_words(local.date(), now.astimezone(zone).date())
    soon = stage == "hour" or ladder.at - now <= HOUR_BEFORE + COINCIDE
    title = (
        f"Your interview at {ladder.company} is at {local:%H:%M}"
        if soon
        else f"Your interview at {ladder.company}: {day}, {local:%H:%M}"
    )
    lines = [
        f"{ladder.company}{who}, {day} at {local:%H:%M} ({zone.key})"
        + (f", {ladder.role} role." if ladder.role else "."),
        "Leave (or log in) with ten minutes to spare, and take a breath: you have prepared."
        if soon
        else "Check the route or the video link, and have your three stories and two "
        "questions for them close at hand.",
    ]
    sections = []
    if prep:
        sections.append(
            Section(
                title="Still open from your prep",
                text="\n".join(f"#{c.number} {c.text}" for c in prep)
                + "\nA few minutes on any of them still helps. Whatever is left closes "
                "itself when the interview starts: no need to tick it off.",
            )
        )
    return Reply(
        title=title,
        text="\n".join(lines),
        sections=sections,
        buttons=[Button(f"Done #{c.number}", f"commit:done:{c.id}") for c in prep],
        visibility=Visibility.DM,
        meta={
            "ladder_id": ladder.id,
            "stage": stage,
            "at": local.isoformat(),
            "open_prep": [c.number for c in prep],
        },
    )
