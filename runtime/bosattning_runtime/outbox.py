"""The transactional outbox: handlers write events here; the relay publishes them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from bosattning_contracts.envelope import Event
from nats.js import JetStreamContext
from opentelemetry import trace

from bosattning_runtime.bus import raise_if_cancelling
from bosattning_runtime.db import Connection, Pool
from bosattning_runtime.telemetry import (
    bus_span_attributes,
    extract_trace_context,
    inject_trace_context,
)

log = logging.getLogger(__name__)
tracer = trace.get_tracer("bosattning.outbox")

NOTIFY_CHANNEL = "bosattning_outbox"
RELISTEN_SECONDS = 0.5

INSERT_EVENT = """
INSERT INTO outbox (event_id, event_type, subject, body, trace_context)
VALUES ($1, $2, $3, $4, $5)
"""
CLAIM_UNSENT = """
SELECT id, event_id, subject, body, trace_context FROM outbox
WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
"""
MARK_SENT = "UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])"
COUNT_UNSENT = "SELECT count(*) FROM outbox WHERE sent_at IS NULL"
ASYNC_COMMIT = "SET LOCAL synchronous_commit = off"


async def enqueue(conn: Connection, events: Sequence[Event[Any]]) -> None:
    """Write events in the caller's transaction, with the current trace context."""
    carrier = inject_trace_context()
    rows = [
        (
            e.event_id,
            e.event_type,
            e.subject,
            e.model_copy(update={"trace_context": carrier or None}).model_dump_json(),
            carrier,
        )
        for e in events
    ]
    await conn.executemany(INSERT_EVENT, rows)


class OutboxRelay:
    """Publishes unsent outbox rows to JetStream with `Nats-Msg-Id` = event id.

    Rows are claimed with row locks, so relays in several replicas never publish
    a row twice at once; a row is marked sent only after JetStream acknowledged
    it. While NATS is down the claim rolls back and the rows wait.
    """

    def __init__(
        self,
        pool: Pool,
        js: JetStreamContext,
        *,
        batch_size: int = 100,
        poll_interval: float = 1.0,
        publish_timeout: float = 2.0,
    ) -> None:
        self._pool = pool
        self._js = js
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._publish_timeout = publish_timeout
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()

    async def publish_batch(self) -> int:
        """Publish one batch of unsent rows; return how many were published."""
        async with self._pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(CLAIM_UNSENT, self._batch_size)
            if not rows:
                return 0
            await asyncio.gather(*(self._publish(row) for row in rows))
            # The mark need not wait for the disk: lost in a crash, the rows are published
            # again and the stream drops them as duplicates (Nats-Msg-Id); one flush less
            # between a command's commit and its event on the bus.
            await conn.execute(ASYNC_COMMIT)
            await conn.execute(MARK_SENT, [r["id"] for r in rows])
            return len(rows)

    async def _publish(self, row: Any) -> None:
        parent = extract_trace_context(row["trace_context"] or {})
        with tracer.start_as_current_span(
            f"{row['subject']} publish",
            context=parent,
            kind=trace.SpanKind.PRODUCER,
            attributes=bus_span_attributes(row["subject"]),
        ):
            headers = {"Nats-Msg-Id": str(row["event_id"]), **inject_trace_context()}
            await self._js.publish(
                row["subject"], row["body"].encode(), headers=headers, timeout=self._publish_timeout
            )

    async def drain(self) -> int:
        """Publish until nothing is unsent; return the count (used by tests and batch commands)."""
        total = 0
        while published := await self.publish_batch():
            total += published
        return total

    async def run(self) -> None:
        """Publish forever: woken by NOTIFY on commit, polling as fallback, backing off."""
        listening = asyncio.create_task(self._listen())
        try:
            await self._loop()
        finally:
            listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listening

    async def _listen(self) -> None:
        """Hold a LISTEN connection; when it is lost (the database restarted), take another,
        so that commits wake the relay again instead of the poll only."""
        while not self._stopping.is_set():
            try:
                await self._listen_until_lost()
            except Exception as error:  # the database is away: try again shortly
                raise_if_cancelling()
                log.warning("outbox relay could not listen", extra={"error": repr(error)})
            await asyncio.sleep(RELISTEN_SECONDS)

    async def _listen_until_lost(self) -> None:
        lost = asyncio.Event()
        async with self._pool.acquire() as conn:
            conn.add_termination_listener(lambda _: lost.set())
            await conn.add_listener(NOTIFY_CHANNEL, self._on_notify)
            try:
                self._wake.set()  # what was committed while nobody listened
                await lost.wait()
            finally:
                # Also when the relay stops: a connection given back to the pool while
                # still listening makes asyncpg warn, and under warnings-as-errors the
                # release failed and the pool's close waited for it for ever.
                if not conn.is_closed():
                    with contextlib.suppress(Exception):
                        await conn.remove_listener(NOTIFY_CHANNEL, self._on_notify)

    async def _loop(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            raise_if_cancelling()
            self._wake.clear()
            try:
                await self.drain()
                failures = 0
            except Exception as error:  # NATS or the database is away: rows wait, retry later
                raise_if_cancelling()
                failures += 1
                log.warning("outbox relay could not publish", extra={"error": repr(error)})
                await asyncio.sleep(min(0.2 * 2**failures, 5.0))
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_interval)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
