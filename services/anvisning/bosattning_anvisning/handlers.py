"""Command and event handlers: each opens the one transaction (state, audit, outbox or inbox)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from bosattning_contracts.kommuntal import (
    KommuntalDecided,
    KommuntalRevised,
    KommuntalRevisionRejected,
    KommuntalRevisionRequested,
)
from bosattning_contracts.mottagande import MottagandeCompleted
from bosattning_runtime import commands
from bosattning_runtime.audit import record_and_publish
from bosattning_runtime.bus import first_receipt
from bosattning_runtime.clock import Clock
from bosattning_runtime.commands import IdempotencyKey
from bosattning_runtime.db import Connection, Pool, unit_of_work

from bosattning_anvisning import domain, events, planning, plans, store
from bosattning_anvisning.domain import Arende, Category
from bosattning_anvisning.plans import PlanStatus

CONSUMER = "anvisning"


@dataclass(frozen=True)
class Deps:
    pool: Pool
    clock: Clock
    need_codes: frozenset[str]
    profile: planning.MonthlyProfile


@dataclass(frozen=True)
class RegisterArende:
    arende_id: str
    category: Category
    adults: int
    children: int
    needs: tuple[str, ...]
    kommunkod: str | None


@dataclass(frozen=True)
class DecideAnvisning:
    arende_id: str
    kommunkod: str
    deadline: date | None
    replaces: UUID | None
    override_reason: str | None


async def register_arende(
    deps: Deps, actor: str, enhet: str | None, cmd: RegisterArende, key: IdempotencyKey | None
) -> dict[str, Any]:
    """Register (or correct) a case's settlement basis; coded needs stay in this database."""

    async def work(conn: Connection) -> dict[str, Any]:
        domain.check_arende_id(cmd.arende_id)
        existing = await store.arende(conn, cmd.arende_id, for_update=True)
        candidate = Arende(
            cmd.arende_id,
            cmd.category,
            cmd.adults,
            cmd.children,
            cmd.kommunkod,
            cmd.needs,
            enhet,
            1,
            actor,
            deps.clock.now(),
        )
        arende = domain.register(existing, candidate, deps.need_codes)
        await store.save_arende(conn, arende)
        await record_and_publish(
            conn,
            actor,
            "registerBosattningsunderlag",
            [events.arende_registered(arende)],
            {"version": arende.version},
        )
        return {"arendeId": arende.arende_id}

    return await commands.execute(deps.pool, key, work)


async def decide_anvisning(
    deps: Deps, actor: str, cmd: DecideAnvisning, key: IdempotencyKey | None
) -> dict[str, Any]:
    """Assign a case to a municipality, within its capacity (DESIGN §4)."""

    async def work(conn: Connection) -> dict[str, Any]:
        domain.check_arende_id(cmd.arende_id)
        arende = await store.arende(conn, cmd.arende_id, for_update=True)
        replaced = None if cmd.replaces is None else await store.anvisning(conn, cmd.replaces)
        if cmd.replaces is not None and replaced is None:
            raise domain.fail(
                "ANVISNING_NOT_FOUND", "the replaced assignment does not exist", "replaces"
            )
        today = deps.clock.today()
        year = today.year if replaced is None else replaced.year
        capacity = await store.capacity(conn, year, cmd.kommunkod)
        plan = await store.current_plan(conn, year, cmd.kommunkod)
        over_plan = (
            replaced is None
            and capacity is not None
            and arende is not None
            and plans.needs_override(plan, capacity, capacity.used, arende.persons, today.month)
        )
        anvisning = domain.decide(
            arende,
            await store.active_anvisning(conn, cmd.arende_id),
            replaced,
            capacity,
            anvisning_id=uuid4(),
            kommunkod=cmd.kommunkod,
            decided_by=actor,
            decided_at=deps.clock.now(),
            today=today,
            deadline=cmd.deadline,
            override_reason=cmd.override_reason,
            over_plan=over_plan,
            without_plan=replaced is None
            and (plan is None or plan.status is not PlanStatus.DECIDED or plan.stale(capacity)),
        )
        if not await store.take_places(
            conn, anvisning.year, anvisning.kommunkod, anvisning.persons
        ):
            raise domain.fail("CAPACITY_EXCEEDED", "the places were taken meanwhile", "kommunkod")
        await store.save_anvisning(conn, anvisning)
        await record_and_publish(
            conn,
            actor,
            "decideAnvisning",
            [events.anvisning_decided(anvisning)],
            {"kommunkod": anvisning.kommunkod, "persons": anvisning.persons},
        )
        return {"anvisningId": str(anvisning.anvisning_id)}

    return await commands.execute(deps.pool, key, work)


async def cancel_anvisning(
    deps: Deps, actor: str, anvisning_id: UUID, key: IdempotencyKey | None
) -> dict[str, Any]:
    """The household does not use the assignment: the places are freed."""

    async def work(conn: Connection) -> dict[str, Any]:
        cancelled = domain.cancel(await store.anvisning(conn, anvisning_id, for_update=True))
        await store.update_anvisning(conn, cancelled)
        await store.free_places(conn, cancelled.year, cancelled.kommunkod, cancelled.persons)
        await record_and_publish(
            conn,
            actor,
            "cancelAnvisning",
            [events.anvisning_cancelled(cancelled, deps.clock.now())],
            {"kommunkod": cancelled.kommunkod},
        )
        return {"anvisningId": str(anvisning_id)}

    return await commands.execute(deps.pool, key, work)


async def on_kommuntal(deps: Deps, event: KommuntalDecided | KommuntalRevised) -> None:
    """Project a kommuntal version; an older or repeated one changes nothing."""
    p = event.payload
    async with unit_of_work(deps.pool) as conn:
        if not await first_receipt(conn, CONSUMER, event):
            return
        rows = [(r.kommunkod, r.kommuntal) for r in p.rows]
        await store.project_kommuntal(conn, p.year, p.lanskod, p.version, rows)
        if isinstance(event, KommuntalRevised):
            await store.release_revision(conn, event.payload.request_id)


async def on_revision_requested(deps: Deps, event: KommuntalRevisionRequested) -> None:
    """Hold the cap min(current, proposed) and answer at once: confirmed, or refused with
    the used counts that block it."""
    p = event.payload
    async with unit_of_work(deps.pool) as conn:
        if not await first_receipt(conn, CONSUMER, event):
            return
        current = await store.lock_capacities_of_lan(conn, p.year, p.lanskod)
        proposed = {r.kommunkod: r.kommuntal for r in p.rows}
        await store.hold_revision(conn, p.year, p.lanskod, p.request_id, list(proposed.items()))
        blocking = domain.blocking_rows(proposed, current)
        answer = events.revision_answer(p.request_id, p.year, p.lanskod, blocking, deps.clock.now())
        await record_and_publish(
            conn,
            "system",
            "answerRevision",
            [answer],
            {"requestId": str(p.request_id), "blocking": len(blocking)},
        )


async def on_revision_rejected(deps: Deps, event: KommuntalRevisionRejected) -> None:
    """The county service rejected (or expired) the request: the cap lifts."""
    async with unit_of_work(deps.pool) as conn:
        if not await first_receipt(conn, CONSUMER, event):
            return
        await store.release_revision(conn, event.payload.request_id)


async def on_mottagande_completed(deps: Deps, event: MottagandeCompleted) -> None:
    """The persons count as received (L3); for a cancelled assignment it is kept as a conflict."""
    p = event.payload
    async with unit_of_work(deps.pool) as conn:
        if not await first_receipt(conn, CONSUMER, event):
            return
        anvisning = await store.anvisning(conn, p.anvisning_id, for_update=True)
        if anvisning is None:
            raise domain.fail("ANVISNING_NOT_FOUND", f"no assignment {p.anvisning_id}")
        received = domain.receive(anvisning, p.received_on)
        if received is None:
            await store.keep_conflict(conn, anvisning.anvisning_id, p.received_on, p.reported_at)
        elif received.version != anvisning.version:
            await store.update_anvisning(conn, received)
            await store.count_received(conn, received.year, received.kommunkod, received.persons)


async def propose_arsplanering(
    deps: Deps, actor: str, year: int, kommunkoder: Sequence[str] | None, key: IdempotencyKey | None
) -> dict[str, Any]:
    """Propose the plans of every municipality with a kommuntal that year (or those named)."""

    async def work(conn: Connection) -> dict[str, Any]:
        capacities = await store.capacities_of_year(conn, year)
        chosen = [c for c in capacities if kommunkoder is None or c.kommunkod in kommunkoder]
        if not chosen:
            raise domain.fail("KOMMUNTAL_NOT_FOUND", f"no kommuntal is decided for {year}", "year")
        current = {
            p.kommunkod: p
            for p in await store.current_plans(conn, year, [c.kommunkod for c in chosen])
        }
        proposed = [
            plans.propose(current.get(c.kommunkod), c, deps.profile, actor, deps.clock.now())
            for c in chosen
        ]
        for plan in proposed:
            await store.save_plan(conn, plan)
        await record_and_publish(
            conn,
            actor,
            "proposeArsplanering",
            [events.arsplanering(p, changed=False) for p in proposed],
            {"year": year, "count": len(proposed)},
        )
        return {"year": year, "kommunkoder": [p.kommunkod for p in proposed]}

    return await commands.execute(deps.pool, key, work)


@dataclass(frozen=True)
class DecidePlan:
    year: int
    kommunkod: str
    months: tuple[int, ...] | None
    reason: str | None
    material: str | None


async def decide_arsplanering(
    deps: Deps, actor: str, cmd: DecidePlan, *, change: bool, key: IdempotencyKey | None
) -> dict[str, Any]:
    """Decide a municipality's plan, or change a decided one (with its reason)."""

    async def work(conn: Connection) -> dict[str, Any]:
        domain.check_kommun(cmd.kommunkod)
        current = await store.current_plan(conn, cmd.year, cmd.kommunkod)
        if change and (current is None or current.status is not PlanStatus.DECIDED):
            raise domain.fail("PLAN_NOT_DECIDED", "only a decided plan can be changed", "kommunkod")
        if change and cmd.months is None:
            raise domain.fail("MONTHS_REQUIRED", "a change gives the new months", "months")
        plan = plans.decide(
            current,
            await store.capacity(conn, cmd.year, cmd.kommunkod),
            cmd.months,
            cmd.reason,
            cmd.material,
            actor,
            deps.clock.now(),
        )
        await store.save_plan(conn, plan)
        changed = current is not None and current.status is PlanStatus.DECIDED
        await record_and_publish(
            conn,
            actor,
            "changeArsplanering" if changed else "decideArsplanering",
            [events.arsplanering(plan, changed=changed)],
            {"version": plan.version},
        )
        return {"year": plan.year, "kommunkod": plan.kommunkod}

    return await commands.execute(deps.pool, key, work)
