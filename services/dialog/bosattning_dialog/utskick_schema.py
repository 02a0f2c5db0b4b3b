"""Mailings to many municipalities (S5) in the reception units' subgraph."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID, uuid4

import strawberry
from bosattning_runtime import pages
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

from bosattning_dialog import access, store, utskick, utskick_handlers
from bosattning_dialog.types import DInfo, deps_of

UtskickKind = strawberry.enum(utskick.UtskickKind, name="UtskickKind")

IsUtskickSender = permission(
    "IsUtskickSender",
    lambda p, _: p.has_any_role(Role.lansstyrelse, Role.bosattningsenhet),
    "mailings are registered by a county board or the settlement unit",
)


@strawberry.type(description="A mailing to many municipalities (utskick).")
class Utskick:
    utskick_id: UUID
    subject: str
    kind: UtskickKind  # type: ignore[valid-type]
    lanskod: str | None = strawberry.field(description="The sending county board's county.")
    recipients: list[str] = strawberry.field(description="The recipients' kommunkoder.")
    sent_on: date
    sender_role: str
    registered_at: datetime

    @staticmethod
    def of(u: utskick.Utskick) -> Utskick:
        return Utskick(
            utskick_id=u.utskick_id,
            subject=u.subject,
            kind=u.kind,
            lanskod=u.lanskod,
            recipients=list(u.recipients),
            sent_on=u.sent_on,
            sender_role=u.sender_role,
            registered_at=u.registered_at,
        )


@strawberry.type(description="Mailings, newest first.")
class UtskickPage:
    items: list[Utskick]
    has_next_page: bool
    end_cursor: str | None


@strawberry.input
class UtskickInput:
    subject: str
    kind: UtskickKind  # type: ignore[valid-type]
    recipients: list[str]
    sent_on: date
    lanskod: str | None = None
    idempotency_key: str | None = None


@strawberry.type
class UtskickSuccess:
    utskick: Utskick


UtskickPayload = Annotated[
    UtskickSuccess | ValidationError | NotFound | Conflict, strawberry.union("UtskickPayload")
]


@strawberry.type
class UtskickQuery:
    @strawberry.field(description="Mailings: all for the agencies, a municipality's own.")
    async def utskick(self, info: DInfo, first: int = 50, after: str | None = None) -> UtskickPage:
        pages.check_first(first)
        scope = access.utskick_scope(principal_of(info))
        if scope is None:
            raise forbidden("mailings are not yours to read")
        everything, kommun = scope
        async with deps_of(info).pool.acquire() as conn:
            rows = await store.utskick_page(
                conn, everything, kommun, pages.decode_cursor(after), first + 1
            )
        items, more, end = pages.split_page(rows, first, lambda u: (u.registered_at, u.utskick_id))
        return UtskickPage(items=[Utskick.of(u) for u in items], has_next_page=more, end_cursor=end)


@strawberry.type
class UtskickMutation:
    @strawberry.mutation(
        permission_classes=[IsUtskickSender], description="Register a mailing (S5)."
    )
    async def register_utskick(self, info: DInfo, input: UtskickInput) -> UtskickPayload:
        principal = principal_of(info)
        role = access.utskick_sender(principal, input.lanskod)
        if role is None:
            raise forbidden("a county board registers the mailings of its own county")
        deps = deps_of(info)
        draft = utskick.Utskick(
            uuid4(),
            input.subject,
            utskick.UtskickKind(input.kind),
            input.lanskod,
            tuple(input.recipients),
            input.sent_on,
            role.value,
            principal.sub,
            deps.clock.now(),
        )
        try:
            key = idempotency_key(
                principal.sub, "registerUtskick", input.idempotency_key, command_input(input)
            )
            done = await utskick_handlers.register_utskick(deps, draft, key)
        except DomainError as error:
            return user_error(error)
        async with deps.pool.acquire() as conn:
            registered = await store.utskick(conn, UUID(done["utskickId"]))
        assert registered is not None
        return UtskickSuccess(utskick=Utskick.of(registered))
