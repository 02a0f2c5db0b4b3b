"""The audit log: who did what to which aggregate, written in the command's transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bosattning_contracts.envelope import Event
from opentelemetry import trace

from bosattning_runtime.db import Connection
from bosattning_runtime.outbox import enqueue

INSERT_AUDIT = """
INSERT INTO audit_log (occurred_at, actor, action, aggregate_id, details, trace_id)
VALUES ($1, $2, $3, $4, $5, $6)
"""


async def record_audit(
    conn: Connection,
    *,
    occurred_at: datetime,
    actor: str,
    action: str,
    aggregate_id: str,
    details: Mapping[str, object] | None = None,
) -> None:
    span = trace.get_current_span().get_span_context()
    trace_id = format(span.trace_id, "032x") if span.is_valid else None
    await conn.execute(
        INSERT_AUDIT, occurred_at, actor, action, aggregate_id, dict(details or {}), trace_id
    )


async def record_and_publish(
    conn: Connection,
    actor: str,
    action: str,
    events: Sequence[Event[Any]],
    details: Mapping[str, object],
) -> None:
    """The audit row and the outbox rows of a command, in its transaction."""
    await record_audit(
        conn,
        occurred_at=events[0].occurred_at,
        actor=actor,
        action=action,
        aggregate_id=events[0].aggregate_id,
        details=details,
    )
    await enqueue(conn, events)
