"""Annual plans (årsplanering): a kommuntal spread over the months of its year. Pure, no I/O."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import resources

from bosattning_runtime.errors import DomainError

MONTHS = 12


@dataclass(frozen=True)
class MonthlyProfile:
    """Relative weights, January to December, for spreading a kommuntal over the year."""

    weights: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.weights) != MONTHS:
            raise DomainError(
                "PROFILE_MONTH_COUNT",
                f"A profile has {MONTHS} weights, not {len(self.weights)}",
                "weights",
            )
        for i, weight in enumerate(self.weights):
            if isinstance(weight, bool) or not isinstance(weight, int | float):
                raise DomainError("PROFILE_INVALID", "A weight is a number", f"weights[{i}]")
            if not math.isfinite(weight) or weight < 0:
                raise DomainError(
                    "NEGATIVE_WEIGHT", "A weight is a finite number, zero or more", f"weights[{i}]"
                )
        if sum(self.weights) <= 0:
            raise DomainError("PROFILE_EMPTY", "At least one weight is above zero", "weights")


def profile_from_json(text: str) -> MonthlyProfile:
    """Parse a profile: `{"weights": [12 numbers]}` or a bare list of 12 numbers."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DomainError(
            "PROFILE_INVALID", f"The profile is not JSON: {error}", "weights"
        ) from None
    weights = data.get("weights") if isinstance(data, dict) else data
    if not isinstance(weights, list):
        raise DomainError("PROFILE_INVALID", "The profile has a list of weights", "weights")
    return MonthlyProfile(tuple(weights))


@cache
def default_profile() -> MonthlyProfile:
    """The profile shipped with the service, read on first use."""
    text = (
        resources.files("bosattning_anvisning").joinpath("profile.json").read_text(encoding="utf-8")
    )
    return profile_from_json(text)


def spread(kommuntal: int, profile: MonthlyProfile) -> tuple[int, ...]:
    """Twelve whole months summing to kommuntal, by largest remainder.

    Ties in remainder go to the earlier month.
    """
    if kommuntal < 0:
        raise DomainError("NEGATIVE_KOMMUNTAL", "A kommuntal is zero or more", "kommuntal")
    # Exact rationals from the weights' decimal form, so equal shares tie exactly.
    weights = [Fraction(str(w)) for w in profile.weights]
    total = sum(weights)
    shares = [kommuntal * w / total for w in weights]
    months = [math.floor(s) for s in shares]
    by_remainder = sorted(range(MONTHS), key=lambda i: (-(shares[i] - months[i]), i))
    for i in by_remainder[: kommuntal - sum(months)]:
        months[i] += 1
    return tuple(months)


def check_plan(months: Sequence[int], kommuntal: int) -> tuple[int, ...]:
    """The plan's months when there are twelve, none negative, summing to kommuntal."""
    _check_month_count(months)
    for i, persons in enumerate(months):
        if persons < 0:
            raise DomainError(
                "NEGATIVE_MONTH", "A month plans zero persons or more", f"months[{i}]"
            )
    if sum(months) != kommuntal:
        raise DomainError(
            "PLAN_SUM_DIFFERS",
            f"The months sum to {sum(months)}, the kommuntal is {kommuntal}",
            "months",
        )
    return tuple(months)


def planned_through(months: Sequence[int], month: int) -> int:
    """Persons planned from January up to and including month (1–12)."""
    _check_month_count(months)
    if not 1 <= month <= MONTHS:
        raise DomainError("MONTH_OUT_OF_RANGE", f"A month is 1–{MONTHS}, not {month}", "month")
    return sum(months[:month])


def beyond_plan(assigned_so_far: int, persons: int, months: Sequence[int], month: int) -> bool:
    """Whether assigning persons now takes the year's assignments beyond the plan so far."""
    return assigned_so_far + persons > planned_through(months, month)


def _check_month_count(months: Sequence[int]) -> None:
    if len(months) != MONTHS:
        raise DomainError(
            "PLAN_MONTH_COUNT", f"A plan has {MONTHS} months, not {len(months)}", "months"
        )
