"""Tables shared by every feature. UTC instants in the database, always."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always hands back aware UTC datetimes.

    SQLite keeps no offset, PostgreSQL does: normalising here makes both behave the same.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    # A fan-out writes and reads thousands of rows whose instants are a handful of values
    # (a 09:00 crowd shares its due instant, its next one, the end of its day), and on
    # SQLite each is formatted to text and parsed back in Python: a tenth of the nudge
    # claim's CPU. Both conversions are pure functions of the value (an aware instant is
    # equal, and hashes equal, in any zone, and comes out as the same UTC), so each
    # column's processors remember their recent answers. The processors are SQLAlchemy's
    # own, wrapped, not replaced.

    def bind_processor(self, dialect: Dialect) -> Any:
        return _remembered(super().bind_processor(dialect))

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        return _remembered(super().result_processor(dialect, coltype))


REMEMBERED = 256
"""Converted instants each column's processor keeps (then it starts afresh)."""


def _remembered(process: Any) -> Any:
    if process is None:
        return None
    seen: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            pass
        except TypeError:  # unhashable: never cached
            return process(value)
        converted = process(value)  # a naive instant raises here, and is never kept
        if len(seen) >= REMEMBERED:
            seen.clear()
        seen[value] = converted
        return converted

    return remembered


# SQLite matches a partial index by the query's wording, and SQLAlchemy writes a false
# boolean there as "= 0"; PostgreSQL compares meaning, so plain NOT reads best.
OFFER_PENDING_SQLITE = "nudge_offered = 0 AND nudges_on = 0"
OFFER_PENDING_POSTGRES = "NOT nudge_offered AND NOT nudges_on"


class Base(DeclarativeBase):
    pass


class Club(Base):
    """A Slack workspace, a Discord guild, or the console's pretend club."""

    __tablename__ = "clubs"
    __table_args__ = (UniqueConstraint("platform", "external_id", name="uq_clubs_platform_ext"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200), default=None)
    default_tz: Mapped[str | None] = mapped_column(String(64), default=None)
    digest_channel: Mapped[str | None] = mapped_column(String(64), default=None)
    """Where the weekly digest goes; None while the digest is off."""
    digest_weekday: Mapped[int | None] = mapped_column(Integer, default=None)
    digest_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    next_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Member(Base):
    """A person in a club. `tz` is what they chose; `platform_tz` what their profile says."""

    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("club_id", "user_id", name="uq_members_club_user"),
        # Only members still waiting for the one-time nudge offer: a handful, never the club.
        Index(
            "ix_members_offer_pending",
            "created_at",
            sqlite_where=text(OFFER_PENDING_SQLITE),
            postgresql_where=text(OFFER_PENDING_POSTGRES),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200))
    tz: Mapped[str | None] = mapped_column(String(64), default=None)
    platform_tz: Mapped[str | None] = mapped_column(String(64), default=None)
    dm_channel_id: Mapped[str | None] = mapped_column(String(64), default=None)
    day_start_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    """The clock time a date without a time means, in minutes after midnight (default 09:00)."""
    checkin_hours: Mapped[int | None] = mapped_column(Integer, default=None)
    """How long after a due reminder the one check-in comes (default 24)."""
    nudges_on: Mapped[bool] = mapped_column(Boolean, default=False)
    nudge_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    """Local time of the daily nudge, in minutes after midnight (default 09:00)."""
    nudge_days: Mapped[str | None] = mapped_column(String(7), default=None)
    """Seven 0/1 flags, Monday first (default weekdays: 1111100)."""
    nudges_paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    next_nudge_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None, index=True)
    nudge_offered: Mapped[bool] = mapped_column(Boolean, default=False)
    plan_position: Mapped[int] = mapped_column(Integer, default=0)
    """Index of the next new task in the prep plan; every plan nudge sent moves it on (what
    was done and what comes back later is in `plan_steps`)."""
    shoutouts: Mapped[bool] = mapped_column(Boolean, default=False)
    """Whether the member's name may appear in the club digest."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SeenTip(Base):
    """Which tips a member has been shown, so `/tip` keeps offering new ones."""

    __tablename__ = "seen_tips"
    __table_args__ = (UniqueConstraint("member_id", "tip_id", name="uq_seen_tips_member_tip"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    tip_id: Mapped[str] = mapped_column(String(80))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    """When the member shared this tip with the channel: Share posts it once, and only a
    tip the member was shown (the row is the proof)."""


class Delivery(Base):
    """One scheduled message occurrence. The unique `key` makes a second send impossible."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("key", name="uq_deliveries_key"),
        Index("ix_deliveries_status_next", "status", "next_attempt_at"),
        Index("ix_deliveries_due_at", "due_at"),
        # "Has this member an earlier delivery still pending or being sent?" is asked for
        # every candidate of every lease; with only member_id indexed it read the member's
        # whole history (90 days of rows): 36 ms a lease at 60 days, 6 ms with none.
        Index("ix_deliveries_member_status", "member_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), default=None
    )
    """Indexed first in `ix_deliveries_member_status`, which serves lookups by member too."""
    club_id: Mapped[int | None] = mapped_column(
        ForeignKey("clubs.id", ondelete="CASCADE"), default=None
    )
    ref_id: Mapped[int | None] = mapped_column(Integer, default=None)
    """The domain row it is about (e.g. a commitment id)."""
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    """pending, sending, sent, failed, skipped, or expired (no longer useful, never sent)."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    """Sends tried."""
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    lease_token: Mapped[str | None] = mapped_column(String(32), default=None)
    """Which lease holds a sending row: renewals and results only touch their own lease."""
    useful_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    """After this instant the message is recorded as expired instead of sent."""
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Contact(Base):
    """Someone a member wants to stay in touch with (e.g. the manager who said no)."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200), default=None)
    role: Mapped[str | None] = mapped_column(String(200), default=None)
    how_met: Mapped[str | None] = mapped_column(String(500), default=None)
    cadence_days: Mapped[int | None] = mapped_column(Integer, default=None)
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    notes: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Ladder(Base):
    """An interview or a rejection that set off a series of follow-up commitments."""

    __tablename__ = "ladders"
    __table_args__ = (Index("ix_ladders_next_reminder", "next_reminder_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    """interview or rejection."""
    company: Mapped[str] = mapped_column(String(200))
    person: Mapped[str | None] = mapped_column(String(200), default=None)
    role: Mapped[str | None] = mapped_column(String(200), default=None)
    at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    """The interview's own next reminder (claimed by ladders' scheduled work), or None."""
    reminder_stage: Mapped[str | None] = mapped_column(String(16), default=None)
    """morning (the morning of the interview) or hour (an hour before it)."""


class Commitment(Base):
    """A promise a member made to themselves. `next_reminder_at` is what the dispatcher claims.

    `schedule_rev` grows whenever the schedule changes (snooze, edit, next repeat), so each
    scheduled reminder has its own delivery key and a changed one can never be swallowed.
    """

    __tablename__ = "commitments"
    __table_args__ = (
        UniqueConstraint("member_id", "number", name="uq_commitments_member_number"),
        Index("ix_commitments_next_reminder", "next_reminder_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    """The member's own running number, used in commands (`/commitments done 3`)."""
    text: Mapped[str] = mapped_column(String(1000))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    status: Mapped[str] = mapped_column(String(16), default="open")
    """open, done or dropped."""
    source: Mapped[str] = mapped_column(String(32), default="manual")
    recurrence: Mapped[str | None] = mapped_column(String(255), default=None)
    """The repeat rule as iCalendar RRULE text (`bot.recurrence.Recurrence.to_rrule`)."""
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), default=None
    )
    ladder_id: Mapped[int | None] = mapped_column(
        ForeignKey("ladders.id", ondelete="SET NULL"), default=None
    )
    draft_id: Mapped[str | None] = mapped_column(String(80), default=None)
    step: Mapped[str | None] = mapped_column(String(32), default=None)
    """What a ladder step is for: research, interviewer, stories, thank-you, follow-up."""
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    """When the step stops making sense (its interview starts): nothing is sent after it,
    and an open step closes itself then (status `lapsed`)."""
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    reminder_stage: Mapped[str | None] = mapped_column(String(16), default=None)
    """due (the reminder at due_at is next) or checkin (the follow-up check-in is next)."""
    schedule_rev: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class ActivityDay(Base):
    """A local day on which a member did something (for streaks); no content, only the kind."""

    __tablename__ = "activity_days"
    __table_args__ = (UniqueConstraint("member_id", "day", "kind", name="uq_activity_days"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(32))
    """practice, story, quiz, nudge, commitment..."""
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class PlanStep(Base):
    """One prep-plan task as a member met it: when it was last sent, how often, when done.

    Kept by the nudges feature so the plan can move on past a task that was not marked
    Done and bring it back later (`bot/features/nudges.py`), and so a task can say when
    the one it builds on was done ("the list you made on Monday").
    """

    __tablename__ = "plan_steps"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    task_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    sent_on: Mapped[date] = mapped_column(Date)
    """The member's local date of the nudge that last carried it."""
    sent_seq: Mapped[int] = mapped_column(Integer)
    """Which plan nudge that was for the member (1, 2, 3…): "later" is counted in these."""
    times_sent: Mapped[int] = mapped_column(Integer, default=1)
    done_on: Mapped[date | None] = mapped_column(Date, default=None)


class DmFocus(Base):
    """Which feature's conversation holds a member's next free-text DM, and its state.

    One row per member, owned by the core (`bot/focus.py`), never by a feature: starting
    a conversation replaces the row and tells the previous owner it lost the DM. Kept in
    a table, so an answer typed after a restart still reaches the conversation.
    """

    __tablename__ = "dm_focus"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    owner: Mapped[str] = mapped_column(String(40))
    """The conversation's name as registered with `Router.add_conversation`."""
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    waiting_for: Mapped[str] = mapped_column(String(300), default="")
    """What the bot waits for, in words a member reads ("your answer to …")."""
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PracticeSession(Base):
    """The question a member is answering now: one at a time, kept across restarts."""

    __tablename__ = "practice_sessions"
    __table_args__ = (UniqueConstraint("member_id", name="uq_practice_sessions_member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(80))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PracticeAnswer(Base):
    """One practice answer and its review; visible to its author only."""

    __tablename__ = "practice_answers"
    __table_args__ = (
        Index("ix_practice_answers_member_question", "member_id", "question_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(80))
    category: Mapped[str] = mapped_column(String(80))
    answer: Mapped[str] = mapped_column(String(8000))
    scores: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    """Dimension name -> 0..100, only for the dimensions that applied to the question."""
    overall: Mapped[int] = mapped_column(Integer)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    main_fix: Mapped[str | None] = mapped_column(String(40), default=None)
    reviewer: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Story(Base):
    """A CCAR story a member keeps ready for interviews; visible to its author only."""

    __tablename__ = "stories"
    __table_args__ = (
        UniqueConstraint("member_id", "number", name="uq_stories_member_number"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    """The member's own running number, used in commands (`/story show 3`)."""
    title: Mapped[str] = mapped_column(String(200))
    context: Mapped[str] = mapped_column(String(2000), default="")
    challenge: Mapped[str] = mapped_column(String(2000), default="")
    action: Mapped[str] = mapped_column(String(2000), default="")
    result: Mapped[str] = mapped_column(String(2000), default="")
    why_it_matters: Mapped[str] = mapped_column(String(2000), default="")
    competencies: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StoryDraft(Base):
    """A story being built step by step in the DM; one per member, kept across restarts."""

    __tablename__ = "story_drafts"
    __table_args__ = (UniqueConstraint("member_id", name="uq_story_drafts_member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(32))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    """Set while another conversation holds the DM (see `bot/focus.py`); `/story` resumes it."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QuizRun(Base):
    """A quiz in progress (status open) or finished (done: the member's quiz result)."""

    __tablename__ = "quiz_runs"
    __table_args__ = (
        Index("ix_quiz_runs_member_status", "member_id", "status"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    item_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    answers: Mapped[list[int]] = mapped_column(JSON, default=list)
    """The choice picked for each item answered so far."""
    position: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="open")
    """open, done or abandoned."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class SeenDelivery(Base):
    """A platform delivery (a Slack event id, a retried button press) already handled.

    The primary key is the claim: the first replica to insert a key handles it, every
    other copy finds it there. Rows expire and are pruned (`bot/retention.py`).
    """

    __tablename__ = "seen_deliveries"
    __table_args__ = (Index("ix_seen_deliveries_expires_at", "expires_at"),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PartnerSchedule(Base):
    """A club's weekly practice-partner round, on the club's clock (`clubs.default_tz`).

    The row is the schedule: the dispatcher claims `next_round_at`, pairs the members who
    are in, and moves it on a week, so a round happens once however many replicas run.
    """

    __tablename__ = "partner_schedules"

    club_id: Mapped[int] = mapped_column(
        ForeignKey("clubs.id", ondelete="CASCADE"), primary_key=True
    )
    weekday: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)
    """The round's local time in the club's zone, in minutes after midnight."""
    channel_id: Mapped[str | None] = mapped_column(String(64), default=None)
    """Where Discord opens each pair's private thread; None: a group DM where possible."""
    next_round_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None, index=True)
    rounds_run: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PartnerPrefs(Base):
    """A member's practice-partner settings: when they can practise, in their own zone."""

    __tablename__ = "partner_prefs"
    __table_args__ = (Index("ix_partner_prefs_club_active", "club_id", "active"),)

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    windows: Mapped[list[list[int]]] = mapped_column(JSON, default=list)
    """[weekday (Monday 0), start, end] in minutes after the member's local midnight."""
    availability: Mapped[str] = mapped_column(String(300), default="")
    """The windows in words, as the bot read them ("Mon–Fri 18:00–20:00")."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    missed_rounds: Mapped[int] = mapped_column(Integer, default=0)
    """Rounds in a row the member was paired and did not meet; three pause them."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PartnerAvoid(Base):
    """Someone a member asked never to be paired with. Private: only its author sees it."""

    __tablename__ = "partner_avoids"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    avoided_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PartnerMatch(Base):
    """One pair (or trio) of a round: the slot suggested, the questions, a booking."""

    __tablename__ = "partner_matches"
    __table_args__ = (
        Index("ix_partner_matches_club_round", "club_id", "round_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"))
    round_at: Mapped[datetime] = mapped_column(UTCDateTime())
    slot_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    """The first hour all of them can make, suggested in the introduction."""
    overlap_minutes: Mapped[int] = mapped_column(Integer, default=0)
    questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    swaps: Mapped[int] = mapped_column(Integer, default=0)
    booked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None, index=True)
    """An hour before the booked slot, until the reminder is claimed."""
    booking_rev: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PartnerSeat(Base):
    """A member's place in a match, and whether they said they met."""

    __tablename__ = "partner_seats"

    match_id: Mapped[int] = mapped_column(
        ForeignKey("partner_matches.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    ask_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None, index=True)
    """When "did you meet?" is next asked (mid-week, then at the end of the round)."""
    asks_sent: Mapped[int] = mapped_column(Integer, default=0)
    met: Mapped[bool | None] = mapped_column(Boolean, default=None)
    declined: Mapped[bool] = mapped_column(Boolean, default=False)
    """The member pressed "Can't this week"."""
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class CheckinPrefs(Base):
    """A member's weekly check-in: on or off, which day and time, and when it next comes.

    A row exists once the member was offered the check-in (the offer goes once) or turned
    it on; `next_at` is the column the dispatcher claims, like `members.next_nudge_at`.
    """

    __tablename__ = "checkin_prefs"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    on: Mapped[bool] = mapped_column(Boolean, default=False)
    weekday: Mapped[int] = mapped_column(Integer, default=4)
    """0 = Monday; the default is Friday."""
    minutes: Mapped[int] = mapped_column(Integer, default=16 * 60)
    """Local time of the check-in, in minutes after midnight (default 16:00)."""
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None, index=True)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CheckinWeek(Base):
    """One member's week of the job search: five counts, a win, where they are stuck, a goal.

    `week_start` is the Monday of the week in the member's zone. A week the check-in was
    sent for and never answered stays `missed` (its counts None), never zero.
    """

    __tablename__ = "checkin_weeks"
    __table_args__ = (UniqueConstraint("member_id", "week_start", name="uq_checkin_weeks"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    week_start: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="asked")
    """asked (sent, no answer yet), answered, or missed (the week ended unanswered)."""
    applications: Mapped[int | None] = mapped_column(Integer, default=None)
    conversations: Mapped[int | None] = mapped_column(Integer, default=None)
    interviews: Mapped[int | None] = mapped_column(Integer, default=None)
    follow_ups: Mapped[int | None] = mapped_column(Integer, default=None)
    offers: Mapped[int | None] = mapped_column(Integer, default=None)
    prefilled: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    """What the bot already knew when it asked (follow-ups marked Done, interviews)."""
    win: Mapped[str | None] = mapped_column(String(1000), default=None)
    stuck: Mapped[str | None] = mapped_column(String(1000), default=None)
    """Private to the member, always: no summary, share or export to others shows it."""
    win_shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    goal: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    """The member's goal for the week after this one, e.g. {"applications": 10}."""
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CheckinSummary(Base):
    """A club's weekly check-in summary: which channel, and when it next goes out."""

    __tablename__ = "checkin_summaries"

    club_id: Mapped[int] = mapped_column(
        ForeignKey("clubs.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str | None] = mapped_column(String(64), default=None)
    """None while the summary is off."""
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Landing(Base):
    """A member's "I got the job": the search is over, and two kind questions follow.

    `search_state` holds what each feature stopped (`Feature.end_search`), so `/landed
    undo` can give it back. The row is the member's outcome in the club's report.
    """

    __tablename__ = "landings"
    __table_args__ = (Index("ix_landings_next_followup", "next_followup_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    company: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200), default=None)
    starts_on: Mapped[date | None] = mapped_column(Date, default=None)
    landed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    search_state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    celebrated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    next_followup_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    followup_stage: Mapped[str | None] = mapped_column(String(8), default=None)
    """30 or 90: which kind DM is next (days after landing); None when both went."""
    answers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    """The member's answer to each DM, e.g. {"30": "going well", "90": "mentor"}."""


class ProgressShare(Base):
    """A member's consent to let the club's coordinators see their progress figures.

    No row, or `on` false, means no: coordinators then see the member only inside club
    totals. The figures shared are counts and dates, never anything the member wrote.
    """

    __tablename__ = "progress_shares"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    on: Mapped[bool] = mapped_column(Boolean, default=False)
    since: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    """When sharing was last turned on (None while off)."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Cohort(Base):
    """A group of members who started together (a programme intake, a bootcamp class).

    A cohort ends on `ends_at` (or when an admin ends it); its report stays available.
    """

    __tablename__ = "cohorts"
    __table_args__ = (UniqueConstraint("club_id", "name", name="uq_cohorts_club_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CohortMember(Base):
    """A member's place in a cohort: joined themselves, or added by an admin."""

    __tablename__ = "cohort_members"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_by_admin: Mapped[bool] = mapped_column(Boolean, default=False)


class CoordinatorView(Base):
    """The audit log: a coordinator looked at (or exported, or acted on) members' figures.

    `member_id` is the coordinator; it becomes NULL if they delete their data, and the
    row stays (with a neutral name) so the members they looked at can still see it.
    """

    __tablename__ = "coordinator_views"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("clubs.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), default=None, index=True
    )
    viewer_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(24))
    """report (shown and exported as CSV), quiet (the quiet list), message (a check-in DM)."""
    scope: Mapped[str] = mapped_column(String(300))
    """Which report, in words: the cohort and the dates."""
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class CoordinatorViewSubject(Base):
    """A member whose own figures a `CoordinatorView` showed (for `/jobclub who-saw-me`)."""

    __tablename__ = "coordinator_view_subjects"

    view_id: Mapped[int] = mapped_column(
        ForeignKey("coordinator_views.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CoordinatorMessage(Base):
    """A DM the bot sends on a coordinator's behalf: a kind check-in to a quiet member who
    shares their progress, or the club-wide "we miss you" to quiet members who opted in to
    nudges. `send_at` is the column the dispatcher claims (None once claimed)."""

    __tablename__ = "coordinator_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    """check-in (written by one coordinator, to one member) or miss-you (club-wide)."""
    text: Mapped[str] = mapped_column(String(1500))
    sender_id: Mapped[int | None] = mapped_column(Integer, default=None)
    """The coordinator's member id (not a key: the message outlives their deleting data)."""
    sender_name: Mapped[str] = mapped_column(String(200))
    send_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
