"""The settlement unit's subgraph: queries, mutations and the federation schema."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import strawberry
from bosattning_runtime.commands import idempotency_key
from bosattning_runtime.errors import DomainError
from bosattning_runtime.graphql import (
    Conflict,
    NotFound,
    ValidationError,
    permission,
    principal_of,
    subgraph_schema,
    user_error,
)

from bosattning_anvisning import access, handlers, store
from bosattning_anvisning.domain import Category as CategoryValue
from bosattning_anvisning.types import (
    AInfo,
    Anvisning,
    Arende,
    Category,
    Kommun,
    deps_of,
    load_arende,
)


@strawberry.input
class BosattningsunderlagInput:
    arende_id: str
    category: Category  # type: ignore[valid-type]
    adults: int
    children: int
    needs: list[str]
    kommunkod: str | None = None
    idempotency_key: str | None = None


@strawberry.input
class DecideAnvisningInput:
    arende_id: str
    kommunkod: str
    deadline: date | None = None
    replaces: UUID | None = None
    override_reason: str | None = None
    idempotency_key: str | None = None


@strawberry.input
class CancelAnvisningInput:
    anvisning_id: UUID
    idempotency_key: str | None = None


@strawberry.type
class RegisterBosattningsunderlagSuccess:
    arende: Arende


@strawberry.type
class AnvisningSuccess:
    anvisning: Anvisning


RegisterPayload = Annotated[
    RegisterBosattningsunderlagSuccess | ValidationError | NotFound | Conflict,
    strawberry.union("RegisterBosattningsunderlagPayload"),
]
AnvisningPayload = Annotated[
    AnvisningSuccess | ValidationError | NotFound | Conflict, strawberry.union("AnvisningPayload")
]

MayRegister = permission(
    "MayRegister",
    lambda p, kw: access.may_register(p, CategoryValue(kw["input"].category)),
    "only the case's reception unit registers its settlement basis",
)
MayDecide = permission(
    "MayDecide", lambda p, _: access.may_decide(p), "only the settlement unit decides assignments"
)


def _command_input(value: Any) -> dict[str, Any]:
    data = strawberry.asdict(value)
    data.pop("idempotency_key", None)
    return data


async def _anvisning(info: AInfo, anvisning_id: str) -> Anvisning:
    async with deps_of(info).pool.acquire() as conn:
        found = await store.anvisning(conn, UUID(anvisning_id))
    assert found is not None
    return Anvisning.of(found)


@strawberry.type
class Query:
    @strawberry.field(description="A case by its dossier reference, if you may read it.")
    async def arende(self, info: AInfo, arende_id: str) -> Arende | None:
        return await load_arende(info, arende_id)


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[MayRegister])
    async def register_bosattningsunderlag(
        self, info: AInfo, input: BosattningsunderlagInput
    ) -> RegisterPayload:
        principal = principal_of(info)
        cmd = handlers.RegisterArende(
            input.arende_id,
            CategoryValue(input.category),
            input.adults,
            input.children,
            tuple(input.needs),
            input.kommunkod,
        )
        try:
            key = idempotency_key(
                principal.sub,
                "registerBosattningsunderlag",
                input.idempotency_key,
                _command_input(input),
            )
            done = await handlers.register_arende(
                deps_of(info), principal.sub, principal.enhet, cmd, key
            )
        except DomainError as error:
            return user_error(error)
        arende = await load_arende(info, done["arendeId"])
        assert arende is not None
        return RegisterBosattningsunderlagSuccess(arende=arende)

    @strawberry.mutation(permission_classes=[MayDecide])
    async def decide_anvisning(self, info: AInfo, input: DecideAnvisningInput) -> AnvisningPayload:
        principal = principal_of(info)
        cmd = handlers.DecideAnvisning(
            input.arende_id, input.kommunkod, input.deadline, input.replaces, input.override_reason
        )
        try:
            key = idempotency_key(
                principal.sub, "decideAnvisning", input.idempotency_key, _command_input(input)
            )
            done = await handlers.decide_anvisning(deps_of(info), principal.sub, cmd, key)
        except DomainError as error:
            return user_error(error)
        return AnvisningSuccess(anvisning=await _anvisning(info, done["anvisningId"]))

    @strawberry.mutation(permission_classes=[MayDecide])
    async def cancel_anvisning(self, info: AInfo, input: CancelAnvisningInput) -> AnvisningPayload:
        principal = principal_of(info)
        try:
            key = idempotency_key(
                principal.sub, "cancelAnvisning", input.idempotency_key, _command_input(input)
            )
            done = await handlers.cancel_anvisning(
                deps_of(info), principal.sub, input.anvisning_id, key
            )
        except DomainError as error:
            return user_error(error)
        return AnvisningSuccess(anvisning=await _anvisning(info, done["anvisningId"]))


def build_schema() -> strawberry.federation.Schema:
    return subgraph_schema(query=Query, mutation=Mutation, types=[Arende, Anvisning, Kommun])
