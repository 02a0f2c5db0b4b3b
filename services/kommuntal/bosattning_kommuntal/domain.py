"""The county boards' rules: länstal, kommuntal decisions and their revision. Pure, no I/O."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from bosattning_contracts.kommuntal import RevisionKind
from bosattning_contracts.reference import kommun_by_kod, kommuner_in_lan, lan_by_kod
from bosattning_runtime.errors import DomainError
from bosattning_runtime.guards import check_free_text, check_list_length

_LANSKOD = re.compile(r"^\d{2}$")
_KOMMUNKOD = re.compile(r"^\d{4}$")


class KommuntalError(DomainError):
    """A county-board rule is broken; nothing is changed."""


class RevisionStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    REFUSED = "refused"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Decided:
    """Who decided, when and why: every decision carries it."""

    by: str
    at: datetime
    reason: str


@dataclass(frozen=True)
class Lanstal:
    year: int
    lanskod: str
    version: int
    lanstal: int
    decided: Decided


@dataclass(frozen=True)
class Row:
    kommunkod: str
    kommuntal: int


@dataclass(frozen=True)
class KommuntalDecision:
    year: int
    lanskod: str
    version: int
    lanstal_version: int
    rows: tuple[Row, ...]
    decided: Decided
    request_id: UUID | None = None

    @property
    def total(self) -> int:
        return sum(r.kommuntal for r in self.rows)


@dataclass(frozen=True)
class Blocking:
    kommunkod: str
    used: int
    proposed: int


@dataclass(frozen=True)
class RevisionRequest:
    request_id: UUID
    year: int
    lanskod: str
    kind: RevisionKind
    base_version: int
    lanstal_version: int
    rows: tuple[Row, ...]
    decided: Decided
    expires_at: datetime
    status: RevisionStatus = RevisionStatus.OPEN
    resolved_at: datetime | None = None
    blocking: tuple[Blocking, ...] = ()


def fail(code: str, message: str, field: str | None = None) -> KommuntalError:
    return KommuntalError(code, message, field)


def check_year(year: int, years: range) -> int:
    if year not in years:
        raise fail("YEAR_OUT_OF_RANGE", f"year must be {years.start}–{years.stop - 1}", "year")
    return year


def check_lanskod(lanskod: str) -> str:
    if not _LANSKOD.match(lanskod):
        raise fail("MALFORMED_LANSKOD", f"{lanskod!r} is not a two-digit county code", "lanskod")
    if lan_by_kod(lanskod) is None:
        raise fail("UNKNOWN_LAN", f"there is no county {lanskod}", "lanskod")
    return lanskod


def decided(by: str, at: datetime, reason: str) -> Decided:
    try:
        return Decided(by, at, check_free_text(reason, "reason"))
    except DomainError as error:
        raise fail(error.code, error.message, error.field) from error


def check_row_count(rows: Sequence[Row]) -> None:
    """The input limit comes first: an over-long list is refused before anything is looked up."""
    try:
        check_list_length(rows, "rows")
    except DomainError as error:
        raise fail(error.code, error.message, error.field) from error


def check_rows(lanskod: str, rows: Sequence[Row], lanstal: Lanstal) -> tuple[Row, ...]:
    """One row for every municipality of the county and no other, each ≥ 0, summing to länstal."""
    check_row_count(rows)
    seen: set[str] = set()
    for i, row in enumerate(rows):
        _check_row(lanskod, row, f"rows[{i}]", seen)
    missing = [k.kommunkod for k in kommuner_in_lan(lanskod) if k.kommunkod not in seen]
    if missing:
        raise fail("MISSING_KOMMUN", f"no row for {', '.join(missing)}", "rows")
    total = sum(r.kommuntal for r in rows)
    if total != lanstal.lanstal:
        raise fail(
            "SUM_DIFFERS_FROM_LANSTAL",
            f"the rows sum to {total}; länstal {lanstal.year} version {lanstal.version} "
            f"for county {lanskod} is {lanstal.lanstal}",
            "rows",
        )
    return tuple(sorted(rows, key=lambda r: r.kommunkod))


def _check_row(lanskod: str, row: Row, field: str, seen: set[str]) -> None:
    if not _KOMMUNKOD.match(row.kommunkod):
        raise fail("MALFORMED_KOMMUNKOD", f"{row.kommunkod!r} is not a four-digit code", field)
    kommun = kommun_by_kod(row.kommunkod)
    if kommun is None:
        raise fail("UNKNOWN_KOMMUN", f"there is no municipality {row.kommunkod}", field)
    if kommun.lanskod != lanskod:
        raise fail(
            "KOMMUN_OF_OTHER_LAN",
            f"{row.kommunkod} {kommun.namn} lies in county {kommun.lanskod}, not {lanskod}",
            field,
        )
    if row.kommunkod in seen:
        raise fail("DUPLICATE_KOMMUN", f"{row.kommunkod} has more than one row", field)
    if row.kommuntal < 0:
        raise fail("NEGATIVE_KOMMUNTAL", f"{row.kommunkod}: kommuntal must be ≥ 0", field)
    seen.add(row.kommunkod)


def set_lanstal(
    current: Lanstal | None, year: int, lanskod: str, lanstal: int, by: Decided
) -> Lanstal:
    """A new länstal version; the first is version 1. The same number again is a new
    decision too (a revised ordinance may confirm a county's länstal)."""
    if lanstal < 0:
        raise fail("NEGATIVE_LANSTAL", "länstal must be ≥ 0", "lanstal")
    version = 1 if current is None else current.version + 1
    return Lanstal(year, lanskod, version, lanstal, by)


def decide_first(
    lanstal: Lanstal | None,
    existing: KommuntalDecision | None,
    rows: Sequence[Row],
    by: Decided,
    year: int,
    lanskod: str,
) -> KommuntalDecision:
    """The first kommuntal decision of a county and year."""
    if existing is not None:
        raise fail(
            "ALREADY_DECIDED",
            f"kommuntal {year} for county {lanskod} is decided (version {existing.version}); "
            "a change goes through requestKommuntalRevision",
        )
    if lanstal is None:
        raise fail("LANSTAL_NOT_FOUND", f"no länstal is set for county {lanskod} in {year}", "year")
    checked = check_rows(lanskod, rows, lanstal)
    return KommuntalDecision(year, lanskod, 1, lanstal.version, checked, by)


def request_revision(
    lanstal: Lanstal | None,
    current: KommuntalDecision | None,
    open_request: RevisionRequest | None,
    rows: Sequence[Row],
    by: Decided,
    request_id: UUID,
    timeout: timedelta,
    year: int,
    lanskod: str,
) -> RevisionRequest:
    """Ask the settlement unit to reconcile a change to a published kommuntal."""
    if current is None or lanstal is None:
        raise fail("KOMMUNTAL_NOT_FOUND", f"no kommuntal is decided for county {lanskod} in {year}")
    if open_request is not None:
        raise fail(
            "REVISION_ALREADY_OPEN",
            f"request {open_request.request_id} for county {lanskod} {year} is still open",
        )
    checked = check_rows(lanskod, rows, lanstal)
    # a new division where the länstal in force no longer equals what the decision divides
    new_division = lanstal.lanstal != current.total
    if not new_division and checked == current.rows:
        raise fail("NO_CHANGE", "the proposed rows equal the kommuntal in force", "rows")
    kind = RevisionKind.NEW_DIVISION if new_division else RevisionKind.OVERENSKOMMELSE
    return RevisionRequest(
        request_id,
        year,
        lanskod,
        kind,
        current.version,
        lanstal.version,
        checked,
        by,
        expires_at=by.at + timeout,
    )


def confirm(
    request: RevisionRequest, current: KommuntalDecision, at: datetime
) -> tuple[RevisionRequest, KommuntalDecision]:
    """The settlement unit confirmed: the proposal becomes the next version."""
    decision = KommuntalDecision(
        request.year,
        request.lanskod,
        current.version + 1,
        request.lanstal_version,
        request.rows,
        replace(request.decided, at=at),
        request.request_id,
    )
    return replace(request, status=RevisionStatus.CONFIRMED, resolved_at=at), decision


def refuse(request: RevisionRequest, blocking: Sequence[Blocking], at: datetime) -> RevisionRequest:
    return replace(request, status=RevisionStatus.REFUSED, resolved_at=at, blocking=tuple(blocking))


def expire(request: RevisionRequest, at: datetime) -> RevisionRequest:
    if at < request.expires_at:
        raise fail("NOT_EXPIRED", f"request {request.request_id} runs until {request.expires_at}")
    return replace(request, status=RevisionStatus.EXPIRED, resolved_at=at)
