"""Durable consumers: idempotent through the inbox, NAK with backoff, then dead letters."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from bosattning_contracts.anvisning import (
    AnvisningRevisionConfirmed,
    AnvisningRevisionConfirmedPayload,
)
from bosattning_contracts.envelope import Event
from bosattning_runtime.bus import (
    DEAD_LETTER_STREAM,
    DurableConsumer,
    Subscription,
    ensure_streams,
    first_receipt,
)
from bosattning_runtime.db import Pool, create_pool, migrate, plumbing_migrations, unit_of_work
from nats.aio.client import Client

from tests.integration.conftest import eventually

SUBJECT = "bosattning.*.lan.anvisning.revision_confirmed"


def confirmed() -> AnvisningRevisionConfirmed:
    payload = AnvisningRevisionConfirmedPayload(request_id=uuid4(), year=2022, lanskod="06")
    return AnvisningRevisionConfirmed.create(payload=payload, occurred_at=datetime.now(UTC))


@pytest.fixture
async def pool(postgres: Any) -> AsyncIterator[Pool]:
    pool = await create_pool(await postgres.fresh_database("consumer"))
    await migrate(pool, plumbing_migrations())
    await pool.execute("CREATE TABLE effects (event_id uuid, applied_at timestamptz DEFAULT now())")
    yield pool
    await pool.close()


async def publish(bus: Client, event: Event[Any], msg_id: str | None = None) -> None:
    headers = {"Nats-Msg-Id": msg_id or str(event.event_id)}
    await bus.jetstream().publish(event.subject, event.to_json_bytes(), headers=headers)


def consumer_for(bus: Client, pool: Pool, *, fail: bool = False) -> DurableConsumer:
    async def handle(event: Event[Any]) -> None:
        async with unit_of_work(pool) as conn:
            if not await first_receipt(conn, "test", event):
                return
            await conn.execute("INSERT INTO effects (event_id) VALUES ($1)", event.event_id)
            if fail:
                raise RuntimeError("poison")

    subscription = Subscription("test", (SUBJECT,), handle)
    return DurableConsumer(bus.jetstream(), subscription, max_deliver=3, backoff=(0.05, 0.1))


async def test_an_event_delivered_twice_is_applied_once(bus: Client, pool: Pool) -> None:
    await ensure_streams(bus.jetstream())
    event = confirmed()
    # Two publishes that escape the stream's dedup window (different message ids).
    await publish(bus, event, "first")
    await publish(bus, event, "second")
    consumer = consumer_for(bus, pool)
    await consumer.ensure()
    task = asyncio.create_task(consumer.run())
    try:

        async def both_seen() -> bool:
            info = await bus.jetstream().consumer_info("BOSATTNING", "test")
            return info.num_ack_pending == 0 and info.delivered.stream_seq == 2

        await eventually(both_seen)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    assert await pool.fetchval("SELECT count(*) FROM effects") == 1
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 1


async def test_a_poison_event_goes_to_the_dead_letter_stream_after_bounded_deliveries(
    bus: Client, pool: Pool
) -> None:
    js = bus.jetstream()
    await ensure_streams(js)
    event = confirmed()
    await publish(bus, event)
    consumer = consumer_for(bus, pool, fail=True)
    task = asyncio.create_task(consumer.run())
    try:

        async def dead_lettered() -> bool:
            info = await js.stream_info(DEAD_LETTER_STREAM)
            return info.state.messages == 1

        await eventually(dead_lettered)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    letter = await js.get_last_msg(DEAD_LETTER_STREAM, "dlq.test.>")
    assert json.loads(letter.data or b"{}")["event_id"] == str(event.event_id)
    assert letter.headers is not None
    assert letter.headers["Bosattning-Deliveries"] == "3"
    assert letter.headers["Bosattning-Error"] == "RuntimeError"
    # every failed attempt rolled back: no effect, no inbox row
    assert await pool.fetchval("SELECT count(*) FROM effects") == 0
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 0
