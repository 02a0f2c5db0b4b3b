"""Sample events shared by the contracts tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from bosattning_contracts.anvisning import (
    AnvisningCancelled,
    AnvisningDecided,
    AnvisningPayload,
    AnvisningRevisionConfirmed,
    AnvisningRevisionConfirmedPayload,
    AnvisningRevisionRefused,
    AnvisningRevisionRefusedPayload,
    AnvisningStatus,
)
from bosattning_contracts.arende import ArendeRegistered, ArendeRegisteredPayload, Category
from bosattning_contracts.arsplanering import (
    ArsplaneringChanged,
    ArsplaneringDecided,
    ArsplaneringPayload,
    ArsplaneringProposed,
    ArsplaneringStatus,
)
from bosattning_contracts.envelope import Event
from bosattning_contracts.escalation import (
    EscalationHandedOver,
    EscalationKind,
    EscalationOpened,
    EscalationPayload,
    EscalationResolved,
    EscalationStatus,
)
from bosattning_contracts.kommuntal import (
    KommuntalDecided,
    KommuntalDecisionPayload,
    KommuntalRevised,
    KommuntalRevisedPayload,
    KommuntalRevisionRejected,
    KommuntalRevisionRejectedPayload,
    KommuntalRevisionRequested,
    KommuntalRevisionRequestedPayload,
    RejectionReason,
    RevisionKind,
)
from bosattning_contracts.lanstal import LanstalSet, LanstalSetPayload
from bosattning_contracts.mottagande import MottagandeCompleted, MottagandeCompletedPayload
from bosattning_contracts.rows import BlockingRow, KommuntalRow
from bosattning_contracts.underrattelse import (
    ArendeSelfSettled,
    ArendeSettlementNeeded,
    SelfSettledPayload,
    SettlementNeededPayload,
)

WHEN = datetime(2022, 1, 15, 9, 30, tzinfo=UTC)
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
REQUEST_ID = UUID("6f1c1c4e-0b7a-4f0e-9d55-2b2f3f0a9c11")
ARENDE_ID = "21-123456"
ANVISNING_ID = UUID("0d9a5b8e-3c1f-4a57-8e2b-6a4f1c2d3e40")
# Jönköping (0680) 2022: kommuntal 119 spread over the months of the year.
JONKOPING_MONTHS_2022 = (10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 9)
# Jönköping's kommuntal 2022 (länstal 255, SFS 2021:870); Sävsjö 0.
JONKOPING_2022 = (
    ("0604", 4),
    ("0617", 10),
    ("0642", 9),
    ("0643", 18),
    ("0662", 18),
    ("0665", 13),
    ("0680", 119),
    ("0682", 8),
    ("0683", 31),
    ("0684", 0),
    ("0685", 13),
    ("0686", 4),
    ("0687", 8),
)


def _rows() -> tuple[KommuntalRow, ...]:
    return tuple(KommuntalRow(kommunkod=kod, kommuntal=tal) for kod, tal in JONKOPING_2022)


def anvisning_payload(**changes: Any) -> AnvisningPayload:
    """A pending assignment of a household of four to Jönköping, with ``changes``."""
    data: dict[str, Any] = {
        "anvisning_id": ANVISNING_ID,
        "arende_id": ARENDE_ID,
        "category": Category.ABO,
        "kommunkod": "0680",
        "year": 2022,
        "persons": 4,
        "decided_at": WHEN,
        "deadline": date(2022, 3, 15),
        "beyond_plan": False,
        "version": 1,
        "status": AnvisningStatus.PENDING,
    }
    return AnvisningPayload(**{**data, **changes})


def arsplanering_payload(**changes: Any) -> ArsplaneringPayload:
    """A proposed annual plan for Jönköping 2022, with ``changes``."""
    data: dict[str, Any] = {
        "year": 2022,
        "kommunkod": "0680",
        "version": 1,
        "kommuntal": 119,
        "months": JONKOPING_MONTHS_2022,
        "status": ArsplaneringStatus.PROPOSED,
        "changed_at": WHEN,
    }
    return ArsplaneringPayload(**{**data, **changes})


def _escalation_samples() -> list[Event[Any]]:
    def payload(status: EscalationStatus, version: int) -> EscalationPayload:
        return EscalationPayload(
            escalation_id=ANVISNING_ID,
            kind=EscalationKind.LATE_DATE,
            status=status,
            lanskod="06",
            kommunkod="0680",
            anvisning_ids=(ANVISNING_ID,),
            persons=3,
            deadline=date(2022, 5, 1),
            mottagandedatum=date(2022, 6, 1),
            version=version,
            at=WHEN,
        )

    return [
        EscalationOpened.create(payload=payload(EscalationStatus.OPEN, 1), occurred_at=WHEN),
        EscalationHandedOver.create(
            payload=payload(EscalationStatus.HANDED_OVER, 2), occurred_at=WHEN
        ),
        EscalationResolved.create(payload=payload(EscalationStatus.RESOLVED, 3), occurred_at=WHEN),
    ]


def _settlement_samples() -> list[Event[Any]]:
    decided_plan = {"version": 2, "status": ArsplaneringStatus.DECIDED}
    return [
        ArendeRegistered.create(
            payload=ArendeRegisteredPayload(
                arende_id=ARENDE_ID,
                category=Category.ABO,
                adults=2,
                children=2,
                version=1,
                registered_at=WHEN,
            ),
            occurred_at=WHEN,
        ),
        AnvisningDecided.create(payload=anvisning_payload(), occurred_at=WHEN),
        AnvisningCancelled.create(
            payload=anvisning_payload(version=2, status=AnvisningStatus.CANCELLED),
            occurred_at=WHEN,
        ),
        MottagandeCompleted.create(
            payload=MottagandeCompletedPayload(
                anvisning_id=ANVISNING_ID,
                arende_id=ARENDE_ID,
                kommunkod="0680",
                received_on=date(2022, 3, 1),
                reported_at=WHEN,
            ),
            occurred_at=WHEN,
        ),
        ArendeSelfSettled.create(
            payload=SelfSettledPayload(
                arende_id=ARENDE_ID,
                kommunkod="0680",
                adults=1,
                children=2,
                settled_on=date(2022, 3, 1),
                recorded_at=WHEN,
            ),
            occurred_at=WHEN,
        ),
        ArendeSettlementNeeded.create(
            payload=SettlementNeededPayload(
                arende_id=ARENDE_ID, category=Category.ABO, recorded_at=WHEN
            ),
            occurred_at=WHEN,
        ),
        *_escalation_samples(),
        ArsplaneringProposed.create(payload=arsplanering_payload(), occurred_at=WHEN),
        ArsplaneringDecided.create(payload=arsplanering_payload(**decided_plan), occurred_at=WHEN),
        ArsplaneringChanged.create(
            payload=arsplanering_payload(**{**decided_plan, "version": 3}), occurred_at=WHEN
        ),
    ]


def build_samples() -> dict[str, Event[Any]]:
    """One valid event of each type, keyed by event type."""
    blocking = (BlockingRow(kommunkod="0680", used=40, proposed=30),)
    events: list[Event[Any]] = [
        LanstalSet.create(
            payload=LanstalSetPayload(
                year=2022, lanskod="06", lanstal=255, version=1, decided_at=WHEN
            ),
            occurred_at=WHEN,
        ),
        KommuntalDecided.create(
            payload=KommuntalDecisionPayload(
                year=2022,
                lanskod="06",
                version=1,
                lanstal_version=1,
                rows=_rows(),
                decided_at=WHEN,
            ),
            occurred_at=WHEN,
            trace_context={
                "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
            },
        ),
        KommuntalRevised.create(
            payload=KommuntalRevisedPayload(
                year=2022,
                lanskod="06",
                version=2,
                lanstal_version=1,
                rows=_rows(),
                decided_at=WHEN,
                replaces_version=1,
                request_id=REQUEST_ID,
            ),
            occurred_at=WHEN,
        ),
        KommuntalRevisionRequested.create(
            payload=KommuntalRevisionRequestedPayload(
                request_id=REQUEST_ID,
                year=2022,
                lanskod="06",
                kind=RevisionKind.OVERENSKOMMELSE,
                current_version=1,
                lanstal_version=1,
                rows=_rows(),
                requested_at=WHEN,
                expires_at=datetime(2022, 1, 22, tzinfo=UTC),
            ),
            occurred_at=WHEN,
        ),
        KommuntalRevisionRejected.create(
            payload=KommuntalRevisionRejectedPayload(
                request_id=REQUEST_ID,
                year=2022,
                lanskod="06",
                reason=RejectionReason.REFUSED,
                blocking=blocking,
            ),
            occurred_at=WHEN,
        ),
        AnvisningRevisionConfirmed.create(
            payload=AnvisningRevisionConfirmedPayload(
                request_id=REQUEST_ID, year=2022, lanskod="06"
            ),
            occurred_at=WHEN,
        ),
        AnvisningRevisionRefused.create(
            payload=AnvisningRevisionRefusedPayload(
                request_id=REQUEST_ID, year=2022, lanskod="06", blocking=blocking
            ),
            occurred_at=WHEN,
        ),
        *_settlement_samples(),
    ]
    return {event.event_type: event for event in events}
