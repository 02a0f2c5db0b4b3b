"""Events of the settlement unit (anvisning): assignments and revision answers."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal, Self
from uuid import UUID

from pydantic import Field, model_validator

from bosattning_contracts.arende import Category
from bosattning_contracts.envelope import AggregateKeys, Event, Payload
from bosattning_contracts.fields import (
    ArendeId,
    EnhetId,
    Kommunkod,
    Lanskod,
    UtcDatetime,
    Version,
    Year,
)
from bosattning_contracts.rows import BlockingRow, check_rows_in_lan
from bosattning_contracts.scope import kommun_scope, lan_scope

__all__ = [
    "AnvisningCancelled",
    "AnvisningDecided",
    "AnvisningPayload",
    "AnvisningRevisionConfirmed",
    "AnvisningRevisionConfirmedPayload",
    "AnvisningRevisionRefused",
    "AnvisningRevisionRefusedPayload",
    "AnvisningStatus",
    "anvisning_aggregate_id",
    "anvisning_revision_aggregate_id",
]


def anvisning_aggregate_id(anvisning_id: UUID) -> str:
    """Aggregate id of one assignment decision."""
    return f"anvisning:{anvisning_id}"


class AnvisningStatus(StrEnum):
    """Where an assignment stands."""

    PENDING = "pending"
    """Decided; the household is not yet received."""
    RECEIVED = "received"
    """The municipality received the household."""
    CANCELLED = "cancelled"
    """Cancelled; it no longer uses a place in the kommuntal."""


class AnvisningPayload(Payload):
    """A version of an assignment decision: a case assigned to a municipality.

    ``year`` is the kommuntal year the persons count against (a replacement
    counts against the replaced assignment's year); ``deadline`` is the latest
    reception date stated in the decision; ``persons`` is the household size
    fixed at the decision.
    """

    anvisning_id: UUID
    arende_id: ArendeId
    category: Category
    kommunkod: Kommunkod
    year: Year
    persons: int = Field(ge=1)
    decided_at: UtcDatetime
    deadline: date
    beyond_plan: bool
    replaces: UUID | None = None
    version: Version
    status: AnvisningStatus
    enhet: EnhetId | None = None
    """The case's reception unit (an organisational id): the unit that acts on it."""

    @model_validator(mode="after")
    def _check_replaces(self) -> Self:
        if self.replaces == self.anvisning_id:
            raise ValueError("an assignment cannot replace itself")
        return self


def _anvisning_keys(payload: AnvisningPayload) -> AggregateKeys:
    return AggregateKeys(
        scope=kommun_scope(payload.kommunkod),
        aggregate_id=anvisning_aggregate_id(payload.anvisning_id),
        aggregate_version=payload.version,
    )


class AnvisningDecided(Event[AnvisningPayload]):
    """The settlement unit assigned a case to a municipality."""

    event_type: Literal["anvisning.decided"] = "anvisning.decided"

    @classmethod
    def keys_for(cls, payload: AnvisningPayload) -> AggregateKeys:
        """Municipality scope; versioned by the assignment version."""
        return _anvisning_keys(payload)

    @model_validator(mode="after")
    def _check_status(self) -> Self:
        if self.payload.status != AnvisningStatus.PENDING:
            raise ValueError("a decided assignment has status pending")
        return self


class AnvisningCancelled(Event[AnvisningPayload]):
    """The settlement unit cancelled an assignment; its places are free again."""

    event_type: Literal["anvisning.cancelled"] = "anvisning.cancelled"

    @classmethod
    def keys_for(cls, payload: AnvisningPayload) -> AggregateKeys:
        """Same aggregate as ``anvisning.decided``; versioned by the assignment version."""
        return _anvisning_keys(payload)

    @model_validator(mode="after")
    def _check_status(self) -> Self:
        if self.payload.status != AnvisningStatus.CANCELLED:
            raise ValueError("a cancelled assignment has status cancelled")
        if self.payload.version < 2:
            raise ValueError("a cancellation is a later version than the decision")
        return self


def anvisning_revision_aggregate_id(request_id: UUID) -> str:
    """Aggregate id of the settlement unit's answer to one revision request."""
    return f"anvisning-revision:{request_id}"


class AnvisningRevisionConfirmedPayload(Payload):
    """The settlement unit accepts the proposed kommuntal."""

    request_id: UUID
    year: Year
    lanskod: Lanskod


class AnvisningRevisionRefusedPayload(Payload):
    """The settlement unit refuses: used places exceed the proposed kommuntal."""

    request_id: UUID
    year: Year
    lanskod: Lanskod
    blocking: tuple[BlockingRow, ...]

    @model_validator(mode="after")
    def _check_rows(self) -> Self:
        check_rows_in_lan((row.kommunkod for row in self.blocking), self.lanskod)
        return self


def _answer_keys(request_id: UUID, lanskod: str) -> AggregateKeys:
    return AggregateKeys(
        scope=lan_scope(lanskod),
        aggregate_id=anvisning_revision_aggregate_id(request_id),
        aggregate_version=1,
    )


class AnvisningRevisionConfirmed(Event[AnvisningRevisionConfirmedPayload]):
    """The settlement unit confirmed a kommuntal revision request."""

    event_type: Literal["anvisning.revision_confirmed"] = "anvisning.revision_confirmed"

    @classmethod
    def keys_for(cls, payload: AnvisningRevisionConfirmedPayload) -> AggregateKeys:
        """County scope; the answer aggregate at version 1."""
        return _answer_keys(payload.request_id, payload.lanskod)


class AnvisningRevisionRefused(Event[AnvisningRevisionRefusedPayload]):
    """The settlement unit refused a kommuntal revision request."""

    event_type: Literal["anvisning.revision_refused"] = "anvisning.revision_refused"

    @classmethod
    def keys_for(cls, payload: AnvisningRevisionRefusedPayload) -> AggregateKeys:
        """County scope; the answer aggregate at version 1."""
        return _answer_keys(payload.request_id, payload.lanskod)
