"""The reception units' subgraph: talks, contacts, the municipality's answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any
from uuid import UUID

import strawberry
from bosattning_runtime.auth import Principal
from bosattning_runtime.commands import IdempotencyKey, idempotency_key
from bosattning_runtime.errors import DomainError
from bosattning_runtime.graphql import (
    Conflict,
    NotFound,
    ValidationError,
    command_input,
    forbidden,
    principal_of,
    subgraph_schema,
    user_error,
)
from strawberry.tools import merge_types

from bosattning_dialog import access, domain, handlers
from bosattning_dialog.escalation_schema import EscalationMutation, IsKommun, IsReceptionUnit
from bosattning_dialog.meeting_schema import MeetingMutation, MeetingQuery
from bosattning_dialog.types import (
    Anvisning,
    DInfo,
    Kommun,
    Lan,
    Riket,
    deps_of,
    mottagande_loader,
)
from bosattning_dialog.utskick_schema import UtskickMutation, UtskickQuery

Category = strawberry.enum(domain.Category, name="Category")
Outcome = strawberry.enum(domain.Outcome, name="UnderrattelseOutcome")
KontaktKind = strawberry.enum(domain.KontaktKind, name="KontaktKind")


@strawberry.input
class UnderrattelsesamtalInput:
    arende_id: str
    category: Category  # type: ignore[valid-type]
    outcome: Outcome  # type: ignore[valid-type]
    kommunkod: str | None = None
    adults: int | None = None
    children: int | None = None
    settled_on: date | None = None
    idempotency_key: str | None = None


@strawberry.input
class AnvisningssamtalInput:
    anvisning_id: UUID
    held_on: date
    idempotency_key: str | None = None


@strawberry.input
class KontaktInput:
    anvisning_id: UUID
    kind: KontaktKind  # type: ignore[valid-type]
    contacted_on: date
    note: str | None = None
    idempotency_key: str | None = None


@strawberry.input
class MottagandedatumInput:
    anvisning_id: UUID
    mottagandedatum: date
    idempotency_key: str | None = None


@strawberry.input
class MottagandeInput:
    anvisning_id: UUID
    received_on: date
    idempotency_key: str | None = None


@strawberry.type
class UnderrattelseSuccess:
    arende_id: str


@strawberry.type
class MottagandeSuccess:
    anvisning: Anvisning


UnderrattelsePayload = Annotated[
    UnderrattelseSuccess | ValidationError | NotFound | Conflict,
    strawberry.union("UnderrattelsePayload"),
]
MottagandePayload = Annotated[
    MottagandeSuccess | ValidationError | NotFound | Conflict, strawberry.union("MottagandePayload")
]

Change = Callable[[handlers.Deps, str, IdempotencyKey | None], Awaitable[dict[str, Any]]]


async def _on_assignment(
    info: DInfo,
    mutation: str,
    input: Any,
    allowed: Callable[[Principal, domain.Mottagande], bool],
    change: Change,
) -> MottagandeSuccess | ValidationError | NotFound | Conflict:
    """Row-level access on the assignment, then the command, then the fresh record."""
    principal = principal_of(info)
    current = await mottagande_loader(info).load(input.anvisning_id)
    if current is not None and not allowed(principal, current):
        raise forbidden("this assignment is not yours to act on")
    try:
        key = idempotency_key(principal.sub, mutation, input.idempotency_key, command_input(input))
        await change(deps_of(info), principal.sub, key)
    except DomainError as error:
        return user_error(error)
    mottagande_loader(info).clear(input.anvisning_id)
    fresh = await mottagande_loader(info).load(input.anvisning_id)
    assert fresh is not None
    return MottagandeSuccess(anvisning=Anvisning.of(fresh))


def _unit(p: Principal, m: domain.Mottagande) -> bool:
    return access.is_unit_of(p, m)


@strawberry.type
class Query:
    @strawberry.field(description="An assignment's reception, if you may read it.")
    async def mottagande(self, info: DInfo, anvisning_id: UUID) -> Anvisning | None:
        found = await mottagande_loader(info).load(anvisning_id)
        if found is None:
            return None
        if not access.may_read(principal_of(info), found):
            raise forbidden("this assignment is not yours to read")
        return Anvisning.of(found)


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[IsReceptionUnit])
    async def record_underrattelsesamtal(
        self, info: DInfo, input: UnderrattelsesamtalInput
    ) -> UnderrattelsePayload:
        principal = principal_of(info)
        category = domain.Category(input.category)
        if not access.is_reception_unit_for(principal, category):
            raise forbidden("quota refugees' talks are the resettlement unit's")
        talk = domain.Underrattelse(
            input.arende_id,
            category,
            domain.Outcome(input.outcome),
            input.kommunkod,
            input.adults,
            input.children,
            input.settled_on,
            principal.enhet,
            principal.sub,
            deps_of(info).clock.now(),
        )
        try:
            key = idempotency_key(
                principal.sub,
                "recordUnderrattelsesamtal",
                input.idempotency_key,
                command_input(input),
            )
            done = await handlers.record_underrattelse(deps_of(info), principal.sub, talk, key)
        except DomainError as error:
            return user_error(error)
        return UnderrattelseSuccess(arende_id=done["arendeId"])

    @strawberry.mutation(permission_classes=[IsReceptionUnit])
    async def record_anvisningssamtal(
        self, info: DInfo, input: AnvisningssamtalInput
    ) -> MottagandePayload:
        return await _on_assignment(
            info,
            "recordAnvisningssamtal",
            input,
            _unit,
            lambda d, a, k: handlers.record_samtal(d, a, input.anvisning_id, input.held_on, k),
        )

    @strawberry.mutation(permission_classes=[IsReceptionUnit])
    async def record_kontakt(self, info: DInfo, input: KontaktInput) -> MottagandePayload:
        kontakt = domain.Kontakt(
            input.anvisning_id, domain.KontaktKind(input.kind), input.contacted_on, input.note
        )
        return await _on_assignment(
            info,
            "recordKontakt",
            input,
            _unit,
            lambda d, a, k: handlers.record_kontakt(d, a, kontakt, k),
        )

    @strawberry.mutation(permission_classes=[IsKommun])
    async def report_mottagandedatum(
        self, info: DInfo, input: MottagandedatumInput
    ) -> MottagandePayload:
        return await _on_assignment(
            info,
            "reportMottagandedatum",
            input,
            access.is_assigned_kommun,
            lambda d, a, k: handlers.report_date(
                d, a, input.anvisning_id, input.mottagandedatum, k
            ),
        )

    @strawberry.mutation(permission_classes=[IsKommun])
    async def report_mottagande(self, info: DInfo, input: MottagandeInput) -> MottagandePayload:
        return await _on_assignment(
            info,
            "reportMottagande",
            input,
            access.is_assigned_kommun,
            lambda d, a, k: handlers.report_received(
                d, a, input.anvisning_id, input.received_on, k
            ),
        )


def build_schema() -> strawberry.federation.Schema:
    query = merge_types("Query", (Query, MeetingQuery, UtskickQuery))
    mutation = merge_types(
        "Mutation", (Mutation, EscalationMutation, MeetingMutation, UtskickMutation)
    )
    return subgraph_schema(query=query, mutation=mutation, types=[Anvisning, Kommun, Lan, Riket])
