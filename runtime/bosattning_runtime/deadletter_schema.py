"""The operators' GraphQL fields for dead letters (DESIGN §5: read and write `operator`).

One subgraph serves them for the whole suite: every consumer's dead letters are in one
stream, and a replay reaches the consumer's own service over the bus.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Annotated, Any, cast
from uuid import UUID

import strawberry
from graphql import GraphQLError
from nats.js import JetStreamContext
from strawberry.types import Info

from bosattning_runtime import deadletters
from bosattning_runtime.auth import Principal, Role
from bosattning_runtime.commands import idempotency_key
from bosattning_runtime.errors import DomainError
from bosattning_runtime.graphql import (
    Conflict,
    NotFound,
    RequestContext,
    ValidationError,
    command_input,
    permission,
    principal_of,
    user_error,
)
from bosattning_runtime.pages import (
    bad_input,
    check_first,
    decode_sequence_cursor,
    encode_sequence_cursor,
)

OInfo = Info[RequestContext[Any], None]


def may_operate(principal: Principal) -> bool:
    return principal.has_role(Role.operator)


IsOperator = permission(
    "IsOperator", lambda p, _: may_operate(p), "dead letters are for operators only"
)


def _deps(info: OInfo) -> deadletters.OperatorDeps:
    return cast(deadletters.OperatorDeps, info.context.deps)


def _jetstream(info: OInfo) -> JetStreamContext:
    nc = _deps(info).nats()
    if nc is None or not nc.is_connected:
        raise GraphQLError("the bus is not reachable", extensions={"code": "SERVICE_UNAVAILABLE"})
    return nc.jetstream()


@strawberry.type(
    name="DeadLetter",
    description="An event a consumer gave up on: ids, codes, counts and dates, no payload.",
)
class DeadLetterType:
    sequence: int = strawberry.field(description="Its sequence in the dead-letter stream.")
    consumer: str
    original_subject: str
    original_sequence: int | None = strawberry.field(
        description="The sequence of the failed delivery in the event stream."
    )
    event_id: UUID | None
    event_type: str | None
    deliveries: int
    error_type: str
    dead_lettered_at: datetime
    trace_id: str | None

    @classmethod
    def of(cls, letter: deadletters.DeadLetter) -> DeadLetterType:
        return cls(**dataclasses.asdict(letter))


@strawberry.type(description="Dead letters, oldest first.")
class DeadLetterPage:
    items: list[DeadLetterType]
    has_next_page: bool
    end_cursor: str | None
    total_count: int


@strawberry.input
class ReplayDeadLetterInput:
    sequence: int
    idempotency_key: str | None = None


@strawberry.type(description="The event was sent again to its consumer alone.")
class ReplayDeadLetterSuccess:
    sequence: int
    consumer: str
    event_id: UUID | None
    replay_subject: str


ReplayDeadLetterPayload = Annotated[
    ReplayDeadLetterSuccess | ValidationError | NotFound | Conflict,
    strawberry.union("ReplayDeadLetterPayload"),
]


@strawberry.type
class OperatorQuery:
    @strawberry.field(
        permission_classes=[IsOperator],
        description="Dead letters of every consumer, or of one, oldest first.",
    )
    async def dead_letters(
        self,
        info: OInfo,
        first: int = 50,
        after: str | None = None,
        consumer: str | None = None,
    ) -> DeadLetterPage:
        check_first(first)
        if consumer is not None and not deadletters.CONSUMER_NAME.fullmatch(consumer):
            raise bad_input("a consumer is named by letters, digits, '-' and '_'")
        js = _jetstream(info)
        found, more = await deadletters.list_dead_letters(
            js, consumer, decode_sequence_cursor(after), first
        )
        end = encode_sequence_cursor(found[-1].sequence) if found else None
        return DeadLetterPage(
            items=[DeadLetterType.of(letter) for letter in found],
            has_next_page=more,
            end_cursor=end,
            total_count=await deadletters.count_dead_letters(js, consumer),
        )


@strawberry.type
class OperatorMutation:
    @strawberry.mutation(
        permission_classes=[IsOperator],
        description="Send a dead letter again to its consumer, once, and take it off the list.",
    )
    async def replay_dead_letter(
        self, info: OInfo, input: ReplayDeadLetterInput
    ) -> ReplayDeadLetterPayload:
        principal = principal_of(info)
        js = _jetstream(info)
        try:
            key = idempotency_key(
                principal.sub, "replayDeadLetter", input.idempotency_key, command_input(input)
            )
            done = await deadletters.replay_dead_letter(
                _deps(info), js, principal.sub, input.sequence, key
            )
        except DomainError as error:
            if error.code == deadletters.ALREADY_REPLAYED:
                return Conflict(code=error.code, message=error.message, field=error.field)
            return user_error(error)
        event_id = done["eventId"]
        return ReplayDeadLetterSuccess(
            sequence=done["sequence"],
            consumer=done["consumer"],
            event_id=None if event_id is None else UUID(event_id),
            replay_subject=done["replaySubject"],
        )
