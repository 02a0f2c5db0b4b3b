"""Constrained field types shared by the event payloads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field

from bosattning_contracts.reference import (
    KOMMUNKOD_PATTERN,
    LANSKOD_PATTERN,
    kommun_by_kod,
    lan_by_kod,
)

__all__ = [
    "ARENDE_ID_PATTERN",
    "ENHET_PATTERN",
    "FIRST_YEAR",
    "ArendeId",
    "Count",
    "EnhetId",
    "Kommunkod",
    "Lanskod",
    "UtcDatetime",
    "Version",
    "Year",
    "to_utc",
]

FIRST_YEAR = 2016
"""The Settlement Act (SFS 2016:38) came into force in 2016."""

ARENDE_ID_PATTERN = r"^[0-9][0-9-]{0,38}[0-9]$"
ENHET_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
"""An organisational unit's id (a reception unit), as the identity provider names it."""
"""Migrationsverket's dossier reference: digits and dashes only, 2–40 characters."""


def to_utc(value: datetime) -> datetime:
    """Return an aware datetime converted to UTC; refuse a naive one."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return value.astimezone(UTC)


def _known_lanskod(value: str) -> str:
    if lan_by_kod(value) is None:
        raise ValueError(f"unknown lanskod {value!r}")
    return value


def _known_kommunkod(value: str) -> str:
    if kommun_by_kod(value) is None:
        raise ValueError(f"unknown kommunkod {value!r}")
    return value


ArendeId = Annotated[str, Field(pattern=ARENDE_ID_PATTERN)]
EnhetId = Annotated[str, Field(pattern=ENHET_PATTERN)]
Lanskod = Annotated[str, Field(pattern=LANSKOD_PATTERN), AfterValidator(_known_lanskod)]
Kommunkod = Annotated[str, Field(pattern=KOMMUNKOD_PATTERN), AfterValidator(_known_kommunkod)]
Year = Annotated[int, Field(ge=FIRST_YEAR)]
Count = Annotated[int, Field(ge=0)]
Version = Annotated[int, Field(ge=1)]
UtcDatetime = Annotated[AwareDatetime, AfterValidator(to_utc)]
