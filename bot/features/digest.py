"""The weekly club digest (admins) and shout-outs (members who opt in).

The digest posts aggregate counts only, never anything a member wrote; names appear
only for members who turned shout-outs on.

It runs on the club's clock (`clubs.default_tz`), not the server's: the admin who turns
it on either names a zone (`/jobclub digest on #jobclub monday 09:00 Europe/Paris`) or,
when the club has none yet, lends it their own (their chosen zone or their profile's).
Every confirmation names the zone, so 09:00 is never ambiguous. The club's zone is also
the fallback for members who never set one.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity, members
from bot.clocktime import parse_minutes
from bot.clubclock import NAMED, club_zone, settle_club_zone
from bot.context import Context
from bot.errors import UserError
from bot.features.base import Feature, feature
from bot.replies import Reply, Visibility
from bot.router import Router
from bot.router import text as text_arg
from bot.scheduling import DueFromQuery, DueItem, Leased, ScheduledWork
from bot.services import Services
from bot.store.models import ActivityDay, Club, Member
from bot.timezones import show_time
from bot.weekly import next_weekly

_CHANNEL = re.compile(r"^<#([A-Za-z0-9]+)(?:\|[^>]*)?>$|^#([\w-]{1,64})$")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_WEEKDAY, DEFAULT_MINUTES = 0, 9 * 60
STREAK_DAYS = 3
MAX_SHOUTOUTS = 20
_EXAMPLE = "/jobclub digest on #jobclub monday 09:00 Europe/Paris"


@feature
class Digest(Feature):
    name = "digest"

    def register(self, router: Router) -> None:
        self._router = router
        router.add_subcommand(
            "jobclub",
            "digest",
            "Admins: a weekly digest of club activity (`digest on #channel monday 09:00`).",
            self.on_digest,
            admin_only=True,
        )
        verb = partial(router.add_subcommand, "jobclub digest", admin_only=True)
        verb(
            "on",
            "Post the digest to a channel each week (Monday 09:00 club time unless you say).",
            self.on_digest_on,
            args=(text_arg("#CHANNEL [DAY] [TIME] [ZONE]", ask="Say which channel"),),
            example="on #jobclub monday 09:00 Europe/Paris",
        )
        verb("off", "Stop the weekly digest.", self.on_digest_off)
        verb("preview", "Show this week's digest to you only.", self.on_digest_preview)
        router.add_subcommand(
            "jobclub",
            "shoutouts",
            "`shoutouts on` lets the weekly digest cheer you by name (`off` to stop).",
            self.on_shoutouts,
        )

    def scheduled_work(self) -> list[ScheduledWork]:
        return [WeeklyDigest()]

    async def on_digest(self, ctx: Context) -> Reply:
        """`/jobclub digest` with no verb: where and when it goes, or how to start it."""
        club = ctx.club
        zone = club_zone(club, ctx.services)
        if club.digest_channel and club.next_digest_at:
            return _private(
                f"The digest goes to channel {club.digest_channel} every "
                f"{_schedule(club, zone)}; next {show_time(club.next_digest_at, zone)}. "
                "`/jobclub digest preview` shows it.",
                {
                    "next_digest_at": club.next_digest_at.astimezone(zone).isoformat(),
                    "zone": zone.key,
                },
            )
        return _private("Turn it on with `/jobclub digest on #channel monday 09:00`.")

    async def on_digest_off(self, ctx: Context) -> Reply:
        ctx.club.digest_channel = None
        ctx.club.next_digest_at = None
        return _private("The weekly digest is off.")

    async def on_digest_preview(self, ctx: Context) -> Reply:
        body = await digest_text(ctx.session, ctx.services, ctx.club, ctx.now)
        return _private(body, {"preview": True})

    async def on_digest_on(self, ctx: Context) -> Reply:
        words = ctx.text.split()
        club = ctx.club
        channel = _channel(words[0] if words else "")
        weekday, minutes = DEFAULT_WEEKDAY, DEFAULT_MINUTES
        rest: list[str] = []
        for word in words[1:]:
            lowered = word.lower()
            day = next((i for i, d in enumerate(_WEEKDAYS) if d.startswith(lowered[:3])), None)
            if day is not None and len(lowered) >= 3 and not rest:
                weekday = day
            elif (parsed := parse_minutes(word)) is not None and not rest:
                minutes = parsed
            else:
                rest.append(word)  # the zone, which may be several words ("new york")
        zone, source = settle_club_zone(ctx, " ".join(rest), _EXAMPLE)
        club.digest_channel, club.digest_weekday, club.digest_minutes = channel, weekday, minutes
        club.next_digest_at = next_digest(club, zone, ctx.now)
        assert club.next_digest_at is not None
        hint = f" Name the club's zone to change it, e.g. `{_EXAMPLE}`." if source != NAMED else ""
        return _private(
            f"The weekly digest will go to that channel every {_schedule(club, zone)} "
            f"(the club's time zone: {source}); first on "
            f"{show_time(club.next_digest_at, zone)}. It holds counts only, and names only of "
            f"members who turned on `/jobclub shoutouts`.{hint}",
            {
                "digest_channel": channel,
                "next_digest_at": club.next_digest_at.isoformat(),
                "zone": zone.key,
            },
        )

    async def on_shoutouts(self, ctx: Context) -> Reply:
        arg = ctx.text.strip().lower()
        if arg not in ("on", "off"):
            state = "on" if ctx.member.shoutouts else "off"
            return _private(f"Shout-outs are {state}. `/jobclub shoutouts on` or `off`.")
        ctx.member.shoutouts = arg == "on"
        text = (
            "Shout-outs on: the weekly digest may mention your name when you have been active. "
            "It never shows what you wrote."
            if ctx.member.shoutouts
            else "Shout-outs off: the digest will not mention you."
        )
        return _private(text, {"shoutouts": ctx.member.shoutouts})


class WeeklyDigest(DueFromQuery):
    """Claims each club's digest from `clubs.next_digest_at`, once per local date."""

    kinds = ("digest",)

    def due_query(self) -> Select[tuple[datetime | None]]:
        return select(func.min(Club.next_digest_at)).where(Club.digest_channel.is_not(None))

    async def claim_due(
        self, session: AsyncSession, services: Services, now: datetime
    ) -> list[DueItem]:
        clubs = list(
            await session.scalars(
                select(Club).where(Club.digest_channel.is_not(None), Club.next_digest_at <= now)
            )
        )
        claimed = []
        for club in clubs:
            due = club.next_digest_at
            assert due is not None
            zone = club_zone(club, services)
            following = next_digest(club, zone, max(now, due))
            result = await session.execute(
                update(Club)
                .where(Club.id == club.id, Club.next_digest_at == due)
                .values(next_digest_at=following)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:
                claimed.append(
                    DueItem(
                        key=f"digest:{club.id}:{due.astimezone(zone).date().isoformat()}",
                        kind="digest",
                        due_at=due,
                        club_id=club.id,
                        stale=now - due > timedelta(hours=12),
                        useful_until=following,  # until the next digest replaces it
                        payload={"channel_id": club.digest_channel},
                    )
                )
        return claimed

    async def render(
        self, session: AsyncSession, services: Services, delivery: Leased, now: datetime
    ) -> Reply | None:
        club = await session.get(Club, delivery.club_id) if delivery.club_id else None
        if club is None or not club.digest_channel:
            return None
        return Reply(
            text=await digest_text(session, services, club, now),
            visibility=Visibility.CHANNEL,
        )


async def digest_text(session: AsyncSession, services: Services, club: Club, now: datetime) -> str:
    """Counts for the last seven days from every feature, plus opted-in names. No member text."""
    since = now - timedelta(days=7)
    counts: dict[str, int] = {}
    for feat in services.features:
        counts.update(await feat.digest_counts(session, club.id, since, now))
    zone = club_zone(club, services)
    streaks, names = 0, []
    active = list(
        await session.scalars(
            select(Member)
            .join(ActivityDay, ActivityDay.member_id == Member.id)
            .where(Member.club_id == club.id, ActivityDay.at >= since)
            .distinct()
        )
    )
    on_streak = await activity.streaks(  # one read for them all, not one per member
        session, [(member, members.zone_for(member, club, zone)) for member in active], now
    )
    for member in active:
        if on_streak[member.id] >= STREAK_DAYS:
            streaks += 1
        if member.shoutouts and len(names) < MAX_SHOUTOUTS:
            names.append(member.display_name)
    counts[f"members on a {STREAK_DAYS}+ day streak"] = streaks
    parts = [f"{label}: {value}" for label, value in counts.items()]
    text = "This week in the club · " + " · ".join(parts)
    if names:
        text += "\nShout-outs: " + ", ".join(sorted(names)) + ". Keep it up!"
    return text


def _schedule(club: Club, zone: ZoneInfo) -> str:
    """E.g. 'Monday at 09:00 America/New_York'."""
    weekday = club.digest_weekday if club.digest_weekday is not None else DEFAULT_WEEKDAY
    minutes = club.digest_minutes if club.digest_minutes is not None else DEFAULT_MINUTES
    return f"{_WEEKDAYS[weekday].title()} at {minutes // 60:02d}:{minutes % 60:02d} {zone.key}"


def next_digest(club: Club, zone: ZoneInfo, after: datetime) -> datetime:
    """The next digest instant strictly after `after` in the club's zone."""
    weekday = club.digest_weekday if club.digest_weekday is not None else DEFAULT_WEEKDAY
    minutes = club.digest_minutes if club.digest_minutes is not None else DEFAULT_MINUTES
    return next_weekly(weekday, minutes, zone, after)


def _channel(word: str) -> str:
    found = _CHANNEL.match(word.strip())
    if not found:
        raise UserError("Name the channel, e.g. `/jobclub digest on #job-club monday 09:00`.")
    return found.group(1) or found.group(2)


def _private(text: str, meta: dict[str, object] | None = None) -> Reply:
    return Reply(text=text, visibility=Visibility.ONLY_MEMBER, meta=meta or {})
