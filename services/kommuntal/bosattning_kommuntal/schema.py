"""The kommuntal subgraph: queries, mutations and the federation schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from uuid import UUID

import strawberry
from bosattning_contracts.reference import all_kommuner, all_lan, kommuner_in_lan
from bosattning_runtime.commands import idempotency_key
from bosattning_runtime.deadletter_schema import OperatorMutation, OperatorQuery
from bosattning_runtime.errors import DomainError
from bosattning_runtime.graphql import (
    Conflict,
    NotFound,
    ValidationError,
    command_input,
    permission,
    principal_of,
    subgraph_schema,
    user_error,
)
from graphql import GraphQLError
from strawberry.tools import merge_types

from bosattning_kommuntal import access, handlers, store
from bosattning_kommuntal.domain import Row
from bosattning_kommuntal.live import Subscription
from bosattning_kommuntal.types import (
    RIKET_ID,
    KInfo,
    Kommun,
    KommuntalDecision,
    KommuntalRevisionRequest,
    Lan,
    Lanstal,
    Riket,
    deps_of,
)


@strawberry.input
class SetLanstalInput:
    year: int
    lanskod: str
    lanstal: int
    reason: str
    idempotency_key: str | None = None


@strawberry.input
class KommuntalRowInput:
    kommunkod: str
    kommuntal: int


@strawberry.input
class KommuntalInput:
    year: int
    lanskod: str
    rows: list[KommuntalRowInput]
    reason: str
    idempotency_key: str | None = None


@strawberry.input
class AcknowledgeInput:
    event_id: UUID


@strawberry.type
class AcknowledgeSuccess:
    event_id: UUID


AcknowledgePayload = Annotated[
    AcknowledgeSuccess | ValidationError | NotFound | Conflict,
    strawberry.union("AcknowledgeNotificationPayload"),
]


@strawberry.type
class SetLanstalSuccess:
    lanstal: Lanstal


@strawberry.type
class DecideKommuntalSuccess:
    decision: KommuntalDecision


@strawberry.type
class RequestKommuntalRevisionSuccess:
    request: KommuntalRevisionRequest


SetLanstalPayload = Annotated[
    SetLanstalSuccess | ValidationError | NotFound | Conflict, strawberry.union("SetLanstalPayload")
]
DecideKommuntalPayload = Annotated[
    DecideKommuntalSuccess | ValidationError | NotFound | Conflict,
    strawberry.union("DecideKommuntalPayload"),
]
RequestKommuntalRevisionPayload = Annotated[
    RequestKommuntalRevisionSuccess | ValidationError | NotFound | Conflict,
    strawberry.union("RequestKommuntalRevisionPayload"),
]


def _input_lanskod(kwargs: Mapping[str, Any]) -> str:
    return str(kwargs["input"].lanskod)


IsNationell = permission(
    "IsNationell", lambda p, _: access.may_set_lanstal(p), "only the national role sets länstal"
)
IsLansstyrelseOfLan = permission(
    "IsLansstyrelseOfLan",
    lambda p, kw: access.may_decide_kommuntal(p, _input_lanskod(kw)),
    "only the county board of that county decides its kommuntal",
)


def _rows(rows: list[KommuntalRowInput]) -> tuple[Row, ...]:
    return tuple(Row(r.kommunkod, r.kommuntal) for r in rows)


@strawberry.type
class Query:
    @strawberry.field(description="The 21 counties.")
    def all_lan(self) -> list[Lan]:
        return [Lan(lanskod=lan.lanskod) for lan in all_lan()]

    @strawberry.field
    def lan(self, lanskod: str) -> Lan | None:
        return Lan(lanskod=lanskod) if any(x.lanskod == lanskod for x in all_lan()) else None

    @strawberry.field(description="The 290 municipalities, or those of one county.")
    def all_kommuner(self, lanskod: str | None = None) -> list[Kommun]:
        chosen = all_kommuner() if lanskod is None else kommuner_in_lan(lanskod)
        return [Kommun(kommunkod=k.kommunkod) for k in chosen]

    @strawberry.field
    def kommun(self, kommunkod: str) -> Kommun | None:
        known = any(k.kommunkod == kommunkod for k in all_kommuner())
        return Kommun(kommunkod=kommunkod) if known else None

    @strawberry.field(description="The country, for the national situation picture.")
    def riket(self) -> Riket:
        return Riket(id=strawberry.ID(RIKET_ID))

    @strawberry.field(description="The länstal in force for every county that has one in the year.")
    async def lanstal(self, info: KInfo, year: int) -> list[Lanstal]:
        async with deps_of(info).pool.acquire() as conn:
            return [Lanstal.of(v) for v in await store.lanstal_of_year(conn, year)]


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[IsNationell])
    async def set_lanstal(self, info: KInfo, input: SetLanstalInput) -> SetLanstalPayload:
        principal = principal_of(info)
        deps = deps_of(info)
        cmd = handlers.SetLanstal(input.year, input.lanskod, input.lanstal, input.reason)
        try:
            key = idempotency_key(
                principal.sub, "setLanstal", input.idempotency_key, command_input(input)
            )
            done = await handlers.set_lanstal(deps, principal.sub, cmd, key)
        except DomainError as error:
            return user_error(error)
        async with deps.pool.acquire() as conn:
            history = await store.lanstal_history(conn, done["year"], done["lanskod"])
        return SetLanstalSuccess(lanstal=Lanstal.of(history[done["version"] - 1]))

    @strawberry.mutation(permission_classes=[IsLansstyrelseOfLan])
    async def decide_kommuntal(self, info: KInfo, input: KommuntalInput) -> DecideKommuntalPayload:
        principal = principal_of(info)
        deps = deps_of(info)
        cmd = handlers.DecideKommuntal(input.year, input.lanskod, _rows(input.rows), input.reason)
        try:
            key = idempotency_key(
                principal.sub, "decideKommuntal", input.idempotency_key, command_input(input)
            )
            done = await handlers.decide_kommuntal(deps, principal.sub, cmd, key)
        except DomainError as error:
            return user_error(error)
        async with deps.pool.acquire() as conn:
            decision = await store.decision_version(
                conn, done["year"], done["lanskod"], done["version"]
            )
        assert decision is not None
        return DecideKommuntalSuccess(decision=KommuntalDecision.of(decision))

    @strawberry.mutation(permission_classes=[IsLansstyrelseOfLan])
    async def request_kommuntal_revision(
        self, info: KInfo, input: KommuntalInput
    ) -> RequestKommuntalRevisionPayload:
        principal = principal_of(info)
        deps = deps_of(info)
        cmd = handlers.RequestRevision(input.year, input.lanskod, _rows(input.rows), input.reason)
        try:
            key = idempotency_key(
                principal.sub,
                "requestKommuntalRevision",
                input.idempotency_key,
                command_input(input),
            )
            done = await handlers.request_revision(deps, principal.sub, cmd, key)
        except DomainError as error:
            return user_error(error)
        async with deps.pool.acquire() as conn:
            request = await store.request_by_id(conn, UUID(done["requestId"]))
        assert request is not None
        return RequestKommuntalRevisionSuccess(request=KommuntalRevisionRequest.of(request))


@strawberry.type
class InboxMutation:
    @strawberry.mutation(description="The county board marks a notification as read.")
    async def acknowledge_notification(
        self, info: KInfo, input: AcknowledgeInput
    ) -> AcknowledgePayload:
        principal = principal_of(info)
        async with deps_of(info).pool.acquire() as conn:
            lanskod = await store.lanskod_of_notification(conn, input.event_id)
        if lanskod is not None and not principal.is_lansstyrelse_of(lanskod):
            raise GraphQLError(
                "the inbox is the county board's own", extensions={"code": "FORBIDDEN"}
            )
        try:
            await handlers.acknowledge(deps_of(info), principal.sub, input.event_id)
        except DomainError as error:
            return user_error(error)
        return AcknowledgeSuccess(event_id=input.event_id)


def build_schema() -> strawberry.federation.Schema:
    # The operators' dead-letter fields are served here for the whole suite (one owner).
    query = merge_types("Query", (Query, OperatorQuery))
    mutation = merge_types("Mutation", (Mutation, InboxMutation, OperatorMutation))
    return subgraph_schema(
        query=query, mutation=mutation, subscription=Subscription, types=[Lan, Kommun, Riket]
    )
