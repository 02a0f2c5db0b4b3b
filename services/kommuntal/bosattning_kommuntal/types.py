"""GraphQL types of the kommuntal subgraph: the Lan and Kommun entities and the decisions."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry
from bosattning_contracts.kommuntal import RevisionKind as ContractRevisionKind
from bosattning_contracts.reference import kommun_by_kod, kommuner_in_lan, lan_by_kod
from bosattning_runtime.auth import may_read_national_picture
from bosattning_runtime.graphql import RequestContext, by_year_loader
from graphql import GraphQLError
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON
from strawberry.types import Info

from bosattning_kommuntal import domain, store
from bosattning_kommuntal.handlers import Deps

KInfo = Info[RequestContext[Deps], None]


def deps_of(info: KInfo) -> Deps:
    return info.context.deps


def kommuntal_loader(info: KInfo) -> DataLoader[tuple[int, str], int | None]:
    """Kommuntal by (year, kommunkod): one statement per year however many municipalities."""
    return by_year_loader(info, "kommuntal", deps_of(info).pool, store.kommuntal_of_kommuner)


@strawberry.type
class Lanstal:
    year: int
    lanskod: str
    version: int
    lanstal: int
    reason: str
    decided_by: str
    decided_at: datetime

    @staticmethod
    def of(value: domain.Lanstal) -> Lanstal:
        d = value.decided
        return Lanstal(
            year=value.year,
            lanskod=value.lanskod,
            version=value.version,
            lanstal=value.lanstal,
            reason=d.reason,
            decided_by=d.by,
            decided_at=d.at,
        )


@strawberry.type
class KommuntalRow:
    kommunkod: str
    kommuntal: int

    @strawberry.field
    def kommun(self) -> Kommun:
        return Kommun(kommunkod=self.kommunkod)


@strawberry.type(description="An immutable version of a county's kommuntal decision for a year.")
class KommuntalDecision:
    year: int
    lanskod: str
    version: int
    lanstal_version: int
    rows: list[KommuntalRow]
    total: int
    reason: str
    decided_by: str
    decided_at: datetime
    request_id: UUID | None
    replaces_version: int | None

    @strawberry.field(description="True when the länstal in force differs from this division.")
    async def needs_new_division(self, info: KInfo) -> bool:
        async with deps_of(info).pool.acquire() as conn:
            current = await store.current_lanstal(conn, self.year, self.lanskod)
        return current is not None and current.lanstal != self.total

    @staticmethod
    def of(value: domain.KommuntalDecision) -> KommuntalDecision:
        d = value.decided
        return KommuntalDecision(
            year=value.year,
            lanskod=value.lanskod,
            version=value.version,
            lanstal_version=value.lanstal_version,
            rows=[KommuntalRow(kommunkod=r.kommunkod, kommuntal=r.kommuntal) for r in value.rows],
            total=value.total,
            reason=d.reason,
            decided_by=d.by,
            decided_at=d.at,
            request_id=value.request_id,
            replaces_version=value.version - 1 or None,
        )


@strawberry.type
class BlockingRow:
    kommunkod: str
    used: int
    proposed: int


RevisionKind = strawberry.enum(ContractRevisionKind, name="RevisionKind")
RevisionStatus = strawberry.enum(domain.RevisionStatus)


@strawberry.type(
    description="A proposed change to a published kommuntal, reconciled with the settlement unit."
)
class KommuntalRevisionRequest:
    request_id: UUID
    year: int
    lanskod: str
    kind: RevisionKind  # type: ignore[valid-type]
    status: RevisionStatus  # type: ignore[valid-type]
    base_version: int
    lanstal_version: int
    rows: list[KommuntalRow]
    reason: str
    requested_by: str
    requested_at: datetime
    expires_at: datetime
    resolved_at: datetime | None
    blocking: list[BlockingRow]

    @staticmethod
    def of(value: domain.RevisionRequest) -> KommuntalRevisionRequest:
        d = value.decided
        return KommuntalRevisionRequest(
            request_id=value.request_id,
            year=value.year,
            lanskod=value.lanskod,
            kind=value.kind,
            status=value.status,
            base_version=value.base_version,
            lanstal_version=value.lanstal_version,
            rows=[KommuntalRow(kommunkod=r.kommunkod, kommuntal=r.kommuntal) for r in value.rows],
            reason=d.reason,
            requested_by=d.by,
            requested_at=d.at,
            expires_at=value.expires_at,
            resolved_at=value.resolved_at,
            blocking=[
                BlockingRow(kommunkod=b.kommunkod, used=b.used, proposed=b.proposed)
                for b in value.blocking
            ],
        )


@strawberry.type(description="What the county board was informed of: facts without personal data.")
class Notification:
    event_id: UUID
    event_type: str
    aggregate_id: str
    facts: JSON
    occurred_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None


@strawberry.federation.type(keys=["lanskod"], description="A county (län).")
class Lan:
    lanskod: str

    @strawberry.field
    def namn(self) -> str:
        lan = lan_by_kod(self.lanskod)
        return lan.namn if lan else ""

    @strawberry.field
    def kommuner(self) -> list[Kommun]:
        return [Kommun(kommunkod=k.kommunkod) for k in kommuner_in_lan(self.lanskod)]

    @strawberry.field(description="The länstal version in force for the year.")
    async def lanstal(self, info: KInfo, year: int) -> Lanstal | None:
        async with deps_of(info).pool.acquire() as conn:
            value = await store.current_lanstal(conn, year, self.lanskod)
        return None if value is None else Lanstal.of(value)

    @strawberry.field
    async def lanstal_history(self, info: KInfo, year: int) -> list[Lanstal]:
        async with deps_of(info).pool.acquire() as conn:
            return [Lanstal.of(v) for v in await store.lanstal_history(conn, year, self.lanskod)]

    @strawberry.field(description="The kommuntal decision version in force for the year.")
    async def kommuntal(self, info: KInfo, year: int) -> KommuntalDecision | None:
        async with deps_of(info).pool.acquire() as conn:
            value = await store.current_decision(conn, year, self.lanskod)
        return None if value is None else KommuntalDecision.of(value)

    @strawberry.field
    async def kommuntal_history(self, info: KInfo, year: int) -> list[KommuntalDecision]:
        async with deps_of(info).pool.acquire() as conn:
            history = await store.decision_history(conn, year, self.lanskod)
        return [KommuntalDecision.of(v) for v in history]

    @strawberry.field
    async def kommuntal_revisions(self, info: KInfo, year: int) -> list[KommuntalRevisionRequest]:
        async with deps_of(info).pool.acquire() as conn:
            requests = await store.requests_of_year(conn, year, self.lanskod)
        return [KommuntalRevisionRequest.of(r) for r in requests]

    @strawberry.field(description="The county board's inbox: for that county board only.")
    async def inbox(
        self, info: KInfo, include_acknowledged: bool = False, first: int = 100
    ) -> list[Notification]:
        principal = info.context.principal
        if principal is None or not principal.is_lansstyrelse_of(self.lanskod):
            raise GraphQLError(
                "the inbox is the county board's own", extensions={"code": "FORBIDDEN"}
            )
        async with deps_of(info).pool.acquire() as conn:
            rows = await store.notifications(
                conn, self.lanskod, include_acknowledged, max(1, min(first, 500))
            )
        return [
            Notification(
                event_id=r["event_id"],
                event_type=r["event_type"],
                aggregate_id=r["aggregate_id"],
                facts=r["facts"],
                occurred_at=r["occurred_at"],
                acknowledged_at=r["acknowledged_at"],
                acknowledged_by=r["acknowledged_by"],
            )
            for r in rows
        ]

    @classmethod
    def resolve_reference(cls, info: KInfo, lanskod: str) -> Lan:
        return cls(lanskod=lanskod)


@strawberry.federation.type(keys=["kommunkod"], description="A municipality (kommun).")
class Kommun:
    kommunkod: str

    @strawberry.field
    def namn(self) -> str:
        kommun = kommun_by_kod(self.kommunkod)
        return kommun.namn if kommun else ""

    @strawberry.field
    def lan(self) -> Lan:
        kommun = kommun_by_kod(self.kommunkod)
        return Lan(lanskod=kommun.lanskod if kommun else "")

    @strawberry.field(description="The kommuntal in force for the year, from the current decision.")
    async def kommuntal(self, info: KInfo, year: int) -> int | None:
        return await kommuntal_loader(info).load((year, self.kommunkod))

    @classmethod
    def resolve_reference(cls, info: KInfo, kommunkod: str) -> Kommun:
        return cls(kommunkod=kommunkod)


RIKET_ID = "SE"


@strawberry.federation.type(keys=["id"], description="The country: national totals.")
class Riket:
    id: strawberry.ID

    @strawberry.field(description="The länstal in force of every county in the year, summed.")
    async def lanstal(self, info: KInfo, year: int) -> int:
        _national(info)
        async with deps_of(info).pool.acquire() as conn:
            return sum(v.lanstal for v in await store.lanstal_of_year(conn, year))

    @strawberry.field(description="Counties whose kommuntal for the year is decided.")
    async def counties_decided(self, info: KInfo, year: int) -> int:
        _national(info)
        async with deps_of(info).pool.acquire() as conn:
            return await store.counties_decided(conn, year)

    @classmethod
    def resolve_reference(cls, info: KInfo, id: strawberry.ID) -> Riket:
        return cls(id=id)


def _national(info: KInfo) -> None:
    principal = info.context.principal
    if principal is None or not may_read_national_picture(principal):
        raise GraphQLError(
            "the national picture is for nationell and the settlement unit",
            extensions={"code": "FORBIDDEN"},
        )
