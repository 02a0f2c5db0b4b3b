"""Events of escalations (S9, S10, S11): the county board is informed (its `lst` scope)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal
from uuid import UUID

from bosattning_contracts.envelope import AggregateKeys, Event, Payload
from bosattning_contracts.fields import Count, Kommunkod, Lanskod, UtcDatetime, Version
from bosattning_contracts.scope import lst_scope

__all__ = [
    "EscalationHandedOver",
    "EscalationKind",
    "EscalationOpened",
    "EscalationPayload",
    "EscalationResolved",
    "EscalationStatus",
    "escalation_aggregate_id",
]


def escalation_aggregate_id(escalation_id: UUID) -> str:
    """Aggregate id of one escalation."""
    return f"escalation:{escalation_id}"


class EscalationKind(StrEnum):
    """Why a case (or a municipality's plan) was taken further."""

    LATE_DATE = "late_date"
    """The municipality reported a reception date after the deadline (S9)."""
    NO_REPLY = "no_reply"
    """No reception date within the reply window after the assignment (S9)."""
    CANNOT_RECEIVE = "cannot_receive"
    """The municipality says it cannot receive per the plan and assignments (S10)."""
    DISCHARGE_WITHOUT_RECEPTION = "discharge_without_reception"
    """Discharged from accommodation without arranged reception (S11)."""


class EscalationStatus(StrEnum):
    OPEN = "open"
    HANDED_OVER = "handed_over"
    RESOLVED = "resolved"


class EscalationPayload(Payload):
    """The facts behind an escalation, as the county board is told them: ids, codes, counts
    and dates only."""

    escalation_id: UUID
    kind: EscalationKind
    status: EscalationStatus
    lanskod: Lanskod
    kommunkod: Kommunkod
    anvisning_ids: tuple[UUID, ...] = ()
    persons: Count = 0
    deadline: date | None = None
    mottagandedatum: date | None = None
    version: Version
    at: UtcDatetime


def _keys(payload: EscalationPayload) -> AggregateKeys:
    return AggregateKeys(
        scope=lst_scope(payload.lanskod),
        aggregate_id=escalation_aggregate_id(payload.escalation_id),
        aggregate_version=payload.version,
    )


class EscalationOpened(Event[EscalationPayload]):
    """An escalation was opened; the county board is informed."""

    event_type: Literal["escalation.opened"] = "escalation.opened"

    @classmethod
    def keys_for(cls, payload: EscalationPayload) -> AggregateKeys:
        """The county board's scope; versioned by the escalation's changes."""
        return _keys(payload)


class EscalationHandedOver(Event[EscalationPayload]):
    """The reception unit handed the escalation over to the regional expert."""

    event_type: Literal["escalation.handed_over"] = "escalation.handed_over"

    @classmethod
    def keys_for(cls, payload: EscalationPayload) -> AggregateKeys:
        """The county board's scope; versioned by the escalation's changes."""
        return _keys(payload)


class EscalationResolved(Event[EscalationPayload]):
    """The escalation was resolved (by hand, or by a date within the deadline or a reception)."""

    event_type: Literal["escalation.resolved"] = "escalation.resolved"

    @classmethod
    def keys_for(cls, payload: EscalationPayload) -> AggregateKeys:
        """The county board's scope; versioned by the escalation's changes."""
        return _keys(payload)
