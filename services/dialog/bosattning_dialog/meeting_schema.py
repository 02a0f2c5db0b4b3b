"""Meetings (S3, S4, S10) in the reception units' subgraph: proposed → scheduled → held."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

import strawberry
from bosattning_runtime import pages
from bosattning_runtime.auth import AGENCY_ROLES, Role
from bosattning_runtime.clock import decidable_years
from bosattning_runtime.commands import IdempotencyKey, idempotency_key
from bosattning_runtime.errors import DomainError
from bosattning_runtime.graphql import (
    Conflict,
    NotFound,
    ValidationError,
    command_input,
    forbidden,
    loader,
    permission,
    principal_of,
    user_error,
)
from strawberry.dataloader import DataLoader

from bosattning_dialog import access, meeting_handlers, meetings, store
from bosattning_dialog.handlers import Deps
from bosattning_dialog.types import DInfo, deps_of

MeetingKind = strawberry.enum(meetings.MeetingKind, name="MeetingKind")
MeetingStatus = strawberry.enum(meetings.MeetingStatus, name="MeetingStatus")

IsMeetingWriter = permission(
    "IsMeetingWriter",
    lambda p, _: p.has_any_role(Role.lansstyrelse, Role.regional_expert, Role.bosattningsenhet),
    "meetings are kept by the county board, the regional expert or the settlement unit",
)
IsAgency = permission(
    "IsAgency", lambda p, _: bool(p.roles & AGENCY_ROLES), "for the agencies only"
)


@strawberry.type(description="A check-in, county meeting or three-party meeting.")
class Meeting:
    meeting_id: UUID
    kind: MeetingKind  # type: ignore[valid-type]
    status: MeetingStatus  # type: ignore[valid-type]
    lanskod: str
    kommunkoder: list[str]
    agenda: list[str]
    scheduled_on: date | None
    held_on: date | None
    escalation_id: UUID | None = strawberry.field(
        description="The inability to receive that proposed this three-party meeting."
    )
    created_at: datetime

    @staticmethod
    def of(m: meetings.Meeting) -> Meeting:
        return Meeting(
            meeting_id=m.meeting_id,
            kind=m.kind,
            status=m.status,
            lanskod=m.lanskod,
            kommunkoder=list(m.kommunkoder),
            agenda=list(m.agenda),
            scheduled_on=m.scheduled_on,
            held_on=m.held_on,
            escalation_id=m.escalation_id,
            created_at=m.created_at,
        )


@strawberry.type(description="Meetings, newest first.")
class MeetingPage:
    items: list[Meeting]
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="A county with no länsträff held in the year (S4).")
class LanWithoutLanstraff:
    lanskod: str
    namn: str


@strawberry.input
class MeetingProposalInput:
    kind: MeetingKind  # type: ignore[valid-type]
    lanskod: str
    kommunkoder: list[str] = strawberry.field(default_factory=list)
    agenda: list[str] = strawberry.field(default_factory=list)
    idempotency_key: str | None = None


@strawberry.input
class MeetingScheduleInput:
    meeting_id: UUID
    scheduled_on: date
    idempotency_key: str | None = None


@strawberry.input
class MeetingHeldInput:
    meeting_id: UUID
    held_on: date
    agenda: list[str] | None = None
    idempotency_key: str | None = None


@strawberry.type
class MeetingSuccess:
    meeting: Meeting


MeetingPayload = Annotated[
    MeetingSuccess | ValidationError | NotFound | Conflict, strawberry.union("MeetingPayload")
]
Result = MeetingSuccess | ValidationError | NotFound | Conflict
Command = Callable[[Deps, str, IdempotencyKey | None], Awaitable[dict[str, Any]]]


def meeting_loader(info: DInfo) -> DataLoader[UUID, meetings.Meeting | None]:
    async def load(keys: list[UUID]) -> list[meetings.Meeting | None]:
        async with deps_of(info).pool.acquire() as conn:
            found = {m.meeting_id: m for m in await store.meetings(conn, keys)}
        return [found.get(key) for key in keys]

    return loader(info, "meeting", load)


async def _run(info: DInfo, mutation: str, input: Any, command: Command) -> Result:
    """The command, then the fresh meeting."""
    principal = principal_of(info)
    try:
        key = idempotency_key(principal.sub, mutation, input.idempotency_key, command_input(input))
        done = await command(deps_of(info), principal.sub, key)
    except DomainError as error:
        return user_error(error)
    meeting_id = UUID(done["meetingId"])
    meeting_loader(info).clear_all()  # the meeting changed, or is new to this request
    fresh = await meeting_loader(info).load(meeting_id)
    assert fresh is not None
    return MeetingSuccess(meeting=Meeting.of(fresh))


async def _on_meeting(info: DInfo, mutation: str, input: Any, command: Command) -> Result:
    """Row-level access on the meeting's county, then the command."""
    current = await meeting_loader(info).load(input.meeting_id)
    if current is not None and not access.may_write_meeting(principal_of(info), current.lanskod):
        raise forbidden("this meeting is not yours to keep")
    return await _run(info, mutation, input, command)


@strawberry.type
class MeetingQuery:
    @strawberry.field(description="A meeting, if you may read it.")
    async def meeting(self, info: DInfo, meeting_id: UUID) -> Meeting | None:
        found = await meeting_loader(info).load(meeting_id)
        if found is None:
            return None
        if not access.may_read_meeting(principal_of(info), found):
            raise forbidden("this meeting is not yours to read")
        return Meeting.of(found)

    @strawberry.field(description="Meetings you may read, newest first, by cursor.")
    async def meetings(
        self, info: DInfo, lanskod: str | None = None, first: int = 50, after: str | None = None
    ) -> MeetingPage:
        pages.check_first(first)
        scope = access.meeting_scope(principal_of(info))
        if scope is None:
            raise forbidden("meetings are not yours to read")
        async with deps_of(info).pool.acquire() as conn:
            rows = await store.meeting_page(
                conn, lanskod, scope, pages.decode_cursor(after), first + 1
            )
        items, more, end = pages.split_page(rows, first, lambda m: (m.created_at, m.meeting_id))
        return MeetingPage(items=[Meeting.of(m) for m in items], has_next_page=more, end_cursor=end)

    @strawberry.field(
        permission_classes=[IsAgency],
        description="The counties with no länsträff held in the year (default: this year).",
    )
    async def counties_without_lanstraff(
        self, info: DInfo, year: int | None = None
    ) -> list[LanWithoutLanstraff]:
        clock = deps_of(info).clock
        wanted = clock.year() if year is None else year
        if wanted not in decidable_years(clock):
            raise pages.bad_input(f"year is {decidable_years(clock).start}–{clock.year() + 1}")
        async with deps_of(info).pool.acquire() as conn:
            held = await store.lanstraff_held(conn, wanted)
        return [
            LanWithoutLanstraff(lanskod=lan.lanskod, namn=lan.namn)
            for lan in meetings.counties_without_lanstraff(held)
        ]


@strawberry.type
class MeetingMutation:
    @strawberry.mutation(permission_classes=[IsMeetingWriter])
    async def propose_meeting(self, info: DInfo, input: MeetingProposalInput) -> MeetingPayload:
        if not access.may_write_meeting(principal_of(info), input.lanskod):
            raise forbidden("meetings of this county are not yours to keep")
        return await _run(
            info,
            "proposeMeeting",
            input,
            lambda d, a, k: meeting_handlers.propose_meeting(
                d,
                a,
                meetings.MeetingKind(input.kind),
                input.lanskod,
                input.kommunkoder,
                input.agenda,
                k,
            ),
        )

    @strawberry.mutation(permission_classes=[IsMeetingWriter])
    async def schedule_meeting(self, info: DInfo, input: MeetingScheduleInput) -> MeetingPayload:
        return await _on_meeting(
            info,
            "scheduleMeeting",
            input,
            lambda d, a, k: meeting_handlers.schedule_meeting(
                d, a, input.meeting_id, input.scheduled_on, k
            ),
        )

    @strawberry.mutation(permission_classes=[IsMeetingWriter])
    async def record_meeting_held(self, info: DInfo, input: MeetingHeldInput) -> MeetingPayload:
        return await _on_meeting(
            info,
            "recordMeetingHeld",
            input,
            lambda d, a, k: meeting_handlers.record_meeting_held(
                d, a, input.meeting_id, input.held_on, input.agenda, k
            ),
        )
