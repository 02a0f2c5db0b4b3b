"""Events of the mottagande aggregate: a municipality received an assigned household."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from bosattning_contracts.envelope import AggregateKeys, Event, Payload
from bosattning_contracts.fields import ArendeId, Kommunkod, UtcDatetime
from bosattning_contracts.scope import kommun_scope

__all__ = ["MottagandeCompleted", "MottagandeCompletedPayload", "mottagande_aggregate_id"]


def mottagande_aggregate_id(anvisning_id: UUID) -> str:
    """Aggregate id of the reception of one assignment."""
    return f"mottagande:{anvisning_id}"


class MottagandeCompletedPayload(Payload):
    """The assigned municipality reports the household received on a date."""

    anvisning_id: UUID
    arende_id: ArendeId
    kommunkod: Kommunkod
    received_on: date
    reported_at: UtcDatetime


class MottagandeCompleted(Event[MottagandeCompletedPayload]):
    """A municipality received the household of an assignment (published by the dialog service)."""

    event_type: Literal["mottagande.completed"] = "mottagande.completed"

    @classmethod
    def keys_for(cls, payload: MottagandeCompletedPayload) -> AggregateKeys:
        """Municipality scope; the reception aggregate at version 1."""
        return AggregateKeys(
            scope=kommun_scope(payload.kommunkod),
            aggregate_id=mottagande_aggregate_id(payload.anvisning_id),
            aggregate_version=1,
        )
