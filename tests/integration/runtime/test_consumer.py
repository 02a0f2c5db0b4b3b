"""Durable consumers: idempotent through the inbox, NAK with backoff, dead letters, replays."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
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
    STREAM,
    DurableConsumer,
    Subscription,
    ensure_streams,
    first_receipt,
)
from bosattning_runtime.db import Pool, create_pool, migrate, plumbing_migrations, unit_of_work
from bosattning_runtime.deadletters import (
    count_dead_letters,
    list_dead_letters,
    replay,
    replay_subject,
)
from bosattning_runtime.errors import DomainError
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig

from tests.integration.conftest import eventually, subject_count

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


@pytest.fixture
async def js(bus: Client) -> JetStreamContext:
    """The bus with the streams in place."""
    context = bus.jetstream()
    await ensure_streams(context)
    return context


async def publish(bus: Client, event: Event[Any], msg_id: str | None = None) -> None:
    headers = {"Nats-Msg-Id": msg_id or str(event.event_id)}
    await bus.jetstream().publish(event.subject, event.to_json_bytes(), headers=headers)


def consumer_for(
    bus: Client, pool: Pool, *, fail: bool = False, max_deliver: int = 3, ack_wait: float = 30.0
) -> DurableConsumer:
    async def handle(event: Event[Any]) -> None:
        async with unit_of_work(pool) as conn:
            if not await first_receipt(conn, "test", event):
                return
            await conn.execute("INSERT INTO effects (event_id) VALUES ($1)", event.event_id)
            if fail:
                raise RuntimeError("poison")

    subscription = Subscription("test", (SUBJECT,), handle)
    return DurableConsumer(
        bus.jetstream(),
        subscription,
        max_deliver=max_deliver,
        backoff=(0.05, 0.1),
        ack_wait=ack_wait,
    )


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
    bus: Client, pool: Pool, js: JetStreamContext
) -> None:
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


async def test_an_event_whose_handling_never_ends_is_dead_lettered_not_dropped(
    bus: Client, pool: Pool, js: JetStreamContext
) -> None:
    event = confirmed()
    await publish(bus, event)
    consumer = consumer_for(bus, pool, max_deliver=2, ack_wait=0.5)
    await consumer.ensure()
    crashing = await js.pull_subscribe_bind(durable="test", stream="BOSATTNING")
    for _ in range(2):  # a consumer that dies with the message each time: no ack, no NAK
        [taken] = await crashing.fetch(1, timeout=5)
        assert taken.metadata.num_delivered == _ + 1
        await asyncio.sleep(0.7)  # the ack wait runs out
    await crashing.unsubscribe()

    async def dead_lettered() -> bool:
        return (await js.stream_info(DEAD_LETTER_STREAM)).state.messages == 1

    await run_until(consumer, dead_lettered)

    letter = await js.get_last_msg(DEAD_LETTER_STREAM, "dlq.test.>")
    assert letter.headers is not None
    assert letter.headers["Bosattning-Error"] == "DeliveriesExhausted"
    assert letter.headers["Bosattning-Deliveries"] == "3"
    assert await pool.fetchval("SELECT count(*) FROM effects") == 0  # not handled again
    info = await js.consumer_info("BOSATTNING", "test")
    assert info.num_ack_pending == 0 and info.num_pending == 0


async def run_until(consumer: DurableConsumer, check: Callable[[], Awaitable[bool]]) -> None:
    task = asyncio.create_task(consumer.run())
    try:
        await eventually(check)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def dead_lettered(bus: Client, pool: Pool, event: Event[Any]) -> int:
    """Publish `event` to a consumer that fails it; the sequence of its dead letter."""
    js = bus.jetstream()
    await publish(bus, event)

    async def listed() -> bool:
        return await count_dead_letters(js, "test") == 1

    await run_until(consumer_for(bus, pool, fail=True), listed)
    letters, _ = await list_dead_letters(js, "test", None, 10)
    return letters[0].sequence


async def effects(pool: Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM effects"))


async def test_a_consumer_made_before_replays_existed_gets_its_replay_subject_on_restart(
    bus: Client, pool: Pool, js: JetStreamContext
) -> None:
    await js.add_consumer(
        STREAM, ConsumerConfig(name="test", durable_name="test", filter_subjects=[SUBJECT])
    )
    await publish(bus, confirmed())
    old = await js.pull_subscribe_bind(durable="test", stream=STREAM)
    for message in await old.fetch(1, timeout=5):
        await message.ack_sync()

    consumer = consumer_for(bus, pool)
    await consumer.ensure()

    info = await js.consumer_info(STREAM, "test")
    assert info.config.filter_subjects == [SUBJECT, "replay.test.*"]
    assert (info.ack_floor.stream_seq, info.num_pending) == (1, 0)  # its position is kept
    replayed = confirmed()
    await js.publish(replay_subject("test", 1), replayed.to_json_bytes())

    async def applied() -> bool:
        return await effects(pool) == 1

    await run_until(consumer, applied)
    assert await pool.fetchval("SELECT event_id FROM effects") == replayed.event_id


async def test_two_replays_of_one_dead_letter_at_once_publish_it_once(
    bus: Client, pool: Pool, js: JetStreamContext
) -> None:
    sequence = await dead_lettered(bus, pool, confirmed())

    outcomes = await asyncio.gather(
        replay(js, sequence), replay(js, sequence), return_exceptions=True
    )

    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(refused) == 1, outcomes
    assert refused[0].code == "DEAD_LETTER_ALREADY_REPLAYED"
    assert await subject_count(bus, replay_subject("test", sequence)) == 1
    assert await count_dead_letters(js, None) == 0


async def test_a_replayed_event_that_fails_again_is_dead_lettered_under_its_first_subject(
    bus: Client, pool: Pool, js: JetStreamContext
) -> None:
    event = confirmed()
    await publish(bus, event)
    replayed: list[int] = []

    async def replayed_and_dead_again() -> bool:
        letters, _ = await list_dead_letters(js, "test", None, 10)
        if letters and not replayed:
            replayed.append((await replay(js, letters[0].sequence)).sequence)
        return bool(replayed) and len(letters) == 1 and letters[0].sequence > replayed[0]

    # one consumer throughout: a stopped one could leave a pull request the replay goes to
    await run_until(consumer_for(bus, pool, fail=True), replayed_and_dead_again)

    letters, _ = await list_dead_letters(js, None, None, 10)
    assert [(x.event_id, x.original_subject) for x in letters] == [(event.event_id, event.subject)]
    assert letters[0].consumer == "test"
    assert await effects(pool) == 0
