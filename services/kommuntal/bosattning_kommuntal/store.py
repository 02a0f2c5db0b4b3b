"""All SQL of the kommuntal service, and the rows it turns into domain objects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from bosattning_contracts.kommuntal import RevisionKind
from bosattning_runtime.db import Connection

from bosattning_kommuntal.domain import (
    Blocking,
    Decided,
    KommuntalDecision,
    Lanstal,
    RevisionRequest,
    RevisionStatus,
    Row,
)

LOCK_COUNTY_YEAR = (
    "SELECT pg_advisory_xact_lock(hashtextextended('kommuntal:' || $1 || ':' || $2, 0))"
)

CURRENT_LANSTAL = """
SELECT * FROM lanstal WHERE year = $1 AND lanskod = $2 ORDER BY version DESC LIMIT 1
"""
LANSTAL_HISTORY = "SELECT * FROM lanstal WHERE year = $1 AND lanskod = $2 ORDER BY version"
CURRENT_LANSTAL_OF_YEAR = """
SELECT DISTINCT ON (lanskod) * FROM lanstal WHERE year = $1 ORDER BY lanskod, version DESC
"""
INSERT_LANSTAL = """
INSERT INTO lanstal (year, lanskod, version, lanstal, reason, decided_by, decided_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
"""

DECISION_VERSIONS = """
SELECT d.*, coalesce(
    (SELECT jsonb_agg(jsonb_build_object('kommunkod', r.kommunkod, 'kommuntal', r.kommuntal)
                      ORDER BY r.kommunkod)
       FROM kommuntal_row r
      WHERE r.year = d.year AND r.lanskod = d.lanskod AND r.version = d.version),
    '[]'::jsonb) AS rows
FROM kommuntal_decision d WHERE d.year = $1 AND d.lanskod = $2
"""
CURRENT_DECISION = DECISION_VERSIONS + " ORDER BY d.version DESC LIMIT 1"
DECISION_HISTORY = DECISION_VERSIONS + " ORDER BY d.version"
DECISION_BY_VERSION = DECISION_VERSIONS + " AND d.version = $3"
INSERT_DECISION = """
INSERT INTO kommuntal_decision
    (year, lanskod, version, lanstal_version, reason, decided_by, decided_at, request_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
"""
INSERT_ROWS = """
INSERT INTO kommuntal_row (year, lanskod, version, kommunkod, kommuntal)
SELECT $1, $2, $3, k, n FROM unnest($4::text[], $5::int[]) AS t(k, n)
"""
# The kommuntal in force per municipality: from each county's latest decision version.
CURRENT_KOMMUNTAL_OF_KOMMUNER = """
SELECT DISTINCT ON (r.kommunkod) r.kommunkod, r.kommuntal FROM kommuntal_row r
WHERE r.year = $1 AND r.kommunkod = ANY($2::text[]) ORDER BY r.kommunkod, r.version DESC
"""

OPEN_REQUEST = "SELECT * FROM revision_request WHERE year = $1 AND lanskod = $2 AND status = 'open'"
REQUEST_BY_ID = "SELECT * FROM revision_request WHERE request_id = $1"
REQUEST_BY_ID_FOR_UPDATE = REQUEST_BY_ID + " FOR UPDATE"
REQUESTS_OF_YEAR = """
SELECT * FROM revision_request WHERE year = $1 AND lanskod = $2 ORDER BY requested_at
"""
EXPIRED_OPEN_REQUESTS = """
SELECT request_id FROM revision_request WHERE status = 'open' AND expires_at <= $1
ORDER BY expires_at LIMIT 100
"""
INSERT_REQUEST = """
INSERT INTO revision_request (request_id, year, lanskod, kind, base_version, lanstal_version,
    rows, reason, requested_by, requested_at, expires_at, status)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
"""
CLOSE_REQUEST = """
UPDATE revision_request SET status = $2, resolved_at = $3, blocking = $4 WHERE request_id = $1
"""


async def lock_county_year(conn: Connection, year: int, lanskod: str) -> None:
    """Serialise commands on one county's year: versions are taken one at a time."""
    await conn.execute(LOCK_COUNTY_YEAR, str(year), lanskod)


def _decided(row: Any, by: str = "decided_by", at: str = "decided_at") -> Decided:
    return Decided(row[by], row[at], row["reason"])


def _rows(raw: Sequence[dict[str, Any]]) -> tuple[Row, ...]:
    return tuple(Row(r["kommunkod"], r["kommuntal"]) for r in raw)


def to_lanstal(row: Any) -> Lanstal:
    return Lanstal(row["year"], row["lanskod"], row["version"], row["lanstal"], _decided(row))


def to_decision(row: Any) -> KommuntalDecision:
    return KommuntalDecision(
        row["year"],
        row["lanskod"],
        row["version"],
        row["lanstal_version"],
        _rows(row["rows"]),
        _decided(row),
        row["request_id"],
    )


def to_request(row: Any) -> RevisionRequest:
    return RevisionRequest(
        request_id=row["request_id"],
        year=row["year"],
        lanskod=row["lanskod"],
        kind=RevisionKind(row["kind"]),
        base_version=row["base_version"],
        lanstal_version=row["lanstal_version"],
        rows=_rows(row["rows"]),
        decided=_decided(row, "requested_by", "requested_at"),
        expires_at=row["expires_at"],
        status=RevisionStatus(row["status"]),
        resolved_at=row["resolved_at"],
        blocking=tuple(Blocking(b["kommunkod"], b["used"], b["proposed"]) for b in row["blocking"]),
    )


async def current_lanstal(conn: Connection, year: int, lanskod: str) -> Lanstal | None:
    row = await conn.fetchrow(CURRENT_LANSTAL, year, lanskod)
    return None if row is None else to_lanstal(row)


async def lanstal_history(conn: Connection, year: int, lanskod: str) -> list[Lanstal]:
    return [to_lanstal(r) for r in await conn.fetch(LANSTAL_HISTORY, year, lanskod)]


async def lanstal_of_year(conn: Connection, year: int) -> list[Lanstal]:
    return [to_lanstal(r) for r in await conn.fetch(CURRENT_LANSTAL_OF_YEAR, year)]


async def save_lanstal(conn: Connection, lanstal: Lanstal) -> None:
    d = lanstal.decided
    await conn.execute(
        INSERT_LANSTAL,
        lanstal.year,
        lanstal.lanskod,
        lanstal.version,
        lanstal.lanstal,
        d.reason,
        d.by,
        d.at,
    )


async def current_decision(conn: Connection, year: int, lanskod: str) -> KommuntalDecision | None:
    row = await conn.fetchrow(CURRENT_DECISION, year, lanskod)
    return None if row is None else to_decision(row)


async def decision_version(
    conn: Connection, year: int, lanskod: str, version: int
) -> KommuntalDecision | None:
    row = await conn.fetchrow(DECISION_BY_VERSION, year, lanskod, version)
    return None if row is None else to_decision(row)


async def request_by_id(conn: Connection, request_id: UUID) -> RevisionRequest | None:
    row = await conn.fetchrow(REQUEST_BY_ID, request_id)
    return None if row is None else to_request(row)


async def decision_history(conn: Connection, year: int, lanskod: str) -> list[KommuntalDecision]:
    return [to_decision(r) for r in await conn.fetch(DECISION_HISTORY, year, lanskod)]


async def save_decision(conn: Connection, decision: KommuntalDecision) -> None:
    d = decision.decided
    key = (decision.year, decision.lanskod, decision.version)
    await conn.execute(
        INSERT_DECISION, *key, decision.lanstal_version, d.reason, d.by, d.at, decision.request_id
    )
    await conn.execute(
        INSERT_ROWS,
        *key,
        [r.kommunkod for r in decision.rows],
        [r.kommuntal for r in decision.rows],
    )


async def kommuntal_of_kommuner(
    conn: Connection, year: int, kommunkoder: Sequence[str]
) -> dict[str, int]:
    rows = await conn.fetch(CURRENT_KOMMUNTAL_OF_KOMMUNER, year, list(kommunkoder))
    return {r["kommunkod"]: r["kommuntal"] for r in rows}


async def open_request(conn: Connection, year: int, lanskod: str) -> RevisionRequest | None:
    row = await conn.fetchrow(OPEN_REQUEST, year, lanskod)
    return None if row is None else to_request(row)


async def request_for_update(conn: Connection, request_id: UUID) -> RevisionRequest | None:
    row = await conn.fetchrow(REQUEST_BY_ID_FOR_UPDATE, request_id)
    return None if row is None else to_request(row)


async def requests_of_year(conn: Connection, year: int, lanskod: str) -> list[RevisionRequest]:
    return [to_request(r) for r in await conn.fetch(REQUESTS_OF_YEAR, year, lanskod)]


async def expired_request_ids(conn: Connection, now: Any) -> list[UUID]:
    return [r["request_id"] for r in await conn.fetch(EXPIRED_OPEN_REQUESTS, now)]


async def save_request(conn: Connection, request: RevisionRequest) -> None:
    d = request.decided
    await conn.execute(
        INSERT_REQUEST,
        request.request_id,
        request.year,
        request.lanskod,
        request.kind.value,
        request.base_version,
        request.lanstal_version,
        [{"kommunkod": r.kommunkod, "kommuntal": r.kommuntal} for r in request.rows],
        d.reason,
        d.by,
        d.at,
        request.expires_at,
        request.status.value,
    )


async def close_request(conn: Connection, request: RevisionRequest) -> None:
    await conn.execute(
        CLOSE_REQUEST,
        request.request_id,
        request.status.value,
        request.resolved_at,
        [
            {"kommunkod": b.kommunkod, "used": b.used, "proposed": b.proposed}
            for b in request.blocking
        ],
    )


INSERT_NOTIFICATION = """
INSERT INTO notification (event_id, lanskod, event_type, aggregate_id, facts, occurred_at)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING
"""
NOTIFICATIONS = """
SELECT * FROM notification WHERE lanskod = $1 AND ($2 OR acknowledged_at IS NULL)
ORDER BY occurred_at DESC LIMIT $3
"""
ACKNOWLEDGE = """
UPDATE notification SET acknowledged_at = $2, acknowledged_by = $3
WHERE event_id = $1 AND acknowledged_at IS NULL RETURNING lanskod
"""
LANSKOD_OF_NOTIFICATION = "SELECT lanskod FROM notification WHERE event_id = $1"


async def save_notification(
    conn: Connection,
    event_id: UUID,
    lanskod: str,
    event_type: str,
    aggregate_id: str,
    facts: dict[str, Any],
    occurred_at: Any,
) -> None:
    await conn.execute(
        INSERT_NOTIFICATION, event_id, lanskod, event_type, aggregate_id, facts, occurred_at
    )


async def notifications(
    conn: Connection, lanskod: str, include_acknowledged: bool, limit: int
) -> list[Any]:
    return list(await conn.fetch(NOTIFICATIONS, lanskod, include_acknowledged, limit))


async def lanskod_of_notification(conn: Connection, event_id: UUID) -> str | None:
    value: str | None = await conn.fetchval(LANSKOD_OF_NOTIFICATION, event_id)
    return value


async def acknowledge(conn: Connection, event_id: UUID, at: Any, by: str) -> bool:
    return await conn.fetchval(ACKNOWLEDGE, event_id, at, by) is not None


COUNTIES_DECIDED = "SELECT count(DISTINCT lanskod)::int FROM kommuntal_decision WHERE year = $1"


async def counties_decided(conn: Connection, year: int) -> int:
    value: int = await conn.fetchval(COUNTIES_DECIDED, year)
    return value
