"""Command and event handlers: each opens the one transaction (state, audit, outbox or inbox)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from bosattning_contracts.anvisning import AnvisningCancelled, AnvisningDecided, AnvisningStatus
from bosattning_contracts.envelope import Event
from bosattning_runtime import commands
from bosattning_runtime.audit import record_and_publish, record_audit
from bosattning_runtime.bus import first_receipt
from bosattning_runtime.clock import Clock
from bosattning_runtime.commands import IdempotencyKey
from bosattning_runtime.db import Connection, Pool, unit_of_work

from bosattning_dialog import domain, escalations, events, meetings, store
from bosattning_dialog.domain import Kontakt, Mottagande, Underrattelse
from bosattning_dialog.escalations import EscalationKind

CONSUMER = "dialog"


@dataclass(frozen=True)
class Deps:
    pool: Pool
    clock: Clock
    reply_window: timedelta
    trepartssamtal_persons: int = 10


async def record_underrattelse(
    deps: Deps, actor: str, talk: Underrattelse, key: IdempotencyKey | None
) -> dict[str, Any]:
    """Record the notification talk; own housing counts as self-settled in that municipality."""

    async def work(conn: Connection) -> dict[str, Any]:
        existing = await store.underrattelse(conn, talk.arende_id)
        recorded = domain.record_underrattelse(existing, talk, deps.clock.today())
        await store.save_underrattelse(conn, recorded)
        await record_and_publish(
            conn,
            actor,
            "recordUnderrattelsesamtal",
            [events.underrattelse(recorded)],
            {"outcome": recorded.outcome.value},
        )
        return {"arendeId": recorded.arende_id}

    return await commands.execute(deps.pool, key, work)


Effects = Callable[[Connection, Mottagande, str, datetime], Awaitable[list[Event[Any]]]]


async def _change(
    deps: Deps,
    actor: str,
    action: str,
    anvisning_id: UUID,
    key: IdempotencyKey | None,
    change: Callable[[Mottagande | None], Mottagande],
    effects: Effects | None = None,
) -> dict[str, Any]:
    """Change a reception record; its effects (escalations, events) in the same transaction."""

    async def work(conn: Connection) -> dict[str, Any]:
        changed = change(await store.mottagande(conn, anvisning_id, for_update=True))
        await store.save_mottagande(conn, changed)
        now = deps.clock.now()
        evts = [] if effects is None else await effects(conn, changed, actor, now)
        if evts:
            await record_and_publish(conn, actor, action, evts, {"kommunkod": changed.kommunkod})
        else:
            await record_audit(
                conn,
                occurred_at=now,
                actor=actor,
                action=action,
                aggregate_id=f"mottagande:{anvisning_id}",
                details={"kommunkod": changed.kommunkod},
            )
        return {"anvisningId": str(anvisning_id)}

    return await commands.execute(deps.pool, key, work)


async def _resolve_by_report(
    conn: Connection, m: Mottagande, by: str, at: datetime
) -> list[Event[Any]]:
    """A date within the deadline or the reception resolves open deadline escalations."""
    evts: list[Event[Any]] = []
    for open_one in await store.active_escalations(conn, m.anvisning_id):
        if open_one.kind in (EscalationKind.LATE_DATE, EscalationKind.NO_REPLY):
            resolved = escalations.resolved_by_report(open_one, by)
            await store.save_escalation(conn, resolved, at)
            evts.append(events.escalation(resolved, at))
    return evts


async def _after_date(conn: Connection, m: Mottagande, by: str, at: datetime) -> list[Event[Any]]:
    if not m.date_after_deadline:
        return await _resolve_by_report(conn, m, by, at)
    opened = escalations.open_for(m, EscalationKind.LATE_DATE, uuid4(), at)
    return [events.escalation(opened, at)] if await store.open_escalation(conn, opened) else []


async def _after_reception(
    conn: Connection, m: Mottagande, by: str, at: datetime
) -> list[Event[Any]]:
    return [events.mottagande_completed(m, at), *await _resolve_by_report(conn, m, by, at)]


async def record_samtal(
    deps: Deps, actor: str, anvisning_id: UUID, held_on: date, key: IdempotencyKey | None
) -> dict[str, Any]:
    return await _change(
        deps,
        actor,
        "recordAnvisningssamtal",
        anvisning_id,
        key,
        lambda m: domain.record_samtal(m, held_on, deps.clock.today()),
    )


async def report_date(
    deps: Deps, actor: str, anvisning_id: UUID, day: date, key: IdempotencyKey | None
) -> dict[str, Any]:
    """The municipality's reception date: after the deadline it opens an escalation."""
    return await _change(
        deps,
        actor,
        "reportMottagandedatum",
        anvisning_id,
        key,
        lambda m: domain.report_date(m, day),
        _after_date,
    )


async def report_received(
    deps: Deps, actor: str, anvisning_id: UUID, day: date, key: IdempotencyKey | None
) -> dict[str, Any]:
    return await _change(
        deps,
        actor,
        "reportMottagande",
        anvisning_id,
        key,
        lambda m: domain.report_received(m, day, deps.clock.today()),
        _after_reception,
    )


async def open_overdue(deps: Deps) -> int:
    """The watcher: a no-reply escalation for each assignment past the reply window. Safe to
    run twice or in two processes at once: the database opens each one once."""
    async with deps.pool.acquire() as conn:
        due = await store.overdue_ids(conn, deps.clock.now(), deps.reply_window)
    opened = 0
    for anvisning_id in due:
        async with unit_of_work(deps.pool) as conn:
            current = await store.mottagande(conn, anvisning_id, for_update=True)
            now = deps.clock.now()
            if current is None or not escalations.overdue(current, now, deps.reply_window):
                continue
            e = escalations.open_for(current, EscalationKind.NO_REPLY, uuid4(), now)
            if await store.open_escalation(conn, e):
                await record_and_publish(
                    conn,
                    "system",
                    "openEscalation",
                    [events.escalation(e, now)],
                    {"kind": e.kind.value},
                )
                opened += 1
    return opened


async def act_on_escalation(
    deps: Deps,
    actor: str,
    escalation_id: UUID,
    *,
    hand_over: bool,
    regional_expert: bool,
    key: IdempotencyKey | None,
) -> dict[str, Any]:
    """Hand over to the regional expert, or resolve (each by its owner)."""

    async def work(conn: Connection) -> dict[str, Any]:
        current = await store.escalation(conn, escalation_id)
        changed = (
            escalations.hand_over(current)
            if hand_over
            else escalations.resolve(current, actor, regional_expert=regional_expert)
        )
        now = deps.clock.now()
        await store.save_escalation(conn, changed, now)
        action = "handOverEscalation" if hand_over else "resolveEscalation"
        await record_and_publish(
            conn, actor, action, [events.escalation(changed, now)], {"kind": changed.kind.value}
        )
        return {"escalationId": str(escalation_id)}

    return await commands.execute(deps.pool, key, work)


async def record_kontakt(
    deps: Deps, actor: str, kontakt: Kontakt, key: IdempotencyKey | None
) -> dict[str, Any]:
    """A contact of the reception unit with the municipality about an assignment."""

    async def work(conn: Connection) -> dict[str, Any]:
        current = await store.mottagande(conn, kontakt.anvisning_id)
        checked = domain.record_kontakt(current, kontakt)
        now = deps.clock.now()
        await store.save_kontakt(conn, checked, actor, now)
        await record_audit(
            conn,
            occurred_at=now,
            actor=actor,
            action="recordKontakt",
            aggregate_id=f"mottagande:{kontakt.anvisning_id}",
            details={},
        )
        return {"anvisningId": str(kontakt.anvisning_id)}

    return await commands.execute(deps.pool, key, work)


async def on_anvisning(deps: Deps, event: AnvisningDecided | AnvisningCancelled) -> None:
    """A reception record per assignment, by version: repeats and older versions do nothing."""
    p = event.payload
    async with unit_of_work(deps.pool) as conn:
        if not await first_receipt(conn, CONSUMER, event):
            return
        await store.project(
            conn,
            Mottagande(
                p.anvisning_id,
                p.arende_id,
                p.category,
                p.kommunkod,
                p.year,
                p.persons,
                p.decided_at,
                p.deadline,
                p.version,
                p.status is AnvisningStatus.CANCELLED,
                enhet=p.enhet,
            ),
        )


async def report_cannot_receive(
    deps: Deps,
    actor: str,
    kommunkod: str,
    months: tuple[int, ...],
    reason: str,
    key: IdempotencyKey | None,
) -> dict[str, Any]:
    """An inability to receive: the regional expert's escalation; the county board is told
    which assignments it concerns; enough persons propose a three-party meeting."""

    async def work(conn: Connection) -> dict[str, Any]:
        concerned = await store.pending_of_kommun(conn, kommunkod)
        now = deps.clock.now()
        e = escalations.cannot_receive(kommunkod, months, reason, concerned, uuid4(), now)
        await store.open_escalation(conn, e)
        meeting = e.persons >= deps.trepartssamtal_persons
        if meeting:
            proposed = meetings.trepartssamtal(
                uuid4(), e.lanskod, kommunkod, e.escalation_id, actor, now
            )
            await store.insert_meeting(conn, proposed)
        await record_and_publish(
            conn,
            actor,
            "reportCannotReceive",
            [events.escalation(e, now)],
            {"persons": e.persons, "meetingProposed": meeting},
        )
        return {"escalationId": str(e.escalation_id), "meetingProposed": meeting}

    return await commands.execute(deps.pool, key, work)


async def report_discharge(
    deps: Deps, actor: str, anvisning_id: UUID, discharged_on: date, key: IdempotencyKey | None
) -> dict[str, Any]:
    """Discharge without arranged reception: the county board of the municipality is told."""

    async def work(conn: Connection) -> dict[str, Any]:
        now = deps.clock.now()
        e = escalations.discharged(
            await store.mottagande(conn, anvisning_id), discharged_on, uuid4(), now
        )
        if not await store.open_escalation(conn, e):
            raise domain.fail("ALREADY_REPORTED", "this discharge is reported", "anvisningId")
        await record_and_publish(
            conn,
            actor,
            "reportUtskrivningUtanMottagande",
            [events.escalation(e, now)],
            {"kommunkod": e.kommunkod},
        )
        return {"escalationId": str(e.escalation_id)}

    return await commands.execute(deps.pool, key, work)
