"""The one injectable clock: instants in UTC, days and years in Europe/Stockholm."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FIRST_DECIDABLE_YEAR = 2016  # the Settlement Act came into force

_ADJUSTABLE_MODES = frozenset({"development", "test"})


class Clock(Protocol):
    """Where domain code reads the time; never token expiry or network timers."""

    def now(self) -> datetime:
        """The current instant, timezone-aware in UTC."""
        ...

    def today(self) -> date:
        """Today's date in Europe/Stockholm."""
        ...

    def year(self) -> int:
        """This year in Europe/Stockholm."""
        ...


def _wall_now() -> datetime:
    return datetime.now(UTC)


def _stockholm_date(instant: datetime) -> date:
    return instant.astimezone(STOCKHOLM).date()


def _require_aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("the clock needs a timezone-aware datetime")
    return instant.astimezone(UTC)


class SystemClock:
    """Wall time; the only clock allowed in production mode."""

    def now(self) -> datetime:
        return _wall_now()

    def today(self) -> date:
        return _stockholm_date(self.now())

    def year(self) -> int:
        return self.today().year


class AdjustableClock:
    """Wall time shifted by an offset that development and tests may set and move."""

    def __init__(
        self,
        start: datetime | None = None,
        *,
        wall: Callable[[], datetime] = _wall_now,
    ) -> None:
        self._wall = wall
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        if start is not None:
            self.set(start)

    def now(self) -> datetime:
        with self._lock:
            offset = self._offset
        return self._wall() + offset

    def today(self) -> date:
        return _stockholm_date(self.now())

    def year(self) -> int:
        return self.today().year

    def set(self, instant: datetime) -> None:
        """Make ``now()`` return ``instant`` from here on, then run on with wall time."""
        target = _require_aware(instant)
        with self._lock:
            self._offset = target - self._wall()

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward (or back, for a negative ``delta``)."""
        with self._lock:
            self._offset += delta


def parse_clock_start(start: str) -> datetime:
    """Parse an ISO-8601 start; a date alone or a naive time is Stockholm local time."""
    text = start.strip()
    try:
        if len(text) == 10:
            midnight = datetime.combine(date.fromisoformat(text), time(), STOCKHOLM)
            return midnight.astimezone(UTC)
        parsed = datetime.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"clock start {start!r} is not an ISO-8601 date or datetime") from error
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=STOCKHOLM)
    return parsed.astimezone(UTC)


def clock_from_environment(mode: str, start: str | None) -> Clock:
    """The clock for a service's mode; only development and test may move it."""
    if start is not None and not start.strip():
        start = None
    if mode == "production":
        if start is not None:
            raise ValueError("a clock start may not be given in production mode")
        return SystemClock()
    if mode not in _ADJUSTABLE_MODES:
        raise ValueError(f"unknown mode {mode!r}: expected production, development or test")
    return AdjustableClock(parse_clock_start(start) if start is not None else None)


def decidable_years(clock: Clock) -> range:
    """Years that may be decided: 2016 up to and including next year."""
    return range(FIRST_DECIDABLE_YEAR, clock.year() + 2)
