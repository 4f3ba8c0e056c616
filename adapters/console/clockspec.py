"""Reading `:clock` arguments: `+90m`, `+1h30m`, `+2d`, `+1w`, or a local date-time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

_STEP = re.compile(r"(\d+)\s*([wdhms])")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
MAX_STEP = timedelta(days=3660)


class ClockSpecError(ValueError):
    """The text is not a time step or an instant; the message says what is accepted."""


def parse_instant(text: str, zone: ZoneInfo) -> datetime:
    """ISO-8601; without an offset it is read as wall-clock time in `zone`."""
    text = text.strip()
    try:
        value = datetime.fromisoformat(text.upper())
    except ValueError:
        raise ClockSpecError(
            f"{text[:40]!r} is not a date-time; use e.g. 2026-12-01T09:00"
        ) from None
    value = value.replace(tzinfo=zone) if value.tzinfo is None else value
    try:
        value.astimezone(UTC)  # the clocks keep UTC; this fails at the ends of years 1 and 9999
    except OverflowError:
        raise ClockSpecError(f"{text[:40]!r} is too far from today") from None
    return value


def parse_target(text: str, now: datetime, zone: ZoneInfo) -> datetime:
    """The instant `:clock TEXT` moves to (may be in the past; the caller refuses that)."""
    text = text.strip()
    if not text:
        raise ClockSpecError("say how far: `:clock +90m`, `+1h`, `+2d` or `2026-12-01T09:00`")
    if text.startswith("+"):
        body = text[1:].replace(" ", "").lower()
        steps = _STEP.findall(body)
        if not steps or "".join(n + u for n, u in steps) != body:
            raise ClockSpecError(f"{text[:40]!r} is not a step; use e.g. +90m, +1h30m, +2d, +1w")
        delta = timedelta()
        try:
            for number, unit in steps:
                if len(number.lstrip("0")) > 9:
                    raise OverflowError  # int() refuses very long digit strings anyway
                delta += timedelta(**{_UNITS[unit]: int(number)})
                if delta > MAX_STEP:
                    raise OverflowError
        except OverflowError:
            raise ClockSpecError(
                "that is more than ten years; move the clock in smaller steps"
            ) from None
        try:
            return now + delta
        except OverflowError:
            raise ClockSpecError("that is past the year 9999") from None
    return parse_instant(text, zone)
