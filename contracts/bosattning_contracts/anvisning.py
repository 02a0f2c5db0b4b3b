"""Events of the settlement unit (anvisning) that answer kommuntal revision requests."""

from __future__ import annotations

from typing import Literal, Self
from uuid import UUID

from pydantic import model_validator

from bosattning_contracts.envelope import AggregateKeys, Event, Payload
from bosattning_contracts.fields import Lanskod, Year
from bosattning_contracts.rows import BlockingRow, check_rows_in_lan
from bosattning_contracts.scope import lan_scope

__all__ = [
    "AnvisningRevisionConfirmed",
    "AnvisningRevisionConfirmedPayload",
    "AnvisningRevisionRefused",
    "AnvisningRevisionRefusedPayload",
    "anvisning_revision_aggregate_id",
]


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
