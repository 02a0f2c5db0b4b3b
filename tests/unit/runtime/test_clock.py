from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from bosattning_runtime.clock import (
    STOCKHOLM,
    AdjustableClock,
    SystemClock,
    clock_from_environment,
    decidable_years,
)


class FakeWall:
    def __init__(self, instant: datetime) -> None:
        self.instant = instant

    def __call__(self) -> datetime:
        return self.instant


def test_the_system_clock_gives_an_aware_utc_instant() -> None:
    now = SystemClock().now()
    assert now.utcoffset() == timedelta(0)


def test_today_is_the_stockholm_date_not_the_utc_date() -> None:
    clock = AdjustableClock(datetime(2022, 12, 31, 23, 30, tzinfo=UTC))
    assert clock.today() == date(2023, 1, 1)
    assert clock.year() == 2023


def test_an_adjustable_clock_runs_on_with_wall_time_from_its_start() -> None:
    wall = FakeWall(datetime(2026, 6, 1, 12, 0, tzinfo=UTC))
    clock = AdjustableClock(datetime(2022, 3, 1, 9, 0, tzinfo=UTC), wall=wall)
    wall.instant += timedelta(minutes=5)
    assert clock.now() == datetime(2022, 3, 1, 9, 5, tzinfo=UTC)


def test_an_adjustable_clock_can_be_set_and_advanced() -> None:
    wall = FakeWall(datetime(2026, 6, 1, 12, 0, tzinfo=UTC))
    clock = AdjustableClock(wall=wall)
    assert clock.now() == wall.instant
    clock.set(datetime(2022, 1, 1, tzinfo=STOCKHOLM))
    clock.advance(timedelta(days=400))
    assert clock.today() == date(2023, 2, 5)


def test_a_naive_instant_is_refused_by_the_adjustable_clock() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        AdjustableClock(datetime(2022, 1, 1))


def test_production_mode_gets_the_system_clock() -> None:
    assert isinstance(clock_from_environment("production", None), SystemClock)


def test_production_mode_refuses_a_clock_start() -> None:
    with pytest.raises(ValueError, match="production"):
        clock_from_environment("production", "2022-01-01")


def test_a_date_alone_starts_the_clock_at_stockholm_midnight() -> None:
    clock = clock_from_environment("test", "2022-07-01")
    assert isinstance(clock, AdjustableClock)
    start = datetime(2022, 7, 1, tzinfo=STOCKHOLM)
    assert start <= clock.now() < start + timedelta(minutes=1)
    assert clock.today() == date(2022, 7, 1)


def test_a_full_iso_timestamp_starts_the_clock_there() -> None:
    clock = clock_from_environment("development", "2022-02-01T10:00:00Z")
    start = datetime(2022, 2, 1, 10, tzinfo=UTC)
    assert start <= clock.now() < start + timedelta(minutes=1)


def test_development_without_a_start_follows_wall_time() -> None:
    clock = clock_from_environment("development", None)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_an_unreadable_start_or_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="ISO-8601"):
        clock_from_environment("test", "next tuesday")
    with pytest.raises(ValueError, match="unknown mode"):
        clock_from_environment("staging", None)


def test_decidable_years_run_from_2016_to_next_year() -> None:
    clock = AdjustableClock(datetime(2022, 6, 1, tzinfo=UTC))
    years = decidable_years(clock)
    assert (years[0], years[-1]) == (2016, 2023)
