"""The escalation mutations (S9–S11) of the reception units' subgraph."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import strawberry
from bosattning_runtime.auth import Role
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
    user_error,
)

from bosattning_dialog import access, handlers, store
from bosattning_dialog.types import DInfo, deps_of, mottagande_loader

IsReceptionUnit = permission(
    "IsReceptionUnit",
    lambda p, _: p.has_role(Role.mottagningsenhet) or p.has_role(Role.vidarebosattning),
    "only a reception unit records talks and contacts",
)
IsKommun = permission(
    "IsKommun", lambda p, _: p.has_role(Role.kommun), "only the assigned municipality reports"
)


@strawberry.input
class EscalationInput:
    escalation_id: UUID
    idempotency_key: str | None = None


@strawberry.input
class CannotReceiveInput:
    kommunkod: str
    months: list[int]
    reason: str
    idempotency_key: str | None = None


@strawberry.input
class DischargeInput:
    anvisning_id: UUID
    discharged_on: date
    idempotency_key: str | None = None


@strawberry.type
class EscalationSuccess:
    escalation_id: UUID
    meeting_proposed: bool = False


EscalationPayload = Annotated[
    EscalationSuccess | ValidationError | NotFound | Conflict, strawberry.union("EscalationPayload")
]


async def _act(
    info: DInfo, input: EscalationInput, *, hand_over: bool
) -> EscalationSuccess | ValidationError | NotFound | Conflict:
    principal = principal_of(info)
    mutation = "handOverEscalation" if hand_over else "resolveEscalation"
    expert = principal.has_role(Role.regional_expert)
    async with deps_of(info).pool.acquire() as conn:
        escalation = await store.escalation(conn, input.escalation_id)
        case = None
        if escalation is not None and escalation.anvisning_id is not None:
            case = await store.mottagande(conn, escalation.anvisning_id)
    if escalation is not None and not access.may_act_on_escalation(principal, escalation, case):
        raise forbidden("this escalation is not yours to act on")
    try:
        key = idempotency_key(principal.sub, mutation, input.idempotency_key, command_input(input))
        await handlers.act_on_escalation(
            deps_of(info),
            principal.sub,
            input.escalation_id,
            hand_over=hand_over,
            regional_expert=expert,
            key=key,
        )
    except DomainError as error:
        return user_error(error)
    return EscalationSuccess(escalation_id=input.escalation_id)


IsUnitOrExpert = permission(
    "IsUnitOrExpert",
    lambda p, _: (
        p.has_role(Role.mottagningsenhet)
        or p.has_role(Role.vidarebosattning)
        or p.has_role(Role.regional_expert)
    ),
    "escalations are acted on by the reception unit or the regional expert",
)


@strawberry.type
class EscalationMutation:
    @strawberry.mutation(permission_classes=[IsReceptionUnit])
    async def hand_over_escalation(self, info: DInfo, input: EscalationInput) -> EscalationPayload:
        return await _act(info, input, hand_over=True)

    @strawberry.mutation(permission_classes=[IsUnitOrExpert])
    async def resolve_escalation(self, info: DInfo, input: EscalationInput) -> EscalationPayload:
        return await _act(info, input, hand_over=False)

    @strawberry.mutation(
        permission_classes=[IsKommun],
        description="The municipality cannot receive per the plan (S10).",
    )
    async def report_cannot_receive(
        self, info: DInfo, input: CannotReceiveInput
    ) -> EscalationPayload:
        principal = principal_of(info)
        if principal.kommun != input.kommunkod:
            raise forbidden("a municipality reports for itself")
        try:
            key = idempotency_key(
                principal.sub, "reportCannotReceive", input.idempotency_key, command_input(input)
            )
            done = await handlers.report_cannot_receive(
                deps_of(info),
                principal.sub,
                input.kommunkod,
                tuple(input.months),
                input.reason,
                key,
            )
        except DomainError as error:
            return user_error(error)
        return EscalationSuccess(
            escalation_id=UUID(done["escalationId"]), meeting_proposed=done["meetingProposed"]
        )

    @strawberry.mutation(
        permission_classes=[IsReceptionUnit],
        description="Discharged without arranged reception (S11).",
    )
    async def report_utskrivning_utan_mottagande(
        self, info: DInfo, input: DischargeInput
    ) -> EscalationPayload:
        principal = principal_of(info)
        current = await mottagande_loader(info).load(input.anvisning_id)
        if current is not None and not access.is_unit_of(principal, current):
            raise forbidden("this assignment is not yours to act on")
        try:
            key = idempotency_key(
                principal.sub,
                "reportUtskrivningUtanMottagande",
                input.idempotency_key,
                command_input(input),
            )
            done = await handlers.report_discharge(
                deps_of(info), principal.sub, input.anvisning_id, input.discharged_on, key
            )
        except DomainError as error:
            return user_error(error)
        return EscalationSuccess(escalation_id=UUID(done["escalationId"]))
