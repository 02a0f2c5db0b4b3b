"""Event scopes and the NATS subjects built from them (DESIGN §3)."""

from __future__ import annotations

import re
from typing import Final, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bosattning_contracts.reference import kommun_by_kod, lan_by_kod

__all__ = [
    "AUDIENCE_LAN",
    "AUDIENCE_LST",
    "AUDIENCE_MV",
    "REGION_RIKET",
    "RIKET_LAN",
    "RIKET_MV",
    "STREAM_SUBJECTS",
    "SUBJECT_ROOT",
    "Scope",
    "kommun_scope",
    "lan_scope",
    "lst_scope",
    "subject",
]

SUBJECT_ROOT: Final = "bosattning"
STREAM_SUBJECTS: Final = "bosattning.>"

REGION_RIKET: Final = "riket"
AUDIENCE_MV: Final = "mv"
AUDIENCE_LAN: Final = "lan"
AUDIENCE_LST: Final = "lst"

_EVENT_TYPE_RE: Final = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")


class Scope(BaseModel):
    """Who may read an event: the first two subject tokens after the root.

    Valid pairs: (lanskod, kommunkod of that county), (lanskod, "lan"),
    (lanskod, "lst"), ("riket", "mv") and ("riket", "lan").
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    region: str = Field(pattern=r"^(riket|[0-9]{2})$")
    audience: str = Field(pattern=r"^(mv|lan|lst|[0-9]{4})$")

    @model_validator(mode="after")
    def _check_pair(self) -> Self:
        if self.region == REGION_RIKET:
            if self.audience not in (AUDIENCE_MV, AUDIENCE_LAN):
                raise ValueError(
                    f"national scope needs audience 'mv' or 'lan', not {self.audience!r}"
                )
            return self
        if lan_by_kod(self.region) is None:
            raise ValueError(f"unknown lanskod {self.region!r}")
        if self.audience in (AUDIENCE_LAN, AUDIENCE_LST):
            return self
        kommun = kommun_by_kod(self.audience)
        if kommun is None:
            raise ValueError(f"unknown audience {self.audience!r}")
        if kommun.lanskod != self.region:
            raise ValueError(
                f"kommun {self.audience} belongs to lan {kommun.lanskod}, not {self.region}"
            )
        return self


RIKET_MV: Final = Scope(region=REGION_RIKET, audience=AUDIENCE_MV)
RIKET_LAN: Final = Scope(region=REGION_RIKET, audience=AUDIENCE_LAN)


def kommun_scope(kommunkod: str) -> Scope:
    """Scope of one municipality: readable by it, its county board and Migrationsverket."""
    kommun = kommun_by_kod(kommunkod)
    if kommun is None:
        raise ValueError(f"unknown kommunkod {kommunkod!r}")
    return Scope(region=kommun.lanskod, audience=kommun.kommunkod)


def _known_lanskod(lanskod: str) -> str:
    if lan_by_kod(lanskod) is None:
        raise ValueError(f"unknown lanskod {lanskod!r}")
    return lanskod


def lan_scope(lanskod: str) -> Scope:
    """County-wide scope, public to the county's municipalities."""
    return Scope(region=_known_lanskod(lanskod), audience=AUDIENCE_LAN)


def lst_scope(lanskod: str) -> Scope:
    """Scope for the county board only (its inbox)."""
    return Scope(region=_known_lanskod(lanskod), audience=AUDIENCE_LST)


def subject(scope: Scope, event_type: str) -> str:
    """The NATS subject ``bosattning.<region>.<audience>.<event_type>``."""
    if not _EVENT_TYPE_RE.fullmatch(event_type):
        raise ValueError(f"event type must look like 'aggregate.verb_past', not {event_type!r}")
    return f"{SUBJECT_ROOT}.{scope.region}.{scope.audience}.{event_type}"
