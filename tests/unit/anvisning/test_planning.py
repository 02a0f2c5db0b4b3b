"""Annual plans: spreading a kommuntal over the months and checking plans against it."""

from __future__ import annotations

import pytest
from bosattning_anvisning.planning import (
    MonthlyProfile,
    beyond_plan,
    check_plan,
    default_profile,
    planned_through,
    profile_from_json,
    spread,
)
from bosattning_runtime.errors import DomainError

EVEN = MonthlyProfile((1.0,) * 12)
PLAN = (2, 2, 2, 2, 2, 2, 0, 2, 2, 2, 2, 2)


def test_the_shipped_profile_has_fewer_in_july_and_december() -> None:
    weights = default_profile().weights

    assert len(weights) == 12
    assert weights[6] < weights[5] and weights[11] < weights[10]
    assert min(weights) == weights[6]


@pytest.mark.parametrize("kommuntal", [0, 1, 7, 13, 100, 255, 1001])
def test_a_spread_sums_to_the_kommuntal(kommuntal: int) -> None:
    months = spread(kommuntal, default_profile())

    assert len(months) == 12 and sum(months) == kommuntal and min(months) >= 0


def test_a_kommuntal_of_zero_spreads_to_twelve_zeros() -> None:
    assert spread(0, default_profile()) == (0,) * 12


def test_one_person_goes_to_january_when_all_months_weigh_the_same() -> None:
    assert spread(1, EVEN) == (1,) + (0,) * 11


def test_thirteen_persons_over_even_months_give_the_extra_one_to_january() -> None:
    assert spread(13, EVEN) == (2,) + (1,) * 11


def test_ties_in_remainder_go_to_the_earlier_months() -> None:
    assert spread(5, EVEN) == (1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)


def test_a_larger_remainder_in_a_later_month_wins_over_an_earlier_month() -> None:
    profile = MonthlyProfile((1,) * 11 + (2,))

    # Shares are 2/13 each and 4/13 in December: December first, then the tie to January.
    assert spread(2, profile) == (1,) + (0,) * 10 + (1,)


def test_one_person_goes_to_the_heaviest_month_of_the_shipped_profile() -> None:
    months = spread(1, default_profile())

    assert sum(months) == 1 and months.index(1) == 1  # February, the first month weighing 9


def test_a_month_weighing_zero_gets_no_one() -> None:
    profile = MonthlyProfile((0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1))

    assert spread(11, profile) == (0,) + (1,) * 11


def test_a_spread_of_a_hundred_follows_a_profile_summing_to_a_hundred() -> None:
    assert spread(100, default_profile()) == (8, 9, 9, 9, 9, 8, 5, 8, 9, 9, 9, 8)


def test_a_negative_kommuntal_is_refused() -> None:
    with pytest.raises(DomainError) as error:
        spread(-1, default_profile())

    assert error.value.code == "NEGATIVE_KOMMUNTAL" and error.value.field == "kommuntal"


def test_a_configured_profile_is_read_from_json() -> None:
    text = '{"weights": [1, 1, 1, 1, 1, 1, 0.5, 1, 1, 1, 1, 0.5]}'

    assert profile_from_json(text).weights[6] == 0.5
    assert profile_from_json("[1,1,1,1,1,1,1,1,1,1,1,1]") == MonthlyProfile((1,) * 12)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("not json", "PROFILE_INVALID"),
        ('{"weight": []}', "PROFILE_INVALID"),
        ("[1, 1, 1]", "PROFILE_MONTH_COUNT"),
        ('[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, "1"]', "PROFILE_INVALID"),
        ("[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, true]", "PROFILE_INVALID"),
        ("[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1]", "NEGATIVE_WEIGHT"),
        ("[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]", "PROFILE_EMPTY"),
    ],
)
def test_a_broken_profile_is_refused(text: str, code: str) -> None:
    with pytest.raises(DomainError) as error:
        profile_from_json(text)

    assert error.value.code == code


def test_a_plan_of_twelve_months_summing_to_the_kommuntal_is_accepted() -> None:
    assert check_plan(list(PLAN), 22) == PLAN


def test_a_plan_summing_to_another_number_is_refused() -> None:
    with pytest.raises(DomainError) as error:
        check_plan(PLAN, 23)

    assert error.value.code == "PLAN_SUM_DIFFERS" and error.value.field == "months"


@pytest.mark.parametrize("count", [0, 11, 13])
def test_a_plan_without_twelve_months_is_refused(count: int) -> None:
    with pytest.raises(DomainError) as error:
        check_plan((0,) * count, 0)

    assert error.value.code == "PLAN_MONTH_COUNT" and error.value.field == "months"


def test_a_negative_month_is_refused_naming_the_month() -> None:
    with pytest.raises(DomainError) as error:
        check_plan((3, -1) + (0,) * 10, 2)

    assert error.value.code == "NEGATIVE_MONTH" and error.value.field == "months[1]"


def test_a_plan_of_zero_for_a_kommuntal_of_zero_is_accepted() -> None:
    assert check_plan((0,) * 12, 0) == (0,) * 12


def test_planned_through_counts_january_up_to_and_including_the_month() -> None:
    assert planned_through(PLAN, 1) == 2
    assert planned_through(PLAN, 7) == 12
    assert planned_through(PLAN, 12) == 22


@pytest.mark.parametrize("month", [0, 13])
def test_planned_through_refuses_a_month_outside_the_year(month: int) -> None:
    with pytest.raises(DomainError) as error:
        planned_through(PLAN, month)

    assert error.value.code == "MONTH_OUT_OF_RANGE"


def test_an_assignment_reaching_the_plan_exactly_is_within_it() -> None:
    assert not beyond_plan(3, 1, PLAN, 2)


def test_an_assignment_past_the_cumulative_plan_is_beyond_it() -> None:
    assert beyond_plan(4, 1, PLAN, 2)


def test_persons_unassigned_in_earlier_months_carry_over_to_later_ones() -> None:
    assert not beyond_plan(0, 6, PLAN, 3)


def test_any_assignment_is_beyond_a_plan_of_zero() -> None:
    assert beyond_plan(0, 1, (0,) * 12, 12)
