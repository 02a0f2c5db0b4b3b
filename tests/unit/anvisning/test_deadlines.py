"""Deadlines (L1) and the year a replacement counts against (L2)."""

from __future__ import annotations

from datetime import date

import pytest
from bosattning_anvisning.deadlines import (
    add_months,
    assignment_year,
    check_deadline,
    latest_deadline,
    replacement_year,
)
from bosattning_runtime.errors import DomainError


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2022, 3, 15), 2, date(2022, 5, 15)),
        (date(2022, 12, 31), 2, date(2023, 2, 28)),
        (date(2023, 12, 31), 2, date(2024, 2, 29)),
        (date(2023, 12, 30), 2, date(2024, 2, 29)),
        (date(2022, 12, 30), 2, date(2023, 2, 28)),
        (date(2022, 12, 29), 2, date(2023, 2, 28)),
        (date(2022, 8, 31), 2, date(2022, 10, 31)),
        (date(2022, 7, 31), 2, date(2022, 9, 30)),
        (date(2022, 11, 15), 2, date(2023, 1, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2022, 5, 31), 0, date(2022, 5, 31)),
        (date(2022, 3, 31), -1, date(2022, 2, 28)),
    ],
)
def test_months_run_to_the_same_day_number_or_the_last_day_of_the_month(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


def test_the_latest_deadline_is_two_months_after_the_decision() -> None:
    assert latest_deadline(date(2022, 12, 31)) == date(2023, 2, 28)


def test_without_a_requested_date_the_deadline_is_the_latest_one() -> None:
    assert check_deadline(date(2022, 4, 10), None, quota_refugee=False) == date(2022, 6, 10)


def test_a_requested_deadline_within_two_months_is_kept() -> None:
    assert check_deadline(date(2022, 4, 10), date(2022, 5, 1), quota_refugee=False) == date(
        2022, 5, 1
    )


def test_a_deadline_on_the_last_allowed_day_is_kept() -> None:
    requested = date(2024, 2, 29)

    assert check_deadline(date(2023, 12, 31), requested, quota_refugee=False) == requested


def test_a_deadline_on_the_decision_day_is_kept() -> None:
    day = date(2022, 4, 10)

    assert check_deadline(day, day, quota_refugee=False) == day


def test_a_deadline_past_two_months_is_refused() -> None:
    with pytest.raises(DomainError) as error:
        check_deadline(date(2022, 12, 31), date(2023, 3, 1), quota_refugee=False)

    assert error.value.code == "DEADLINE_TOO_LATE" and error.value.field == "deadline"


def test_a_quota_refugee_may_be_given_a_longer_deadline() -> None:
    requested = date(2023, 6, 1)

    assert check_deadline(date(2022, 12, 31), requested, quota_refugee=True) == requested


@pytest.mark.parametrize("quota_refugee", [False, True])
def test_a_deadline_before_the_decision_is_refused(quota_refugee: bool) -> None:
    with pytest.raises(DomainError) as error:
        check_deadline(date(2022, 4, 10), date(2022, 4, 9), quota_refugee=quota_refugee)

    assert error.value.code == "DEADLINE_BEFORE_DECISION"


def test_an_assignment_counts_against_the_year_of_its_decision() -> None:
    assert assignment_year(date(2022, 12, 31), None) == 2022


def test_a_replacement_in_the_same_year_counts_against_that_year() -> None:
    assert assignment_year(date(2022, 11, 1), 2022) == 2022


def test_a_replacement_in_january_of_the_next_year_counts_against_the_earlier_year() -> None:
    assert assignment_year(date(2023, 1, 10), 2022) == 2022


def test_a_replacement_on_the_last_day_of_the_next_year_is_still_allowed() -> None:
    assert replacement_year(2022, date(2023, 12, 31)) == 2022


def test_a_replacement_in_the_year_after_the_next_is_refused() -> None:
    with pytest.raises(DomainError) as error:
        assignment_year(date(2024, 1, 1), 2022)

    assert error.value.code == "REPLACEMENT_TOO_LATE"


def test_a_replacement_decided_before_the_replaced_year_is_refused() -> None:
    with pytest.raises(DomainError) as error:
        replacement_year(2023, date(2022, 12, 31))

    assert error.value.code == "REPLACEMENT_BEFORE_REPLACED"
