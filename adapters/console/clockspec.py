"""Reading `:clock` arguments: `+90m`, `+1h30m`, `+2d`, `+1w`, or a local date-time."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

_STEP = re.compile(r"(\d+)\s*([wdhms])")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


class ClockSpecError(ValueError):
    """The text is not a time step or an instant; the message says what is accepted."""


def parse_instant(text: str, zone: ZoneInfo) -> datetime:
    """ISO-8601; without an offset it is read as wall-clock time in `zone`."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ClockSpecError(
            f"{text.strip()[:40]!r} is not a date-time; use e.g. 2026-12-01T09:00"
        ) from None
    return value.replace(tzinfo=zone) if value.tzinfo is None else value


def parse_target(text: str, now: datetime, zone: ZoneInfo) -> datetime:
    """The instant `:clock TEXT` moves to (may be in the past; the caller refuses that)."""
    text = text.strip().lower()
    if not text:
        raise ClockSpecError("say how far: `:clock +90m`, `+1h`, `+2d` or `2026-12-01T09:00`")
    if text.startswith("+"):
        body = text[1:].replace(" ", "")
        steps = _STEP.findall(body)
        if not steps or "".join(n + u for n, u in steps) != body:
            raise ClockSpecError(f"{text[:40]!r} is not a step; use e.g. +90m, +1h30m, +2d, +1w")
        delta = timedelta()
        for number, unit in steps:
            delta += timedelta(**{_UNITS[unit]: int(number)})
        if delta > timedelta(days=3660):
            raise ClockSpecError("that is more than ten years; move the clock in smaller steps")
        return now + delta
    return parse_instant(text.upper(), zone)
