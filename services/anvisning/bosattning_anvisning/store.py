"""All SQL of the settlement unit's service, and the rows it turns into domain objects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from bosattning_runtime.db import Connection

from bosattning_anvisning.domain import Anvisning, Arende, Capacity, Category, Status
from bosattning_anvisning.plans import Arsplanering, PlanStatus

UPSERT_KOMMUNTAL = """
INSERT INTO kommuntal (year, kommunkod, lanskod, kommuntal, decision_version)
SELECT $1, k, $2, n, $3 FROM unnest($4::text[], $5::int[]) AS t(k, n)
ON CONFLICT (year, kommunkod) DO UPDATE
   SET kommuntal = EXCLUDED.kommuntal, decision_version = EXCLUDED.decision_version
 WHERE kommuntal.decision_version < EXCLUDED.decision_version
"""
CAPACITY = "SELECT * FROM kommuntal WHERE year = $1 AND kommunkod = $2"
CAPACITIES_OF_LAN_FOR_UPDATE = """
SELECT * FROM kommuntal WHERE year = $1 AND lanskod = $2 ORDER BY kommunkod FOR UPDATE
"""
CAPACITIES = "SELECT * FROM kommuntal WHERE year = $1 AND kommunkod = ANY($2::text[])"
SET_CAPS = """
UPDATE kommuntal k SET cap = least(k.kommuntal, t.n)
FROM unnest($3::text[], $4::int[]) AS t(c, n)
WHERE k.year = $1 AND k.lanskod = $2 AND k.kommunkod = t.c
"""
CLEAR_CAPS = "UPDATE kommuntal SET cap = NULL WHERE year = $1 AND lanskod = $2"
OPEN_REVISION = "SELECT request_id FROM open_revision WHERE year = $1 AND lanskod = $2"
HOLD_REVISION = """
INSERT INTO open_revision (year, lanskod, request_id) VALUES ($1, $2, $3)
ON CONFLICT (year, lanskod) DO UPDATE SET request_id = EXCLUDED.request_id
"""
RELEASE_REVISION = "DELETE FROM open_revision WHERE request_id = $1 RETURNING year, lanskod"

# The capacity check and the use of places in one statement: the row lock
# serialises concurrent decisions on a municipality, so none can overbook it.
TAKE_PLACES = """
UPDATE kommuntal SET used = used + $3
WHERE year = $1 AND kommunkod = $2 AND used + $3 <= least(kommuntal, coalesce(cap, kommuntal))
RETURNING used
"""
FREE_PLACES = "UPDATE kommuntal SET used = used - $3 WHERE year = $1 AND kommunkod = $2"
COUNT_RECEIVED = "UPDATE kommuntal SET received = received + $3 WHERE year = $1 AND kommunkod = $2"

ARENDE = "SELECT * FROM arende WHERE arende_id = $1"
ARENDE_FOR_UPDATE = ARENDE + " FOR UPDATE"
ARENDEN = "SELECT * FROM arende WHERE arende_id = ANY($1::text[])"
UPSERT_ARENDE = """
INSERT INTO arende (arende_id, category, adults, children, kommunkod, needs, enhet, version,
                    registered_by, registered_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (arende_id) DO UPDATE SET
    adults = EXCLUDED.adults, children = EXCLUDED.children, kommunkod = EXCLUDED.kommunkod,
    needs = EXCLUDED.needs, enhet = EXCLUDED.enhet, version = EXCLUDED.version,
    registered_by = EXCLUDED.registered_by, registered_at = EXCLUDED.registered_at
"""

ANVISNING = "SELECT * FROM anvisning WHERE anvisning_id = $1"
ANVISNING_FOR_UPDATE = ANVISNING + " FOR UPDATE"
ACTIVE_ANVISNING = "SELECT * FROM anvisning WHERE arende_id = $1 AND status <> 'cancelled'"
ANVISNINGAR = "SELECT * FROM anvisning WHERE anvisning_id = ANY($1::uuid[])"
ANVISNINGAR_OF_ARENDEN = """
SELECT * FROM anvisning WHERE arende_id = ANY($1::text[]) ORDER BY decided_at
"""
INSERT_ANVISNING = """
INSERT INTO anvisning (anvisning_id, arende_id, category, kommunkod, lanskod, year, persons,
    decided_by, decided_at, deadline, beyond_plan, override_reason, replaces, status, version,
    without_plan, enhet)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
"""
UPDATE_ANVISNING = """
UPDATE anvisning SET status = $2, version = $3, received_on = $4,
    cancelled_at = CASE WHEN $2 = 'cancelled' THEN now() ELSE cancelled_at END
WHERE anvisning_id = $1
"""
INSERT_CONFLICT = """
INSERT INTO mottagande_conflict (anvisning_id, received_on, reported_at) VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING
"""


def to_capacity(row: Any) -> Capacity:
    return Capacity(
        row["year"],
        row["kommunkod"],
        row["lanskod"],
        row["kommuntal"],
        row["decision_version"],
        row["cap"],
        row["used"],
        row["received"],
    )


def to_arende(row: Any) -> Arende:
    return Arende(
        row["arende_id"],
        Category(row["category"]),
        row["adults"],
        row["children"],
        row["kommunkod"],
        tuple(row["needs"]),
        row["enhet"],
        row["version"],
        row["registered_by"],
        row["registered_at"],
    )


def to_anvisning(row: Any) -> Anvisning:
    return Anvisning(
        row["anvisning_id"],
        row["arende_id"],
        Category(row["category"]),
        row["kommunkod"],
        row["lanskod"],
        row["year"],
        row["persons"],
        row["decided_by"],
        row["decided_at"],
        row["deadline"],
        row["beyond_plan"],
        row["override_reason"],
        row["replaces"],
        Status(row["status"]),
        row["version"],
        row["received_on"],
        row["without_plan"],
        row["enhet"],
    )


async def project_kommuntal(
    conn: Connection, year: int, lanskod: str, version: int, rows: Sequence[tuple[str, int]]
) -> None:
    await conn.execute(
        UPSERT_KOMMUNTAL, year, lanskod, version, [k for k, _ in rows], [n for _, n in rows]
    )


async def capacity(conn: Connection, year: int, kommunkod: str) -> Capacity | None:
    row = await conn.fetchrow(CAPACITY, year, kommunkod)
    return None if row is None else to_capacity(row)


async def capacities(conn: Connection, year: int, kommunkoder: Sequence[str]) -> list[Capacity]:
    return [to_capacity(r) for r in await conn.fetch(CAPACITIES, year, list(kommunkoder))]


async def capacities_by_kommun(
    conn: Connection, year: int, kommunkoder: Sequence[str]
) -> dict[str, Capacity]:
    return {c.kommunkod: c for c in await capacities(conn, year, kommunkoder)}


async def lock_capacities_of_lan(conn: Connection, year: int, lanskod: str) -> list[Capacity]:
    return [to_capacity(r) for r in await conn.fetch(CAPACITIES_OF_LAN_FOR_UPDATE, year, lanskod)]


async def hold_revision(
    conn: Connection, year: int, lanskod: str, request_id: UUID, rows: Sequence[tuple[str, int]]
) -> None:
    await conn.execute(HOLD_REVISION, year, lanskod, request_id)
    await conn.execute(SET_CAPS, year, lanskod, [k for k, _ in rows], [n for _, n in rows])


async def release_revision(conn: Connection, request_id: UUID) -> bool:
    """Lift the cap of this request; False when it holds none (already lifted)."""
    row = await conn.fetchrow(RELEASE_REVISION, request_id)
    if row is None:
        return False
    await conn.execute(CLEAR_CAPS, row["year"], row["lanskod"])
    return True


async def take_places(conn: Connection, year: int, kommunkod: str, persons: int) -> bool:
    return await conn.fetchval(TAKE_PLACES, year, kommunkod, persons) is not None


async def free_places(conn: Connection, year: int, kommunkod: str, persons: int) -> None:
    await conn.execute(FREE_PLACES, year, kommunkod, persons)


async def count_received(conn: Connection, year: int, kommunkod: str, persons: int) -> None:
    await conn.execute(COUNT_RECEIVED, year, kommunkod, persons)


async def arende(conn: Connection, arende_id: str, *, for_update: bool = False) -> Arende | None:
    row = await conn.fetchrow(ARENDE_FOR_UPDATE if for_update else ARENDE, arende_id)
    return None if row is None else to_arende(row)


async def arenden(conn: Connection, ids: Sequence[str]) -> list[Arende]:
    return [to_arende(r) for r in await conn.fetch(ARENDEN, list(ids))]


async def save_arende(conn: Connection, a: Arende) -> None:
    await conn.execute(
        UPSERT_ARENDE,
        a.arende_id,
        a.category.value,
        a.adults,
        a.children,
        a.kommunkod,
        list(a.needs),
        a.enhet,
        a.version,
        a.registered_by,
        a.registered_at,
    )


async def anvisning(
    conn: Connection, anvisning_id: UUID, *, for_update: bool = False
) -> Anvisning | None:
    row = await conn.fetchrow(ANVISNING_FOR_UPDATE if for_update else ANVISNING, anvisning_id)
    return None if row is None else to_anvisning(row)


async def anvisningar(conn: Connection, ids: Sequence[UUID]) -> list[Anvisning]:
    return [to_anvisning(r) for r in await conn.fetch(ANVISNINGAR, list(ids))]


async def active_anvisning(conn: Connection, arende_id: str) -> Anvisning | None:
    row = await conn.fetchrow(ACTIVE_ANVISNING, arende_id)
    return None if row is None else to_anvisning(row)


async def anvisningar_of_arenden(conn: Connection, ids: Sequence[str]) -> list[Anvisning]:
    return [to_anvisning(r) for r in await conn.fetch(ANVISNINGAR_OF_ARENDEN, list(ids))]


async def save_anvisning(conn: Connection, a: Anvisning) -> None:
    await conn.execute(
        INSERT_ANVISNING,
        a.anvisning_id,
        a.arende_id,
        a.category.value,
        a.kommunkod,
        a.lanskod,
        a.year,
        a.persons,
        a.decided_by,
        a.decided_at,
        a.deadline,
        a.beyond_plan,
        a.override_reason,
        a.replaces,
        a.status.value,
        a.version,
        a.without_plan,
        a.enhet,
    )


async def update_anvisning(conn: Connection, a: Anvisning) -> None:
    await conn.execute(UPDATE_ANVISNING, a.anvisning_id, a.status.value, a.version, a.received_on)


async def keep_conflict(
    conn: Connection, anvisning_id: UUID, received_on: Any, reported_at: Any
) -> None:
    await conn.execute(INSERT_CONFLICT, anvisning_id, received_on, reported_at)


PLAN = """
SELECT * FROM arsplanering WHERE year = $1 AND kommunkod = $2 ORDER BY version DESC LIMIT 1
"""
PLANS = """
SELECT DISTINCT ON (kommunkod) * FROM arsplanering
WHERE year = $1 AND kommunkod = ANY($2::text[]) ORDER BY kommunkod, version DESC
"""
INSERT_PLAN = """
INSERT INTO arsplanering (year, kommunkod, version, kommuntal, months, status, reason, material,
                          changed_by, changed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
"""
CAPACITIES_OF_YEAR = "SELECT * FROM kommuntal WHERE year = $1 ORDER BY kommunkod"
# Persons assigned per month of the year (Stockholm time), not cancelled.
ASSIGNED_PER_MONTH = """
SELECT extract(month FROM decided_at AT TIME ZONE 'Europe/Stockholm')::int AS month,
       sum(persons)::int AS persons
FROM anvisning WHERE year = $1 AND kommunkod = $2 AND status <> 'cancelled' AND replaces IS NULL
GROUP BY 1
"""


def to_plan(row: Any) -> Arsplanering:
    return Arsplanering(
        row["year"],
        row["kommunkod"],
        row["version"],
        row["kommuntal"],
        tuple(row["months"]),
        PlanStatus(row["status"]),
        row["reason"],
        row["material"],
        row["changed_by"],
        row["changed_at"],
    )


async def current_plan(conn: Connection, year: int, kommunkod: str) -> Arsplanering | None:
    row = await conn.fetchrow(PLAN, year, kommunkod)
    return None if row is None else to_plan(row)


async def current_plans(
    conn: Connection, year: int, kommunkoder: Sequence[str]
) -> list[Arsplanering]:
    return [to_plan(r) for r in await conn.fetch(PLANS, year, list(kommunkoder))]


async def save_plan(conn: Connection, p: Arsplanering) -> None:
    await conn.execute(
        INSERT_PLAN,
        p.year,
        p.kommunkod,
        p.version,
        p.kommuntal,
        list(p.months),
        p.status.value,
        p.reason,
        p.material,
        p.changed_by,
        p.changed_at,
    )


async def capacities_of_year(conn: Connection, year: int) -> list[Capacity]:
    return [to_capacity(r) for r in await conn.fetch(CAPACITIES_OF_YEAR, year)]


async def assigned_per_month(conn: Connection, year: int, kommunkod: str) -> tuple[int, ...]:
    by_month = {
        r["month"]: r["persons"] for r in await conn.fetch(ASSIGNED_PER_MONTH, year, kommunkod)
    }
    return tuple(by_month.get(m, 0) for m in range(1, 13))


# Keyset pagination over assignments: (decided_at, anvisning_id) after the cursor.
PAGE = """
SELECT * FROM anvisning
WHERE year = $1
  AND ($2::text[] IS NULL OR kommunkod = ANY($2::text[]))
  AND ($3::text[] IS NULL OR lanskod = ANY($3::text[]))
  AND ($4::timestamptz IS NULL OR (decided_at, anvisning_id) > ($4, $5::uuid))
ORDER BY decided_at, anvisning_id
LIMIT $6
"""
LAN_TOTALS = """
SELECT lanskod, sum(kommuntal)::int AS kommuntal, sum(used)::int AS used,
       sum(received)::int AS received,
       sum(greatest(least(kommuntal, coalesce(cap, kommuntal)) - used, 0))::int AS remaining
FROM kommuntal WHERE year = $1 AND lanskod = ANY($2::text[]) GROUP BY lanskod
"""


async def page(
    conn: Connection,
    year: int,
    kommunkoder: Sequence[str] | None,
    lanskoder: Sequence[str] | None,
    after: tuple[Any, UUID] | None,
    limit: int,
) -> list[Anvisning]:
    at, anvisning_id = after if after else (None, None)
    rows = await conn.fetch(
        PAGE,
        year,
        None if kommunkoder is None else list(kommunkoder),
        None if lanskoder is None else list(lanskoder),
        at,
        anvisning_id,
        limit,
    )
    return [to_anvisning(r) for r in rows]


async def lan_totals(conn: Connection, year: int, lanskoder: Sequence[str]) -> dict[str, Any]:
    return {r["lanskod"]: r for r in await conn.fetch(LAN_TOTALS, year, list(lanskoder))}


OPEN_CONFLICTS = """
SELECT c.anvisning_id, c.received_on, c.reported_at, a.kommunkod, a.year
FROM mottagande_conflict c JOIN anvisning a USING (anvisning_id)
WHERE c.resolved_at IS NULL AND a.year = $1 ORDER BY c.reported_at
"""


async def open_conflicts(conn: Connection, year: int) -> list[Any]:
    return list(await conn.fetch(OPEN_CONFLICTS, year))


# The situation picture of counties, by year: one statement each however many counties.
PLAN_CHANGES = """
SELECT k.lanskod, p.kommunkod, p.version, p.reason, p.material, p.changed_at
FROM arsplanering p JOIN kommuntal k ON k.year = p.year AND k.kommunkod = p.kommunkod
WHERE p.year = $1 AND k.lanskod = ANY($2::text[]) AND p.status = 'decided' AND p.version > 1
  AND p.reason IS NOT NULL
ORDER BY p.changed_at
"""
PLANNED_AND_ASSIGNED = """
WITH plans AS (
    SELECT DISTINCT ON (p.kommunkod) k.lanskod, p.months FROM arsplanering p
    JOIN kommuntal k ON k.year = p.year AND k.kommunkod = p.kommunkod
    WHERE p.year = $1 AND k.lanskod = ANY($2::text[]) AND p.status = 'decided'
    ORDER BY p.kommunkod, p.version DESC
), planned AS (
    SELECT lanskod, m.month, sum(m.persons)::int AS planned
    FROM plans, unnest(months) WITH ORDINALITY AS m(persons, month) GROUP BY lanskod, m.month
), assigned AS (
    SELECT lanskod, extract(month FROM decided_at AT TIME ZONE 'Europe/Stockholm')::int AS month,
           sum(persons)::int AS assigned
    FROM anvisning WHERE year = $1 AND lanskod = ANY($2::text[]) AND status <> 'cancelled'
      AND replaces IS NULL
    GROUP BY 1, 2
)
SELECT coalesce(p.lanskod, a.lanskod) AS lanskod, coalesce(p.month, a.month) AS month,
       coalesce(p.planned, 0) AS planned, coalesce(a.assigned, 0) AS assigned
FROM planned p FULL JOIN assigned a ON a.lanskod = p.lanskod AND a.month = p.month
"""


async def plan_changes(conn: Connection, year: int, lanskoder: Sequence[str]) -> dict[str, Any]:
    found: dict[str, list[Any]] = {}
    for r in await conn.fetch(PLAN_CHANGES, year, list(lanskoder)):
        found.setdefault(r["lanskod"], []).append(r)
    return found


async def planned_and_assigned(
    conn: Connection, year: int, lanskoder: Sequence[str]
) -> dict[str, Any]:
    found: dict[str, dict[int, tuple[int, int]]] = {}
    for r in await conn.fetch(PLANNED_AND_ASSIGNED, year, list(lanskoder)):
        found.setdefault(r["lanskod"], {})[r["month"]] = (r["planned"], r["assigned"])
    return found
