"""Lookup of event classes by event type and parsing of received events."""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel, ConfigDict

from bosattning_contracts.anvisning import (
    AnvisningCancelled,
    AnvisningDecided,
    AnvisningRevisionConfirmed,
    AnvisningRevisionRefused,
)
from bosattning_contracts.arende import ArendeRegistered
from bosattning_contracts.arsplanering import (
    ArsplaneringChanged,
    ArsplaneringDecided,
    ArsplaneringProposed,
)
from bosattning_contracts.envelope import Event
from bosattning_contracts.escalation import (
    EscalationHandedOver,
    EscalationOpened,
    EscalationResolved,
)
from bosattning_contracts.kommuntal import (
    KommuntalDecided,
    KommuntalRevised,
    KommuntalRevisionRejected,
    KommuntalRevisionRequested,
)
from bosattning_contracts.lanstal import LanstalSet
from bosattning_contracts.mottagande import MottagandeCompleted
from bosattning_contracts.underrattelse import ArendeSelfSettled, ArendeSettlementNeeded

__all__ = ["EVENT_CLASSES", "EVENT_TYPES", "UnknownEventType", "parse_event"]

EVENT_CLASSES: Final[tuple[type[Event[Any]], ...]] = (
    LanstalSet,
    KommuntalDecided,
    KommuntalRevised,
    KommuntalRevisionRequested,
    KommuntalRevisionRejected,
    AnvisningRevisionConfirmed,
    AnvisningRevisionRefused,
    ArendeRegistered,
    ArsplaneringProposed,
    ArsplaneringDecided,
    ArsplaneringChanged,
    AnvisningDecided,
    AnvisningCancelled,
    MottagandeCompleted,
    ArendeSelfSettled,
    ArendeSettlementNeeded,
    EscalationOpened,
    EscalationHandedOver,
    EscalationResolved,
)

EVENT_TYPES: Final[dict[str, type[Event[Any]]]] = {
    cls.event_type_name(): cls for cls in EVENT_CLASSES
}


class UnknownEventType(ValueError):
    """Raised by ``parse_event`` for an event type this package does not know."""

    def __init__(self, event_type: str) -> None:
        super().__init__(f"unknown event type {event_type!r}")
        self.event_type = event_type


class _Head(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: str


def parse_event(data: bytes | str) -> Event[Any]:
    """Parse a JSON event into its class chosen by ``event_type``.

    Raises ``UnknownEventType`` for an unknown type and pydantic's
    ``ValidationError`` for malformed JSON or an invalid event.
    """
    event_type = _Head.model_validate_json(data).event_type
    cls = EVENT_TYPES.get(event_type)
    if cls is None:
        raise UnknownEventType(event_type)
    return cls.model_validate_json(data)
