"""Finding (or creating) the club and member rows behind an event."""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import MemberRef, Platform
from bot.outbox import MemberAddress
from bot.store.database import insert_ignoring_conflict
from bot.store.models import Club, Member
from bot.text import fold, shorten
from bot.timezones import effective_zone, zone_or_none

PERSONAL_PREFIX = "dm-"
"""A club id of `dm-<user id>` is a member's personal club (a DM with no shared server)."""
SEEN_RESOLUTION = timedelta(minutes=5)
"""`last_seen_at` is refreshed at most this often, to spare a write per event."""
_MENTION = re.compile(r"^<@!?([A-Za-z0-9]+)(?:\|[^>]*)?>$")
"""A platform mention as adapters pass it on: `<@U123>`, `<@!123>` or `<@U123|name>`."""


async def resolve(
    session: AsyncSession, dialect: str, ref: MemberRef, now: datetime
) -> tuple[Club, Member]:
    """The club and member for `ref`, created on first sight; safe under concurrency."""
    found = (
        await session.execute(
            select(Club, Member)
            .join(Member, Member.club_id == Club.id)
            .where(
                Club.platform == ref.platform.value,
                Club.external_id == ref.club_id,
                Member.user_id == ref.user_id,
            )
        )
    ).first()
    if found is None and ref.club_id == f"{PERSONAL_PREFIX}{ref.user_id}":
        # A DM outside any club (Discord): the member's existing membership on this
        # platform is who they are, so buttons and commitments from it keep working.
        found = (
            await session.execute(
                select(Club, Member)
                .join(Member, Member.club_id == Club.id)
                .where(Club.platform == ref.platform.value, Member.user_id == ref.user_id)
                .order_by(Member.last_seen_at.desc())
                .limit(1)
            )
        ).first()
    club, member = found if found else await _create(session, dialect, ref, now)
    name = _display_name(ref)
    if now - member.last_seen_at >= SEEN_RESOLUTION:
        member.last_seen_at = now
    if member.display_name != name:
        member.display_name = name
    if ref.tz_hint and zone_or_none(ref.tz_hint) and member.platform_tz != ref.tz_hint:
        member.platform_tz = ref.tz_hint
    return club, member


async def _create(
    session: AsyncSession, dialect: str, ref: MemberRef, now: datetime
) -> tuple[Club, Member]:
    # Insert-if-absent, then read back: two first events at once both end up on one row.
    await session.execute(
        insert_ignoring_conflict(
            dialect,
            Club.__table__,
            {"platform": ref.platform.value, "external_id": ref.club_id, "created_at": now},
            ["platform", "external_id"],
        )
    )
    club = await session.scalar(
        select(Club).where(Club.platform == ref.platform.value, Club.external_id == ref.club_id)
    )
    assert club is not None
    await session.execute(
        insert_ignoring_conflict(
            dialect,
            Member.__table__,
            {
                "club_id": club.id,
                "user_id": ref.user_id,
                "display_name": _display_name(ref),
                "created_at": now,
                "last_seen_at": now,
            },
            ["club_id", "user_id"],
        )
    )
    member = await session.scalar(
        select(Member).where(Member.club_id == club.id, Member.user_id == ref.user_id)
    )
    assert member is not None
    return club, member


def _display_name(ref: MemberRef) -> str:
    return shorten(ref.display_name.strip() or ref.user_id, 200)


def address(club: Club, member: Member) -> MemberAddress:
    """How the outbox reaches this member."""
    return _address(club, member)


@functools.cache
def addresses_query() -> Select[Any]:
    """`address` for many members in one query of plain rows (`address_of` reads them),
    the members' ids bound as `ids`: a fan-out's batch needs only these columns, and
    mapped objects cost several times more. Built once."""
    return (
        select(
            Member.id,
            Member.user_id,
            Member.display_name,
            Member.dm_channel_id,
            Member.tz,
            Member.platform_tz,
            Club.platform,
            Club.external_id,
            Club.default_tz,
        )
        .join(Club, Club.id == Member.club_id)
        .where(Member.id.in_(bindparam("ids", expanding=True)))
    )


def address_of(row: Any) -> MemberAddress:
    """A row of `addresses_query` as the outbox's address (the same as `address`)."""
    return _address(row, row)


def _address(club: Any, member: Any) -> MemberAddress:
    """From anything with a club's and a member's columns: mapped objects or one row."""
    return MemberAddress(
        platform=_PLATFORMS[club.platform],
        club_id=club.external_id,
        user_id=member.user_id,
        display_name=member.display_name,
        dm_channel_id=member.dm_channel_id,
        zone=_first_zone(member.tz, member.platform_tz, club.default_tz),
    )


_PLATFORMS = {platform.value: platform for platform in Platform}
"""A club's platform column as the enum (`Platform(value)` is a slow call, made for every
address in a fan-out)."""


@functools.lru_cache(maxsize=1024)
def _first_zone(*names: str | None) -> str | None:
    """The first name that is a zone. Cached: a fan-out addresses thousands of members who
    share a handful of (choice, profile, club) zone names."""
    return next((name for name in names if zone_or_none(name)), None)


def zone_for(member: Member, club: Club, fallback: ZoneInfo) -> ZoneInfo:
    """The member's zone: their own choice, else their profile's, else the club's."""
    return effective_zone(member.tz, member.platform_tz, club.default_tz, fallback=fallback)


class Named(NamedTuple):
    """What `find_members` made of a list of names."""

    found: list[Member]
    """The members named, each once, in the order first named."""
    unknown: list[str]
    """Pieces that name nobody in the club."""
    ambiguous: list[str]
    """Names two or more members share: never guessed, a mention is needed."""


async def find_members(session: AsyncSession, club_id: int, text: str) -> Named:
    """The club's members named in `text`: display names (case and accents ignored, a
    leading @ allowed) or platform mentions, comma-separated; a piece that names nobody
    is tried word by word ("Ada Bea"). One read of the club's members, whatever the count.
    """
    club_members = list(await session.scalars(select(Member).where(Member.club_id == club_id)))
    by_user = {m.user_id: m for m in club_members}
    by_name: dict[str, Member] = {}
    shared: set[str] = set()
    for m in club_members:
        name = fold(m.display_name)
        if name in by_name:
            shared.add(name)
        by_name.setdefault(name, m)
    found: dict[int, Member] = {}
    unknown: list[str] = []
    ambiguous: list[str] = []

    def one(piece: str) -> Member | None:
        mention = _MENTION.match(piece)
        if mention:
            return by_user.get(mention.group(1))
        name = fold(piece.lstrip("@"))
        return None if name in shared else by_name.get(name)

    for piece in (p.strip() for p in text.split(",")):
        if not piece:
            continue
        member = one(piece)
        if member is not None:
            found.setdefault(member.id, member)
            continue
        if fold(piece.lstrip("@")) in shared:
            ambiguous.append(piece)
            continue
        words = piece.split()
        hits = [one(w) for w in words]
        if len(words) > 1 and all(hits):
            for hit in hits:
                if hit is not None:
                    found.setdefault(hit.id, hit)
        else:
            unknown.append(piece)
    return Named(list(found.values()), unknown, ambiguous)
