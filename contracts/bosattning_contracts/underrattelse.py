"""Events of the notification talk (underrättelsesamtal): own housing (EBO) or settlement needed."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from bosattning_contracts.arende import Category
from bosattning_contracts.envelope import AggregateKeys, Event, Payload
from bosattning_contracts.fields import ArendeId, Count, Kommunkod, UtcDatetime
from bosattning_contracts.scope import RIKET_MV, kommun_scope

__all__ = [
    "ArendeSelfSettled",
    "ArendeSettlementNeeded",
    "SelfSettledPayload",
    "SettlementNeededPayload",
    "underrattelse_aggregate_id",
]


def underrattelse_aggregate_id(arende_id: str) -> str:
    """Aggregate id of a case's notification talk."""
    return f"underrattelse:{arende_id}"


class SelfSettledPayload(Payload):
    """The household arranged its own housing (EBO) in a municipality."""

    arende_id: ArendeId
    kommunkod: Kommunkod
    adults: int = Field(ge=1)
    children: Count
    settled_on: date
    recorded_at: UtcDatetime


class ArendeSelfSettled(Event[SelfSettledPayload]):
    """A household settles on its own (EBO): counted as self-settled in the municipality."""

    event_type: Literal["arende.self_settled"] = "arende.self_settled"

    @classmethod
    def keys_for(cls, payload: SelfSettledPayload) -> AggregateKeys:
        """Municipality scope; the notification talk's aggregate at version 1."""
        return AggregateKeys(
            scope=kommun_scope(payload.kommunkod),
            aggregate_id=underrattelse_aggregate_id(payload.arende_id),
            aggregate_version=1,
        )


class SettlementNeededPayload(Payload):
    """The household needs settlement: the reception unit registers its settlement basis."""

    arende_id: ArendeId
    category: Category
    recorded_at: UtcDatetime


class ArendeSettlementNeeded(Event[SettlementNeededPayload]):
    """A notification talk ended with settlement needed; Migrationsverket-internal."""

    event_type: Literal["arende.settlement_needed"] = "arende.settlement_needed"

    @classmethod
    def keys_for(cls, payload: SettlementNeededPayload) -> AggregateKeys:
        """Scope riket.mv; the notification talk's aggregate at version 1."""
        return AggregateKeys(
            scope=RIKET_MV,
            aggregate_id=underrattelse_aggregate_id(payload.arende_id),
            aggregate_version=1,
        )
