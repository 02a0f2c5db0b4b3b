"""Deadlines and replacement years of assignments (SFS 2016:39, 10 § and 10 a §). Pure, no I/O."""

from __future__ import annotations

import calendar
from datetime import date

from bosattning_runtime.errors import DomainError

DEADLINE_MONTHS = 2


def add_months(day: date, months: int) -> date:
    """The same day number months later, or that month's last day (SFS 1930:173)."""
    year, index = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, index + 1)[1]
    return date(year, index + 1, min(day.day, last))


def latest_deadline(decided_on: date) -> date:
    """The latest reception date an assignment decided on that day may state (L1)."""
    return add_months(decided_on, DEADLINE_MONTHS)


def check_deadline(decided_on: date, requested: date | None, *, quota_refugee: bool) -> date:
    """The deadline to state: the requested one if allowed, else the latest one.

    For quota refugees (kvotflyktingar) Migrationsverket may set a longer one.
    """
    latest = latest_deadline(decided_on)
    if requested is None:
        return latest
    if requested < decided_on:
        raise DomainError(
            "DEADLINE_BEFORE_DECISION", "The deadline is not before the decision", "deadline"
        )
    if requested > latest and not quota_refugee:
        raise DomainError(
            "DEADLINE_TOO_LATE",
            f"The deadline is at most {DEADLINE_MONTHS} months after the decision, {latest}",
            "deadline",
        )
    return requested


def replacement_year(replaced_year: int, decided_on: date) -> int:
    """The year a replacement counts against: the replaced assignment's (L2).

    It may be made until the end of the calendar year after that one.
    """
    if decided_on.year > replaced_year + 1:
        raise DomainError(
            "REPLACEMENT_TOO_LATE",
            f"An assignment of {replaced_year} may be replaced until the end of "
            f"{replaced_year + 1}",
            "replaces",
        )
    if decided_on.year < replaced_year:
        raise DomainError(
            "REPLACEMENT_BEFORE_REPLACED",
            "A replacement is not decided before the year of the assignment it replaces",
            "replaces",
        )
    return replaced_year


def assignment_year(decided_on: date, replaced_year: int | None) -> int:
    """The kommuntal year an assignment counts against: its decision's, unless it replaces one."""
    if replaced_year is None:
        return decided_on.year
    return replacement_year(replaced_year, decided_on)
