"""The events this service publishes. No names, no free text."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bosattning_contracts.envelope import Event
from bosattning_contracts.mottagande import MottagandeCompleted, MottagandeCompletedPayload
from bosattning_contracts.underrattelse import (
    ArendeSelfSettled,
    ArendeSettlementNeeded,
    SelfSettledPayload,
    SettlementNeededPayload,
)

from bosattning_dialog.domain import Mottagande, Outcome, Underrattelse


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
