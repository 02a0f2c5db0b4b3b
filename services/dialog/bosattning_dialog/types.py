"""GraphQL types of the reception units' subgraph."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

import strawberry
from bosattning_contracts.reference import all_lan
from bosattning_runtime.auth import may_read_kommun_counts, may_read_national_picture
from bosattning_runtime.db import Connection
from bosattning_runtime.graphql import (
    RequestContext,
    by_year_loader,
    forbidden,
    loader,
    principal_of,
    require_agency,
    require_county_picture,
)
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from bosattning_dialog import access, domain, escalations, store
from bosattning_dialog.handlers import Deps

DInfo = Info[RequestContext[Deps], None]

ReceptionStatus = strawberry.enum(domain.Status, name="ReceptionStatus")


def deps_of(info: DInfo) -> Deps:
    return info.context.deps


def mottagande_loader(info: DInfo) -> DataLoader[UUID, domain.Mottagande | None]:
    async def load(keys: list[UUID]) -> list[domain.Mottagande | None]:
        async with deps_of(info).pool.acquire() as conn:
            found = {m.anvisning_id: m for m in await store.mottaganden(conn, keys)}
        return [found.get(key) for key in keys]

    return loader(info, "mottagande", load)


EscalationKind = strawberry.enum(escalations.EscalationKind, name="EscalationKind")
EscalationStatus = strawberry.enum(escalations.EscalationStatus, name="EscalationStatus")


@strawberry.type(description="A case taken further because a deadline or plan is not met.")
class Escalation:
    escalation_id: UUID
    kind: EscalationKind  # type: ignore[valid-type]
    status: EscalationStatus  # type: ignore[valid-type]
    kommunkod: str
    opened_at: datetime

    @staticmethod
    def of(e: escalations.Escalation) -> Escalation:
        return Escalation(
            escalation_id=e.escalation_id,
            kind=e.kind,
            status=e.status,
            kommunkod=e.kommunkod,
            opened_at=e.opened_at,
        )


def escalations_loader(info: DInfo) -> DataLoader[UUID, list[escalations.Escalation]]:
    async def load(keys: list[UUID]) -> list[list[escalations.Escalation]]:
        async with deps_of(info).pool.acquire() as conn:
            rows = await store.escalations_of(conn, keys)
        return [[e for e in rows if e.anvisning_id == key] for key in keys]

    return loader(info, "escalations", load)


@strawberry.type
class Kontakt:
    kind: str
    contacted_on: date
    note: str | None


@strawberry.federation.type(keys=["anvisningId"], description="An assignment decision.")
class Anvisning:
    anvisning_id: UUID
    reception_status: ReceptionStatus | None  # type: ignore[valid-type]
    mottagandedatum: date | None
    date_after_deadline: bool | None = strawberry.field(
        description="The reported date is later than the decision's deadline."
    )
    anvisningssamtal_held_on: date | None
    received_on: date | None

    @strawberry.field(description="Escalations of this assignment, opened by the system.")
    async def escalations(self, info: DInfo) -> list[Escalation]:
        return [Escalation.of(e) for e in await escalations_loader(info).load(self.anvisning_id)]

    @classmethod
    async def resolve_reference(cls, info: DInfo, anvisningId: str) -> Anvisning:
        found = await mottagande_loader(info).load(UUID(anvisningId))
        if found is None:  # not yet projected here: the fields are unknown, not forbidden
            return cls(
                anvisning_id=UUID(anvisningId),
                reception_status=None,
                mottagandedatum=None,
                date_after_deadline=None,
                anvisningssamtal_held_on=None,
                received_on=None,
            )
        if not access.may_read(principal_of(info), found):
            raise forbidden("this assignment is not yours to read")
        return cls.of(found)

    @staticmethod
    def of(m: domain.Mottagande) -> Anvisning:
        return Anvisning(
            anvisning_id=m.anvisning_id,
            reception_status=m.status,
            mottagandedatum=m.mottagandedatum,
            date_after_deadline=m.date_after_deadline,
            anvisningssamtal_held_on=m.samtal_held_on,
            received_on=m.received_on,
        )


CountsByKommun = Callable[[Connection, Sequence[str]], Awaitable[Mapping[str, int]]]


async def _count(info: DInfo, name: str, fetch: CountsByKommun, kommunkod: str) -> int:
    """A count per municipality: one statement per request, however many municipalities."""
    if not may_read_kommun_counts(principal_of(info), kommunkod):
        raise forbidden("these counts are not yours to read")

    async def load(keys: list[str]) -> list[int]:
        async with deps_of(info).pool.acquire() as conn:
            found = await fetch(conn, keys)
        return [found.get(key, 0) for key in keys]

    return await loader(info, name, load).load(kommunkod)


@strawberry.federation.type(keys=["kommunkod"], description="A municipality (kommun).")
class Kommun:
    kommunkod: str

    @strawberry.field(description="Persons who arranged own housing (EBO) here in the year.")
    async def self_settled(self, info: DInfo, year: int) -> int:
        if not may_read_kommun_counts(principal_of(info), self.kommunkod):
            raise forbidden("these counts are not yours to read")
        loaded = await by_year_loader(
            info, "self_settled", deps_of(info).pool, store.self_settled
        ).load((year, self.kommunkod))
        return loaded or 0

    @strawberry.field(description="Assignments here neither cancelled nor received yet.")
    async def pending_receptions(self, info: DInfo) -> int:
        return await _count(info, "pending_receptions", store.pending, self.kommunkod)

    @strawberry.field(description="Escalations about this municipality not yet resolved.")
    async def open_escalations(self, info: DInfo) -> int:
        return await _count(info, "open_escalations", store.open_escalations, self.kommunkod)

    @classmethod
    def resolve_reference(cls, info: DInfo, kommunkod: str) -> Kommun:
        return cls(kommunkod=kommunkod)


@strawberry.federation.type(keys=["lanskod"], description="A county (län).")
class Lan:
    lanskod: str

    @strawberry.field(description="Escalations in the county not yet resolved.")
    async def open_escalations(self, info: DInfo) -> int:
        require_county_picture(info, self.lanskod)
        return await _count(
            info, "lan_open_escalations", store.open_escalations_of_lan, self.lanskod
        )

    @strawberry.field(description="Persons who arranged own housing (EBO) in the county.")
    async def self_settled(self, info: DInfo, year: int) -> int:
        require_agency(info, "county totals are for the agencies")
        loaded = await by_year_loader(
            info, "lan_self_settled", deps_of(info).pool, store.self_settled_of_lan
        ).load((year, self.lanskod))
        return loaded or 0

    @strawberry.field(description="Open escalations by kind, with the oldest's opening time.")
    async def escalations_by_kind(self, info: DInfo) -> list[EscalationCount]:
        require_county_picture(info, self.lanskod)
        rows = await _by_lan(info, "escalations_by_kind", store.escalations_by_kind, self.lanskod)
        return [
            EscalationCount(kind=r["kind"], open=r["open"], oldest_opened_at=r["oldest"])
            for r in rows or []
        ]

    @strawberry.field(description="The last check-in (avstämning) held with the county board.")
    async def last_avstamning(self, info: DInfo) -> date | None:
        require_county_picture(info, self.lanskod)
        held = await _by_lan(info, "last_held", store.last_held, self.lanskod)
        return None if held is None else held.get("avstamning")

    @strawberry.field(description="The last county meeting (länsträff) held.")
    async def last_lanstraff(self, info: DInfo) -> date | None:
        require_county_picture(info, self.lanskod)
        held = await _by_lan(info, "last_held", store.last_held, self.lanskod)
        return None if held is None else held.get("lanstraff")

    @classmethod
    def resolve_reference(cls, info: DInfo, lanskod: str) -> Lan:
        return cls(lanskod=lanskod)


@strawberry.federation.type(keys=["id"], description="The country: national totals.")
class Riket:
    id: strawberry.ID

    @strawberry.field(description="Escalations not yet resolved, in the whole country.")
    async def open_escalations(self, info: DInfo) -> int:
        if not may_read_national_picture(principal_of(info)):
            raise forbidden("the national picture is for nationell and the settlement unit")
        async with deps_of(info).pool.acquire() as conn:
            counts = await store.open_escalations_of_lan(conn, [lan.lanskod for lan in all_lan()])
        return sum(counts.values())

    @classmethod
    def resolve_reference(cls, info: DInfo, id: strawberry.ID) -> Riket:
        return cls(id=id)


@strawberry.type
class EscalationCount:
    kind: EscalationKind  # type: ignore[valid-type]
    open: int
    oldest_opened_at: datetime


async def _by_lan(info: DInfo, name: str, fetch: Any, lanskod: str) -> Any:
    """Rows per county through one loader: one statement however many counties."""

    async def load(keys: list[str]) -> list[Any]:
        async with deps_of(info).pool.acquire() as conn:
            found = await fetch(conn, keys)
        return [found.get(key) for key in keys]

    return await loader(info, name, load).load(lanskod)
