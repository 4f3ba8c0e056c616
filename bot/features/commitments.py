"""`/commit` and `/commitments`: promises to yourself, reminded at the right moment.

At the due time the member gets one DM with Done / Snooze / Drop; if it is still
open, one check-in follows a day later (configurable), not a stream of nags.

A step bound to an event (interview prep, `Commitment.ends_at`) is never moved past the
event, its reminder offers only the snoozes that land before it, and once the event has
begun it closes itself (`lapsed`) without a word.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process
from sqlalchemy import Select, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity, members
from bot import commitments as store
from bot.content.drafts import day_words, fill
from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, Figure, Period, ProgressPart, SearchEnded, feature
from bot.recurrence import first_gap, first_occurrence, next_occurrence, parse_recurrence
from bot.replies import Button, ButtonStyle, Reply, Section, Visibility
from bot.router import Handler, LeaveReason, Router, number, text
from bot.scheduling import DueFromQuery, DueItem, Leased, ScheduledWork
from bot.services import Services
from bot.store.models import Club, Commitment, Delivery, Ladder, Member
from bot.text import ascii_number
from bot.timezones import gap_note, local_instant, show_time
from bot.turns import chunks, in_turns
from bot.when import MissingTextError, WhenError, WhenInPast, parse_when, split_text_and_when

MAX_TEXT = 500
LIST_BUTTONS = 5
"""Only the first few commitments in a list get their own buttons (platform limits)."""

PRESETS = {
    "tonight": "Tonight",
    "tomorrow": "Tomorrow morning",
    "2days": "In 2 days",
    "monday": "Next Monday",
}
TIME_WORDS = 3
"""While a time is asked for, an unreadable DM this short gets the reason it could not be
read; a longer one is probably about something else and goes on to the core's fallbacks."""
SNOOZES = {"1h": "1 hour", "tomorrow": "Tomorrow morning", "nextweek": "Next week"}
_CLOSED_AS = {"done": "✓ done", "dropped": "✗ dropped", "lapsed": "– closed when its moment passed"}
NumberedHandler = Callable[[Context, Commitment, str], Awaitable[Reply]]


@feature
class Commitments(Feature):
    name = "commitments"

    def register(self, router: Router) -> None:
        router.add_command(
            "commit",
            "Make a promise to yourself; I remind you when it is due.",
            "/commit TEXT [WHEN] · e.g. /commit send thank-you note to Ana by Friday 3pm",
            self.on_commit,
        )
        router.add_command(
            "commitments",
            "Your open commitments; done, drop, snooze, edit, history.",
            "/commitments",
            self._list,
        )
        sub = partial(router.add_subcommand, "commitments")
        sub(
            "done",
            "Mark one done.",
            self._numbered(self._cmd_done),
            args=(number(),),
            example="done 2",
        )
        sub(
            "drop",
            "Let one go.",
            self._numbered(self._cmd_drop),
            args=(number(),),
            example="drop 2",
            destructive=True,
        )
        sub(
            "snooze",
            "Move one to a later time.",
            self._numbered(self._cmd_snooze),
            args=(number(), text("WHEN", ask="Snooze until when?")),
            example="snooze 2 friday 9am",
        )
        sub(
            "edit",
            "Change one's text, its time, or both.",
            self._numbered(self._cmd_edit),
            args=(number(), text("TEXT|WHEN", ask="Give the new text or time")),
            example="edit 2 tomorrow 4pm",
        )
        sub("history", "What you did or dropped lately.", self._history)
        sub("list", "Your open commitments.", self._list, aliases=("open",))
        router.add_action("commit:done", self.on_done)
        router.add_action("commit:drop", self.on_drop)
        router.add_action("commit:snooze", self.on_snooze)
        router.add_action("commit:undo", self.on_undo)
        router.add_action("commit:change", self.on_change)
        router.add_action("commit:set", self.on_set)
        router.add_action("commit:at", self.on_at)
        router.add_action("commit:list", self._list)
        router.add_conversation("commitments", self.on_text, self.on_leave)

    def scheduled_work(self) -> list[ScheduledWork]:
        return [Reminders()]

    # -- commands ---------------------------------------------------------------------------

    async def on_commit(self, ctx: Context) -> Reply:
        text = ctx.text.strip()
        if not text:
            raise UserError(
                "Tell me what you will do and when, for example "
                "`/commit send thank-you note to Ana by Friday 3pm`."
            )
        zone, start = ctx.zone, store.day_start(ctx.member)
        text, rule = parse_recurrence(text, start.hour, start.minute)
        problem: str | None = None
        choices: tuple[datetime, ...] = ()
        when = None
        try:
            text, when = split_text_and_when(text, ctx.now, zone, start)
        except MissingTextError:
            raise
        except WhenInPast as exc:
            problem, text = str(exc), exc.text or text
        except WhenError as exc:
            problem, choices = str(exc), exc.choices  # "3/4" in Toronto: both dates offered
        if when is None and problem is None:
            text, problem = _unreadable_day(text)
        text = text.strip()
        if not text:
            raise UserError(problem or "Tell me what you will do, not only when.")
        if len(text) > MAX_TEXT:
            raise UserError(
                f"That is {len(text)} characters; keep a commitment under {MAX_TEXT} so it fits "
                "in a reminder. Nothing was saved."
            )
        due = when.due_at if when else None
        if rule is not None:
            if when is not None and when.explicit_time:
                # "by friday 3pm every week": the repeat keeps the time that was given.
                at = when.skipped or when.due_at.astimezone(zone).time()
                rule = replace(rule, hour=at.hour, minute=at.minute)
            # Pin the day of the month (or week) to the first occurrence, so "every month"
            # made on the 31st comes back on the 31st, not drifting to the 28th.
            rule = rule.anchored(due or ctx.now, zone)
            if due is None:
                due = first_occurrence(rule, ctx.now, zone)
        commitment = await store.create(
            ctx.session, ctx.member, text, due, ctx.now, recurrence=rule
        )
        if due is None:
            return await self._ask(ctx, commitment, problem, choices=choices)
        skipped = when.skipped if when is not None and rule is None else None
        return _confirmation(commitment, zone, ctx.now, skipped=skipped)

    def _numbered(self, handler: NumberedHandler) -> Handler:
        """A sub-command handler for `VERB N ...`: finds commitment N for `handler`."""

        async def run(ctx: Context) -> Reply:
            commitment = await store.by_number(ctx.session, ctx.member, int(ctx.args[0]))
            if commitment is None:
                raise UserError(
                    f"You have no commitment #{ctx.args[0]}. `/commitments` lists yours."
                )
            return await handler(ctx, commitment, ctx.text.strip())

        return run

    async def _list(self, ctx: Context) -> Reply:
        items = await store.open_for(ctx.session, ctx.member)
        if not items:
            return ctx.private(
                Reply(
                    text="You have no open commitments. Make one with "
                    "`/commit send thank-you note to Ana by Friday 3pm`.",
                    meta={"commitments": []},
                ),
            )
        sections = [Section(text=_line(c, ctx.zone, ctx.now)) for c in items]
        buttons: list[Button] = []
        for c in items[:LIST_BUTTONS]:
            buttons += [
                Button(f"Done #{c.number}", f"commit:done:{c.id}", ButtonStyle.PRIMARY),
                Button(f"Snooze #{c.number}", f"commit:snooze:{c.id}:tomorrow"),
                Button(f"Drop #{c.number}", f"commit:drop:{c.id}"),
            ]
        return ctx.private(
            Reply(
                title=f"Your open commitments ({len(items)})",
                text="Use `/commitments done N`, `snooze N WHEN`, `edit N TEXT` or `drop N`.",
                sections=sections,
                buttons=buttons,
                meta={"commitments": [_meta(c, ctx.zone) for c in items]},
            ),
        )

    async def _history(self, ctx: Context) -> Reply:
        rows = list(
            await ctx.session.scalars(
                select(Commitment)
                .where(Commitment.member_id == ctx.member.id, Commitment.status != "open")
                .order_by(Commitment.closed_at.desc())
                .limit(20)
            )
        )
        if not rows:
            return ctx.private(Reply(text="Nothing done or dropped yet.", meta={"history": []}))
        lines = [
            f"#{c.number} {_CLOSED_AS.get(c.status, '✗ dropped')} "
            f"{show_time(c.closed_at, ctx.zone) if c.closed_at else ''}: {c.text}"
            for c in rows
        ]
        kept = sum(1 for c in rows if c.status == "done")
        return ctx.private(
            Reply(
                title="Your recent commitments",
                text="\n".join(lines) + f"\n\nKept {kept} of the last {len(rows)}.",
                meta={"history": [_meta(c, ctx.zone) for c in rows]},
            ),
        )

    async def _cmd_done(self, ctx: Context, c: Commitment, _arg: str) -> Reply:
        return await self._done(ctx, c)

    async def _cmd_drop(self, ctx: Context, c: Commitment, _arg: str) -> Reply:
        return await self._drop(ctx, c)

    async def _cmd_snooze(self, ctx: Context, c: Commitment, arg: str) -> Reply:
        when = parse_when(arg, ctx.now, ctx.zone, store.day_start(ctx.member))
        return await self._reschedule(ctx, c, when.due_at, "Snoozed")

    async def _cmd_edit(self, ctx: Context, c: Commitment, arg: str) -> Reply:
        self._require_open(c)
        try:
            when = parse_when(arg, ctx.now, ctx.zone, store.day_start(ctx.member))
        except WhenError:
            when = None
        if when is not None:
            return await self._reschedule(ctx, c, when.due_at, "Moved")
        text, when = split_text_and_when(arg, ctx.now, ctx.zone, store.day_start(ctx.member))
        if len(text) > MAX_TEXT:
            raise UserError(f"Keep a commitment under {MAX_TEXT} characters. Nothing changed.")
        c.text, c.updated_at = text, ctx.now
        if when is not None:
            return await self._reschedule(ctx, c, when.due_at, "Updated")
        return ctx.private(_confirmation(c, ctx.zone, ctx.now, verb="Updated"))

    # -- buttons ----------------------------------------------------------------------------

    async def on_done(self, ctx: Context) -> Reply:
        return await self._done(ctx, await self._pressed(ctx))

    async def on_drop(self, ctx: Context) -> Reply:
        return await self._drop(ctx, await self._pressed(ctx))

    async def on_snooze(self, ctx: Context) -> Reply:
        c = await self._pressed(ctx)
        choice = ctx.args[1] if len(ctx.args) > 1 else "tomorrow"
        due = _snooze_target(choice, ctx.now, ctx.zone, store.day_start(ctx.member))
        if due is None:
            return await self._ask(ctx, c, None, "Snooze until when?", then="Snoozed")
        return await self._reschedule(ctx, c, due, "Snoozed")

    async def on_undo(self, ctx: Context) -> Reply:
        c = await self._pressed(ctx)
        text = c.text
        # Its delivery rows go too: their keys name this id, which SQLite may hand out again.
        await ctx.session.execute(
            delete(Delivery).where(Delivery.ref_id == c.id, Delivery.kind.in_(Reminders.kinds))
        )
        await ctx.session.delete(c)
        return ctx.private(Reply(text=f"Undone: I forgot “{text}”.", meta={"undone": c.id}))

    async def on_change(self, ctx: Context) -> Reply:
        c = await self._pressed(ctx)
        self._require_open(c)
        return await self._ask(ctx, c, None, "When instead?", then="Moved")

    async def on_set(self, ctx: Context) -> Reply:
        c = await self._pressed(ctx)
        choice = ctx.args[1] if len(ctx.args) > 1 else ""
        due = _preset_target(choice, ctx.now, ctx.zone, store.day_start(ctx.member))
        if due is None:
            return await self._ask(ctx, c, None)
        return await self._reschedule(ctx, c, due, "Set")

    async def on_at(self, ctx: Context) -> Reply:
        """One of the readings offered for words that read two ways ("friday at 3")."""
        c = await self._pressed(ctx)
        seconds = ascii_number(ctx.args[1] if len(ctx.args) > 1 else "", max_digits=11)
        if seconds is None:  # a forged or broken button: ask for the time again
            return await self._ask(ctx, c, None)
        return await self._reschedule(ctx, c, datetime.fromtimestamp(seconds, UTC), "Set")

    # -- the time, typed in the DM ------------------------------------------------------------

    async def _ask(
        self,
        ctx: Context,
        c: Commitment,
        problem: str | None,
        verb: str = "When will you do it?",
        *,
        then: str = "Set",
        choices: tuple[datetime, ...] = (),
    ) -> Reply:
        """Ask for a time, and hold the DM for it: `friday 4pm` typed there is the answer."""
        notes = await ctx.hold_dm(
            "commitments",
            {"commitment_id": c.id, "verb": then},
            waiting_for=f"a time for #{c.number} (e.g. `friday 4pm`)",
        )
        reply = _ask_when(c, problem, verb, in_dm=ctx.in_dm)
        reply.buttons[:0] = _choice_buttons(c, choices, ctx.zone, ctx.now)
        if notes:
            reply.text = "\n".join(notes) + "\n\n" + reply.text
        return ctx.private(reply)

    async def on_text(self, ctx: Context, state: dict[str, Any]) -> Reply | None:
        """A time typed in the DM after "When instead?" (or any other ask for a time)."""
        raw = state.get("commitment_id")
        c = await store.owned(ctx.session, ctx.member, raw) if isinstance(raw, int) else None
        if c is None or c.status != "open":
            await ctx.release_dm("commitments")
            return None
        text = ctx.text.strip()
        try:
            when = parse_when(text, ctx.now, ctx.zone, store.day_start(ctx.member))
        except WhenInPast as exc:
            raise UserError(f"{exc} Type a later time, or `cancel`.") from None
        except WhenError as exc:
            if len(text.split()) > TIME_WORDS:
                return None  # not an attempt at a time: the core's fallbacks answer it
            if exc.choices:  # "friday at 3": both readings to press
                return ctx.private(
                    Reply(
                        text=f"{exc} Pick one, or type the time again.",
                        buttons=_choice_buttons(c, exc.choices, ctx.zone, ctx.now),
                        visibility=Visibility.ONLY_MEMBER,
                    )
                )
            raise UserError(
                f"{exc} Type a time such as `friday 4pm` or `tomorrow morning`, or `cancel` "
                f"to leave #{c.number} as it is."
            ) from None
        await ctx.release_dm("commitments")
        return await self._reschedule(ctx, c, when.due_at, str(state.get("verb") or "Set"))

    async def on_leave(self, ctx: Context, state: dict[str, Any], reason: LeaveReason) -> str:
        raw = state.get("commitment_id")
        c = await store.owned(ctx.session, ctx.member, raw) if isinstance(raw, int) else None
        if c is None or c.status != "open":
            return ""
        kept = f"due {show_time(c.due_at, ctx.zone, ctx.now)}" if c.due_at else "with no time"
        if reason == "cancel":
            return f"Okay, #{c.number} stays as it was ({kept})."
        return f"#{c.number} stays {kept}; `/commitments edit {c.number} WHEN` changes it."

    # -- shared -----------------------------------------------------------------------------

    async def _pressed(self, ctx: Context) -> Commitment:
        raw = ctx.args[0] if ctx.args else ""
        c = None
        if raw.isascii() and raw.isdigit() and len(raw) <= 12:
            c = await store.owned(ctx.session, ctx.member, int(raw))
        if c is None:
            raise UserError("That commitment no longer exists. `/commitments` shows yours.")
        return c

    def _require_open(self, c: Commitment) -> None:
        if c.status != "open":
            raise UserError(f"#{c.number} is already {c.status}. `/commitments` shows open ones.")

    async def _done(self, ctx: Context, c: Commitment) -> Reply:
        if c.status == "done":
            return ctx.private(Reply(text=f"#{c.number} is already done. Nice work."))
        self._require_open(c)
        if c.recurrence:
            rule = store.recurrence_of(c)
            if rule is not None and c.due_at is not None and c.due_at > ctx.now:
                # Done before its reminder: this occurrence is covered, move to the next one.
                store.schedule(c, next_occurrence(rule, c.due_at, ctx.zone), ctx.now)
            await activity.record(
                ctx.session, ctx.services.db.dialect, ctx.member, ctx.zone, ctx.now, "commitment"
            )
            return ctx.private(
                Reply(
                    text=f"Done for this time: {c.text}. Next one "
                    f"{show_time(c.due_at, ctx.zone) if c.due_at else 'when you set it'}.",
                    meta={"commitment_id": c.id, "status": "open"},
                ),
            )
        store.close(c, "done", ctx.now)
        await activity.record(
            ctx.session, ctx.services.db.dialect, ctx.member, ctx.zone, ctx.now, "commitment"
        )
        return ctx.private(
            Reply(
                text=f"Done: {c.text}. That is a promise kept.",
                meta={"commitment_id": c.id, "status": "done"},
            ),
        )

    async def _drop(self, ctx: Context, c: Commitment) -> Reply:
        if c.status != "open":
            return ctx.private(Reply(text=f"#{c.number} is already {c.status}."))
        store.close(c, "dropped", ctx.now)
        return ctx.private(
            Reply(
                text=f"Dropped: {c.text}. No more reminders for it.",
                meta={"commitment_id": c.id, "status": "dropped"},
            ),
        )

    async def _reschedule(self, ctx: Context, c: Commitment, due: datetime, verb: str) -> Reply:
        self._require_open(c)
        if due <= ctx.now:
            raise UserError(
                f"{show_time(due, ctx.zone)} is already in the past. Pick a later time."
            )
        if c.ends_at is not None and due >= c.ends_at:
            raise UserError(
                f"#{c.number} is to prepare for something that starts "
                f"{show_time(c.ends_at, ctx.zone, ctx.now)}, so {show_time(due, ctx.zone)} "
                "would be too late. Pick an earlier time, or drop it if it no longer matters. "
                "Nothing changed."
            )
        store.schedule(c, due, ctx.now)
        return ctx.private(_confirmation(c, ctx.zone, ctx.now, verb=verb))

    async def progress(self, ctx: Context) -> ProgressPart:
        kept = await ctx.session.scalar(
            select(func.count())
            .select_from(Commitment)
            .where(Commitment.member_id == ctx.member.id, Commitment.status == "done")
        )
        return ProgressPart(
            "commitments_kept", [f"Commitments kept · {kept or 0}"], kept or 0, order=40
        )

    async def home_sections(self, ctx: Context) -> list[Section]:
        items = await store.open_for(ctx.session, ctx.member)
        kept = await ctx.session.scalar(
            select(func.count())
            .select_from(Commitment)
            .where(Commitment.member_id == ctx.member.id, Commitment.status == "done")
        )
        lines = [_line(c, ctx.zone, ctx.now) for c in items[:5]]
        if len(items) > 5:
            lines.append(f"…and {len(items) - 5} more: `/commitments`")
        return [
            Section(
                title=f"Open commitments ({len(items)}) · kept so far: {kept or 0}",
                text="\n".join(lines) or "Nothing open. `/commit` makes a promise to yourself.",
            )
        ]

    async def report_figures(
        self, session: AsyncSession, member_ids: Sequence[int], period: Period
    ) -> list[Figure]:
        """Commitments marked Done in the period, per member: the digest's "follow-ups
        kept" (own promises, contact follow-ups and interview prep alike)."""
        rows = await session.execute(
            select(Commitment.member_id, func.count())
            .where(
                Commitment.member_id.in_(member_ids),
                Commitment.status == "done",
                Commitment.closed_at >= period.since,
                Commitment.closed_at < period.until,
            )
            .group_by(Commitment.member_id)
        )
        counts = {member: int(n) for member, n in rows.all()}
        return [Figure("follow_ups_kept", "follow-ups kept", counts, sum(counts.values()), 40)]

    async def digest_counts(
        self, session: AsyncSession, club_id: int, since: datetime, until: datetime
    ) -> dict[str, int]:
        kept = await session.scalar(
            select(func.count())
            .select_from(Commitment)
            .join(Member, Member.id == Commitment.member_id)
            .where(
                Member.club_id == club_id,
                Commitment.status == "done",
                Commitment.closed_at >= since,
                Commitment.closed_at <= until,
            )
        )
        return {"follow-ups kept": kept or 0}

    # -- member data ------------------------------------------------------------------------

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        rows = await session.scalars(
            select(Commitment).where(Commitment.member_id == member.id).order_by(Commitment.number)
        )
        return {
            "commitments": [
                {
                    "number": c.number,
                    "text": c.text,
                    "status": c.status,
                    "due_at": c.due_at.isoformat() if c.due_at else None,
                    "repeats": c.recurrence,
                    "source": c.source,
                    "step": c.step,
                    "ends_at": c.ends_at.isoformat() if c.ends_at else None,
                    "created_at": c.created_at.isoformat(),
                    "closed_at": c.closed_at.isoformat() if c.closed_at else None,
                }
                for c in rows
            ]
        }

    async def week_counts(
        self, session: AsyncSession, member: Member, since: datetime, until: datetime
    ) -> dict[str, int]:
        """Follow-ups marked Done that week (prep steps are not follow-ups)."""
        done = await session.scalar(
            select(func.count(Commitment.id)).where(
                Commitment.member_id == member.id,
                Commitment.status == "done",
                Commitment.closed_at >= since,
                Commitment.closed_at < until,
                func.coalesce(Commitment.step, "").not_in(store.PREP_STEPS),
            )
        )
        return {"follow_ups": done or 0}

    async def end_search(
        self, session: AsyncSession, member: Member, now: datetime
    ) -> SearchEnded | None:
        """The job is found: the member's own open follow-ups close (a ladder's steps are
        the ladders feature's to close)."""
        rows = list(
            await session.scalars(
                select(Commitment).where(
                    Commitment.member_id == member.id,
                    Commitment.status == "open",
                    Commitment.ladder_id.is_(None),
                )
            )
        )
        if not rows:
            return None
        saved = store.stop_for_landing(rows, now)
        plural = "s" if len(rows) != 1 else ""
        return SearchEnded(
            f"{len(rows)} open follow-up{plural} closed", {"steps": saved, "at": now.isoformat()}
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
        return f"{reopened} follow-up{'s' if reopened != 1 else ''} reopened"

    async def delete_member(self, session: AsyncSession, member: Member) -> int:
        removed = await session.execute(delete(Commitment).where(Commitment.member_id == member.id))
        sent = await session.execute(delete(Delivery).where(Delivery.member_id == member.id))
        return (removed.rowcount or 0) + (sent.rowcount or 0)


"""Interview prep steps: work before an interview, not a follow-up after one."""


class Reminders(DueFromQuery):
    """The due reminder and the one check-in, through the exactly-once dispatcher."""

    kinds = ("reminder", "still-open", "checkin")
    """`checkin` is the old name of `still-open`, kept for deliveries claimed before it."""

    def due_query(self) -> Select[tuple[datetime | None]]:
        return store.next_reminder_query()

    async def claim_due(
        self, session: AsyncSession, services: Services, now: datetime
    ) -> list[DueItem]:
        return await store.claim_due(
            session, now, services.settings.timezone, dialect=services.db.dialect
        )

    async def render_batch(
        self,
        session: AsyncSession,
        services: Services,
        deliveries: Sequence[Leased],
        now: datetime,
    ) -> list[Reply | None]:
        """A fan-out's batch: its commitments, their members and clubs, and their ladders in
        three queries a `bot.turns.READ_CHUNK` of them, then each reply from the session's map."""
        ids = sorted({d.ref_id for d in deliveries if d.ref_id})
        commitments: list[Commitment] = []
        for chunk in chunks(ids):
            commitments += await session.scalars(select(Commitment).where(Commitment.id.in_(chunk)))
        # Kept referenced until rendered: the session holds its objects only weakly.
        loaded: list[object] = [*commitments]
        for chunk in chunks(sorted({c.member_id for c in commitments})):
            loaded += (
                await session.execute(
                    select(Member, Club)
                    .join(Club, Club.id == Member.club_id)
                    .where(Member.id.in_(chunk))
                )
            ).all()
        ladder_ids = sorted({c.ladder_id for c in commitments if c.ladder_id and c.draft_id})
        for chunk in chunks(ladder_ids):
            loaded += await session.scalars(select(Ladder).where(Ladder.id.in_(chunk)))
        replies = [
            await self.render(session, services, delivery, now)
            async for delivery in in_turns(deliveries)
        ]
        del loaded
        return replies

    async def render(
        self, session: AsyncSession, services: Services, delivery: Leased, now: datetime
    ) -> Reply | None:
        c = await session.get(Commitment, delivery.ref_id) if delivery.ref_id else None
        if c is None or c.status != "open" or (c.ends_at is not None and now >= c.ends_at):
            return None
        member = await session.get(Member, c.member_id)
        club = await session.get(Club, member.club_id) if member else None
        if member is None or club is None:
            return None
        zone = members.zone_for(member, club, services.settings.timezone)
        due = datetime.fromisoformat(delivery.payload["due_at"])
        checkin = delivery.kind in ("still-open", "checkin")
        lines = []
        if checkin:
            lines.append(
                f"Still open? #{c.number}: how did it go? It was due {show_time(due, zone)}."
            )
        else:
            lines.append(f"It's time: due {show_time(due, zone)}.")
        if delivery.late and not checkin:
            lines.append(
                f"Sorry this comes late: I was offline at {show_time(delivery.due_at, zone)}."
            )
        if c.recurrence and not checkin and c.due_at:
            lines.append(f"Repeats; next one {show_time(c.due_at, zone)}.")
        sections = await _draft_section(session, services, c, member, zone, now)
        snoozes = {
            key: label
            for key, label in SNOOZES.items()
            if c.ends_at is None
            or (target := _snooze_target(key, now, zone, store.day_start(member))) is None
            or target < c.ends_at
        }
        return Reply(
            title=("Still open: " if checkin else "Reminder: ") + c.text,
            text="\n".join(lines),
            sections=sections,
            buttons=_reminder_buttons(c, snoozes),
            visibility=Visibility.DM,
            meta={
                "commitment_id": c.id,
                "due_at": due.astimezone(zone).isoformat(),
                "late": delivery.late,
            },
        )


async def _draft_section(
    session: AsyncSession,
    services: Services,
    c: Commitment,
    member: Member,
    zone: ZoneInfo,
    now: datetime,
) -> list[Section]:
    """The step's draft, filled with what the bot knows, its day words said as of `now`
    (the moment the member reads it: a thank-you read the next day says "yesterday")."""
    draft = services.library.draft(c.draft_id) if c.draft_id else None
    if draft is None:
        return []
    ladder = await session.get(Ladder, c.ladder_id) if c.ladder_id else None
    met = ladder.at if ladder is not None and ladder.kind == "interview" else None
    values = {
        "interviewer": ladder.person if ladder else None,
        "company": ladder.company if ladder else None,
        "role": ladder.role if ladder else None,
        "your_name": member.display_name,
        "interview_day": (
            day_words(met.astimezone(zone).date(), now.astimezone(zone).date()) if met else None
        ),
    }
    filled = fill(draft, values)
    return [Section(title=f"Draft: {filled.title}", text=filled.as_text())]


def _reminder_buttons(c: Commitment, snoozes: dict[str, str]) -> list[Button]:
    return [
        Button("Done", f"commit:done:{c.id}", ButtonStyle.PRIMARY),
        *(
            Button(f"Snooze: {label}", f"commit:snooze:{c.id}:{key}")
            for key, label in snoozes.items()
        ),
        Button("Drop", f"commit:drop:{c.id}", ButtonStyle.DANGER),
    ]


def _confirmation(
    c: Commitment, zone: ZoneInfo, now: datetime, verb: str = "Got it", skipped: time | None = None
) -> Reply:
    if c.due_at is None:
        # Edited before it ever had a time: the change is kept, and the time is asked for.
        return _ask_when(c, f"{verb}.")
    rule = store.recurrence_of(c)
    repeat = f" Repeats {rule.describe()}." if rule else ""
    # A time the clocks skip (a daylight-saving gap) is named, not moved silently.
    gap = first_gap(rule, now, zone) if rule else (skipped, c.due_at) if skipped else None
    if gap is not None:
        then = "that day I'll remind you" if rule else "I'll remind you"
        repeat += "\n" + gap_note(*gap, zone, then)
    return Reply(
        text=f"{verb}: {c.text}\nDue {show_time(c.due_at, zone)}.{repeat}",
        buttons=[
            Button("Change time", f"commit:change:{c.id}"),
            # Undo forgets the commitment, so it only makes sense right after making it.
            *([Button("Undo", f"commit:undo:{c.id}")] if verb == "Got it" else []),
        ],
        visibility=Visibility.ONLY_MEMBER,
        meta=_meta(c, zone),
    )


def _ask_when(
    c: Commitment, problem: str | None, verb: str = "When will you do it?", *, in_dm: bool = True
) -> Reply:
    lead = f"{problem} " if problem else ""
    where = "here" if in_dm else "in our DM"
    return Reply(
        text=f"{lead}{verb} #{c.number}: {c.text}\nPick one, or type a time {where} "
        f"(e.g. `friday 3pm`), or `/commitments edit {c.number} friday 3pm`.",
        buttons=[Button(label, f"commit:set:{c.id}:{key}") for key, label in PRESETS.items()],
        visibility=Visibility.ONLY_MEMBER,
        meta={"commitment_id": c.id, "due_at": None, "needs_time": True},
    )


def _line(c: Commitment, zone: ZoneInfo, now: datetime | None = None) -> str:
    due = f"due {show_time(c.due_at, zone, now)}" if c.due_at else "no time set"
    repeat = " (repeats)" if c.recurrence else ""
    return f"#{c.number} {c.text} · {due}{repeat}"


def _meta(c: Commitment, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "commitment_id": c.id,
        "number": c.number,
        "status": c.status,
        "due_at": c.due_at.astimezone(zone).isoformat() if c.due_at else None,
    }


_DAY_AFTER_PREPOSITION = re.compile(r"\s+(by|on|before|until|due)\s+([a-z]{3,})\s*$", re.I)
_DAY_WORDS = [
    *("monday tuesday wednesday thursday friday saturday sunday".split()),
    *("january february march april june july august september october november".split()),
    *("december tomorrow tonight today".split()),
]


def _unreadable_day(text: str) -> tuple[str, str | None]:
    """'write essay by blursday' → ('write essay', "I couldn't read “blursday”…").

    Only a word that looks like a misspelt day or month counts, so "call Ana by phone"
    stays as it is.
    """
    found = _DAY_AFTER_PREPOSITION.search(text)
    if not found:
        return text, None
    word = found.group(2).lower()
    match = process.extractOne(word, _DAY_WORDS, scorer=fuzz.ratio, score_cutoff=70)
    if match is None:
        return text, None
    return text[: found.start()], f"I couldn't read “{found.group(2)}” as a day."


def _choice_buttons(
    c: Commitment, choices: Sequence[datetime], zone: ZoneInfo, now: datetime
) -> list[Button]:
    """One button per reading of words that read two ways ("friday at 3"); a date in
    another year shows it ("Thu 4 Mar 2027, 09:00")."""
    return [
        Button(show_time(at, zone, now, named=False), f"commit:at:{c.id}:{at.timestamp():.0f}")
        for at in choices
    ]


def _preset_target(choice: str, now: datetime, zone: ZoneInfo, start: time) -> datetime | None:
    local = now.astimezone(zone)
    if choice == "tonight":
        target = local_instant(local.date(), time(19, 0), zone)
        return target if target > now else target + timedelta(days=1)
    if choice == "tomorrow":
        return local_instant((local + timedelta(days=1)).date(), start, zone)
    if choice == "2days":
        return local_instant((local + timedelta(days=2)).date(), start, zone)
    if choice == "monday":
        return local_instant((local + timedelta(days=7 - local.weekday())).date(), start, zone)
    return None


def _snooze_target(choice: str, now: datetime, zone: ZoneInfo, start: time) -> datetime | None:
    if choice == "1h":
        return now + timedelta(hours=1)
    if choice == "tomorrow":
        return _preset_target("tomorrow", now, zone, start)
    if choice == "nextweek":
        return _preset_target("monday", now, zone, start)
    return None
