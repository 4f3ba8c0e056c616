"""The club's clock: the one zone every club-wide schedule runs in.

A digest, a check-in summary or a partner round set for "Monday 09:00" means 09:00
where the club meets, not on the server. The admin who sets one up either names a zone
or, when the club has none yet, lends it their own; whichever is chosen becomes the
club's (`clubs.default_tz`) so every later schedule agrees. Only the bot's configured
default is never written to the club: it was nobody's choice.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.context import Context
from bot.errors import UserError
from bot.services import Services
from bot.store.models import Club
from bot.text import shorten
from bot.timezones import effective_zone, zone_or_none
from bot.zones import match_zone

NAMED, KEPT, ADMINS, FALLBACK = "you named it", "set before", "yours", "the bot's default"


def club_zone(club: Club, services: Services) -> ZoneInfo:
    """The club's clock: its own zone once set, else the bot's default (`JOBCLUB_TIMEZONE`)."""
    return effective_zone(club.default_tz, fallback=services.settings.timezone)


def settle_club_zone(
    ctx: Context, query: str, example: str, words: str = "a day, a time or a time zone"
) -> tuple[ZoneInfo, str]:
    """The club's zone for a schedule being set up, and where it came from (for the
    confirmation). `query` is a zone the admin typed, or empty; `example` is the full
    command to suggest and `words` what the command reads, when it cannot be read.
    Adopts the zone as the club's."""
    zone, source = _choose(ctx, query.strip(), example, words)
    if source != FALLBACK:
        ctx.club.default_tz = zone.key
    return zone, source


def _choose(ctx: Context, query: str, example: str, words: str) -> tuple[ZoneInfo, str]:
    if query:
        match = match_zone(query, ctx.now)
        if match.zone:
            return ZoneInfo(match.zone), NAMED
        if match.candidates:
            raise UserError(
                f"“{shorten(query, 40)}” could be {', '.join(match.candidates[:5])}. "
                f"Name one, e.g. `{example}`."
            )
        raise UserError(f"I could not read “{shorten(query, 30)}” as {words}. Try `{example}`.")
    if (kept := zone_or_none(ctx.club.default_tz)) is not None:
        return kept, KEPT
    if (own := zone_or_none(ctx.member.tz) or zone_or_none(ctx.member.platform_tz)) is not None:
        return own, ADMINS
    return ctx.services.settings.timezone, FALLBACK
