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
    command_input,
    forbidden,
    permission,
    principal_of,
    subgraph_schema,
    user_error,
)
from bosattning_runtime.guards import check_list_length
from strawberry.tools import merge_types

from bosattning_anvisning import access, conflicts, handlers, pages, store
from bosattning_anvisning.domain import Category as CategoryValue
from bosattning_anvisning.types import (
    AInfo,
    Anvisning,
    Arende,
    Arsplanering,
    Category,
    Kommun,
    Lan,
    Riket,
    arende_loader,
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


@strawberry.input
class ProposeArsplaneringInput:
    year: int
    kommunkoder: list[str] | None = None
    idempotency_key: str | None = None


@strawberry.input
class DecideArsplaneringInput:
    year: int
    kommunkod: str
    months: list[int] | None = None
    reason: str | None = None
    idempotency_key: str | None = None


@strawberry.input
class ChangeArsplaneringInput:
    year: int
    kommunkod: str
    months: list[int]
    reason: str
    material: str | None = strawberry.field(
        default=None, description="A reference to the municipality's material, if any."
    )
    idempotency_key: str | None = None


@strawberry.type
class ProposeArsplaneringSuccess:
    plans: list[Arsplanering]


@strawberry.type
class ArsplaneringSuccess:
    plan: Arsplanering


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

ProposePayload = Annotated[
    ProposeArsplaneringSuccess | ValidationError | NotFound | Conflict,
    strawberry.union("ProposeArsplaneringPayload"),
]
PlanPayload = Annotated[
    ArsplaneringSuccess | ValidationError | NotFound | Conflict,
    strawberry.union("ArsplaneringPayload"),
]

MayRegister = permission(
    "MayRegister",
    lambda p, kw: access.may_register(p, CategoryValue(kw["input"].category)),
    "only the case's reception unit registers its settlement basis",
)
MayDecide = permission(
    "MayDecide", lambda p, _: access.may_decide(p), "only the settlement unit decides assignments"
)


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

    @strawberry.field(
        description="Assignments of a year, oldest first, by cursor; scoped to "
        "what the caller may see."
    )
    async def anvisningar(
        self,
        info: AInfo,
        year: int,
        kommunkod: str | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> pages.AnvisningConnection:
        return await pages.anvisningar(info, principal_of(info), year, kommunkod, first, after)

    @strawberry.field(
        description="Receptions reported for assignments cancelled meanwhile: "
        "neither dropped nor counted, for the settlement unit to resolve."
    )
    async def mottagande_conflicts(
        self, info: AInfo, year: int
    ) -> list[conflicts.MottagandeConflict]:
        return await conflicts.open_conflicts(info, year)


@strawberry.type
class AnvisningMutation:
    @strawberry.mutation(permission_classes=[MayRegister])
    async def register_bosattningsunderlag(
        self, info: AInfo, input: BosattningsunderlagInput
    ) -> RegisterPayload:
        principal = principal_of(info)
        existing = await arende_loader(info).load(input.arende_id)
        if existing is not None and not access.may_correct(principal, existing):
            raise forbidden("this case belongs to another reception unit")
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
                command_input(input),
            )
            done = await handlers.register_arende(
                deps_of(info), principal.sub, principal.enhet, cmd, key
            )
        except DomainError as error:
            return user_error(error)
        arende_loader(info).clear(done["arendeId"])  # it was read before it was written
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
                principal.sub, "decideAnvisning", input.idempotency_key, command_input(input)
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
                principal.sub, "cancelAnvisning", input.idempotency_key, command_input(input)
            )
            done = await handlers.cancel_anvisning(
                deps_of(info), principal.sub, input.anvisning_id, key
            )
        except DomainError as error:
            return user_error(error)
        return AnvisningSuccess(anvisning=await _anvisning(info, done["anvisningId"]))


async def _plan(info: AInfo, year: int, kommunkod: str) -> Arsplanering:
    async with deps_of(info).pool.acquire() as conn:
        plan = await store.current_plan(conn, year, kommunkod)
        capacity = await store.capacity(conn, year, kommunkod)
        assigned = await store.assigned_per_month(conn, year, kommunkod)
    assert plan is not None
    return Arsplanering.of(plan, capacity, assigned)


@strawberry.type
class PlanMutation:
    @strawberry.mutation(permission_classes=[MayDecide])
    async def propose_arsplanering(
        self, info: AInfo, input: ProposeArsplaneringInput
    ) -> ProposePayload:
        principal = principal_of(info)
        try:
            check_list_length(input.kommunkoder or [], "kommunkoder")
            key = idempotency_key(
                principal.sub, "proposeArsplanering", input.idempotency_key, command_input(input)
            )
            done = await handlers.propose_arsplanering(
                deps_of(info), principal.sub, input.year, input.kommunkoder, key
            )
        except DomainError as error:
            return user_error(error)
        return ProposeArsplaneringSuccess(
            plans=[await _plan(info, input.year, k) for k in done["kommunkoder"]]
        )

    @strawberry.mutation(permission_classes=[MayDecide])
    async def decide_arsplanering(self, info: AInfo, input: DecideArsplaneringInput) -> PlanPayload:
        months = None if input.months is None else tuple(input.months)
        cmd = handlers.DecidePlan(input.year, input.kommunkod, months, input.reason, None)
        return await _decide_plan(info, cmd, input, change=False)

    @strawberry.mutation(permission_classes=[MayDecide])
    async def change_arsplanering(self, info: AInfo, input: ChangeArsplaneringInput) -> PlanPayload:
        cmd = handlers.DecidePlan(
            input.year, input.kommunkod, tuple(input.months), input.reason, input.material
        )
        return await _decide_plan(info, cmd, input, change=True)


async def _decide_plan(
    info: AInfo, cmd: handlers.DecidePlan, input: Any, *, change: bool
) -> ArsplaneringSuccess | ValidationError | NotFound | Conflict:
    principal = principal_of(info)
    mutation = "changeArsplanering" if change else "decideArsplanering"
    try:
        key = idempotency_key(principal.sub, mutation, input.idempotency_key, command_input(input))
        await handlers.decide_arsplanering(
            deps_of(info), principal.sub, cmd, change=change, key=key
        )
    except DomainError as error:
        return user_error(error)
    return ArsplaneringSuccess(plan=await _plan(info, cmd.year, cmd.kommunkod))


def build_schema() -> strawberry.federation.Schema:
    mutation = merge_types("Mutation", (AnvisningMutation, PlanMutation))
    return subgraph_schema(
        query=Query, mutation=mutation, types=[Arende, Anvisning, Kommun, Lan, Riket]
    )
