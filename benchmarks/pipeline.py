"""The event pipeline: commit in one database to commit of the projection in another.

The framework: a command's transaction writes a state row and the event into the outbox
(`outbox.enqueue`); the `OutboxRelay`, woken by NOTIFY, publishes it to JetStream; a
`DurableConsumer` applies it in one transaction with its inbox row. The bare loop, with
the same libraries and no framework: insert the state row and commit, publish the same
bytes to JetStream, pull, insert the projection row and commit, ack. Both run in this
process, on the same PostgreSQL and the same NATS server, one at a time.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from bosattning_contracts.envelope import Event
from bosattning_contracts.mottagande import MottagandeCompleted, MottagandeCompletedPayload
from bosattning_runtime import bus, outbox
from bosattning_runtime.db import Pool, create_pool, migrate, plumbing_migrations, unit_of_work
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig

from benchmarks.load import paced
from benchmarks.stats import Sample

FIXED_RATE = 200.0
BACKLOG = 1000  # events in flight at most while finding the sustained rate
PRODUCERS = 4
CONSUMER = "bench"
BARE_STREAM, BARE_SUBJECT = "BENCH_BARE", "benchbare.events"

TABLES = """
CREATE TABLE IF NOT EXISTS bench_state (id uuid PRIMARY KEY);
CREATE TABLE IF NOT EXISTS bench_projection (id uuid PRIMARY KEY);
"""
INSERT_STATE = "INSERT INTO bench_state (id) VALUES ($1)"
INSERT_PROJECTION = "INSERT INTO bench_projection (id) VALUES ($1) ON CONFLICT DO NOTHING"


def new_event() -> MottagandeCompleted:
    now = datetime.now(UTC)
    payload = MottagandeCompletedPayload(
        anvisning_id=uuid.uuid4(),
        arende_id="12345678-31",
        kommunkod="0680",
        received_on=date(2031, 4, 1),
        reported_at=now,
    )
    return MottagandeCompleted.create(payload=payload, occurred_at=now)


@dataclass
class Clocks:
    """When each event's producing transaction committed and its projection committed."""

    committed: dict[uuid.UUID, float] = field(default_factory=dict)
    projected: dict[uuid.UUID, float] = field(default_factory=dict)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def project(self, event_id: uuid.UUID) -> None:
        self.projected[event_id] = time.perf_counter()
        self.changed.set()

    @property
    def in_flight(self) -> int:
        return len(self.committed) - len(self.projected)

    def reset(self) -> None:
        self.committed.clear()
        self.projected.clear()


@dataclass
class Pipeline:
    """One way of moving events; `produce` commits one event, the consumers run in tasks."""

    name: str
    clocks: Clocks
    produce: Callable[[], Coroutine[Any, Any, None]]
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def framework(producer: Pool, consumer: Pool, js: JetStreamContext) -> Pipeline:
    clocks = Clocks()
    await bus.ensure_streams(js)

    async def produce() -> None:
        event = new_event()
        async with unit_of_work(producer) as conn:
            await conn.execute(INSERT_STATE, event.event_id)
            await outbox.enqueue(conn, [event])
        clocks.committed[event.event_id] = time.perf_counter()

    async def handle(event: Event[Any]) -> None:
        async with unit_of_work(consumer) as conn:
            if await bus.first_receipt(conn, CONSUMER, event):
                await conn.execute(INSERT_PROJECTION, event.event_id)
        clocks.project(event.event_id)

    subscription = bus.Subscription(CONSUMER, ("bosattning.*.*.mottagande.completed",), handle)
    relay = outbox.OutboxRelay(producer, js)
    durable = bus.DurableConsumer(js, subscription, max_deliver=5, backoff=(1.0,))
    tasks = [asyncio.create_task(relay.run()), asyncio.create_task(durable.run())]
    return Pipeline("framework", clocks, produce, tasks)


async def bare(producer: Pool, consumer: Pool, js: JetStreamContext) -> Pipeline:
    clocks = Clocks()
    await js.add_stream(StreamConfig(name=BARE_STREAM, subjects=[BARE_SUBJECT]))

    async def produce() -> None:
        event = new_event()
        async with producer.acquire() as conn, conn.transaction():
            await conn.execute(INSERT_STATE, event.event_id)
        clocks.committed[event.event_id] = time.perf_counter()
        headers = {"Nats-Msg-Id": str(event.event_id)}
        await js.publish(BARE_SUBJECT, event.to_json_bytes(), headers=headers)

    async def apply(message: Msg) -> None:
        event_id = uuid.UUID((message.headers or {})["Nats-Msg-Id"])
        async with consumer.acquire() as conn, conn.transaction():
            await conn.execute(INSERT_PROJECTION, event_id)
        await message.ack()
        clocks.project(event_id)

    async def consume() -> None:
        config = ConsumerConfig(durable_name="bare", ack_policy=AckPolicy.EXPLICIT)
        pull = await js.pull_subscribe(BARE_SUBJECT, "bare", stream=BARE_STREAM, config=config)
        while True:
            try:
                messages = await pull.fetch(1, timeout=1.0)
            except (NatsTimeoutError, TimeoutError):
                continue
            for message in messages:
                await apply(message)

    return Pipeline("bare", clocks, produce, [asyncio.create_task(consume())])


async def open_pipelines(
    producer_url: str, consumer_url: str, nats: NatsClient
) -> tuple[list[Pipeline], list[Pool]]:
    """Both pipelines on two databases (a producer's and a consumer's), one NATS server."""
    producer, consumer = await create_pool(producer_url), await create_pool(consumer_url)
    for pool in (producer, consumer):
        await migrate(pool, plumbing_migrations())
        await pool.execute(TABLES)
    js = nats.jetstream()
    pipelines = [await framework(producer, consumer, js), await bare(producer, consumer, js)]
    return pipelines, [producer, consumer]


async def fixed_rate(pipeline: Pipeline, seconds: float) -> Sample:
    """Events at FIXED_RATE for `seconds`; latency from commit to projection commit."""
    pipeline.clocks.reset()
    await paced(lambda _: pipeline.produce(), FIXED_RATE, seconds)
    await _drained(pipeline.clocks)
    clocks = pipeline.clocks
    latencies = [clocks.projected[e] - t for e, t in clocks.committed.items()]
    return Sample(ok=len(latencies), seconds=seconds, latencies=latencies)


async def sustained(pipeline: Pipeline, seconds: float) -> Sample:
    """PRODUCERS loops commit events as fast as they can, pausing while BACKLOG events are
    in flight; the rate is the events projected per second over the window."""
    clocks = pipeline.clocks
    clocks.reset()
    began = time.perf_counter()
    deadline = began + seconds

    async def producer() -> None:
        while time.perf_counter() < deadline:
            while clocks.in_flight >= BACKLOG:
                clocks.changed.clear()
                await clocks.changed.wait()
            await pipeline.produce()

    await asyncio.gather(*(producer() for _ in range(PRODUCERS)))
    projected = sum(1 for t in clocks.projected.values() if t <= deadline)
    await _drained(clocks)
    return Sample(ok=projected, seconds=seconds)


async def _drained(clocks: Clocks, within: float = 120.0) -> None:
    deadline = time.perf_counter() + within
    while clocks.in_flight > 0:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{clocks.in_flight} events not projected within {within} s")
        clocks.changed.clear()
        try:
            await asyncio.wait_for(clocks.changed.wait(), 1.0)
        except TimeoutError:
            continue
