"""Time zones: which zone applies to a member, and showing instants in it."""

from __future__ import annotations

from calendar import monthrange
from datetime import UTC, date, datetime, time, timedelta
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


def show_time(
    instant: datetime, zone: ZoneInfo, now: datetime | None = None, *, named: bool = True
) -> str:
    """E.g. 'Fri 27 Nov, 15:00 (America/New_York)': with the zone named unless `named` is
    False (a button label, where the message around it names the zone).

    Given `now`, a date in another year (or more than ~10 months away) shows its year.
    """
    local = instant.astimezone(zone)
    year = ""
    if now is not None:
        today = now.astimezone(zone)
        if local.year != today.year or abs((local - today).days) > 300:
            year = f" {local.year}"
    shown = f"{local:%a} {local.day} {local:%b}{year}, {local:%H:%M}"
    return f"{shown} ({zone.key})" if named else shown


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 → 28 Feb)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Wall-clock `at` on `day` in `zone`, as UTC.

    A time inside a daylight-saving gap moves to the first minute that exists; a time
    inside a repeated hour takes its first pass (fold=0).
    """
    local = datetime.combine(day, at)
    probe = local
    for _ in range(24 * 60):
        aware = probe.replace(tzinfo=zone, fold=0)
        if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == probe:
            return aware.astimezone(UTC)
        probe += timedelta(minutes=1)
    return local.replace(tzinfo=zone).astimezone(UTC)  # no zone has a day-long gap


def skipped_time(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """When wall-clock `at` doesn't exist on `day` (a daylight-saving gap): the instant used.

    None when it exists (a repeated hour counts as existing: its first pass is used).
    """
    instant = local_instant(day, at, zone)
    local = instant.astimezone(zone)
    if (local.date(), local.hour, local.minute) == (day, at.hour, at.minute):
        return None
    return instant


def gap_note(at: time, instant: datetime, zone: ZoneInfo, then: str = "I'll remind you") -> str:
    """Names a skipped time for a confirmation, so the member isn't surprised by 03:00.

    E.g. "02:30 doesn't exist on Sun 14 Mar (the clocks go forward that night); I'll
    remind you at 03:00."
    """
    local = instant.astimezone(zone)
    return (
        f"{at:%H:%M} doesn't exist on {local:%a} {local.day} {local:%b} (the clocks go "
        f"forward that night); {then} at {local:%H:%M}."
    )
