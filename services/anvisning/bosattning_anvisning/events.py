"""The events this service publishes, built from its domain objects. No coded needs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
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
)
from bosattning_contracts.arende import ArendeRegistered, ArendeRegisteredPayload
from bosattning_contracts.arsplanering import (
    ArsplaneringChanged,
    ArsplaneringDecided,
    ArsplaneringPayload,
    ArsplaneringProposed,
)
from bosattning_contracts.envelope import Event
from bosattning_contracts.rows import BlockingRow

from bosattning_anvisning.domain import Anvisning, Arende, Blocking
from bosattning_anvisning.plans import Arsplanering, PlanStatus


def arende_registered(arende: Arende) -> ArendeRegistered:
    payload = ArendeRegisteredPayload(
        arende_id=arende.arende_id,
        category=arende.category,
        adults=arende.adults,
        children=arende.children,
        kommunkod=arende.kommunkod,
        version=arende.version,
        registered_at=arende.registered_at,
    )
    return ArendeRegistered.create(payload=payload, occurred_at=arende.registered_at)


def _payload(a: Anvisning) -> AnvisningPayload:
    return AnvisningPayload(
        anvisning_id=a.anvisning_id,
        arende_id=a.arende_id,
        category=a.category,
        kommunkod=a.kommunkod,
        year=a.year,
        persons=a.persons,
        decided_at=a.decided_at,
        deadline=a.deadline,
        beyond_plan=a.beyond_plan,
        replaces=a.replaces,
        version=a.version,
        status=a.status,
        enhet=a.enhet,
    )


def anvisning_decided(a: Anvisning) -> AnvisningDecided:
    return AnvisningDecided.create(payload=_payload(a), occurred_at=a.decided_at)


def anvisning_cancelled(a: Anvisning, at: datetime) -> AnvisningCancelled:
    return AnvisningCancelled.create(payload=_payload(a), occurred_at=at)


def revision_answer(
    request_id: UUID, year: int, lanskod: str, blocking: Sequence[Blocking], at: datetime
) -> Event[Any]:
    """Confirmed where nothing blocks; refused with the used counts that do."""
    if not blocking:
        confirmed = AnvisningRevisionConfirmedPayload(
            request_id=request_id, year=year, lanskod=lanskod
        )
        return AnvisningRevisionConfirmed.create(payload=confirmed, occurred_at=at)
    refused = AnvisningRevisionRefusedPayload(
        request_id=request_id,
        year=year,
        lanskod=lanskod,
        blocking=tuple(
            BlockingRow(kommunkod=b.kommunkod, used=b.used, proposed=b.proposed) for b in blocking
        ),
    )
    return AnvisningRevisionRefused.create(payload=refused, occurred_at=at)


def arsplanering(plan: Arsplanering, *, changed: bool) -> Event[Any]:
    """proposed, decided, or changed (a decided plan decided again)."""
    payload = ArsplaneringPayload(
        year=plan.year,
        kommunkod=plan.kommunkod,
        version=plan.version,
        kommuntal=plan.kommuntal,
        months=plan.months,
        status=plan.status,
        changed_at=plan.changed_at,
    )
    if plan.status is PlanStatus.PROPOSED:
        return ArsplaneringProposed.create(payload=payload, occurred_at=plan.changed_at)
    kind = ArsplaneringChanged if changed else ArsplaneringDecided
    return kind.create(payload=payload, occurred_at=plan.changed_at)
