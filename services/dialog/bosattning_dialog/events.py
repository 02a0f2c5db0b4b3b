"""The events this service publishes. No names, no free text."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bosattning_contracts.envelope import Event
from bosattning_contracts.escalation import (
    EscalationHandedOver,
    EscalationOpened,
    EscalationPayload,
    EscalationResolved,
    EscalationStatus,
)
from bosattning_contracts.mottagande import MottagandeCompleted, MottagandeCompletedPayload
from bosattning_contracts.underrattelse import (
    ArendeSelfSettled,
    ArendeSettlementNeeded,
    SelfSettledPayload,
    SettlementNeededPayload,
)

from bosattning_dialog.domain import Mottagande, Outcome, Underrattelse
from bosattning_dialog.escalations import Escalation


def underrattelse(talk: Underrattelse) -> Event[Any]:
    if talk.outcome is Outcome.SETTLEMENT_NEEDED:
        needed = SettlementNeededPayload(
            arende_id=talk.arende_id, category=talk.category, recorded_at=talk.recorded_at
        )
        return ArendeSettlementNeeded.create(payload=needed, occurred_at=talk.recorded_at)
    assert talk.kommunkod and talk.adults and talk.children is not None and talk.settled_on
    settled = SelfSettledPayload(
        arende_id=talk.arende_id,
        kommunkod=talk.kommunkod,
        adults=talk.adults,
        children=talk.children,
        settled_on=talk.settled_on,
        recorded_at=talk.recorded_at,
    )
    return ArendeSelfSettled.create(payload=settled, occurred_at=talk.recorded_at)


def mottagande_completed(m: Mottagande, at: datetime) -> MottagandeCompleted:
    assert m.received_on is not None
    payload = MottagandeCompletedPayload(
        anvisning_id=m.anvisning_id,
        arende_id=m.arende_id,
        kommunkod=m.kommunkod,
        received_on=m.received_on,
        reported_at=at,
    )
    return MottagandeCompleted.create(payload=payload, occurred_at=at)


def escalation(e: Escalation, at: datetime) -> Event[Any]:
    """Opened, handed over or resolved: the county board is informed with the facts."""
    payload = EscalationPayload(
        escalation_id=e.escalation_id,
        kind=e.kind,
        status=e.status,
        lanskod=e.lanskod,
        kommunkod=e.kommunkod,
        anvisning_ids=e.anvisning_ids or (() if e.anvisning_id is None else (e.anvisning_id,)),
        persons=e.persons,
        deadline=e.deadline,
        mottagandedatum=e.mottagandedatum,
        version=e.version,
        at=at,
    )
    kind = {
        EscalationStatus.OPEN: EscalationOpened,
        EscalationStatus.HANDED_OVER: EscalationHandedOver,
        EscalationStatus.RESOLVED: EscalationResolved,
    }[e.status]
    return kind.create(payload=payload, occurred_at=at)
