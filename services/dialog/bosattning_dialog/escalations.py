"""Escalation rules (S9–S11): opened by the system, acted on by the reception unit until it is
handed over, by the county's regional expert after. Pure, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from uuid import UUID

from bosattning_contracts.escalation import EscalationKind, EscalationStatus
from bosattning_contracts.reference import kommun_by_kod
from bosattning_runtime.guards import check_free_text

from bosattning_dialog.domain import Mottagande, fail

__all__ = [
    "Escalation",
    "EscalationKind",
    "EscalationStatus",
    "cannot_receive",
    "discharged",
    "hand_over",
    "open_for",
    "overdue",
    "resolve",
]


@dataclass(frozen=True)
class Escalation:
    escalation_id: UUID
    kind: EscalationKind
    status: EscalationStatus
    lanskod: str
    kommunkod: str
    anvisning_id: UUID | None
    persons: int
    deadline: object | None
    mottagandedatum: object | None
    version: int
    opened_at: datetime
    resolved_by: str | None = None
    anvisning_ids: tuple[UUID, ...] = ()
    months: tuple[int, ...] = ()
    reason: str | None = None

    @property
    def owned_by_expert(self) -> bool:
        """An inability to receive is the regional expert's from the start."""
        return self.kind is EscalationKind.CANNOT_RECEIVE or (
            self.status is EscalationStatus.HANDED_OVER
        )


def open_for(
    mottagande: Mottagande, kind: EscalationKind, escalation_id: UUID, at: datetime
) -> Escalation:
    kommun = kommun_by_kod(mottagande.kommunkod)
    assert kommun is not None  # the settlement unit assigns to known municipalities only
    return Escalation(
        escalation_id,
        kind,
        EscalationStatus.OPEN,
        kommun.lanskod,
        mottagande.kommunkod,
        mottagande.anvisning_id,
        mottagande.persons,
        mottagande.deadline,
        mottagande.mottagandedatum,
        1,
        at,
    )


def overdue(mottagande: Mottagande, now: datetime, reply_window: timedelta) -> bool:
    """No reception date within the reply window after the assignment."""
    return (
        not mottagande.cancelled
        and mottagande.mottagandedatum is None
        and mottagande.received_on is None
        and mottagande.decided_at + reply_window <= now
    )


def hand_over(escalation: Escalation | None) -> Escalation:
    current = _active(escalation)
    if current.owned_by_expert:
        raise fail("ALREADY_HANDED_OVER", "the regional expert has the escalation", "escalationId")
    return replace(current, status=EscalationStatus.HANDED_OVER, version=current.version + 1)


def resolve(escalation: Escalation | None, by: str, *, regional_expert: bool) -> Escalation:
    """By the reception unit until handed over, by the regional expert after."""
    current = _active(escalation)
    handed = current.owned_by_expert
    if handed != regional_expert:
        owner = "the regional expert" if handed else "the reception unit"
        raise fail("NOT_YOURS_TO_RESOLVE", f"{owner} resolves this escalation", "escalationId")
    return replace(
        current, status=EscalationStatus.RESOLVED, version=current.version + 1, resolved_by=by
    )


def resolved_by_report(escalation: Escalation, by: str) -> Escalation:
    """A date within the deadline, or the reception, resolves it on its own."""
    return replace(
        escalation, status=EscalationStatus.RESOLVED, version=escalation.version + 1, resolved_by=by
    )


def _active(escalation: Escalation | None) -> Escalation:
    if escalation is None:
        raise fail("ESCALATION_NOT_FOUND", "no such escalation", "escalationId")
    if escalation.status is EscalationStatus.RESOLVED:
        raise fail("ESCALATION_CLOSED", "the escalation is resolved", "escalationId")
    return escalation


def cannot_receive(
    kommunkod: str,
    months: tuple[int, ...],
    reason: str,
    concerned: Sequence[Mottagande],
    escalation_id: UUID,
    at: datetime,
) -> Escalation:
    """The municipality cannot receive per the plan and ongoing assignments (S10)."""
    kommun = kommun_by_kod(kommunkod)
    if kommun is None:
        raise fail("UNKNOWN_KOMMUN", f"there is no municipality {kommunkod!r}", "kommunkod")
    if not months or any(not 1 <= m <= 12 for m in months) or len(set(months)) != len(months):
        raise fail("INVALID_MONTHS", "the months concerned, 1–12, each once", "months")
    text = check_free_text(reason, "reason")
    return Escalation(
        escalation_id,
        EscalationKind.CANNOT_RECEIVE,
        EscalationStatus.OPEN,
        kommun.lanskod,
        kommunkod,
        None,
        sum(m.persons for m in concerned),
        None,
        None,
        1,
        at,
        anvisning_ids=tuple(m.anvisning_id for m in concerned),
        months=tuple(sorted(months)),
        reason=text,
    )


def discharged(
    mottagande: Mottagande | None, discharged_on: date, escalation_id: UUID, at: datetime
) -> Escalation:
    """Discharged from accommodation without arranged reception (S11)."""
    if mottagande is None:
        raise fail(
            "ANVISNING_NOT_FOUND", "no assignment known to the reception units", "anvisningId"
        )
    if discharged_on < mottagande.decided_at.date() or discharged_on > at.date():
        raise fail("INVALID_DISCHARGED_ON", "between the assignment and today", "dischargedOn")
    return open_for(mottagande, EscalationKind.DISCHARGE_WITHOUT_RECEPTION, escalation_id, at)
