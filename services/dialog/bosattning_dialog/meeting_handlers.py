"""Meeting commands (S3, S4, S10): each one transaction with its audit row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from bosattning_runtime import commands
from bosattning_runtime.audit import record_audit
from bosattning_runtime.commands import IdempotencyKey
from bosattning_runtime.db import Connection

from bosattning_dialog import meetings, store
from bosattning_dialog.handlers import Deps
from bosattning_dialog.meetings import Meeting, MeetingKind


async def _audit(conn: Connection, deps: Deps, actor: str, action: str, m: Meeting) -> None:
    await record_audit(
        conn,
        occurred_at=deps.clock.now(),
        actor=actor,
        action=action,
        aggregate_id=f"meeting:{m.meeting_id}",
        details={"kind": m.kind.value, "lanskod": m.lanskod, "status": m.status.value},
    )


async def propose_meeting(
    deps: Deps,
    actor: str,
    kind: MeetingKind,
    lanskod: str,
    kommunkoder: Sequence[str],
    agenda: Sequence[str],
    key: IdempotencyKey | None,
) -> dict[str, Any]:
    async def work(conn: Connection) -> dict[str, Any]:
        proposed = meetings.propose(
            uuid4(), kind, lanskod, kommunkoder, agenda, actor, deps.clock.now()
        )
        await store.insert_meeting(conn, proposed)
        await _audit(conn, deps, actor, "proposeMeeting", proposed)
        return {"meetingId": str(proposed.meeting_id)}

    return await commands.execute(deps.pool, key, work)


async def _change(
    deps: Deps,
    actor: str,
    action: str,
    meeting_id: UUID,
    key: IdempotencyKey | None,
    change: Callable[[Meeting | None], Meeting],
) -> dict[str, Any]:
    async def work(conn: Connection) -> dict[str, Any]:
        changed = change(await store.meeting(conn, meeting_id))
        await store.save_meeting(conn, changed)
        await _audit(conn, deps, actor, action, changed)
        return {"meetingId": str(meeting_id)}

    return await commands.execute(deps.pool, key, work)


async def schedule_meeting(
    deps: Deps, actor: str, meeting_id: UUID, scheduled_on: date, key: IdempotencyKey | None
) -> dict[str, Any]:
    return await _change(
        deps,
        actor,
        "scheduleMeeting",
        meeting_id,
        key,
        lambda m: meetings.schedule(m, scheduled_on),
    )


async def record_meeting_held(
    deps: Deps,
    actor: str,
    meeting_id: UUID,
    held_on: date,
    agenda: Sequence[str] | None,
    key: IdempotencyKey | None,
) -> dict[str, Any]:
    return await _change(
        deps,
        actor,
        "recordMeetingHeld",
        meeting_id,
        key,
        lambda m: meetings.record_held(m, held_on, agenda, deps.clock.today()),
    )
