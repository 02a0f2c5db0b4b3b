"""The event envelope shared by every event (DESIGN §3)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Generic, NamedTuple, Self, TypeVar
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bosattning_contracts.fields import UtcDatetime, Version
from bosattning_contracts.scope import Scope
from bosattning_contracts.scope import subject as subject_for

__all__ = ["AggregateKeys", "Event", "Payload", "PayloadT"]


class Payload(BaseModel):
    """Base of every event payload: immutable, tolerant of fields added later."""

    model_config = ConfigDict(frozen=True, extra="ignore")


PayloadT = TypeVar("PayloadT", bound=Payload)


class AggregateKeys(NamedTuple):
    """Envelope fields that an event type derives from its payload."""

    scope: Scope
    aggregate_id: str
    aggregate_version: int


class Event(BaseModel, Generic[PayloadT]):
    """Envelope of an event published on the bus.

    Subclasses narrow ``event_type`` to a Literal with a default, fix the
    payload type and derive scope and aggregate keys in ``keys_for``.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: UUID = Field(default_factory=uuid4)
    event_type: str
    schema_version: int = Field(default=1, ge=1)
    occurred_at: UtcDatetime
    aggregate_id: str = Field(min_length=1)
    aggregate_version: Version
    scope: Scope
    trace_context: dict[str, str] | None = None
    payload: PayloadT

    @classmethod
    def keys_for(cls, payload: PayloadT) -> AggregateKeys | None:
        """Scope and aggregate keys implied by ``payload`` (None: not derived)."""
        return None

    @classmethod
    def event_type_name(cls) -> str:
        """The event type a concrete subclass publishes (its ``event_type`` default)."""
        default = cls.model_fields["event_type"].default
        if not isinstance(default, str):
            raise TypeError(f"{cls.__name__} does not fix its event_type")
        return default

    @classmethod
    def current_schema_version(cls) -> int:
        """The schema version this model writes."""
        default = cls.model_fields["schema_version"].default
        if not isinstance(default, int):
            raise TypeError(f"{cls.__name__} has no default schema_version")
        return default

    @classmethod
    def create(
        cls,
        *,
        payload: PayloadT,
        occurred_at: datetime,
        trace_context: Mapping[str, str] | None = None,
        event_id: UUID | None = None,
    ) -> Self:
        """Build an event, filling the envelope fields derived from ``payload``."""
        keys = cls.keys_for(payload)
        if keys is None:
            raise TypeError(f"{cls.__name__} cannot derive its envelope from the payload")
        data: dict[str, Any] = {
            "event_type": cls.event_type_name(),
            "occurred_at": occurred_at,
            "aggregate_id": keys.aggregate_id,
            "aggregate_version": keys.aggregate_version,
            "scope": keys.scope,
            "trace_context": dict(trace_context) if trace_context is not None else None,
            "payload": payload,
        }
        if event_id is not None:
            data["event_id"] = event_id
        return cls.model_validate(data)

    @model_validator(mode="after")
    def _check_keys(self) -> Self:
        keys = self.keys_for(self.payload)
        if keys is None:
            return self
        if self.scope != keys.scope:
            raise ValueError(
                f"scope must be {keys.scope.region}.{keys.scope.audience} for this payload"
            )
        if self.aggregate_id != keys.aggregate_id:
            raise ValueError(f"aggregate_id must be {keys.aggregate_id!r} for this payload")
        if self.aggregate_version != keys.aggregate_version:
            raise ValueError(f"aggregate_version must be {keys.aggregate_version} for this payload")
        return self

    @property
    def subject(self) -> str:
        """The NATS subject this event is published on."""
        return subject_for(self.scope, self.event_type)

    def to_json_bytes(self) -> bytes:
        """The event serialised as UTF-8 JSON, as published on the bus."""
        return self.model_dump_json().encode("utf-8")
