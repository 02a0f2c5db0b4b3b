"""All SQL of the reception units' service, and the rows it turns into domain objects."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from bosattning_contracts.reference import kommuner_in_lan
from bosattning_runtime.db import Connection

from bosattning_dialog.domain import Category, Kontakt, Mottagande, Outcome, Underrattelse
from bosattning_dialog.escalations import Escalation, EscalationKind, EscalationStatus
from bosattning_dialog.meetings import Meeting, MeetingKind, MeetingStatus
from bosattning_dialog.utskick import Utskick, UtskickKind

UNDERRATTELSE = "SELECT * FROM underrattelse WHERE arende_id = $1"
INSERT_UNDERRATTELSE = """
INSERT INTO underrattelse (arende_id, category, outcome, kommunkod, adults, children, settled_on,
                           enhet, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
"""
SELF_SETTLED = """
SELECT kommunkod, coalesce(sum(adults + children), 0)::int AS persons FROM underrattelse
WHERE outcome = 'own_housing' AND kommunkod = ANY($2::text[])
  AND settled_on >= make_date($1, 1, 1) AND settled_on < make_date($1 + 1, 1, 1)
GROUP BY kommunkod
"""

# The projection of assignments: a version at or below the one held changes nothing.
UPSERT_MOTTAGANDE = """
INSERT INTO mottagande (anvisning_id, arende_id, category, kommunkod, year, persons, decided_at,
                        deadline, anvisning_version, cancelled, enhet)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (anvisning_id) DO UPDATE SET
    deadline = EXCLUDED.deadline, anvisning_version = EXCLUDED.anvisning_version,
    cancelled = EXCLUDED.cancelled, enhet = EXCLUDED.enhet
WHERE mottagande.anvisning_version < EXCLUDED.anvisning_version
"""
MOTTAGANDE = "SELECT * FROM mottagande WHERE anvisning_id = $1"
MOTTAGANDE_FOR_UPDATE = MOTTAGANDE + " FOR UPDATE"
MOTTAGANDEN = "SELECT * FROM mottagande WHERE anvisning_id = ANY($1::uuid[])"
UPDATE_MOTTAGANDE = """
UPDATE mottagande SET samtal_held_on = $2, mottagandedatum = $3, received_on = $4,
    date_reported_at = CASE WHEN mottagandedatum IS DISTINCT FROM $3 THEN now()
                            ELSE date_reported_at END,
    received_reported_at = CASE WHEN $4::date IS NOT NULL AND received_on IS NULL THEN now()
                                ELSE received_reported_at END
WHERE anvisning_id = $1
"""
PENDING = """
SELECT kommunkod, count(*)::int AS pending FROM mottagande
WHERE NOT cancelled AND received_on IS NULL AND kommunkod = ANY($1::text[]) GROUP BY kommunkod
"""
INSERT_KONTAKT = """
INSERT INTO kontakt (anvisning_id, kind, contacted_on, note, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6)
"""
KONTAKTER = "SELECT * FROM kontakt WHERE anvisning_id = ANY($1::uuid[]) ORDER BY id"


def to_underrattelse(row: Any) -> Underrattelse:
    return Underrattelse(
        row["arende_id"],
        Category(row["category"]),
        Outcome(row["outcome"]),
        row["kommunkod"],
        row["adults"],
        row["children"],
        row["settled_on"],
        row["enhet"],
        row["recorded_by"],
        row["recorded_at"],
    )


def to_mottagande(row: Any) -> Mottagande:
    return Mottagande(
        row["anvisning_id"],
        row["arende_id"],
        Category(row["category"]),
        row["kommunkod"],
        row["year"],
        row["persons"],
        row["decided_at"],
        row["deadline"],
        row["anvisning_version"],
        row["cancelled"],
        row["samtal_held_on"],
        row["mottagandedatum"],
        row["received_on"],
        row["enhet"],
    )


async def underrattelse(conn: Connection, arende_id: str) -> Underrattelse | None:
    row = await conn.fetchrow(UNDERRATTELSE, arende_id)
    return None if row is None else to_underrattelse(row)


async def save_underrattelse(conn: Connection, u: Underrattelse) -> None:
    await conn.execute(
        INSERT_UNDERRATTELSE,
        u.arende_id,
        u.category.value,
        u.outcome.value,
        u.kommunkod,
        u.adults,
        u.children,
        u.settled_on,
        u.enhet,
        u.recorded_by,
        u.recorded_at,
    )


async def self_settled(conn: Connection, year: int, kommunkoder: Sequence[str]) -> dict[str, int]:
    rows = await conn.fetch(SELF_SETTLED, year, list(kommunkoder))
    return {r["kommunkod"]: r["persons"] for r in rows}


async def project(conn: Connection, m: Mottagande) -> None:
    await conn.execute(
        UPSERT_MOTTAGANDE,
        m.anvisning_id,
        m.arende_id,
        m.category.value,
        m.kommunkod,
        m.year,
        m.persons,
        m.decided_at,
        m.deadline,
        m.anvisning_version,
        m.cancelled,
        m.enhet,
    )


async def mottagande(
    conn: Connection, anvisning_id: UUID, *, for_update: bool = False
) -> Mottagande | None:
    row = await conn.fetchrow(MOTTAGANDE_FOR_UPDATE if for_update else MOTTAGANDE, anvisning_id)
    return None if row is None else to_mottagande(row)


async def mottaganden(conn: Connection, ids: Sequence[UUID]) -> list[Mottagande]:
    return [to_mottagande(r) for r in await conn.fetch(MOTTAGANDEN, list(ids))]


async def save_mottagande(conn: Connection, m: Mottagande) -> None:
    await conn.execute(
        UPDATE_MOTTAGANDE, m.anvisning_id, m.samtal_held_on, m.mottagandedatum, m.received_on
    )


async def pending(conn: Connection, kommunkoder: Sequence[str]) -> dict[str, int]:
    return {r["kommunkod"]: r["pending"] for r in await conn.fetch(PENDING, list(kommunkoder))}


async def save_kontakt(conn: Connection, k: Kontakt, by: str, at: Any) -> None:
    await conn.execute(INSERT_KONTAKT, k.anvisning_id, k.kind.value, k.contacted_on, k.note, by, at)


async def kontakter(conn: Connection, ids: Sequence[UUID]) -> list[Any]:
    return list(await conn.fetch(KONTAKTER, list(ids)))


# An escalation opens only where none of its kind is open for the assignment (the partial
# unique index): two watchers, or a retry, cannot open it twice.
OPEN_ESCALATION = """
INSERT INTO escalation (escalation_id, kind, status, lanskod, kommunkod, anvisning_id, persons,
                        deadline, mottagandedatum, version, opened_at, anvisning_ids, months,
                        reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
ON CONFLICT (anvisning_id, kind) WHERE status <> 'resolved' AND anvisning_id IS NOT NULL
DO NOTHING RETURNING 1
"""
ESCALATION_FOR_UPDATE = "SELECT * FROM escalation WHERE escalation_id = $1 FOR UPDATE"
ACTIVE_ESCALATIONS_FOR_UPDATE = """
SELECT * FROM escalation WHERE anvisning_id = $1 AND status <> 'resolved' FOR UPDATE
"""
ESCALATIONS_OF = """
SELECT * FROM escalation WHERE anvisning_id = ANY($1::uuid[]) ORDER BY opened_at
"""
UPDATE_ESCALATION = """
UPDATE escalation SET status = $2, version = $3, resolved_by = $4,
    handed_over_at = CASE WHEN $2 = 'handed_over' THEN $5 ELSE handed_over_at END,
    resolved_at = CASE WHEN $2 = 'resolved' THEN $5 ELSE resolved_at END
WHERE escalation_id = $1
"""
OVERDUE = """
SELECT m.anvisning_id FROM mottagande m
WHERE NOT m.cancelled AND m.mottagandedatum IS NULL AND m.received_on IS NULL
  AND m.decided_at + $2::interval <= $1
  AND NOT EXISTS (SELECT 1 FROM escalation e WHERE e.anvisning_id = m.anvisning_id
                  AND e.kind = 'no_reply' AND e.status <> 'resolved')
ORDER BY m.decided_at LIMIT 500
"""


def to_escalation(row: Any) -> Escalation:
    return Escalation(
        row["escalation_id"],
        EscalationKind(row["kind"]),
        EscalationStatus(row["status"]),
        row["lanskod"],
        row["kommunkod"],
        row["anvisning_id"],
        row["persons"],
        row["deadline"],
        row["mottagandedatum"],
        row["version"],
        row["opened_at"],
        row["resolved_by"],
        tuple(row["anvisning_ids"]),
        tuple(row["months"]),
        row["reason"],
    )


async def open_escalation(conn: Connection, e: Escalation) -> bool:
    """True where it was opened; False where one of its kind is open already."""
    opened = await conn.fetchval(
        OPEN_ESCALATION,
        e.escalation_id,
        e.kind.value,
        e.status.value,
        e.lanskod,
        e.kommunkod,
        e.anvisning_id,
        e.persons,
        e.deadline,
        e.mottagandedatum,
        e.version,
        e.opened_at,
        list(e.anvisning_ids),
        list(e.months),
        e.reason,
    )
    return opened is not None


async def escalation(conn: Connection, escalation_id: UUID) -> Escalation | None:
    row = await conn.fetchrow(ESCALATION_FOR_UPDATE, escalation_id)
    return None if row is None else to_escalation(row)


async def active_escalations(conn: Connection, anvisning_id: UUID) -> list[Escalation]:
    return [to_escalation(r) for r in await conn.fetch(ACTIVE_ESCALATIONS_FOR_UPDATE, anvisning_id)]


async def escalations_of(conn: Connection, ids: Sequence[UUID]) -> list[Escalation]:
    return [to_escalation(r) for r in await conn.fetch(ESCALATIONS_OF, list(ids))]


async def save_escalation(conn: Connection, e: Escalation, at: Any) -> None:
    await conn.execute(
        UPDATE_ESCALATION, e.escalation_id, e.status.value, e.version, e.resolved_by, at
    )


async def overdue_ids(conn: Connection, now: Any, reply_window: Any) -> list[UUID]:
    return [r["anvisning_id"] for r in await conn.fetch(OVERDUE, now, reply_window)]


PENDING_OF_KOMMUN = """
SELECT * FROM mottagande WHERE kommunkod = $1 AND NOT cancelled AND received_on IS NULL
ORDER BY decided_at
"""
OPEN_ESCALATIONS = """
SELECT kommunkod, count(*)::int AS open FROM escalation
WHERE status <> 'resolved' AND kommunkod = ANY($1::text[]) GROUP BY kommunkod
"""


async def pending_of_kommun(conn: Connection, kommunkod: str) -> list[Mottagande]:
    return [to_mottagande(r) for r in await conn.fetch(PENDING_OF_KOMMUN, kommunkod)]


OPEN_ESCALATIONS_OF_LAN = """
SELECT lanskod, count(*)::int AS open FROM escalation
WHERE status <> 'resolved' AND lanskod = ANY($1::text[]) GROUP BY lanskod
"""


async def open_escalations_of_lan(conn: Connection, lanskoder: Sequence[str]) -> dict[str, int]:
    rows = await conn.fetch(OPEN_ESCALATIONS_OF_LAN, list(lanskoder))
    return {r["lanskod"]: r["open"] for r in rows}


async def self_settled_of_lan(
    conn: Connection, year: int, lanskoder: Sequence[str]
) -> dict[str, int]:
    """Self-settled persons per county: its municipalities' in one statement."""
    codes = {k.kommunkod: k.lanskod for lan in lanskoder for k in kommuner_in_lan(lan)}
    totals: dict[str, int] = {}
    for kommunkod, persons in (await self_settled(conn, year, list(codes))).items():
        totals[codes[kommunkod]] = totals.get(codes[kommunkod], 0) + persons
    return totals


async def open_escalations(conn: Connection, kommunkoder: Sequence[str]) -> dict[str, int]:
    rows = await conn.fetch(OPEN_ESCALATIONS, list(kommunkoder))
    return {r["kommunkod"]: r["open"] for r in rows}


# Meetings and mailings are listed newest first, by keyset (created, id): `Cursor`.
Cursor = tuple[datetime, UUID]

INSERT_MEETING = """
INSERT INTO meeting (meeting_id, kind, status, lanskod, kommunkoder, agenda, escalation_id,
                     created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
"""
MEETINGS = "SELECT * FROM meeting WHERE meeting_id = ANY($1::uuid[])"
MEETING_FOR_UPDATE = "SELECT * FROM meeting WHERE meeting_id = $1 FOR UPDATE"
UPDATE_MEETING = """
UPDATE meeting SET status = $2, scheduled_on = $3, held_on = $4, agenda = $5
WHERE meeting_id = $1
"""
MEETING_PAGE = """
SELECT * FROM meeting
WHERE ($1::text IS NULL OR lanskod = $1)
  AND ($2::boolean OR lanskod = ANY($3::text[]) OR $4::text = ANY(kommunkoder))
  AND ($5::timestamptz IS NULL OR (created_at, meeting_id) < ($5, $6::uuid))
ORDER BY created_at DESC, meeting_id DESC LIMIT $7
"""
LANSTRAFF_HELD = """
SELECT DISTINCT lanskod FROM meeting
WHERE kind = 'lanstraff' AND status = 'held'
  AND held_on >= make_date($1, 1, 1) AND held_on < make_date($1 + 1, 1, 1)
"""


def to_meeting(row: Any) -> Meeting:
    return Meeting(
        row["meeting_id"],
        MeetingKind(row["kind"]),
        MeetingStatus(row["status"]),
        row["lanskod"],
        tuple(row["kommunkoder"]),
        tuple(row["agenda"]),
        row["created_by"],
        row["created_at"],
        row["escalation_id"],
        row["scheduled_on"],
        row["held_on"],
    )


async def insert_meeting(conn: Connection, m: Meeting) -> None:
    await conn.execute(
        INSERT_MEETING,
        m.meeting_id,
        m.kind.value,
        m.status.value,
        m.lanskod,
        list(m.kommunkoder),
        list(m.agenda),
        m.escalation_id,
        m.created_by,
        m.created_at,
    )


async def meeting(conn: Connection, meeting_id: UUID) -> Meeting | None:
    row = await conn.fetchrow(MEETING_FOR_UPDATE, meeting_id)
    return None if row is None else to_meeting(row)


async def meetings(conn: Connection, ids: Sequence[UUID]) -> list[Meeting]:
    return [to_meeting(r) for r in await conn.fetch(MEETINGS, list(ids))]


async def save_meeting(conn: Connection, m: Meeting) -> None:
    await conn.execute(
        UPDATE_MEETING, m.meeting_id, m.status.value, m.scheduled_on, m.held_on, list(m.agenda)
    )


async def meeting_page(
    conn: Connection,
    lanskod: str | None,
    scope: tuple[bool, Iterable[str], str | None],
    after: Cursor | None,
    limit: int,
) -> list[Meeting]:
    """Meetings of `lanskod` (or all) within scope: (everything, counties, municipality)."""
    everything, lan, kommun = scope
    at, ident = after or (None, None)
    rows = await conn.fetch(MEETING_PAGE, lanskod, everything, list(lan), kommun, at, ident, limit)
    return [to_meeting(r) for r in rows]


async def lanstraff_held(conn: Connection, year: int) -> list[str]:
    return [r["lanskod"] for r in await conn.fetch(LANSTRAFF_HELD, year)]


INSERT_UTSKICK = """
INSERT INTO utskick (utskick_id, subject, kind, lanskod, recipients, sent_on, sender_role, sender,
                     registered_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
"""
UTSKICK_BY_ID = "SELECT * FROM utskick WHERE utskick_id = $1"
UTSKICK_PAGE = """
SELECT * FROM utskick
WHERE ($1::boolean OR $2::text = ANY(recipients))
  AND ($3::timestamptz IS NULL OR (registered_at, utskick_id) < ($3, $4::uuid))
ORDER BY registered_at DESC, utskick_id DESC LIMIT $5
"""


def to_utskick(row: Any) -> Utskick:
    return Utskick(
        row["utskick_id"],
        row["subject"],
        UtskickKind(row["kind"]),
        row["lanskod"],
        tuple(row["recipients"]),
        row["sent_on"],
        row["sender_role"],
        row["sender"],
        row["registered_at"],
    )


async def save_utskick(conn: Connection, u: Utskick) -> None:
    await conn.execute(
        INSERT_UTSKICK,
        u.utskick_id,
        u.subject,
        u.kind.value,
        u.lanskod,
        list(u.recipients),
        u.sent_on,
        u.sender_role,
        u.sender,
        u.registered_at,
    )


async def utskick(conn: Connection, utskick_id: UUID) -> Utskick | None:
    row = await conn.fetchrow(UTSKICK_BY_ID, utskick_id)
    return None if row is None else to_utskick(row)


async def utskick_page(
    conn: Connection, everything: bool, kommun: str | None, after: Cursor | None, limit: int
) -> list[Utskick]:
    """All mailings, or those to `kommun`, newest first."""
    at, ident = after or (None, None)
    rows = await conn.fetch(UTSKICK_PAGE, everything, kommun, at, ident, limit)
    return [to_utskick(r) for r in rows]


# The situation picture of counties: one statement each, however many counties.
ESCALATIONS_BY_KIND = """
SELECT lanskod, kind, count(*)::int AS open, min(opened_at) AS oldest FROM escalation
WHERE status <> 'resolved' AND lanskod = ANY($1::text[]) GROUP BY lanskod, kind
ORDER BY lanskod, kind
"""
LAST_HELD = """
SELECT lanskod, kind, max(held_on) AS held_on FROM meeting
WHERE status = 'held' AND lanskod = ANY($1::text[]) AND kind = ANY($2::text[])
GROUP BY lanskod, kind
"""


async def escalations_by_kind(conn: Connection, lanskoder: Sequence[str]) -> dict[str, Any]:
    found: dict[str, list[Any]] = {}
    for r in await conn.fetch(ESCALATIONS_BY_KIND, list(lanskoder)):
        found.setdefault(r["lanskod"], []).append(r)
    return found


async def last_held(conn: Connection, lanskoder: Sequence[str]) -> dict[str, Any]:
    found: dict[str, dict[str, Any]] = {}
    rows = await conn.fetch(LAST_HELD, list(lanskoder), ["avstamning", "lanstraff"])
    for r in rows:
        found.setdefault(r["lanskod"], {})[r["kind"]] = r["held_on"]
    return found
