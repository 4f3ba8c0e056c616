"""Time zones: which zone applies to a member, and showing instants in it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_or_none(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def effective_zone(*candidates: str | None, fallback: ZoneInfo) -> ZoneInfo:
    """The first valid zone among the member's choice, their profile, the club default."""
    for name in candidates:
        zone = zone_or_none(name)
        if zone is not None:
            return zone
    return fallback


def show_time(instant: datetime, zone: ZoneInfo) -> str:
    """E.g. 'Fri 27 Nov, 15:00 (America/New_York)': always with the zone named."""
    local = instant.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M} ({zone.key})"
