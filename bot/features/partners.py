"""`/partners`: a weekly mock-interview partner who can actually meet you.

Members say when they can practise in their own zone (`/partners on weekdays
18:00-20:00, sat 10:00-12:00`, or a preset such as `evenings`); an admin sets the club's
round (`/jobclub partners on monday 09:00`, on the club's clock). Each round pairs the
members whose free hours overlap by at least an hour that week (`bot/pairing.py`: a
maximum-weight matching, repeats only when nothing new fits, a trio for the odd one),
and each pair gets one shared message (`Outbox.send_group`) naming their common hours in
each one's own zone, a first slot, two questions each from the bank and the feedback
rules. Anyone left out is told why and when the next round is.

After the introduction: "We booked it" asks when and reminds everyone an hour before;
mid-week and at the end of the round each member is asked privately whether they met.
Three rounds in a row without meeting pause the member, with a kind note.

Privacy: `/partners avoid NAME` is known only to its author. A member someone avoids is
told the same thing as a member nobody's hours match ("no partner whose hours match").
Meetings reach `/progress` through the `progress` hook and the digest as a count only.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, delete, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity, members
from bot.availability import (
    EXAMPLES,
    Availability,
    AvailabilityError,
    parse_availability,
    preset_help,
)
from bot.clocktime import parse_minutes
from bot.clubclock import club_zone, settle_club_zone
from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, Figure, Period, ProgressPart, feature
from bot.pairing import (
    ALONE,
    LEFT_OVER,
    NO_OVERLAP,
    OWN_AVOIDS,
    RECENT_ROUNDS,
    Candidate,
    Group,
    pair_round,
    runs,
    slot_instant,
    week_slots,
)
from bot.replies import Button, ButtonStyle, Reply, Visibility
from bot.router import Router
from bot.router import text as text_arg
from bot.scheduling import DueFromQuery, DueItem, Leased, ScheduledWork
from bot.services import Services
from bot.store.models import (
    Club,
    Delivery,
    Member,
    PartnerAvoid,
    PartnerMatch,
    PartnerPrefs,
    PartnerSchedule,
    PartnerSeat,
)
from bot.text import ascii_number, shorten
from bot.timezones import local_instant, show_time
from bot.typed_days import read_day
from bot.weekly import next_weekly
from bot.when import WhenError, parse_when

LEAD = timedelta(hours=2)
"""The week's first slot is this long after the round: time to read the introduction."""
MID_WEEK = timedelta(days=3)
END_ASK = timedelta(days=6)
"""When "did you meet?" is asked: mid-week, then the day before the next round."""
REMIND_BEFORE = timedelta(hours=1)
MISSED_TO_PAUSE = 3
STALE_ROUND = timedelta(hours=12)
"""A round claimed this late (the bot was down) is skipped: the week is mostly gone."""
SHOWN_WINDOWS = 3
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CHANNEL = re.compile(r"^<#([A-Za-z0-9]+)(?:\|[^>]*)?>$|^#([\w-]{1,64})$")
_PAUSE = re.compile(r"^(?:for\s+)?(\d{1,2}|a|an|one|two|three|four)\s*(weeks?|wks?|days?)$")
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}
INTRO, NONE, PAUSED, ASK, REMIND = (
    "partners-intro",
    "partners-none",
    "partners-paused",
    "partners-met",
    "partners-remind",
)


@feature
class Partners(Feature):
    name = "partners"

    def register(self, router: Router) -> None:
        router.add_command(
            "partners",
            "A weekly practice partner whose free hours match yours (mock interviews).",
            "/partners",
            self.on_status,
        )
        sub = partial(router.add_subcommand, "partners")
        sub(
            "on",
            "Join the weekly pairing, saying when you can practise (your own time).",
            self.on_on,
            args=(text_arg("WHEN", optional=True),),
            example="on weekdays 18:00-20:00, sat 10:00-12:00",
        )
        sub("off", "Leave the weekly pairing.", self.on_off)
        sub(
            "pause",
            "Skip the next rounds (a week unless you say).",
            self.on_pause,
            args=(text_arg("2 weeks|until DATE", optional=True),),
            example="pause 2 weeks",
        )
        sub("resume", "End a pause now.", self.on_resume)
        sub(
            "avoid",
            "Never be paired with someone (private: nobody else is told).",
            self.on_avoid,
            args=(text_arg("NAME", optional=True),),
            example="avoid Grace",
        )
        sub(
            "unavoid",
            "Take someone off your avoid list.",
            self.on_unavoid,
            args=(text_arg("NAME", ask="Say who"),),
            example="unavoid Grace",
        )
        sub("status", "Your windows, the next round and this week's partner.", self.on_status)
        router.add_subcommand(
            "jobclub",
            "partners",
            "Admins: the weekly practice-partner round (`partners on monday 09:00`).",
            self.on_admin_status,
            admin_only=True,
        )
        admin = partial(router.add_subcommand, "jobclub partners", admin_only=True)
        admin(
            "on",
            "Pair members each week at this day and time (club time; Discord: #channel "
            "for private threads).",
            self.on_admin_on,
            args=(text_arg("[DAY] [TIME] [#CHANNEL] [ZONE]", optional=True),),
            example="on monday 09:00",
        )
        admin("off", "Stop the weekly pairing.", self.on_admin_off)
        router.add_action("partners:booked", self.on_booked)
        router.add_action("partners:swap", self.on_swap)
        router.add_action("partners:cant", self.on_cant)
        router.add_action("partners:met", self.on_met)
        router.add_conversation("partners", self.on_booking_text, self.on_booking_leave)

    def scheduled_work(self) -> list[ScheduledWork]:
        return [Rounds(), MeetAsks(), BookedReminders()]

    # -- member commands ---------------------------------------------------------------------

    async def on_on(self, ctx: Context) -> Reply:
        words = ctx.text.strip()
        prefs = await ctx.session.get(PartnerPrefs, ctx.member.id)
        if not words:
            if prefs is None or not prefs.windows:
                raise UserError(
                    f"Say when you can practise, in your own time ({ctx.zone.key}), e.g. "
                    f"{EXAMPLES}. One word works too: {preset_help()}."
                )
            available = Availability.from_rows(prefs.windows)
        else:
            try:
                available = parse_availability(words)
            except AvailabilityError as exc:
                raise UserError(str(exc)) from None
        if prefs is None:
            prefs = PartnerPrefs(
                member_id=ctx.member.id,
                club_id=ctx.club.id,
                missed_rounds=0,
                created_at=ctx.now,
            )
            ctx.session.add(prefs)
        prefs.windows = available.as_rows()
        prefs.availability = available.describe()
        prefs.active, prefs.paused_until, prefs.missed_rounds = True, None, 0
        prefs.updated_at = ctx.now
        return await self._status(ctx, "Practice partners: on.")

    async def on_off(self, ctx: Context) -> Reply:
        prefs = await ctx.session.get(PartnerPrefs, ctx.member.id)
        if prefs is not None:
            prefs.active, prefs.updated_at = False, ctx.now
        return _private(
            "Practice partners: off. Your times are kept; `/partners on` brings you back.",
            {"partners_on": False},
        )

    async def on_pause(self, ctx: Context) -> Reply:
        prefs = await self._joined(ctx)
        until = _pause_until(ctx, ctx.text.strip().lower())
        prefs.paused_until, prefs.updated_at = until, ctx.now
        return await self._status(
            ctx, f"Paused: no partner until {show_time(until, ctx.zone, ctx.now)}."
        )

    async def on_resume(self, ctx: Context) -> Reply:
        prefs = await self._joined(ctx)
        prefs.paused_until, prefs.active, prefs.updated_at = None, True, ctx.now
        return await self._status(ctx, "Welcome back: you're in the next round.")

    async def on_avoid(self, ctx: Context) -> Reply:
        name = ctx.text.strip()
        if not name:
            avoided = await _avoided_names(ctx.session, ctx.member.id)
            if not avoided:
                return _private("You avoid nobody. `/partners avoid NAME` keeps you apart.")
            return _private(
                "Only you can see this. You're never paired with: " + ", ".join(avoided) + ".",
                {"avoiding": avoided},
            )
        other = await _find_member(ctx, name)
        exists = await ctx.session.get(PartnerAvoid, (ctx.member.id, other.id))
        if exists is None:
            ctx.session.add(
                PartnerAvoid(member_id=ctx.member.id, avoided_id=other.id, created_at=ctx.now)
            )
        return _private(
            f"Done: you won't be paired with {other.display_name}. This stays between us: "
            "nobody else is told, and they see nothing different.",
            {"avoiding": other.display_name},
        )

    async def on_unavoid(self, ctx: Context) -> Reply:
        other = await _find_member(ctx, ctx.text.strip())
        await ctx.session.execute(
            delete(PartnerAvoid).where(
                PartnerAvoid.member_id == ctx.member.id, PartnerAvoid.avoided_id == other.id
            )
        )
        return _private(f"{other.display_name} is off your avoid list.")

    async def on_status(self, ctx: Context) -> Reply:
        return await self._status(ctx)

    async def _joined(self, ctx: Context) -> PartnerPrefs:
        prefs = await ctx.session.get(PartnerPrefs, ctx.member.id)
        if prefs is None or not prefs.windows:
            raise UserError(f"You haven't joined yet. Start with e.g. {EXAMPLES}.")
        return prefs

    async def _status(self, ctx: Context, lead: str = "") -> Reply:
        prefs = await ctx.session.get(PartnerPrefs, ctx.member.id)
        schedule = await ctx.session.get(PartnerSchedule, ctx.club.id)
        lines = [lead] if lead else []
        meta: dict[str, Any] = {"partners_on": bool(prefs and prefs.active)}
        if prefs is None or not prefs.active:
            lines.append(
                "Practice partners: off. Each week I pair members whose free hours match for a "
                f"mock interview. Join with e.g. {EXAMPLES}."
            )
        else:
            lines.append(f"Your times, as I read them: {prefs.availability} ({ctx.zone.key}).")
            if prefs.paused_until and prefs.paused_until > ctx.now:
                lines.append(f"Paused until {show_time(prefs.paused_until, ctx.zone, ctx.now)}.")
                meta["paused_until"] = prefs.paused_until.isoformat()
        if schedule is not None and schedule.next_round_at is not None:
            lines.append(f"Next round: {show_time(schedule.next_round_at, ctx.zone, ctx.now)}.")
            meta["next_round_at"] = schedule.next_round_at.isoformat()
        elif prefs is not None and prefs.active:
            lines.append(
                "The club has no weekly round yet: an admin starts it with "
                "`/jobclub partners on monday 09:00`."
            )
        current = await _current_partners(ctx.session, ctx.member.id, ctx.now)
        if current:
            lines.append("This week you're paired with " + _names(current) + ".")
            meta["partners"] = current
        return _private("\n".join(lines), meta)

    # -- admin -------------------------------------------------------------------------------

    async def on_admin_status(self, ctx: Context) -> Reply:
        schedule = await ctx.session.get(PartnerSchedule, ctx.club.id)
        zone = club_zone(ctx.club, ctx.services)
        if schedule is None or schedule.next_round_at is None:
            return _private("No weekly round. Start one with `/jobclub partners on monday 09:00`.")
        taking_part = await ctx.session.scalar(
            select(func.count())
            .select_from(PartnerPrefs)
            .where(PartnerPrefs.club_id == ctx.club.id, PartnerPrefs.active.is_(True))
        )
        return _private(
            f"Practice partners: every {_when(schedule, zone)}; next "
            f"{show_time(schedule.next_round_at, zone, ctx.now)}. {taking_part} member(s) in.",
            {"next_round_at": schedule.next_round_at.isoformat(), "zone": zone.key},
        )

    async def on_admin_on(self, ctx: Context) -> Reply:
        weekday, minutes, channel, rest = 0, 9 * 60, None, []
        for word in ctx.text.split():
            lowered = word.lower()
            day = next((i for i, d in enumerate(_WEEKDAYS) if d.startswith(lowered[:3])), None)
            if day is not None and len(lowered) >= 3 and not rest:
                weekday = day
            elif (found := _CHANNEL.match(word)) is not None:
                channel = found.group(1) or found.group(2)
            elif (parsed := parse_minutes(word)) is not None and not rest:
                minutes = parsed
            else:
                rest.append(word)
        zone, _ = settle_club_zone(
            ctx,
            " ".join(rest),
            "/jobclub partners on monday 09:00 Europe/Paris",
            "a day, a time, a #channel or a time zone",
        )
        schedule = await ctx.session.get(PartnerSchedule, ctx.club.id)
        if schedule is None:
            schedule = PartnerSchedule(club_id=ctx.club.id, rounds_run=0, created_at=ctx.now)
            ctx.session.add(schedule)
        schedule.weekday, schedule.minutes, schedule.channel_id = weekday, minutes, channel
        schedule.next_round_at = next_weekly(weekday, minutes, zone, ctx.now)
        where = (
            " Pairs on Discord meet in a private thread in that channel."
            if channel
            else " Each pair gets a group message (on Discord: the same message in each DM; "
            "add a #channel for private threads)."
        )
        return _private(
            f"Practice partners: a round every {_when(schedule, zone)} (the club's time); the "
            f"first on {show_time(schedule.next_round_at, zone, ctx.now)}. Members join with "
            f"`/partners on`.{where}",
            {"next_round_at": schedule.next_round_at.isoformat(), "zone": zone.key},
        )

    async def on_admin_off(self, ctx: Context) -> Reply:
        schedule = await ctx.session.get(PartnerSchedule, ctx.club.id)
        if schedule is not None:
            schedule.next_round_at = None
        return _private("The weekly practice-partner round is off.")

    # -- buttons -----------------------------------------------------------------------------

    async def on_booked(self, ctx: Context) -> Reply:
        match = await _my_match(ctx)
        notes = await ctx.hold_dm(
            "partners", {"match": match.id}, waiting_for="the day and time you booked"
        )
        shown = show_time(match.slot_at, ctx.zone, ctx.now) if match.slot_at else ""
        hint = f" (the first common hour was {shown})" if shown else ""
        text = (
            f"Great! When is it? Reply here with the day and time in your time{hint}, e.g. "
            "`thursday 18:30`. I'll remind you all an hour before."
        )
        return Reply(
            text="\n".join([*notes, text]),
            visibility=Visibility.DM,
            meta={"match": match.id, "waiting_for": "booking"},
        )

    async def on_booking_text(self, ctx: Context, state: dict[str, Any]) -> Reply | None:
        match = await ctx.session.get(PartnerMatch, int(state.get("match", 0)))
        if match is None:
            await ctx.release_dm("partners")
            return None
        try:
            when = parse_when(ctx.text, ctx.now, ctx.zone, default_time=time(18, 0))
        except WhenError as exc:
            return Reply(
                text=f"{exc} Say the day and time you booked, e.g. `thursday 18:30`, or `cancel`.",
                visibility=Visibility.DM,
            )
        match.booked_at = when.due_at
        match.booking_rev += 1
        reminder = when.due_at - REMIND_BEFORE
        match.remind_at = reminder if reminder > ctx.now else None
        await ctx.release_dm("partners")
        others = await _seat_names(ctx.session, match.id, exclude=ctx.member.id)
        return Reply(
            text=f"Booked: {show_time(when.due_at, ctx.zone, ctx.now)} with {_names(others)}. "
            + ("I'll remind you all an hour before." if match.remind_at else "Good luck!"),
            visibility=Visibility.DM,
            meta={"booked_at": when.due_at.isoformat(), "match": match.id},
        )

    async def on_booking_leave(self, ctx: Context, state: dict[str, Any], reason: str) -> None:
        return None

    async def on_swap(self, ctx: Context) -> Reply:
        match = await _my_match(ctx)
        match.swaps += 1
        seats = await _seat_members(ctx.session, match.id)
        match.questions = pick_questions(ctx.services, [m.id for m in seats], match.id, match.swaps)
        return Reply(
            title="New questions",
            text=_questions_text(ctx.services, seats, match.questions),
            visibility=Visibility.DM if ctx.in_dm else Visibility.ONLY_MEMBER,
            meta={"questions": match.questions},
        )

    async def on_cant(self, ctx: Context) -> Reply:
        match = await _my_match(ctx)
        seat = await ctx.session.get(PartnerSeat, (match.id, ctx.member.id))
        assert seat is not None
        seat.declined, seat.ask_at, seat.answered_at = True, None, ctx.now
        return ctx.private(
            Reply(
                text="No problem, weeks get busy. I've noted it; tell your partner in your "
                "group message if you can. You're in next week's round as usual.",
                meta={"declined": True},
            )
        )

    async def on_met(self, ctx: Context) -> Reply:
        match = await _my_match(ctx)
        seat = await ctx.session.get(PartnerSeat, (match.id, ctx.member.id))
        assert seat is not None
        met = len(ctx.args) > 1 and ctx.args[1] == "yes"
        seat.met, seat.ask_at, seat.answered_at = met, None, ctx.now
        if met:
            await activity.record(
                ctx.session, ctx.services.db.dialect, ctx.member, ctx.zone, ctx.now, "partners"
            )
            text = "Brilliant: practising out loud is what makes answers stick. It's in /progress."
        else:
            text = "Thanks for telling me. There's a new partner next round."
        return ctx.private(Reply(text=text, meta={"met": met}))

    # -- hooks -------------------------------------------------------------------------------

    async def progress(self, ctx: Context) -> ProgressPart | None:
        met = await ctx.session.scalar(
            select(func.count())
            .select_from(PartnerSeat)
            .where(PartnerSeat.member_id == ctx.member.id, PartnerSeat.met.is_(True))
        )
        if not met:
            return None
        times = "once" if met == 1 else f"{met} times"
        return ProgressPart(
            "partner_meetings", [f"Mock interviews with a partner: {times}."], met, order=60
        )

    async def report_figures(
        self, session: AsyncSession, member_ids: Sequence[int], period: Period
    ) -> list[Figure]:
        """Partner meetings someone said happened, answered in the period: per member the
        meetings they said they had; the club total counts each meeting once."""
        rows = (
            await session.execute(
                select(PartnerSeat.member_id, PartnerSeat.match_id).where(
                    PartnerSeat.member_id.in_(member_ids),
                    PartnerSeat.met.is_(True),
                    PartnerSeat.answered_at >= period.since,
                    PartnerSeat.answered_at < period.until,
                )
            )
        ).all()
        counts: dict[int, int] = {}
        for member, _ in rows:
            counts[member] = counts.get(member, 0) + 1
        meetings = len({match for _, match in rows})
        return [Figure("partner_meetings", "partner meetings", counts, meetings, 60)]

    async def digest_counts(
        self, session: AsyncSession, club_id: int, since: datetime, until: datetime
    ) -> dict[str, int]:
        met = await session.scalar(
            select(func.count(func.distinct(PartnerSeat.match_id)))
            .join(PartnerMatch, PartnerMatch.id == PartnerSeat.match_id)
            .where(
                PartnerMatch.club_id == club_id,
                PartnerSeat.met.is_(True),
                PartnerSeat.answered_at >= since,
                PartnerSeat.answered_at < until,
            )
        )
        return {"practice-partner meetings": int(met or 0)} if met else {}

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        prefs = await session.get(PartnerPrefs, member.id)
        seats = list(
            (
                await session.execute(
                    select(PartnerSeat, PartnerMatch)
                    .join(PartnerMatch, PartnerMatch.id == PartnerSeat.match_id)
                    .where(PartnerSeat.member_id == member.id)
                    .order_by(PartnerMatch.round_at)
                )
            ).all()
        )
        avoided = await _avoided_names(session, member.id)
        if prefs is None and not seats and not avoided:
            return {}
        return {
            "settings": None
            if prefs is None
            else {
                "windows": prefs.windows,
                "availability": prefs.availability,
                "active": prefs.active,
                "paused_until": _iso(prefs.paused_until),
                "missed_rounds": prefs.missed_rounds,
            },
            "avoiding": avoided,
            "rounds": [
                {
                    "round_at": _iso(match.round_at),
                    "suggested_slot": _iso(match.slot_at),
                    "booked_at": _iso(match.booked_at),
                    "partners": await _seat_names(session, match.id, exclude=member.id),
                    "met": seat.met,
                    "declined": seat.declined,
                    "ask_at": _iso(seat.ask_at),
                    "asks_sent": seat.asks_sent,
                    "answered_at": _iso(seat.answered_at),
                }
                for seat, match in seats
            ],
        }

    async def delete_member(self, session: AsyncSession, member: Member) -> int:
        gone = 0
        for statement in (
            delete(PartnerSeat).where(PartnerSeat.member_id == member.id),
            delete(PartnerAvoid).where(
                or_(PartnerAvoid.member_id == member.id, PartnerAvoid.avoided_id == member.id)
            ),
            delete(PartnerPrefs).where(PartnerPrefs.member_id == member.id),
        ):
            result = await session.execute(statement)
            gone += result.rowcount or 0  # type: ignore[attr-defined]
        return gone


# -- scheduled work ------------------------------------------------------------------------------


class Rounds(DueFromQuery):
    """Claims each club's round from `partner_schedules.next_round_at` and pairs it."""

    kinds = (INTRO, NONE, PAUSED)

    def due_query(self) -> Select[tuple[datetime | None]]:
        return select(func.min(PartnerSchedule.next_round_at))

    async def claim_due(
        self, session: AsyncSession, services: Services, now: datetime
    ) -> list[DueItem]:
        # Each due schedule with its club in one query, not two reads per club.
        due_rows = (
            await session.execute(
                select(PartnerSchedule, Club)
                .join(Club, Club.id == PartnerSchedule.club_id)
                .where(PartnerSchedule.next_round_at <= now)
            )
        ).all()
        items: list[DueItem] = []
        for schedule, club in due_rows:
            club_id, due = club.id, schedule.next_round_at
            assert due is not None
            zone = club_zone(club, services)
            following = next_weekly(schedule.weekday, schedule.minutes, zone, max(now, due))
            result = await session.execute(
                update(PartnerSchedule)
                .where(PartnerSchedule.club_id == club_id, PartnerSchedule.next_round_at == due)
                .values(next_round_at=following, rounds_run=PartnerSchedule.rounds_run + 1)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                continue
            if now - due > STALE_ROUND:
                continue  # the bot was down most of the week's start: wait for the next
            items += await _run_round(session, services, club, schedule, due, following)
        return items

    async def render(
        self, session: AsyncSession, services: Services, delivery: Leased, now: datetime
    ) -> Reply | None:
        if delivery.kind == INTRO:
            return await _intro(session, services, delivery)
        member = await session.get(Member, delivery.member_id) if delivery.member_id else None
        club = await session.get(Club, member.club_id) if member else None
        if member is None or club is None:
            return None
        zone = members.zone_for(member, club, services.settings.timezone)
        if delivery.kind == PAUSED:
            return Reply(
                text=f"Hi {member.display_name}. You've had a partner three weeks running "
                "without a chance to meet, so I've paused practice partners for you: no "
                "pressure, job searching is a lot. `/partners on` brings you back whenever you "
                "like.",
                visibility=Visibility.DM,
            )
        next_at = delivery.payload.get("next_round")
        following = (
            show_time(datetime.fromisoformat(next_at), zone, now) if next_at else "next week"
        )
        reason = str(delivery.payload.get("reason"))
        why = {
            ALONE: "nobody else in the club had practice partners on this week",
            NO_OVERLAP: "I couldn't find a partner whose free hours match yours by an hour",
            OWN_AVOIDS: "the members whose hours match yours this week are ones you asked "
            "me to keep you apart from",
            LEFT_OVER: "everyone whose hours match yours was already paired, and no trio "
            "fitted all three",
        }.get(reason, "I couldn't find a partner for you")
        tip = (
            " Wider or extra times (`/partners on ...`) give you more chances."
            if reason in (NO_OVERLAP, OWN_AVOIDS)
            else ""
        )
        return Reply(
            text=f"No practice partner for you this week, {member.display_name}: {why}. "
            f"The next round is {following}.{tip}",
            visibility=Visibility.DM,
            meta={"reason": reason},
        )


class MeetAsks(DueFromQuery):
    """ "Did you meet?", privately: mid-week, then once more at the end of the round."""

    kinds = (ASK,)

    def due_query(self) -> Select[tuple[datetime | None]]:
        return select(func.min(PartnerSeat.ask_at))

    async def claim_due(
        self, session: AsyncSession, services: Services, now: datetime
    ) -> list[DueItem]:
        rows = (
            await session.execute(
                select(
                    PartnerSeat.match_id,
                    PartnerSeat.member_id,
                    PartnerSeat.ask_at,
                    PartnerSeat.asks_sent,
                    PartnerSeat.met,
                    PartnerMatch.round_at,
                )
                .join(PartnerMatch, PartnerMatch.id == PartnerSeat.match_id)
                .where(PartnerSeat.ask_at <= now)
                .limit(500)
            )
        ).all()
        items = []
        for match_id, member_id, ask_at, sent, met, round_at in rows:
            end = round_at + END_ASK
            following = end if sent == 0 and end > now else None
            result = await session.execute(
                update(PartnerSeat)
                .where(
                    PartnerSeat.match_id == match_id,
                    PartnerSeat.member_id == member_id,
                    PartnerSeat.ask_at == ask_at,
                )
                .values(ask_at=following, asks_sent=sent + 1)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1 or met is not None:  # type: ignore[attr-defined]
                continue
            items.append(
                DueItem(
                    key=f"{ASK}:{match_id}:{member_id}:{sent + 1}",
                    kind=ASK,
                    due_at=ask_at,
                    member_id=member_id,
                    ref_id=match_id,
                    useful_until=round_at + timedelta(days=7),
                )
            )
        return items

    async def render(
        self, session: AsyncSession, services: Services, delivery: Leased, now: datetime
    ) -> Reply | None:
        assert delivery.ref_id is not None and delivery.member_id is not None
        seat = await session.get(PartnerSeat, (delivery.ref_id, delivery.member_id))
        if seat is None or seat.met is not None or seat.declined:
            return None
        others = await _seat_names(session, delivery.ref_id, exclude=delivery.member_id)
        if not others:
            return None
        return Reply(
            text=f"Quick one, just between us: did you and {_names(others)} get to practise "
            "this week?",
            buttons=[
                Button("Yes, we met", f"partners:met:{delivery.ref_id}:yes", ButtonStyle.PRIMARY),
                Button("Not this time", f"partners:met:{delivery.ref_id}:no"),
            ],
            visibility=Visibility.DM,
        )


class BookedReminders(DueFromQuery):
    """An hour before a booked session, each member of the pair gets a DM."""

    kinds = (REMIND,)

    def due_query(self) -> Select[tuple[datetime | None]]:
        return select(func.min(PartnerMatch.remind_at))

    async def claim_due(
        self, session: AsyncSession, services: Services, now: datetime
    ) -> list[DueItem]:
        rows = (
            await session.execute(
                select(
                    PartnerMatch.id,
                    PartnerMatch.remind_at,
                    PartnerMatch.booked_at,
                    PartnerMatch.booking_rev,
                ).where(PartnerMatch.remind_at <= now)
            )
        ).all()
        # One conditional UPDATE for them all: a row still holds the reminder time and
        # booking read above only if no other claim took it and nobody booked again
        # meanwhile, and RETURNING says which rows this claim won.
        won_ids: set[int] = set()
        if rows:
            won_ids = set(
                await session.scalars(
                    update(PartnerMatch)
                    .where(
                        tuple_(
                            PartnerMatch.id, PartnerMatch.remind_at, PartnerMatch.booking_rev
                        ).in_([(match_id, remind_at, rev) for match_id, remind_at, _, rev in rows])
                    )
                    .values(remind_at=None)
                    .returning(PartnerMatch.id)
                    .execution_options(synchronize_session=False)
                )
            )
        won = [row for row in rows if row[0] in won_ids]
        # Who sits at each claimed match, in one query for them all.
        seated: dict[int, list[int]] = {}
        if won:
            for match_id, member_id in await session.execute(
                select(PartnerSeat.match_id, PartnerSeat.member_id)
                .where(
                    PartnerSeat.match_id.in_([w[0] for w in won]),
                    PartnerSeat.declined.is_(False),
                )
                .order_by(PartnerSeat.match_id, PartnerSeat.member_id)
            ):
                seated.setdefault(match_id, []).append(member_id)
        items = []
        for match_id, remind_at, booked_at, rev in won:
            for member_id in seated.get(match_id, []):
                items.append(
                    DueItem(
                        key=f"{REMIND}:{match_id}:{member_id}:{rev}",
                        kind=REMIND,
                        due_at=remind_at,
                        member_id=member_id,
                        ref_id=match_id,
                        payload={"rev": rev},
                        useful_until=booked_at,
                    )
                )
        return items

    async def render(
        self, session: AsyncSession, services: Services, delivery: Leased, now: datetime
    ) -> Reply | None:
        match = await session.get(PartnerMatch, delivery.ref_id) if delivery.ref_id else None
        member = await session.get(Member, delivery.member_id) if delivery.member_id else None
        if match is None or member is None or match.booked_at is None:
            return None
        if match.booking_rev != delivery.payload.get("rev"):
            return None  # booked again since: that booking has its own reminder
        club = await session.get(Club, member.club_id)
        assert club is not None
        zone = members.zone_for(member, club, services.settings.timezone)
        others = await _seat_names(session, match.id, exclude=member.id)
        return Reply(
            text=f"In an hour: mock interview practice with {_names(others)}, "
            f"{show_time(match.booked_at, zone)}. Have your two questions ready, 15 minutes "
            "a side, and feedback at the end.",
            visibility=Visibility.DM,
            meta={"booked_at": match.booked_at.isoformat()},
        )


# -- a round ---------------------------------------------------------------------------------


async def _run_round(
    session: AsyncSession,
    services: Services,
    club: Club,
    schedule: PartnerSchedule,
    due: datetime,
    following: datetime | None,
) -> list[DueItem]:
    items = await _count_missed(session, club, due)
    rows = (
        await session.execute(
            select(PartnerPrefs, Member)
            .join(Member, Member.id == PartnerPrefs.member_id)
            .where(
                PartnerPrefs.club_id == club.id,
                PartnerPrefs.active.is_(True),
                or_(PartnerPrefs.paused_until.is_(None), PartnerPrefs.paused_until <= due),
            )
            .order_by(PartnerPrefs.member_id)
        )
    ).all()
    start, end = due + LEAD, due + timedelta(days=7)
    ids = [prefs.member_id for prefs, _ in rows]
    avoids: dict[int, set[int]] = {}
    for who, avoided in (
        await session.execute(
            select(PartnerAvoid.member_id, PartnerAvoid.avoided_id).where(
                PartnerAvoid.member_id.in_(ids)
            )
        )
    ).all():
        avoids.setdefault(who, set()).add(avoided)
    candidates = [
        Candidate(
            prefs.member_id,
            week_slots(
                prefs.windows,
                members.zone_for(member, club, services.settings.timezone),
                start,
                end,
            ),
            frozenset(avoids.get(prefs.member_id, ())),
        )
        for prefs, member in rows
    ]
    recent = await _recent_pairs(session, club.id, due)
    outcome = pair_round(candidates, recent, seed=club.id * 1_000_003 + int(due.timestamp()) // 60)
    useful = following or due + timedelta(days=7)
    for group in outcome.groups:
        match = PartnerMatch(
            club_id=club.id,
            round_at=due,
            slot_at=slot_instant(start, group.first_slot),
            overlap_minutes=group.overlap_minutes,
            questions=[],
            swaps=0,
            booking_rev=0,
            created_at=due,
        )
        session.add(match)
        await session.flush()
        match.questions = pick_questions(services, list(group.members), match.id, 0)
        for member_id in group.members:
            session.add(
                PartnerSeat(
                    match_id=match.id,
                    member_id=member_id,
                    ask_at=due + MID_WEEK,
                    asks_sent=0,
                    declined=False,
                )
            )
        items.append(
            DueItem(
                key=f"{INTRO}:{match.id}",
                kind=INTRO,
                due_at=due,
                club_id=club.id,
                ref_id=match.id,
                useful_until=useful,
                payload={
                    "group": list(group.members),
                    "channel_id": schedule.channel_id,
                    "windows": _common_windows(group, start),
                },
            )
        )
    for member_id, reason in outcome.left_out.items():
        items.append(
            DueItem(
                key=f"{NONE}:{club.id}:{due.isoformat()}:{member_id}",
                kind=NONE,
                due_at=due,
                member_id=member_id,
                useful_until=useful,
                payload={
                    "reason": reason,
                    "next_round": following.isoformat() if following else None,
                },
            )
        )
    return items


async def _count_missed(session: AsyncSession, club: Club, due: datetime) -> list[DueItem]:
    """Last round's seats: met resets the count, anything else adds one; three pause."""
    last = await session.scalar(
        select(func.max(PartnerMatch.round_at)).where(
            PartnerMatch.club_id == club.id, PartnerMatch.round_at < due
        )
    )
    if last is None:
        return []
    # Each seat with its member's preferences in one query (only members still taking part).
    seats = (
        await session.execute(
            select(PartnerSeat.member_id, PartnerSeat.met, PartnerPrefs)
            .join(PartnerMatch, PartnerMatch.id == PartnerSeat.match_id)
            .join(PartnerPrefs, PartnerPrefs.member_id == PartnerSeat.member_id)
            .where(
                PartnerMatch.club_id == club.id,
                PartnerMatch.round_at == last,
                PartnerPrefs.active.is_(True),
            )
        )
    ).all()
    items = []
    for member_id, met, prefs in seats:
        prefs.missed_rounds = 0 if met else prefs.missed_rounds + 1
        if prefs.missed_rounds >= MISSED_TO_PAUSE:
            prefs.active, prefs.missed_rounds, prefs.updated_at = False, 0, due
            items.append(
                DueItem(
                    key=f"{PAUSED}:{member_id}:{due.isoformat()}",
                    kind=PAUSED,
                    due_at=due,
                    member_id=member_id,
                )
            )
    await session.flush()
    return items


async def _recent_pairs(
    session: AsyncSession, club_id: int, due: datetime
) -> dict[frozenset[int], int]:
    rounds = list(
        await session.scalars(
            select(PartnerMatch.round_at)
            .where(PartnerMatch.club_id == club_id, PartnerMatch.round_at < due)
            .distinct()
            .order_by(PartnerMatch.round_at.desc())
            .limit(RECENT_ROUNDS)
        )
    )
    if not rounds:
        return {}
    ago = {at: index for index, at in enumerate(rounds, start=1)}
    groups: dict[int, tuple[datetime, list[int]]] = {}
    for match_id, round_at, member_id in (
        await session.execute(
            select(PartnerMatch.id, PartnerMatch.round_at, PartnerSeat.member_id)
            .join(PartnerSeat, PartnerSeat.match_id == PartnerMatch.id)
            .where(PartnerMatch.club_id == club_id, PartnerMatch.round_at.in_(rounds))
        )
    ).all():
        groups.setdefault(match_id, (round_at, []))[1].append(member_id)
    recent: dict[frozenset[int], int] = {}
    for round_at, seated in groups.values():
        for i, a in enumerate(seated):
            for b in seated[i + 1 :]:
                pair = frozenset((a, b))
                recent[pair] = min(recent.get(pair, RECENT_ROUNDS), ago[round_at])
    return recent


def _common_windows(group: Group, start: datetime) -> list[list[str]]:
    return [
        [slot_instant(start, a).isoformat(), slot_instant(start, b).isoformat()]
        for a, b in runs(group.common)[:SHOWN_WINDOWS]
    ]


def pick_questions(
    services: Services, member_ids: list[int], match_id: int, swaps: int
) -> list[str]:
    """Two questions for each member to answer: one behavioural, one sensitive, all different.

    Seeded by the match and how often it was swapped, so a swap gives new ones."""
    library = services.library
    rng = random.Random(match_id * 7919 + swaps)
    picked: list[str] = []
    for category in ("behavioural", "sensitive"):
        pool = [q.id for q in library.questions_in(category)]
        rng.shuffle(pool)
        picked_here = pool[: len(member_ids)]
        picked += picked_here
    # order: each member's behavioural then sensitive
    n = len(member_ids)
    if len(picked) < 2 * n:
        return picked
    return [q for i in range(n) for q in (picked[i], picked[n + i])]


async def _intro(session: AsyncSession, services: Services, delivery: Delivery) -> Reply | None:
    match = await session.get(PartnerMatch, delivery.ref_id) if delivery.ref_id else None
    club = await session.get(Club, delivery.club_id) if delivery.club_id else None
    if match is None or club is None:
        return None
    seated = await _seat_members(session, match.id)
    if len(seated) < 2:
        return None
    fallback = services.settings.timezone
    zones = {m.id: members.zone_for(m, club, fallback) for m in seated}
    names = [m.display_name for m in seated]
    lines = [
        f"{_names(names)}: you're practice partners this week. "
        "Everyone's times are shown in their own zone."
    ]
    windows = [
        (datetime.fromisoformat(a), datetime.fromisoformat(b))
        for a, b in delivery.payload.get("windows", [])
    ]
    lines.append("")
    lines.append("When you're all free:")
    for a, b in windows:
        lines.append(
            "• " + " · ".join(f"{m.display_name} {_span(a, b, zones[m.id])}" for m in seated)
        )
    if match.slot_at is not None:
        first = " · ".join(
            f"{m.display_name} {show_time(match.slot_at, zones[m.id])}" for m in seated
        )
        lines += ["", f"First common hour: {first}. Take it, or pick another from the list."]
    lines += [
        "",
        "How it works: 15 minutes a side. The partner asks the questions; the one "
        "answering speaks as they would in the room. Then swap.",
        _questions_text(services, seated, match.questions),
        "",
        "Feedback after each turn, kindly: did the answer have a clear context, challenge, "
        "action and result (CCAR)? Say first what worked, put the fix as what would make it "
        "even better, and end with one question back for them to think about.",
    ]
    title = "Your practice trio this week" if len(seated) > 2 else "Your practice partner this week"
    return Reply(
        title=title,
        text="\n".join(lines),
        buttons=[
            Button("We booked it", f"partners:booked:{match.id}", ButtonStyle.PRIMARY),
            Button("Swap questions", f"partners:swap:{match.id}"),
            Button("Can't this week", f"partners:cant:{match.id}"),
        ],
        visibility=Visibility.DM,
        meta={
            "match": match.id,
            "members": names,
            "slot_at": match.slot_at.isoformat() if match.slot_at else None,
            "windows": [[a.isoformat(), b.isoformat()] for a, b in windows],
            "questions": match.questions,
        },
    )


def _questions_text(services: Services, seated: list[Member], questions: list[str]) -> str:
    library = services.library
    lines = []
    for index, member in enumerate(seated):
        mine = [library.question(q) for q in questions[2 * index : 2 * index + 2]]
        asked = [f"“{q.text}”" for q in mine if q is not None]
        if asked:
            lines.append(f"{member.display_name} answers: " + " and ".join(asked))
    return "\n".join(lines)


def _span(a: datetime, b: datetime, zone: ZoneInfo) -> str:
    start, end = a.astimezone(zone), b.astimezone(zone)
    return f"{start:%a} {start.day} {start:%b} {start:%H:%M}–{end:%H:%M} ({zone.key})"


# -- helpers -----------------------------------------------------------------------------------


def _when(schedule: PartnerSchedule, zone: ZoneInfo) -> str:
    return (
        f"{_WEEKDAYS[schedule.weekday].title()} at {schedule.minutes // 60:02d}:"
        f"{schedule.minutes % 60:02d} {zone.key}"
    )


def _pause_until(ctx: Context, words: str) -> datetime:
    words = words.removeprefix("for ").strip()
    local_today = ctx.now.astimezone(ctx.zone).date()
    if not words:
        days = 7
    elif (found := _PAUSE.match(words)) is not None:
        count = int(found.group(1)) if found.group(1).isdigit() else _COUNTS[found.group(1)]
        days = count * (7 if found.group(2).startswith("w") else 1)
        if not 1 <= days <= 120:
            raise UserError("Pause for between a day and about four months.")
    else:
        try:
            day = read_day(words.removeprefix("until "), ctx.now, ctx.zone, past=False)
        except UserError as exc:
            raise UserError(f"{exc} Or a length: `/partners pause 2 weeks`.") from None
        if day <= local_today:  # the pause would end before it began
            raise UserError(
                "Pick a day after today, e.g. `/partners pause until friday`, or a length: "
                "`/partners pause 2 weeks`."
            )
        days = (day - local_today).days
    return local_instant(local_today + timedelta(days=days), time(0, 0), ctx.zone)


async def _find_member(ctx: Context, name: str) -> Member:
    """One member of this club, found as everywhere else (`members.find_members`)."""
    if not name:
        raise UserError("Say who, e.g. `/partners avoid Grace`.")
    found, unknown, ambiguous = await members.find_members(ctx.session, ctx.club.id, name)
    if ambiguous:
        raise UserError("Two members have that name: mention the one you mean.")
    if unknown or not found:
        raise UserError(
            f"I don't know anyone called “{shorten(name, 40)}” in this club yet. Use the name "
            "they show here, or mention them."
        )
    if len(found) > 1:
        raise UserError("Name one member at a time, e.g. `/partners avoid Grace`.")
    if found[0].id == ctx.member.id:
        raise UserError("That's you! Name someone else.")
    return found[0]


async def _avoided_names(session: AsyncSession, member_id: int) -> list[str]:
    return list(
        await session.scalars(
            select(Member.display_name)
            .join(PartnerAvoid, PartnerAvoid.avoided_id == Member.id)
            .where(PartnerAvoid.member_id == member_id)
            .order_by(Member.display_name)
        )
    )


async def _seat_members(session: AsyncSession, match_id: int) -> list[Member]:
    return list(
        await session.scalars(
            select(Member)
            .join(PartnerSeat, PartnerSeat.member_id == Member.id)
            .where(PartnerSeat.match_id == match_id)
            .order_by(Member.id)
        )
    )


async def _seat_names(session: AsyncSession, match_id: int, *, exclude: int) -> list[str]:
    return [m.display_name for m in await _seat_members(session, match_id) if m.id != exclude]


async def _current_partners(session: AsyncSession, member_id: int, now: datetime) -> list[str]:
    match_id = await session.scalar(
        select(PartnerSeat.match_id)
        .join(PartnerMatch, PartnerMatch.id == PartnerSeat.match_id)
        .where(
            PartnerSeat.member_id == member_id,
            PartnerMatch.round_at > now - timedelta(days=7),
            PartnerMatch.round_at <= now,
        )
        .order_by(PartnerMatch.round_at.desc())
        .limit(1)
    )
    return [] if match_id is None else await _seat_names(session, match_id, exclude=member_id)


async def _my_match(ctx: Context) -> PartnerMatch:
    """The match a button names, if the presser has a seat in it (else a polite refusal)."""
    raw = ctx.args[0] if ctx.args else ""
    match_id = ascii_number(raw)  # a forged id ("²", 5,000 digits) is simply no match
    match = await ctx.session.get(PartnerMatch, match_id) if match_id is not None else None
    seat = await ctx.session.get(PartnerSeat, (match.id, ctx.member.id)) if match else None
    if match is None or seat is None or match.club_id != ctx.club.id:
        raise UserError("That button belongs to someone else's practice pair.")
    return match


def _names(names: list[str]) -> str:
    if not names:
        return "nobody"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _iso(instant: datetime | None) -> str | None:
    return instant.isoformat() if instant else None


def _private(text: str, meta: dict[str, Any] | None = None) -> Reply:
    return Reply(text=text, visibility=Visibility.ONLY_MEMBER, meta=meta or {})
