"""Receptions reported for cancelled assignments: kept for the settlement unit to resolve."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import strawberry
from bosattning_runtime.graphql import forbidden, principal_of

from bosattning_anvisning import access, store
from bosattning_anvisning.types import AInfo, deps_of


@strawberry.type(description="A reception reported for an assignment cancelled meanwhile.")
class MottagandeConflict:
    anvisning_id: UUID
    kommunkod: str
    received_on: date
    reported_at: datetime


async def open_conflicts(info: AInfo, year: int) -> list[MottagandeConflict]:
    if not access.may_decide(principal_of(info)):
        raise forbidden("conflicts are the settlement unit's to resolve")
    async with deps_of(info).pool.acquire() as conn:
        rows = await store.open_conflicts(conn, year)
    return [
        MottagandeConflict(
            anvisning_id=r["anvisning_id"],
            kommunkod=r["kommunkod"],
            received_on=r["received_on"],
            reported_at=r["reported_at"],
        )
        for r in rows
    ]
