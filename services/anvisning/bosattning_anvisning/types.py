"""GraphQL types of the settlement unit's subgraph."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import strawberry
from bosattning_runtime.graphql import RequestContext, principal_of
from graphql import GraphQLError
from strawberry.types import Info

from bosattning_anvisning import access, domain, store
from bosattning_anvisning.handlers import Deps

AInfo = Info[RequestContext[Deps], None]

Category = strawberry.enum(domain.Category, name="Category")
AnvisningStatus = strawberry.enum(domain.Status, name="AnvisningStatus")


def deps_of(info: AInfo) -> Deps:
    return info.context.deps


def forbidden(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "FORBIDDEN"})


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
    received_on: date | None

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
            received_on=value.received_on,
        )

    @classmethod
    async def resolve_reference(cls, info: AInfo, anvisningId: str) -> Anvisning | None:
        async with deps_of(info).pool.acquire() as conn:
            found = await store.anvisning(conn, UUID(anvisningId))
            if found is None:
                return None
            arende = await store.arende(conn, found.arende_id)
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


async def load_arende(info: AInfo, arende_id: str) -> Arende | None:
    principal = principal_of(info)
    async with deps_of(info).pool.acquire() as conn:
        arende = await store.arende(conn, arende_id)
        if arende is None:
            return None
        history = await store.anvisningar_of_arende(conn, arende_id)
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
        if not access.may_read_counts(principal_of(info), self.kommunkod):
            raise forbidden("these counts are not yours to read")
        async with deps_of(info).pool.acquire() as conn:
            return await store.capacity(conn, year, self.kommunkod)

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

    @classmethod
    def resolve_reference(cls, info: AInfo, kommunkod: str) -> Kommun:
        return cls(kommunkod=kommunkod)
