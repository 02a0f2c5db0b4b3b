"""Events of the arsplanering aggregate: a municipality's annual plan (DESIGN S8)."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, Self

from pydantic import Field, model_validator

from bosattning_contracts.envelope import AggregateKeys, Event, Payload
from bosattning_contracts.fields import Count, Kommunkod, UtcDatetime, Version, Year
from bosattning_contracts.scope import kommun_scope

__all__ = [
    "MONTHS_IN_YEAR",
    "ArsplaneringChanged",
    "ArsplaneringDecided",
    "ArsplaneringPayload",
    "ArsplaneringProposed",
    "ArsplaneringStatus",
    "arsplanering_aggregate_id",
]

MONTHS_IN_YEAR = 12


def arsplanering_aggregate_id(year: int, kommunkod: str) -> str:
    """Aggregate id of a municipality's annual plan for a year."""
    return f"arsplanering:{year}:{kommunkod}"


class ArsplaneringStatus(StrEnum):
    """Where an annual plan stands."""

    PROPOSED = "proposed"
    """Proposed by the settlement unit, not yet decided."""
    DECIDED = "decided"
    """Decided by the settlement unit."""


class ArsplaneringPayload(Payload):
    """A version of a municipality's annual plan: persons to assign per month.

    ``months`` holds January to December and sums to ``kommuntal``.
    """

    year: Year
    kommunkod: Kommunkod
    version: Version
    kommuntal: Count
    months: tuple[Count, ...] = Field(min_length=MONTHS_IN_YEAR, max_length=MONTHS_IN_YEAR)
    status: ArsplaneringStatus
    changed_at: UtcDatetime

    @model_validator(mode="after")
    def _check_months(self) -> Self:
        # exactly twelve entries is checked by the field (and stated in the JSON Schema)
        if sum(self.months) != self.kommuntal:
            raise ValueError(f"months sum to {sum(self.months)}, not kommuntal {self.kommuntal}")
        return self


def _plan_keys(payload: ArsplaneringPayload) -> AggregateKeys:
    return AggregateKeys(
        scope=kommun_scope(payload.kommunkod),
        aggregate_id=arsplanering_aggregate_id(payload.year, payload.kommunkod),
        aggregate_version=payload.version,
    )


class ArsplaneringProposed(Event[ArsplaneringPayload]):
    """The settlement unit proposed a municipality's annual plan."""

    event_type: Literal["arsplanering.proposed"] = "arsplanering.proposed"

    @classmethod
    def keys_for(cls, payload: ArsplaneringPayload) -> AggregateKeys:
        """Municipality scope; versioned by the plan version."""
        return _plan_keys(payload)

    @model_validator(mode="after")
    def _check_status(self) -> Self:
        if self.payload.status != ArsplaneringStatus.PROPOSED:
            raise ValueError("a proposed plan has status proposed")
        return self


class ArsplaneringDecided(Event[ArsplaneringPayload]):
    """The settlement unit decided a municipality's annual plan."""

    event_type: Literal["arsplanering.decided"] = "arsplanering.decided"

    @classmethod
    def keys_for(cls, payload: ArsplaneringPayload) -> AggregateKeys:
        """Municipality scope; versioned by the plan version."""
        return _plan_keys(payload)

    @model_validator(mode="after")
    def _check_status(self) -> Self:
        if self.payload.status != ArsplaneringStatus.DECIDED:
            raise ValueError("a decided plan has status decided")
        return self


class ArsplaneringChanged(Event[ArsplaneringPayload]):
    """The settlement unit changed a municipality's annual plan (a new version)."""

    event_type: Literal["arsplanering.changed"] = "arsplanering.changed"

    @classmethod
    def keys_for(cls, payload: ArsplaneringPayload) -> AggregateKeys:
        """Municipality scope; versioned by the plan version."""
        return _plan_keys(payload)

    @model_validator(mode="after")
    def _check_version(self) -> Self:
        if self.payload.version < 2:
            raise ValueError("a change is a later version than the first plan")
        return self
