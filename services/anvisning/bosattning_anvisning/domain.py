"""The settlement unit's rules: capacity, cases, assignment decisions. Pure, no I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from uuid import UUID

from bosattning_contracts.anvisning import AnvisningStatus as Status
from bosattning_contracts.arende import Category
from bosattning_contracts.fields import ARENDE_ID_PATTERN
from bosattning_contracts.reference import kommun_by_kod
from bosattning_runtime.errors import DomainError
from bosattning_runtime.guards import check_free_text

from bosattning_anvisning import deadlines

__all__ = [
    "Anvisning",
    "AnvisningError",
    "Arende",
    "Blocking",
    "Capacity",
    "Category",
    "Status",
    "blocking_rows",
    "cancel",
    "check_arende_id",
    "check_kommun",
    "decide",
    "fail",
    "receive",
    "register",
]

_ARENDE_ID = re.compile(ARENDE_ID_PATTERN)
MAX_HOUSEHOLD = 30


class AnvisningError(DomainError):
    """A settlement-unit rule is broken; nothing is changed."""


def fail(code: str, message: str, field: str | None = None) -> AnvisningError:
    return AnvisningError(code, message, field)


@dataclass(frozen=True)
class Capacity:
    """A municipality's kommuntal in a year as the settlement unit enforces it."""

    year: int
    kommunkod: str
    lanskod: str
    kommuntal: int
    decision_version: int
    cap: int | None
    used: int
    received: int

    @property
    def limit(self) -> int:
        return self.kommuntal if self.cap is None else min(self.kommuntal, self.cap)

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)


@dataclass(frozen=True)
class Arende:
    arende_id: str
    category: Category
    adults: int
    children: int
    kommunkod: str | None
    needs: tuple[str, ...]
    enhet: str | None
    version: int
    registered_by: str
    registered_at: datetime

    @property
    def persons(self) -> int:
        return self.adults + self.children


@dataclass(frozen=True)
class Anvisning:
    anvisning_id: UUID
    arende_id: str
    category: Category
    kommunkod: str
    lanskod: str
    year: int
    persons: int
    decided_by: str
    decided_at: datetime
    deadline: date
    beyond_plan: bool
    override_reason: str | None
    replaces: UUID | None
    status: Status
    version: int
    received_on: date | None = None
    without_plan: bool = False
    enhet: str | None = None


def check_arende_id(arende_id: str) -> str:
    if not _ARENDE_ID.match(arende_id):
        raise fail(
            "MALFORMED_ARENDE_ID", "a dossier reference has digits and dashes only", "arendeId"
        )
    return arende_id


def check_kommun(kommunkod: str, field: str = "kommunkod") -> str:
    kommun = kommun_by_kod(kommunkod)
    if kommun is None:
        raise fail("UNKNOWN_KOMMUN", f"there is no municipality {kommunkod!r}", field)
    return kommun.lanskod


def register(existing: Arende | None, arende: Arende, allowed_needs: frozenset[str]) -> Arende:
    """A new or corrected settlement basis; a correction is the next version."""
    check_arende_id(arende.arende_id)
    if not 1 <= arende.adults <= MAX_HOUSEHOLD or not 0 <= arende.children <= MAX_HOUSEHOLD:
        raise fail(
            "INVALID_HOUSEHOLD", f"adults 1–{MAX_HOUSEHOLD}, children 0–{MAX_HOUSEHOLD}", "adults"
        )
    unknown = [n for n in arende.needs if n not in allowed_needs]
    if unknown:
        raise fail("UNKNOWN_NEED_CODE", f"not in the closed list: {', '.join(unknown)}", "needs")
    if arende.kommunkod is not None:
        check_kommun(arende.kommunkod)
    if existing is not None and existing.category is not arende.category:
        raise fail("CATEGORY_CHANGED", "a case keeps its category", "category")
    version = 1 if existing is None else existing.version + 1
    return replace(arende, needs=tuple(sorted(set(arende.needs))), version=version)


def decide(
    arende: Arende | None,
    active: Anvisning | None,
    replaced: Anvisning | None,
    capacity: Capacity | None,
    *,
    anvisning_id: UUID,
    kommunkod: str,
    decided_by: str,
    decided_at: datetime,
    today: date,
    deadline: date | None,
    override_reason: str | None,
    over_plan: bool = False,
    without_plan: bool = False,
) -> Anvisning:
    """An assignment decision: a case to a municipality within its capacity (DESIGN §4)."""
    if arende is None:
        raise fail(
            "ARENDE_NOT_FOUND", "no settlement basis is registered for this case", "arendeId"
        )
    if active is not None:
        raise fail(
            "ALREADY_ASSIGNED",
            f"the case has an active assignment to {active.kommunkod}",
            "arendeId",
        )
    lanskod = check_kommun(kommunkod)
    year = deadlines.assignment_year(today, None if replaced is None else replaced.year)
    if replaced is not None:
        _check_replacement(replaced, arende, today)
    if capacity is None:
        raise fail(
            "KOMMUNTAL_NOT_FOUND", f"no kommuntal is decided for {kommunkod} in {year}", "kommunkod"
        )
    if arende.persons > capacity.remaining:
        raise fail(
            "CAPACITY_EXCEEDED",
            f"{kommunkod} has {capacity.remaining} places left in {year}; "
            f"the household is {arende.persons}",
            "kommunkod",
        )
    reason = None if override_reason is None else check_free_text(override_reason, "overrideReason")
    if over_plan and reason is None:
        raise fail(
            "OVERRIDE_REQUIRED",
            f"{kommunkod} would be assigned beyond its annual plan: give an override reason",
            "overrideReason",
        )
    checked = deadlines.check_deadline(
        today, deadline, quota_refugee=arende.category is Category.KVOTFLYKTING
    )
    return Anvisning(
        anvisning_id,
        arende.arende_id,
        arende.category,
        kommunkod,
        lanskod,
        year,
        arende.persons,
        decided_by,
        decided_at,
        checked,
        over_plan,
        reason,
        None if replaced is None else replaced.anvisning_id,
        Status.PENDING,
        1,
        without_plan=without_plan,
        enhet=arende.enhet,
    )


def _check_replacement(replaced: Anvisning, arende: Arende, today: date) -> None:
    if replaced.arende_id != arende.arende_id:
        raise fail("REPLACES_OTHER_CASE", "a replacement is for the same case", "replaces")
    if replaced.status is not Status.CANCELLED:
        raise fail("REPLACES_ACTIVE", "only a cancelled assignment can be replaced", "replaces")
    deadlines.replacement_year(replaced.year, today)


def cancel(anvisning: Anvisning | None) -> Anvisning:
    """The household does not use the assignment: its places are freed."""
    if anvisning is None:
        raise fail("ANVISNING_NOT_FOUND", "no such assignment", "anvisningId")
    if anvisning.status is not Status.PENDING:
        raise fail("NOT_PENDING", f"the assignment is {anvisning.status.value}", "anvisningId")
    return replace(anvisning, status=Status.CANCELLED, version=anvisning.version + 1)


def receive(anvisning: Anvisning, received_on: date) -> Anvisning | None:
    """The persons count as received (L3); None where it was cancelled (a conflict)."""
    if anvisning.status is Status.CANCELLED:
        return None
    if anvisning.status is Status.RECEIVED:
        return anvisning
    return replace(
        anvisning, status=Status.RECEIVED, received_on=received_on, version=anvisning.version + 1
    )


@dataclass(frozen=True)
class Blocking:
    kommunkod: str
    used: int
    proposed: int


def blocking_rows(proposed: Mapping[str, int], capacities: Sequence[Capacity]) -> list[Blocking]:
    """Municipalities whose used places exceed the proposed kommuntal (a revision is refused)."""
    return [
        Blocking(c.kommunkod, c.used, proposed.get(c.kommunkod, 0))
        for c in capacities
        if c.used > proposed.get(c.kommunkod, 0)
    ]
