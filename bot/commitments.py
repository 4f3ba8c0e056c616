"""Commitments as data: creating, rescheduling and closing them, and claiming reminders.

Used by the `/commit` feature and by every feature that sets up follow-ups for a
member (interview and rejection ladders, stay-in-touch contacts): each step is an
ordinary commitment the member can see, edit, snooze or drop.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import members
from bot.errors import UserError
from bot.recurrence import Recurrence, next_occurrence
from bot.scheduling import DueItem
from bot.store.models import Club, Commitment, Member
from bot.timezones import local_instant
from bot.turns import in_turns

DEFAULT_DAY_START = time(9, 0)
PREP_STEPS = ("research", "interviewer", "stories")
"""`Commitment.step` of an interview's prep steps, in the order they come (the nudges
suggest them in this order too)."""
DAY_END = time(20, 0)
"""The latest local time a step bound to an event is scheduled or checked in on: a
member's day runs from their day start to here (`waking_window`)."""
DEFAULT_CHECKIN = timedelta(hours=24)
QUIET_BEFORE_END = timedelta(hours=3)
"""No check-in on a step in the last hours before its event: the event's own reminder
speaks then, and a "how did it go?" an hour before an interview is only noise."""
LATE_AFTER = timedelta(minutes=10)
"""A reminder sent later than this after its due time says it is late, and why."""
CLAIM_BATCH = 100
"""Due reminders claimed per transaction. The ORM builds a round's commitments, members
and clubs in one step of the event loop: 200 rows held it 6.4 ms on PostgreSQL at a
fan-out's start (bench/README.md); a round costs three or four statements whatever its
size, so a thousand reminders cost some twenty more."""
MAX_OPEN = 200
"""Open commitments one member may hold (interview and rejection steps and stay-in-touch
contacts included). Far more than anyone keeps track of, and it bounds what one member's
list, export and reminders can cost."""


class TooManyOpen(UserError):
    """The member is at `MAX_OPEN`; nothing new is saved until some are closed."""

    def __init__(self) -> None:
        super().__init__(
            f"You already have {MAX_OPEN} open commitments, the most I keep at once. "
            "Mark some done or drop the ones that no longer matter (`/commitments` lists "
            "them), then try again. Nothing new was saved."
        )


def day_start(member: Member) -> time:
    """The clock time a date without a time means for this member."""
    if member.day_start_minutes is None:
        return DEFAULT_DAY_START
    return time(member.day_start_minutes // 60, member.day_start_minutes % 60)


def waking_window(member: Member) -> tuple[time, time]:
    """The local hours a scheduled step may land in: day start to `DAY_END` (or an hour
    after a day start set later than that)."""
    start = day_start(member)
    end = DAY_END if start < DAY_END else time(min(start.hour + 1, 23), start.minute)
    return start, end


def next_waking(instant: datetime, member: Member, zone: ZoneInfo) -> datetime:
    """`instant` if it falls in the member's waking hours, else the next day start."""
    start, end = waking_window(member)
    local = instant.astimezone(zone)
    if start <= local.time() <= end:
        return instant
    day = local.date() if local.time() < start else local.date() + timedelta(days=1)
    return local_instant(day, start, zone)


def checkin_delay(member: Member) -> timedelta | None:
    """How long after a due reminder the check-in comes; None when the member turned it off."""
    if member.checkin_hours is None:
        return DEFAULT_CHECKIN
    return timedelta(hours=member.checkin_hours) if member.checkin_hours > 0 else None


async def create(
    session: AsyncSession,
    member: Member,
    text: str,
    due_at: datetime | None,
    now: datetime,
    *,
    source: str = "manual",
    recurrence: Recurrence | None = None,
    draft_id: str | None = None,
    ladder_id: int | None = None,
    contact_id: int | None = None,
    step: str | None = None,
    ends_at: datetime | None = None,
) -> Commitment:
    """A new open commitment with the member's next running number.

    `step` names what a ladder step is for; `ends_at` is when it stops making sense (its
    interview starts): nothing is sent for it after that, and it closes itself then.
    Raises `TooManyOpen` at the cap; the caller's transaction then saves nothing, so a
    ladder's steps are made all together or not at all.
    """
    held = await session.scalar(
        select(func.count())
        .select_from(Commitment)
        .where(Commitment.member_id == member.id, Commitment.status == "open")
    )
    if (held or 0) >= MAX_OPEN:
        raise TooManyOpen()
    highest = await session.scalar(
        select(func.max(Commitment.number)).where(Commitment.member_id == member.id)
    )
    commitment = Commitment(
        member_id=member.id,
        number=(highest or 0) + 1,
        text=text,
        status="open",
        source=source,
        recurrence=recurrence.to_rrule() if recurrence else None,
        draft_id=draft_id,
        ladder_id=ladder_id,
        contact_id=contact_id,
        step=step,
        ends_at=ends_at,
        schedule_rev=0,
        created_at=now,
        updated_at=now,
    )
    schedule(commitment, due_at, now)
    session.add(commitment)
    await session.flush()
    return commitment


def schedule(commitment: Commitment, due_at: datetime | None, now: datetime) -> None:
    """Set (or clear) the due time; the reminder at that time is the next thing to happen."""
    commitment.due_at = due_at
    commitment.next_reminder_at = due_at
    commitment.reminder_stage = "due" if due_at is not None else None
    commitment.schedule_rev = (commitment.schedule_rev or 0) + 1
    commitment.updated_at = now


def close(commitment: Commitment, status: str, now: datetime) -> None:
    """Mark done, dropped or lapsed; nothing more will be sent for it."""
    commitment.status = status
    commitment.next_reminder_at = None
    commitment.reminder_stage = None
    commitment.closed_at = now
    commitment.updated_at = now


def stop_for_landing(commitments: Sequence[Commitment], now: datetime) -> list[list[Any]]:
    """Close open follow-ups because the member got a job (`/landed`); returns what
    `reopen_after_landing` needs to give each one back as it was."""
    saved = []
    for c in commitments:
        when = c.next_reminder_at.isoformat() if c.next_reminder_at else None
        saved.append([c.id, when, c.reminder_stage])
        close(c, "dropped", now)
    return saved


async def reopen_after_landing(
    session: AsyncSession,
    member: Member,
    saved: Sequence[Sequence[Any]],
    closed_at: str,
    now: datetime,
) -> int:
    """`/landed undo`: reopen what `stop_for_landing` closed at `closed_at`, if it was not
    touched since. A reminder whose moment passed meanwhile comes now, once."""
    reopened = 0
    for commitment_id, when, stage in saved:
        c = await session.get(Commitment, commitment_id)
        if c is None or c.member_id != member.id or c.status != "dropped":
            continue
        if c.closed_at is None or c.closed_at.isoformat() != closed_at:
            continue
        c.status, c.closed_at, c.updated_at = "open", None, now
        if when is not None:
            c.next_reminder_at = max(datetime.fromisoformat(when), now)
            c.reminder_stage = stage
            c.schedule_rev += 1
        reopened += 1
    return reopened


def recurrence_of(commitment: Commitment) -> Recurrence | None:
    return Recurrence.from_rrule(commitment.recurrence) if commitment.recurrence else None


async def by_number(session: AsyncSession, member: Member, number: int) -> Commitment | None:
    return await session.scalar(
        select(Commitment).where(Commitment.member_id == member.id, Commitment.number == number)
    )


async def owned(session: AsyncSession, member: Member, commitment_id: int) -> Commitment | None:
    """The commitment only if it belongs to this member (buttons carry ids anyone could send)."""
    return await session.scalar(
        select(Commitment).where(Commitment.id == commitment_id, Commitment.member_id == member.id)
    )


async def open_for(
    session: AsyncSession,
    member: Member,
    *,
    contact_id: int | None = None,
    ladder_id: int | None = None,
) -> list[Commitment]:
    """A member's open commitments, soonest first; optionally only one contact's or ladder's."""
    query = select(Commitment).where(Commitment.member_id == member.id, Commitment.status == "open")
    if contact_id is not None:
        query = query.where(Commitment.contact_id == contact_id)
    if ladder_id is not None:
        query = query.where(Commitment.ladder_id == ladder_id)
    rows = await session.scalars(
        query.order_by(Commitment.due_at.is_(None), Commitment.due_at, Commitment.number)
    )
    return list(rows)


async def open_steps(session: AsyncSession, ladder_ids: Sequence[int]) -> dict[int, set[str]]:
    """What is still open in each ladder, by step name ("" for a step without one); an
    empty set: nothing. One query for a batch of ladders."""
    found: dict[int, set[str]] = {ladder_id: set() for ladder_id in ladder_ids}
    if not ladder_ids:
        return found
    rows = await session.execute(
        select(Commitment.ladder_id, Commitment.step).where(
            Commitment.ladder_id.in_(list(ladder_ids)), Commitment.status == "open"
        )
    )
    for ladder_id, step in rows:
        found[ladder_id].add(step or "")
    return found


def next_reminder_query() -> Select[tuple[datetime | None]]:
    """The earliest reminder instant of any open commitment (NULL: none)."""
    return select(func.min(Commitment.next_reminder_at)).where(Commitment.status == "open")


async def claim_due(
    session: AsyncSession, now: datetime, fallback: ZoneInfo, *, dialect: str = ""
) -> list[DueItem]:
    """Advance every open commitment whose reminder is due and return the claimed reminders.

    The due rows are read once and locked (PostgreSQL: FOR UPDATE SKIP LOCKED, so a second
    dispatcher takes other rows; SQLite: one writer, and a snapshot that changed under the
    transaction makes the write fail), then moved on in one executemany per shape of
    change, each row's UPDATE still conditioned on the values just read. Should fewer
    rows match than were read (a second process on one SQLite file), the rows are read
    back and only those holding what this claim wrote count as claimed.
    """
    query = (
        select(Commitment, Member, Club)
        .join(Member, Member.id == Commitment.member_id)
        .join(Club, Club.id == Member.club_id)
        .where(Commitment.status == "open", Commitment.next_reminder_at <= now)
        .order_by(Commitment.next_reminder_at, Commitment.id)
        .limit(CLAIM_BATCH)
    )
    if dialect == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Commitment)
    rows = (await session.execute(query)).all()
    items: dict[int, DueItem] = {}
    intended: dict[int, dict[str, Any]] = {}
    by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    async for commitment, member, club in in_turns(rows):
        zone = members.zone_for(member, club, fallback)
        values, item = _advance(commitment, member, now, zone)
        intended[commitment.id] = values
        by_shape.setdefault(tuple(sorted(values)), []).append(
            {
                "c_id": commitment.id,
                "c_rev": commitment.schedule_rev,
                "c_at": commitment.next_reminder_at,
                **{f"v_{name}": value for name, value in values.items()},
            }
        )
        if item is not None:
            items[commitment.id] = item
    if not by_shape:
        return []
    connection = await session.connection()
    table = Commitment.__table__
    missed = False
    for shape, params in by_shape.items():
        statement = (
            table.update()
            .where(
                table.c.id == bindparam("c_id"),
                table.c.status == "open",
                table.c.schedule_rev == bindparam("c_rev"),
                table.c.next_reminder_at == bindparam("c_at"),
            )
            .values({name: bindparam(f"v_{name}") for name in shape})
        )
        result = await connection.execute(statement, params)
        missed = missed or result.rowcount not in (-1, len(params))
    if missed:
        # Only a second process on the same SQLite file can get here (PostgreSQL rows are
        # locked, and one process writes SQLite one session at a time): keep the rows
        # that now hold what this claim wrote; the others moved under it.
        kept = await _rows_as_written(session, intended)
        items = {cid: item for cid, item in items.items() if cid in kept}
    return list(items.values())


async def _rows_as_written(session: AsyncSession, intended: dict[int, dict[str, Any]]) -> set[int]:
    """The commitments whose row now holds every value `intended` gives for it."""
    table = Commitment.__table__
    names = sorted({name for values in intended.values() for name in values})
    rows = await session.execute(
        select(table.c.id, *(table.c[name] for name in names)).where(table.c.id.in_(list(intended)))
    )
    kept = set()
    for row in rows:
        values = intended[row.id]
        if all(getattr(row, name) == value for name, value in values.items()):
            kept.add(row.id)
    return kept


def _advance(
    commitment: Commitment, member: Member, now: datetime, zone: ZoneInfo
) -> tuple[dict[str, Any], DueItem | None]:
    """What the row becomes once this reminder is claimed, and the reminder itself.

    A step bound to an event (`ends_at`) is never reminded of or checked in on once the
    event has begun: at `ends_at` it closes itself as `lapsed`, with no message (the
    event's own reminder already named what was still open).
    """
    due = commitment.due_at or commitment.next_reminder_at
    assert due is not None and commitment.next_reminder_at is not None
    stage = commitment.reminder_stage or "due"
    ends = commitment.ends_at
    if ends is not None and (stage == "lapse" or now >= ends):
        return {
            "status": "lapsed",
            "closed_at": now,
            "updated_at": now,
            "next_reminder_at": None,
            "reminder_stage": None,
        }, None
    payload: dict[str, Any] = {"stage": stage, "due_at": due.isoformat()}
    late = now - commitment.next_reminder_at > LATE_AFTER
    # The follow-up to a reminder is "still-open" (it was "checkin" until the weekly
    # check-in took that name); its stored stage keeps the old word.
    kind = "reminder" if stage == "due" else "still-open"
    item = DueItem(
        key=f"{kind}:{commitment.id}:{commitment.schedule_rev}",
        kind=kind,
        due_at=commitment.next_reminder_at,
        member_id=member.id,
        ref_id=commitment.id,
        late=late,
        payload=payload,
    )
    values: dict[str, Any] = {"updated_at": now}
    rule = recurrence_of(commitment)
    if stage == "due" and rule is not None:
        # A repeating commitment moves straight on to its next occurrence (after now, so a
        # long downtime yields one late reminder, not a burst of missed ones).
        following = next_occurrence(rule, due, zone)
        while following <= now:
            following = next_occurrence(rule, following, zone)
        values.update(
            due_at=following,
            next_reminder_at=following,
            reminder_stage="due",
            schedule_rev=commitment.schedule_rev + 1,
        )
    elif stage == "due" and (checkin := _checkin_at(commitment, member, due, now, zone)):
        values.update(next_reminder_at=checkin, reminder_stage="checkin")
    elif ends is not None:
        values.update(next_reminder_at=ends, reminder_stage="lapse")
    else:
        values.update(next_reminder_at=None, reminder_stage=None)
    return values, item


def _checkin_at(
    commitment: Commitment, member: Member, due: datetime, now: datetime, zone: ZoneInfo
) -> datetime | None:
    """When the one check-in comes, or None: the member turned check-ins off, or the
    step's event begins before a check-in could still help."""
    delay = checkin_delay(member)
    if delay is None:
        return None
    at = max(due, now) + delay
    if commitment.ends_at is None:
        return at
    at = next_waking(at, member, zone)
    return at if at < commitment.ends_at - QUIET_BEFORE_END else None
