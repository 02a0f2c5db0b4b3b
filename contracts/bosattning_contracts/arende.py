"""Events of the arende aggregate: a settlement case (one household)."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from bosattning_contracts.envelope import AggregateKeys, Event, Payload
from bosattning_contracts.fields import ArendeId, Count, Kommunkod, UtcDatetime, Version
from bosattning_contracts.scope import RIKET_MV

__all__ = ["ArendeRegistered", "ArendeRegisteredPayload", "Category", "arende_aggregate_id"]


def arende_aggregate_id(arende_id: str) -> str:
    """Aggregate id of a settlement case."""
    return f"arende:{arende_id}"


class Category(StrEnum):
    """How a newcomer comes to be settled by assignment."""

    ABO = "ABO"
    """Lives in Migrationsverket's accommodation (anläggningsboende)."""
    KVOTFLYKTING = "KVOTFLYKTING"
    """Resettled quota refugee; the vidarebosättning unit acts as reception unit."""


class ArendeRegisteredPayload(Payload):
    """A version of a settlement case: category, household size and any tie."""

    arende_id: ArendeId
    category: Category
    adults: int = Field(ge=1)
    children: Count
    kommunkod: Kommunkod | None = None
    """A municipality the case is tied to, if any."""
    version: Version
    registered_at: UtcDatetime


class ArendeRegistered(Event[ArendeRegisteredPayload]):
    """A settlement case was registered (or a new version of it); Migrationsverket-internal."""

    event_type: Literal["arende.registered"] = "arende.registered"

    @classmethod
    def keys_for(cls, payload: ArendeRegisteredPayload) -> AggregateKeys:
        """Scope riket.mv; one aggregate per case, versioned by the case version."""
        return AggregateKeys(
            scope=RIKET_MV,
            aggregate_id=arende_aggregate_id(payload.arende_id),
            aggregate_version=payload.version,
        )
