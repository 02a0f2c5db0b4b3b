"""The reception units' rules: notification talk, reception of an assignment. Pure, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from bosattning_contracts.arende import Category
from bosattning_contracts.fields import ARENDE_ID_PATTERN
from bosattning_contracts.reference import kommun_by_kod
from bosattning_runtime.errors import DomainError
from bosattning_runtime.guards import check_free_text

__all__ = [
    "Category",
    "DialogError",
    "Kontakt",
    "KontaktKind",
    "Mottagande",
    "Outcome",
    "Status",
    "Underrattelse",
    "fail",
    "record_kontakt",
    "record_samtal",
    "record_underrattelse",
    "report_date",
    "report_received",
]

_ARENDE_ID = re.compile(ARENDE_ID_PATTERN)
MAX_HOUSEHOLD = 30


class DialogError(DomainError):
    """A reception-unit rule is broken; nothing is changed."""


def fail(code: str, message: str, field: str | None = None) -> DialogError:
    return DialogError(code, message, field)


class Outcome(StrEnum):
    OWN_HOUSING = "own_housing"
    SETTLEMENT_NEEDED = "settlement_needed"


class Status(StrEnum):
    AWAITING_DATE = "awaiting_date"
    DATE_REPORTED = "date_reported"
    RECEIVED = "received"
    CANCELLED = "cancelled"


class KontaktKind(StrEnum):
    PHONE = "phone"
    MAIL = "mail"
    MEETING = "meeting"


@dataclass(frozen=True)
class Underrattelse:
    arende_id: str
    category: Category
    outcome: Outcome
    kommunkod: str | None
    adults: int | None
    children: int | None
    settled_on: date | None
    enhet: str | None
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class Mottagande:
    anvisning_id: UUID
    arende_id: str
    category: Category
    kommunkod: str
    year: int
    persons: int
    decided_at: datetime
    deadline: date
    anvisning_version: int
    cancelled: bool = False
    samtal_held_on: date | None = None
    mottagandedatum: date | None = None
    received_on: date | None = None
    enhet: str | None = None

    @property
    def status(self) -> Status:
        if self.cancelled:
            return Status.CANCELLED
        if self.received_on is not None:
            return Status.RECEIVED
        return Status.AWAITING_DATE if self.mottagandedatum is None else Status.DATE_REPORTED

    @property
    def date_after_deadline(self) -> bool:
        return self.mottagandedatum is not None and self.mottagandedatum > self.deadline


@dataclass(frozen=True)
class Kontakt:
    anvisning_id: UUID
    kind: KontaktKind
    contacted_on: date
    note: str | None


def record_underrattelse(
    existing: Underrattelse | None, talk: Underrattelse, today: date
) -> Underrattelse:
    """The notification talk's outcome: own housing (EBO) or settlement needed."""
    if not _ARENDE_ID.match(talk.arende_id):
        raise fail(
            "MALFORMED_ARENDE_ID", "a dossier reference has digits and dashes only", "arendeId"
        )
    if existing is not None:
        raise fail("ALREADY_RECORDED", "the notification talk of this case is recorded", "arendeId")
    if talk.outcome is Outcome.SETTLEMENT_NEEDED:
        return replace(talk, kommunkod=None, adults=None, children=None, settled_on=None)
    if talk.kommunkod is None or kommun_by_kod(talk.kommunkod) is None:
        raise fail("UNKNOWN_KOMMUN", "own housing names the municipality", "kommunkod")
    adults, children = talk.adults or 0, talk.children if talk.children is not None else -1
    if not 1 <= adults <= MAX_HOUSEHOLD or not 0 <= children <= MAX_HOUSEHOLD:
        raise fail(
            "INVALID_HOUSEHOLD", f"adults 1–{MAX_HOUSEHOLD}, children 0–{MAX_HOUSEHOLD}", "adults"
        )
    if talk.settled_on is None or talk.settled_on > today:
        raise fail(
            "INVALID_SETTLED_ON", "the date the household settled, not in the future", "settledOn"
        )
    return talk


def _open(mottagande: Mottagande | None) -> Mottagande:
    if mottagande is None:
        raise fail(
            "ANVISNING_NOT_FOUND", "no assignment known to the reception units", "anvisningId"
        )
    if mottagande.cancelled:
        raise fail("ANVISNING_CANCELLED", "the assignment was cancelled", "anvisningId")
    return mottagande


def record_samtal(mottagande: Mottagande | None, held_on: date, today: date) -> Mottagande:
    """The assignment talk (held): the household is told which municipality."""
    current = _open(mottagande)
    if held_on < current.decided_at.date():
        raise fail("DATE_BEFORE_ASSIGNMENT", "the talk follows the assignment", "heldOn")
    if held_on > today:
        raise fail("DATE_IN_FUTURE", "record a talk once it is held", "heldOn")
    return replace(current, samtal_held_on=held_on)


def record_kontakt(mottagande: Mottagande | None, kontakt: Kontakt) -> Kontakt:
    _open(mottagande)
    note = None if kontakt.note is None else check_free_text(kontakt.note, "note")
    return replace(kontakt, note=note)


def report_date(mottagande: Mottagande | None, mottagandedatum: date) -> Mottagande:
    """The municipality's reception date; a date after the deadline is kept and flagged."""
    current = _open(mottagande)
    if current.received_on is not None:
        raise fail("ALREADY_RECEIVED", "the household is received", "anvisningId")
    if mottagandedatum < current.decided_at.date():
        raise fail(
            "DATE_BEFORE_ASSIGNMENT", "the reception follows the assignment", "mottagandedatum"
        )
    return replace(current, mottagandedatum=mottagandedatum)


def report_received(mottagande: Mottagande | None, received_on: date, today: date) -> Mottagande:
    """The municipality received the household (L3: it then counts as received)."""
    current = _open(mottagande)
    if current.received_on is not None:
        raise fail("ALREADY_RECEIVED", "the household is received", "anvisningId")
    if received_on < current.decided_at.date() or received_on > today:
        raise fail("INVALID_RECEIVED_ON", "between the assignment and today", "receivedOn")
    return replace(current, received_on=received_on)
