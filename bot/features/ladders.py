"""`/interview` and `/rejected`: one command sets up every follow-up step as a commitment.

After an interview: research, stories, a thank-you within a day (with a draft), and a
polite follow-up if nothing is heard. After a rejection: the appreciation note, the ask
to stay connected, then stay-in-touch reminders at about 1, 3, 6 and 12 months, each with
a draft. Every step is an ordinary commitment the member can see, edit, snooze or drop.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import commitments as store
from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, Interview, feature
from bot.replies import Button, Reply, Section, Visibility
from bot.router import Router
from bot.store.models import Commitment, Contact, Ladder, Member
from bot.timezones import add_months, local_instant, show_time
from bot.when import WhenError, WhenInPast, parse_when, split_text_and_when

FOLLOW_UP_AFTER = timedelta(days=7)
"""When to nudge a follow-up if nothing has been heard after an interview."""
THANK_YOU_AFTER = timedelta(hours=3)
STAY_IN_TOUCH_MONTHS = (1, 3, 6, 12)
_KEYWORDS = re.compile(r"\s+(with|on|at|for)\s+", re.IGNORECASE)
MAX_FIELD = 120


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
        ladder = await _ladder(ctx, "interview", company, words.person, words.role, at)
        who = words.person or "your interviewer"
        steps: list[tuple[str, datetime | None, str | None]] = [
            (
                f"Research {company}: mission, strategy, news, competitors, culture",
                _before(at, timedelta(days=3), ctx, start),
                None,
            ),
            (
                f"Read up on {who} at {company}: background, projects, what they care about"
                if words.person
                else f"Find out who will interview you at {company}, then read up on them",
                _before(at, timedelta(days=2), ctx, start),
                None,
            ),
            (
                f"Pick three CCAR stories that fit {company}"
                + (f" and the {words.role} role" if words.role else ""),
                _before(at, timedelta(days=1), ctx, start),
                None,
            ),
            (
                f"Send a thank-you note to {who} at {company}",
                at + THANK_YOU_AFTER,
                "thank-you-after-interview",
            ),
            (
                f"Follow up with {company} if you have not heard back",
                at + FOLLOW_UP_AFTER,
                "follow-up-no-decision",
            ),
        ]
        made = await _make_steps(ctx, ladder, steps, "interview")
        return _summary(ctx, f"Interview at {company}, {show_time(at, ctx.zone)}", made, ladder)

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
        steps: list[tuple[str, datetime | None, str | None]] = [
            (
                f"Send a thank-you note to {who} at {words.company}",
                max(at + THANK_YOU_AFTER, ctx.now + timedelta(hours=1)),
                "thank-you-after-interview",
            ),
            (
                f"Follow up with {words.company} if you have not heard back",
                max(at + FOLLOW_UP_AFTER, ctx.now + timedelta(days=1)),
                "follow-up-no-decision",
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
        steps: list[tuple[str, datetime | None, str | None]] = [
            (f"Send {who} a short note of appreciation", tomorrow, "appreciation-after-rejection"),
            (
                f"Ask {who} to stay connected and meet for a networking chat",
                _workday_at(local.date() + timedelta(days=4), start, ctx.zone),
                "ask-to-stay-connected",
            ),
        ]
        for months in STAY_IN_TOUCH_MONTHS:
            steps.append(
                (
                    f"Stay in touch with {who} ({months} month{'s' if months > 1 else ''} on)",
                    _workday_at(add_months(local.date(), months), start, ctx.zone),
                    f"stay-in-touch-{months}-month{'s' if months > 1 else ''}",
                )
            )
        dropped = await _drop_waiting_follow_ups(ctx, company)
        made = await _make_steps(ctx, ladder, steps, "rejection", contact_id=contact.id)
        reply = _summary(ctx, f"After the no from {company}", made, ladder)
        note = (
            f"\n\nI dropped #{', #'.join(str(c.number) for c in dropped)}: no need to chase "
            f"{company} for a decision now."
            if dropped
            else ""
        )
        reply.text = (
            "Sorry, that is disappointing. A warm note now keeps the door open: the person "
            "they hired may not stay, and people you keep in touch with often come back with "
            "openings months or years later.\n\n" + reply.text + note
        )
        reply.meta["dropped"] = [c.id for c in dropped]
        return reply

    async def upcoming_interviews(
        self, session: AsyncSession, member_ids: Sequence[int], now: datetime, until: datetime
    ) -> dict[int, Interview]:
        rows = await session.scalars(
            select(Ladder)
            .where(
                Ladder.member_id.in_(list(member_ids)),
                Ladder.kind == "interview",
                Ladder.at > now,
                Ladder.at <= until,
            )
            .order_by(Ladder.at.desc())
        )
        # Latest first, so each member's soonest interview is written last and wins.
        return {
            ladder.member_id: Interview(
                ladder.id, ladder.member_id, ladder.company, ladder.person, ladder.at
            )
            for ladder in rows
            if ladder.at is not None
        }

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


async def _drop_waiting_follow_ups(ctx: Context, company: str) -> list[Commitment]:
    """After a no, the open "follow up if you have not heard back" steps have no purpose."""
    rows = list(
        await ctx.session.scalars(
            select(Commitment)
            .join(Ladder, Ladder.id == Commitment.ladder_id)
            .where(
                Commitment.member_id == ctx.member.id,
                Commitment.status == "open",
                Commitment.draft_id == "follow-up-no-decision",
                func.lower(Ladder.company) == company.lower(),
            )
        )
    )
    for commitment in rows:
        store.close(commitment, "dropped", ctx.now)
    return rows


async def _ladder(
    ctx: Context,
    kind: str,
    company: str,
    person: str | None,
    role: str | None,
    at: datetime | None,
    contact_id: int | None = None,
) -> Ladder:
    ladder = Ladder(
        member_id=ctx.member.id,
        kind=kind,
        company=company,
        person=person,
        role=role,
        at=at,
        contact_id=contact_id,
        created_at=ctx.now,
    )
    ctx.session.add(ladder)
    await ctx.session.flush()
    return ladder


async def _make_steps(
    ctx: Context,
    ladder: Ladder,
    steps: list[tuple[str, datetime | None, str | None]],
    source: str,
    contact_id: int | None = None,
) -> list[Commitment]:
    made = []
    for text, due, draft in steps:
        if due is None:
            continue
        made.append(
            await store.create(
                ctx.session,
                ctx.member,
                text,
                due,
                ctx.now,
                source=source,
                draft_id=draft if draft and ctx.library.draft(draft) else None,
                ladder_id=ladder.id,
                contact_id=contact_id,
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


def _before(at: datetime, lead: timedelta, ctx: Context, start: time) -> datetime | None:
    """A prep step `lead` before the interview at the member's day start; soon if that passed."""
    local_day = (at - lead).astimezone(ctx.zone).date()
    due = local_instant(local_day, start, ctx.zone)
    if due <= ctx.now:
        due = ctx.now + timedelta(hours=1)
    return due if due < at else None


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
