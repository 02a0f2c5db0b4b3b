"""Command and event handlers: each opens the one transaction (state, audit, outbox or inbox)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any
from uuid import UUID, uuid4

from bosattning_contracts.anvisning import AnvisningRevisionConfirmed, AnvisningRevisionRefused
from bosattning_contracts.envelope import Event
from bosattning_runtime import commands
from bosattning_runtime.audit import record_and_publish, record_audit
from bosattning_runtime.bus import first_receipt
from bosattning_runtime.clock import Clock, decidable_years
from bosattning_runtime.commands import IdempotencyKey
from bosattning_runtime.db import Connection, Pool, unit_of_work
from nats.aio.client import Client as NatsClient

from bosattning_kommuntal import domain, events, store
from bosattning_kommuntal.domain import Blocking, RevisionStatus, Row

CONSUMER = "kommuntal"


@dataclass(frozen=True)
class Deps:
    pool: Pool
    clock: Clock
    revision_timeout: timedelta
    nats: Callable[[], NatsClient | None] = lambda: None


@dataclass(frozen=True)
class SetLanstal:
    year: int
    lanskod: str
    lanstal: int
    reason: str


@dataclass(frozen=True)
class DecideKommuntal:
    year: int
    lanskod: str
    rows: tuple[Row, ...]
    reason: str


@dataclass(frozen=True)
class RequestRevision:
    year: int
    lanskod: str
    rows: tuple[Row, ...]
    reason: str


def _checked_key(deps: Deps, year: int, lanskod: str) -> tuple[int, str]:
    return domain.check_year(year, decidable_years(deps.clock)), domain.check_lanskod(lanskod)


async def _set_lanstal(conn: Connection, deps: Deps, actor: str, cmd: SetLanstal) -> dict[str, Any]:
    year, lanskod = _checked_key(deps, cmd.year, cmd.lanskod)
    by = domain.decided(actor, deps.clock.now(), cmd.reason)
    await store.lock_county_year(conn, year, lanskod)
    current = await store.current_lanstal(conn, year, lanskod)
    lanstal = domain.set_lanstal(current, year, lanskod, cmd.lanstal, by)
    await store.save_lanstal(conn, lanstal)
    evt = events.lanstal_set(lanstal, None if current is None else current.version)
    await record_and_publish(conn, actor, "setLanstal", [evt], {"version": lanstal.version})
    return {"year": year, "lanskod": lanskod, "version": lanstal.version}


async def _decide_kommuntal(
    conn: Connection, deps: Deps, actor: str, cmd: DecideKommuntal
) -> dict[str, Any]:
    domain.check_row_count(cmd.rows)
    year, lanskod = _checked_key(deps, cmd.year, cmd.lanskod)
    by = domain.decided(actor, deps.clock.now(), cmd.reason)
    await store.lock_county_year(conn, year, lanskod)
    lanstal = await store.current_lanstal(conn, year, lanskod)
    existing = await store.current_decision(conn, year, lanskod)
    decision = domain.decide_first(lanstal, existing, cmd.rows, by, year, lanskod)
    await store.save_decision(conn, decision)
    evt = events.kommuntal_decided(decision)
    await record_and_publish(conn, actor, "decideKommuntal", [evt], {"version": decision.version})
    return {"year": year, "lanskod": lanskod, "version": decision.version}


async def set_lanstal(
    deps: Deps, actor: str, cmd: SetLanstal, key: IdempotencyKey | None
) -> dict[str, Any]:
    """Set or revise a county's länstal for a year (a new version)."""
    return await commands.execute(
        deps.pool, key, partial(_set_lanstal, deps=deps, actor=actor, cmd=cmd)
    )


async def import_lanstal(
    deps: Deps, actor: str, cmds: Sequence[SetLanstal]
) -> list[dict[str, Any]]:
    """Many länstal in one transaction, all or nothing (a batch command)."""
    steps = [partial(_set_lanstal, deps=deps, actor=actor, cmd=cmd) for cmd in cmds]
    return await commands.execute_batch(deps.pool, steps)


async def decide_kommuntal(
    deps: Deps, actor: str, cmd: DecideKommuntal, key: IdempotencyKey | None
) -> dict[str, Any]:
    """The first kommuntal decision of a county and year."""
    step = partial(_decide_kommuntal, deps=deps, actor=actor, cmd=cmd)
    return await commands.execute(deps.pool, key, step)


async def request_revision(
    deps: Deps, actor: str, cmd: RequestRevision, key: IdempotencyKey | None
) -> dict[str, Any]:
    """Ask the settlement unit to reconcile a revised kommuntal (DESIGN §4)."""

    async def work(conn: Connection) -> dict[str, Any]:
        domain.check_row_count(cmd.rows)
        year, lanskod = _checked_key(deps, cmd.year, cmd.lanskod)
        by = domain.decided(actor, deps.clock.now(), cmd.reason)
        await store.lock_county_year(conn, year, lanskod)
        request = domain.request_revision(
            await store.current_lanstal(conn, year, lanskod),
            await store.current_decision(conn, year, lanskod),
            await store.open_request(conn, year, lanskod),
            cmd.rows,
            by,
            uuid4(),
            deps.revision_timeout,
            year,
            lanskod,
        )
        await store.save_request(conn, request)
        evt = events.revision_requested(request)
        await record_and_publish(
            conn,
            actor,
            "requestKommuntalRevision",
            [evt],
            {"kind": request.kind.value},
        )
        return {"requestId": str(request.request_id)}

    return await commands.execute(deps.pool, key, work)


async def on_revision_confirmed(deps: Deps, event: AnvisningRevisionConfirmed) -> None:
    """The settlement unit confirmed: the proposal becomes the next kommuntal version."""
    async with unit_of_work(deps.pool) as conn:
        if not await first_receipt(conn, CONSUMER, event):
            return
        request = await _open_request(conn, event.payload.request_id)
        if request is None:
            return
        current = await store.current_decision(conn, request.year, request.lanskod)
        assert current is not None  # a request always names a decided version
        closed, decision = domain.confirm(request, current, deps.clock.now())
        await store.close_request(conn, closed)
        await store.save_decision(conn, decision)
        evt = events.kommuntal_revised(decision, replaces_version=current.version)
        await record_and_publish(
            conn,
            "anvisning",
            "revisionConfirmed",
            [evt],
            {"version": decision.version, "requestId": str(request.request_id)},
        )


async def on_revision_refused(deps: Deps, event: AnvisningRevisionRefused) -> None:
    """The settlement unit refused: the version in force stays; the rejection says why."""
    async with unit_of_work(deps.pool) as conn:
        if not await first_receipt(conn, CONSUMER, event):
            return
        request = await _open_request(conn, event.payload.request_id)
        if request is None:
            return
        blocking = [Blocking(b.kommunkod, b.used, b.proposed) for b in event.payload.blocking]
        closed = domain.refuse(request, blocking, deps.clock.now())
        await _reject(conn, closed, "anvisning")


async def expire_revisions(deps: Deps) -> int:
    """Expire every open request past its time; one transaction each. Returns the count."""
    async with deps.pool.acquire() as conn:
        due = await store.expired_request_ids(conn, deps.clock.now())
    expired = 0
    for request_id in due:
        async with unit_of_work(deps.pool) as conn:
            request = await _open_request(conn, request_id)
            if request is None or request.expires_at > deps.clock.now():
                continue
            await _reject(conn, domain.expire(request, deps.clock.now()), "system")
            expired += 1
    return expired


async def _open_request(conn: Connection, request_id: UUID) -> domain.RevisionRequest | None:
    request = await store.request_for_update(conn, request_id)
    if request is None or request.status is not RevisionStatus.OPEN:
        return None  # answered or expired already: a late reply changes nothing
    return request


async def _reject(conn: Connection, closed: domain.RevisionRequest, actor: str) -> None:
    await store.close_request(conn, closed)
    evt = events.revision_rejected(closed)
    await record_and_publish(
        conn,
        actor,
        f"revision{closed.status.value.capitalize()}",
        [evt],
        {"requestId": str(closed.request_id)},
    )


INBOX_CONSUMER = "kommuntal-inbox"


async def on_county_notice(deps: Deps, event: Event[Any]) -> None:
    """Whatever the county board is to be informed of (its `lst` scope) lands in its inbox."""
    async with unit_of_work(deps.pool) as conn:
        if not await first_receipt(conn, INBOX_CONSUMER, event):
            return
        facts = event.payload.model_dump(mode="json")
        await store.save_notification(
            conn,
            event.event_id,
            event.scope.region,
            event.event_type,
            event.aggregate_id,
            facts,
            event.occurred_at,
        )


async def acknowledge(deps: Deps, actor: str, event_id: UUID) -> dict[str, Any]:
    async def work(conn: Connection) -> dict[str, Any]:
        if not await store.acknowledge(conn, event_id, deps.clock.now(), actor):
            raise domain.fail(
                "NOTIFICATION_NOT_FOUND_OR_ACKNOWLEDGED",
                "no unacknowledged notification with this id",
                "eventId",
            )
        await record_audit(
            conn,
            occurred_at=deps.clock.now(),
            actor=actor,
            action="acknowledgeNotification",
            aggregate_id=str(event_id),
        )
        return {"eventId": str(event_id)}

    return await commands.execute(deps.pool, None, work)
