"""GraphQL types of the settlement unit's subgraph."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import strawberry
from bosattning_contracts.reference import all_lan
from bosattning_runtime.auth import may_read_kommun_counts, may_read_national_picture
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

from bosattning_anvisning import access, domain, plans, store
from bosattning_anvisning.handlers import Deps

AInfo = Info[RequestContext[Deps], None]

Category = strawberry.enum(domain.Category, name="Category")
AnvisningStatus = strawberry.enum(domain.Status, name="AnvisningStatus")


def deps_of(info: AInfo) -> Deps:
    return info.context.deps


def capacity_loader(info: AInfo) -> DataLoader[tuple[int, str], domain.Capacity | None]:
    """Capacities by (year, kommunkod): one statement per year however many municipalities."""
    return by_year_loader(info, "capacity", deps_of(info).pool, store.capacities_by_kommun)


def anvisning_loader(info: AInfo) -> DataLoader[UUID, domain.Anvisning | None]:
    async def load(keys: list[UUID]) -> list[domain.Anvisning | None]:
        async with deps_of(info).pool.acquire() as conn:
            found = {a.anvisning_id: a for a in await store.anvisningar(conn, keys)}
        return [found.get(key) for key in keys]

    return loader(info, "anvisning", load)


def arende_loader(info: AInfo) -> DataLoader[str, domain.Arende | None]:
    async def load(keys: list[str]) -> list[domain.Arende | None]:
        async with deps_of(info).pool.acquire() as conn:
            found = {a.arende_id: a for a in await store.arenden(conn, keys)}
        return [found.get(key) for key in keys]

    return loader(info, "arende", load)


@strawberry.federation.type(keys=["anvisningId"], description="An assignment decision.")
class Anvisning:
    anvisning_id: UUID
    arende_id: str
    kommunkod: str
    year: int
    persons: int
    decided_at: datetime
    deadline: date
    status: AnvisningStatus  # type: ignore[valid-type]
    replaces: UUID | None
    beyond_plan: bool = strawberry.field(description="Assigned beyond the plan, by override.")
    without_plan: bool = strawberry.field(
        description="Assigned without a decided, current annual plan (flagged)."
    )

    @staticmethod
    def of(value: domain.Anvisning) -> Anvisning:
        return Anvisning(
            anvisning_id=value.anvisning_id,
            arende_id=value.arende_id,
            kommunkod=value.kommunkod,
            year=value.year,
            persons=value.persons,
            decided_at=value.decided_at,
            deadline=value.deadline,
            status=value.status,
            replaces=value.replaces,
            beyond_plan=value.beyond_plan,
            without_plan=value.without_plan,
        )

    @classmethod
    async def resolve_reference(cls, info: AInfo, anvisningId: str) -> Anvisning | None:
        found = await anvisning_loader(info).load(UUID(anvisningId))
        if found is None:
            return None
        arende = await arende_loader(info).load(found.arende_id)
        assert arende is not None
        active = found if found.status is not domain.Status.CANCELLED else None
        if not access.may_read_arende(principal_of(info), arende, active):
            raise forbidden("this assignment is not yours to read")
        return cls.of(found)


@strawberry.federation.type(keys=["arendeId"], description="A settlement case (one household).")
class Arende:
    arende_id: str
    category: Category  # type: ignore[valid-type]
    adults: int
    children: int
    persons: int
    version: int
    anvisningar: list[Anvisning]
    coded_needs: strawberry.Private[tuple[str, ...]]
    may_read_needs: strawberry.Private[bool]

    @strawberry.field(
        description="Coded needs, for the settlement unit, the reception unit "
        "and the assigned municipality only."
    )
    def needs(self) -> list[str]:
        if not self.may_read_needs:
            raise forbidden("coded needs are not yours to read")
        return list(self.coded_needs)

    @classmethod
    async def resolve_reference(cls, info: AInfo, arendeId: str) -> Arende | None:
        return await load_arende(info, arendeId)


def history_loader(info: AInfo) -> DataLoader[str, list[domain.Anvisning]]:
    async def load(keys: list[str]) -> list[list[domain.Anvisning]]:
        async with deps_of(info).pool.acquire() as conn:
            rows = await store.anvisningar_of_arenden(conn, keys)
        return [[a for a in rows if a.arende_id == key] for key in keys]

    return loader(info, "history", load)


async def load_arende(info: AInfo, arende_id: str) -> Arende | None:
    principal = principal_of(info)
    arende = await arende_loader(info).load(arende_id)
    if arende is None:
        return None
    history = await history_loader(info).load(arende_id)
    active = next((a for a in history if a.status is not domain.Status.CANCELLED), None)
    if not access.may_read_arende(principal, arende, active):
        raise forbidden("this case is not yours to read")
    return Arende(
        arende_id=arende.arende_id,
        category=arende.category,
        adults=arende.adults,
        children=arende.children,
        persons=arende.persons,
        version=arende.version,
        anvisningar=[Anvisning.of(a) for a in history],
        coded_needs=arende.needs,
        may_read_needs=access.may_read_needs(principal, arende, active),
    )


@strawberry.federation.type(keys=["kommunkod"], description="A municipality (kommun).")
class Kommun:
    kommunkod: str

    async def _capacity(self, info: AInfo, year: int) -> domain.Capacity | None:
        if not may_read_kommun_counts(principal_of(info), self.kommunkod):
            raise forbidden("these counts are not yours to read")
        return await capacity_loader(info).load((year, self.kommunkod))

    @strawberry.field(description="Persons in this year's assignments that are not cancelled.")
    async def used(self, info: AInfo, year: int) -> int:
        found = await self._capacity(info, year)
        return 0 if found is None else found.used

    @strawberry.field(description="Persons reported received (L3).")
    async def received(self, info: AInfo, year: int) -> int:
        found = await self._capacity(info, year)
        return 0 if found is None else found.received

    @strawberry.field(description="Places the settlement unit may still assign (never below 0).")
    async def remaining(self, info: AInfo, year: int) -> int:
        found = await self._capacity(info, year)
        return 0 if found is None else found.remaining

    @strawberry.field(description="The annual plan in force, planned against assigned per month.")
    async def arsplanering(self, info: AInfo, year: int) -> Arsplanering | None:
        if not access.may_read_plan(principal_of(info), self.kommunkod):
            raise forbidden("this annual plan is not yours to read")
        async with deps_of(info).pool.acquire() as conn:
            plan = await store.current_plan(conn, year, self.kommunkod)
            if plan is None:
                return None
            capacity = await store.capacity(conn, year, self.kommunkod)
            assigned = await store.assigned_per_month(conn, year, self.kommunkod)
        return Arsplanering.of(plan, capacity, assigned)

    @classmethod
    def resolve_reference(cls, info: AInfo, kommunkod: str) -> Kommun:
        return cls(kommunkod=kommunkod)


@strawberry.type
class PlanMonth:
    month: int
    planned: int
    assigned: int


PlanStatus = strawberry.enum(plans.PlanStatus, name="ArsplaneringStatus")


@strawberry.type(description="A version of a municipality's annual plan (årsplanering).")
class Arsplanering:
    year: int
    kommunkod: str
    version: int
    kommuntal: int
    status: PlanStatus  # type: ignore[valid-type]
    stale: bool = strawberry.field(description="The kommuntal changed since: decide it again.")
    months: list[PlanMonth]
    reason: str | None
    material: str | None
    changed_at: datetime

    @staticmethod
    def of(
        plan: plans.Arsplanering, capacity: domain.Capacity | None, assigned: tuple[int, ...]
    ) -> Arsplanering:
        return Arsplanering(
            year=plan.year,
            kommunkod=plan.kommunkod,
            version=plan.version,
            kommuntal=plan.kommuntal,
            status=plan.status,
            stale=plan.stale(capacity),
            months=[
                PlanMonth(month=i + 1, planned=p, assigned=assigned[i])
                for i, p in enumerate(plan.months)
            ],
            reason=plan.reason,
            material=plan.material,
            changed_at=plan.changed_at,
        )


@strawberry.type
class LanTotals:
    kommuntal: int = strawberry.field(description="Sum of the kommuntal the settlement unit holds.")
    used: int
    received: int
    remaining: int


@strawberry.federation.type(keys=["lanskod"], description="A county (län).")
class Lan:
    lanskod: str

    @strawberry.field(description="The county's totals of places used, received and remaining.")
    async def anvisning_totals(self, info: AInfo, year: int) -> LanTotals:
        require_agency(info, "county totals are for the agencies")
        row = await lan_totals_loader(info).load((year, self.lanskod))
        if row is None:
            return LanTotals(kommuntal=0, used=0, received=0, remaining=0)
        return LanTotals(
            kommuntal=row["kommuntal"],
            used=row["used"],
            received=row["received"],
            remaining=row["remaining"],
        )

    @strawberry.field(description="The county's decided plans against its assignments, by month.")
    async def plan_months(self, info: AInfo, year: int) -> list[PlanMonth]:
        require_county_picture(info, self.lanskod)
        months = await by_year_loader(
            info, "plan_months", deps_of(info).pool, store.planned_and_assigned
        ).load((year, self.lanskod))
        by_month = months or {}
        return [
            PlanMonth(
                month=m, planned=by_month.get(m, (0, 0))[0], assigned=by_month.get(m, (0, 0))[1]
            )
            for m in range(1, 13)
        ]

    @strawberry.field(description="Changes of decided annual plans this year, with reasons.")
    async def plan_changes(self, info: AInfo, year: int) -> list[PlanChange]:
        require_county_picture(info, self.lanskod)
        rows = await by_year_loader(
            info, "plan_changes", deps_of(info).pool, store.plan_changes
        ).load((year, self.lanskod))
        return [
            PlanChange(
                kommunkod=r["kommunkod"],
                version=r["version"],
                reason=r["reason"],
                material=r["material"],
                changed_at=r["changed_at"],
            )
            for r in rows or []
        ]

    @classmethod
    def resolve_reference(cls, info: AInfo, lanskod: str) -> Lan:
        return cls(lanskod=lanskod)


def lan_totals_loader(info: AInfo) -> DataLoader[tuple[int, str], Any]:
    return by_year_loader(info, "lan_totals", deps_of(info).pool, store.lan_totals)


@strawberry.federation.type(keys=["id"], description="The country: national totals.")
class Riket:
    id: strawberry.ID

    @strawberry.field(description="National totals of places used, received and remaining.")
    async def anvisning_totals(self, info: AInfo, year: int) -> LanTotals:
        if not may_read_national_picture(principal_of(info)):
            raise forbidden("the national picture is for nationell and the settlement unit")
        async with deps_of(info).pool.acquire() as conn:
            rows = (await store.lan_totals(conn, year, [lan.lanskod for lan in all_lan()])).values()
        return LanTotals(
            kommuntal=sum(r["kommuntal"] for r in rows),
            used=sum(r["used"] for r in rows),
            received=sum(r["received"] for r in rows),
            remaining=sum(r["remaining"] for r in rows),
        )

    @classmethod
    def resolve_reference(cls, info: AInfo, id: strawberry.ID) -> Riket:
        return cls(id=id)


@strawberry.type
class PlanChange:
    kommunkod: str
    version: int
    reason: str
    material: str | None
    changed_at: datetime
