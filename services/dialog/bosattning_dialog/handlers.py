"""Command and event handlers: each opens the one transaction (state, audit, outbox or inbox)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from bosattning_contracts.anvisning import AnvisningCancelled, AnvisningDecided, AnvisningStatus
from bosattning_runtime import commands
from bosattning_runtime.audit import record_and_publish, record_audit
from bosattning_runtime.bus import first_receipt
from bosattning_runtime.clock import Clock
from bosattning_runtime.commands import IdempotencyKey
from bosattning_runtime.db import Connection, Pool, unit_of_work

from bosattning_dialog import domain, events, store
from bosattning_dialog.domain import Kontakt, Mottagande, Underrattelse

CONSUMER = "dialog"


@dataclass(frozen=True)
class Deps:
    pool: Pool
    clock: Clock


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


async def _change(
    deps: Deps, actor: str, action: str, anvisning_id: UUID, key: IdempotencyKey | None, change: Any
) -> dict[str, Any]:
    async def work(conn: Connection) -> dict[str, Any]:
        current = await store.mottagande(conn, anvisning_id, for_update=True)
        changed: Mottagande = change(current)
        await store.save_mottagande(conn, changed)
        evts = (
            [events.mottagande_completed(changed, deps.clock.now())]
            if action == "reportMottagande"
            else []
        )
        if evts:
            await record_and_publish(conn, actor, action, evts, {"kommunkod": changed.kommunkod})
        else:
            await record_audit(
                conn,
                occurred_at=deps.clock.now(),
                actor=actor,
                action=action,
                aggregate_id=f"mottagande:{anvisning_id}",
                details={"kommunkod": changed.kommunkod},
            )
        return {"anvisningId": str(anvisning_id)}

    return await commands.execute(deps.pool, key, work)


async def record_samtal(
    deps: Deps, actor: str, anvisning_id: UUID, held_on: date, key: IdempotencyKey | None
) -> dict[str, Any]:
    return await _change(
        deps,
        actor,
        "recordAnvisningssamtal",
        anvisning_id,
        key,
        lambda m: domain.record_samtal(m, held_on),
    )


async def report_date(
    deps: Deps, actor: str, anvisning_id: UUID, day: date, key: IdempotencyKey | None
) -> dict[str, Any]:
    return await _change(
        deps,
        actor,
        "reportMottagandedatum",
        anvisning_id,
        key,
        lambda m: domain.report_date(m, day),
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
    )


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
            ),
        )
