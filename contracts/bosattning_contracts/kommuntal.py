"""Events of the kommuntal aggregate and of kommuntal revision requests."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, Self
from uuid import UUID

from pydantic import model_validator

from bosattning_contracts.envelope import AggregateKeys, Event, Payload
from bosattning_contracts.fields import Lanskod, UtcDatetime, Version, Year
from bosattning_contracts.rows import BlockingRow, KommuntalRow, check_rows_in_lan
from bosattning_contracts.scope import lan_scope

__all__ = [
    "KommuntalDecided",
    "KommuntalDecisionPayload",
    "KommuntalRevised",
    "KommuntalRevisedPayload",
    "KommuntalRevisionRejected",
    "KommuntalRevisionRejectedPayload",
    "KommuntalRevisionRequested",
    "KommuntalRevisionRequestedPayload",
    "RejectionReason",
    "RevisionKind",
    "kommuntal_aggregate_id",
    "kommuntal_revision_aggregate_id",
]


def kommuntal_aggregate_id(year: int, lanskod: str) -> str:
    """Aggregate id of a county's kommuntal decisions in a year."""
    return f"kommuntal:{year}:{lanskod}"


def kommuntal_revision_aggregate_id(request_id: UUID) -> str:
    """Aggregate id of one kommuntal revision request."""
    return f"kommuntal-revision:{request_id}"


class RevisionKind(StrEnum):
    """Why a published kommuntal is to change."""

    OVERENSKOMMELSE = "overenskommelse"
    """Agreement between municipalities; the sum is unchanged."""
    NEW_DIVISION = "new_division"
    """A new division after the länstal changed."""


class RejectionReason(StrEnum):
    """Why a kommuntal revision request was rejected."""

    REFUSED = "refused"
    """The settlement unit refused: used places exceed the proposal."""
    EXPIRED = "expired"
    """The settlement unit did not answer in time."""


class KommuntalDecisionPayload(Payload):
    """A version of a county's kommuntal decision for a year."""

    year: Year
    lanskod: Lanskod
    version: Version
    lanstal_version: Version
    rows: tuple[KommuntalRow, ...]
    decided_at: UtcDatetime

    @model_validator(mode="after")
    def _check_rows(self) -> Self:
        check_rows_in_lan((row.kommunkod for row in self.rows), self.lanskod)
        return self


class KommuntalRevisedPayload(KommuntalDecisionPayload):
    """A new kommuntal version that replaces an earlier one after a revision request."""

    replaces_version: Version
    request_id: UUID

    @model_validator(mode="after")
    def _check_replaces(self) -> Self:
        if self.replaces_version >= self.version:
            raise ValueError("replaces_version must be lower than version")
        return self


class KommuntalRevisionRequestedPayload(Payload):
    """Proposed kommuntal numbers awaiting the settlement unit's reconciliation."""

    request_id: UUID
    year: Year
    lanskod: Lanskod
    kind: RevisionKind
    current_version: Version
    lanstal_version: Version
    rows: tuple[KommuntalRow, ...]
    requested_at: UtcDatetime
    expires_at: UtcDatetime

    @model_validator(mode="after")
    def _check(self) -> Self:
        check_rows_in_lan((row.kommunkod for row in self.rows), self.lanskod)
        if self.expires_at <= self.requested_at:
            raise ValueError("expires_at must be after requested_at")
        return self


class KommuntalRevisionRejectedPayload(Payload):
    """A revision request that ended without a new kommuntal version."""

    request_id: UUID
    year: Year
    lanskod: Lanskod
    reason: RejectionReason
    blocking: tuple[BlockingRow, ...] = ()

    @model_validator(mode="after")
    def _check_rows(self) -> Self:
        check_rows_in_lan((row.kommunkod for row in self.blocking), self.lanskod)
        return self


class KommuntalDecided(Event[KommuntalDecisionPayload]):
    """A county board decided the kommuntal of its county for a year."""

    event_type: Literal["kommuntal.decided"] = "kommuntal.decided"

    @classmethod
    def keys_for(cls, payload: KommuntalDecisionPayload) -> AggregateKeys:
        """County scope; versioned by the decision version."""
        return AggregateKeys(
            scope=lan_scope(payload.lanskod),
            aggregate_id=kommuntal_aggregate_id(payload.year, payload.lanskod),
            aggregate_version=payload.version,
        )


class KommuntalRevised(Event[KommuntalRevisedPayload]):
    """A revised kommuntal decision, reconciled with the settlement unit."""

    event_type: Literal["kommuntal.revised"] = "kommuntal.revised"

    @classmethod
    def keys_for(cls, payload: KommuntalRevisedPayload) -> AggregateKeys:
        """Same aggregate as ``kommuntal.decided``; versioned by the decision version."""
        return AggregateKeys(
            scope=lan_scope(payload.lanskod),
            aggregate_id=kommuntal_aggregate_id(payload.year, payload.lanskod),
            aggregate_version=payload.version,
        )


class KommuntalRevisionRequested(Event[KommuntalRevisionRequestedPayload]):
    """A county board asks the settlement unit to reconcile proposed kommuntal."""

    event_type: Literal["kommuntal.revision_requested"] = "kommuntal.revision_requested"

    @classmethod
    def keys_for(cls, payload: KommuntalRevisionRequestedPayload) -> AggregateKeys:
        """County scope; the request aggregate at version 1."""
        return AggregateKeys(
            scope=lan_scope(payload.lanskod),
            aggregate_id=kommuntal_revision_aggregate_id(payload.request_id),
            aggregate_version=1,
        )


class KommuntalRevisionRejected(Event[KommuntalRevisionRejectedPayload]):
    """A revision request was refused by the settlement unit or expired."""

    event_type: Literal["kommuntal.revision_rejected"] = "kommuntal.revision_rejected"

    @classmethod
    def keys_for(cls, payload: KommuntalRevisionRejectedPayload) -> AggregateKeys:
        """County scope; the request aggregate at version 2."""
        return AggregateKeys(
            scope=lan_scope(payload.lanskod),
            aggregate_id=kommuntal_revision_aggregate_id(payload.request_id),
            aggregate_version=2,
        )
