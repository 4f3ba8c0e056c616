"""Injected clocks: the real one, and a settable one for tests and the console."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current instant (always timezone-aware, UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to; never goes backwards."""

    def __init__(self, start: datetime) -> None:
        self._now = _aware_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        instant = _aware_utc(instant)
        if instant < self._now:
            raise ValueError("the clock cannot go backwards")
        self._now = instant

    def advance(self, delta: timedelta) -> None:
        self.set(self._now + delta)


class OffsetClock:
    """Real time shifted forward by whatever the console's `:clock` added."""

    def __init__(self, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return self._base.now() + self._offset

    def set(self, instant: datetime) -> None:
        instant = _aware_utc(instant)
        current = self.now()
        if instant < current:
            raise ValueError("the clock cannot go backwards")
        self._offset += instant - current

    def advance(self, delta: timedelta) -> None:
        self.set(self.now() + delta)


def _aware_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("clock instants must carry a time zone")
    return instant.astimezone(UTC)
