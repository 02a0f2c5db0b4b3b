"""Events of the länstal aggregate (county quotas set nationally)."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import model_validator

from bosattning_contracts.envelope import AggregateKeys, Event, Payload
from bosattning_contracts.fields import Count, Lanskod, UtcDatetime, Version, Year
from bosattning_contracts.scope import RIKET_LAN

__all__ = ["LanstalSet", "LanstalSetPayload", "lanstal_aggregate_id"]


def lanstal_aggregate_id(year: int, lanskod: str) -> str:
    """Aggregate id of a county's länstal in a year."""
    return f"lanstal:{year}:{lanskod}"


class LanstalSetPayload(Payload):
    """A version of a county's länstal for a year."""

    year: Year
    lanskod: Lanskod
    lanstal: Count
    version: Version
    replaces_version: Version | None = None
    decided_at: UtcDatetime

    @model_validator(mode="after")
    def _check_replaces(self) -> Self:
        _check_replaces_version(self.version, self.replaces_version)
        return self


def _check_replaces_version(version: int, replaces_version: int | None) -> None:
    if version == 1 and replaces_version is not None:
        raise ValueError("the first version replaces none")
    if version > 1 and (replaces_version is None or replaces_version >= version):
        raise ValueError("a later version must name an earlier version it replaces")


class LanstalSet(Event[LanstalSetPayload]):
    """A länstal was set (or replaced by a new version); national and public."""

    event_type: Literal["lanstal.set"] = "lanstal.set"

    @classmethod
    def keys_for(cls, payload: LanstalSetPayload) -> AggregateKeys:
        """Scope riket.lan; one aggregate per year and county, versioned by the länstal."""
        return AggregateKeys(
            scope=RIKET_LAN,
            aggregate_id=lanstal_aggregate_id(payload.year, payload.lanskod),
            aggregate_version=payload.version,
        )
