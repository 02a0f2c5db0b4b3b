"""The events this service publishes, built from its domain objects."""

from __future__ import annotations

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
)
from bosattning_contracts.lanstal import LanstalSet, LanstalSetPayload
from bosattning_contracts.rows import BlockingRow, KommuntalRow

from bosattning_kommuntal.domain import (
    KommuntalDecision,
    Lanstal,
    RevisionRequest,
    RevisionStatus,
    Row,
)


def _rows(rows: tuple[Row, ...]) -> tuple[KommuntalRow, ...]:
    return tuple(KommuntalRow(kommunkod=r.kommunkod, kommuntal=r.kommuntal) for r in rows)


def lanstal_set(lanstal: Lanstal, replaces_version: int | None) -> LanstalSet:
    payload = LanstalSetPayload(
        year=lanstal.year,
        lanskod=lanstal.lanskod,
        lanstal=lanstal.lanstal,
        version=lanstal.version,
        replaces_version=replaces_version,
        decided_at=lanstal.decided.at,
    )
    return LanstalSet.create(payload=payload, occurred_at=lanstal.decided.at)


def kommuntal_decided(decision: KommuntalDecision) -> KommuntalDecided:
    payload = KommuntalDecisionPayload(
        year=decision.year,
        lanskod=decision.lanskod,
        version=decision.version,
        lanstal_version=decision.lanstal_version,
        rows=_rows(decision.rows),
        decided_at=decision.decided.at,
    )
    return KommuntalDecided.create(payload=payload, occurred_at=decision.decided.at)


def kommuntal_revised(decision: KommuntalDecision, replaces_version: int) -> KommuntalRevised:
    assert decision.request_id is not None
    payload = KommuntalRevisedPayload(
        year=decision.year,
        lanskod=decision.lanskod,
        version=decision.version,
        lanstal_version=decision.lanstal_version,
        rows=_rows(decision.rows),
        decided_at=decision.decided.at,
        replaces_version=replaces_version,
        request_id=decision.request_id,
    )
    return KommuntalRevised.create(payload=payload, occurred_at=decision.decided.at)


def revision_requested(request: RevisionRequest) -> KommuntalRevisionRequested:
    payload = KommuntalRevisionRequestedPayload(
        request_id=request.request_id,
        year=request.year,
        lanskod=request.lanskod,
        kind=request.kind,
        current_version=request.base_version,
        lanstal_version=request.lanstal_version,
        rows=_rows(request.rows),
        requested_at=request.decided.at,
        expires_at=request.expires_at,
    )
    return KommuntalRevisionRequested.create(payload=payload, occurred_at=request.decided.at)


def revision_rejected(request: RevisionRequest) -> KommuntalRevisionRejected:
    assert request.resolved_at is not None
    reason = (
        RejectionReason.EXPIRED
        if request.status is RevisionStatus.EXPIRED
        else RejectionReason.REFUSED
    )
    payload = KommuntalRevisionRejectedPayload(
        request_id=request.request_id,
        year=request.year,
        lanskod=request.lanskod,
        reason=reason,
        blocking=tuple(
            BlockingRow(kommunkod=b.kommunkod, used=b.used, proposed=b.proposed)
            for b in request.blocking
        ),
    )
    return KommuntalRevisionRejected.create(payload=payload, occurred_at=request.resolved_at)
