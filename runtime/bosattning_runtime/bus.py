"""NATS JetStream: the connection, the streams, and durable idempotent consumers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import nats
from bosattning_contracts.envelope import Event
from bosattning_contracts.registry import parse_event
from bosattning_contracts.scope import STREAM_SUBJECTS
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError
from opentelemetry import trace

from bosattning_runtime.db import Connection, unavailable
from bosattning_runtime.telemetry import bus_span_attributes, extract_trace_context

log = logging.getLogger(__name__)
tracer = trace.get_tracer("bosattning.bus")

STREAM = "BOSATTNING"
DEAD_LETTER_STREAM = "BOSATTNING_DLQ"
DEAD_LETTER_ROOT = "dlq"
# Dead letters replayed to one consumer: `replay.<consumer>.<dead-letter sequence>`.
REPLAY_ROOT = "replay"
DUPLICATE_WINDOW_SECONDS = 3600.0

# Headers of a dead letter (and of a replay, which keeps the event's first subject).
ORIGINAL_SUBJECT = "Bosattning-Original-Subject"
CONSUMER = "Bosattning-Consumer"
STREAM_SEQUENCE = "Bosattning-Stream-Sequence"
DELIVERIES = "Bosattning-Deliveries"
ERROR = "Bosattning-Error"
TRACE_HEADERS = ("traceparent", "tracestate")

EventHandler = Callable[[Event[Any]], Awaitable[None]]


def raise_if_cancelling() -> None:
    """nats-py can turn a cancellation into an ordinary error; a loop that retries on
    errors calls this first, so that stopping the service still stops the loop."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def connect(url: str, name: str) -> NatsClient:
    """A client that keeps reconnecting forever, so a broker restart is survived."""

    async def on_error(error: Exception) -> None:
        log.warning("nats error", extra={"error": repr(error)})

    servers, credentials = nats_servers(url)
    return await nats.connect(
        servers=servers,
        **credentials,
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        error_cb=on_error,
        connect_timeout=5,
    )


def nats_servers(url: str) -> tuple[list[str], dict[str, str]]:
    """`NATS_URL` may list a cluster's servers, comma-separated; credentials given in it are
    passed explicitly so that they also hold for the servers the client discovers."""
    servers, credentials = [], {}
    for part in (p.strip() for p in url.split(",") if p.strip()):
        parsed = urlsplit(part)
        if parsed.username:
            credentials = {
                "user": unquote(parsed.username),
                "password": unquote(parsed.password or ""),
            }
            part = parsed._replace(netloc=parsed.netloc.rsplit("@", 1)[1]).geturl()
        servers.append(part)
    return servers, credentials


async def ensure_streams(js: JetStreamContext, replicas: int = 1) -> None:
    """Create (or bring up to date) the event stream and the dead-letter stream.

    The event stream also holds the replays of dead letters, each for one consumer.

    Replicas are never lowered: an operator may have raised them on a cluster.
    """
    for config in (
        StreamConfig(
            name=STREAM,
            subjects=[STREAM_SUBJECTS, f"{REPLAY_ROOT}.>"],
            storage=StorageType.FILE,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
        ),
        StreamConfig(
            name=DEAD_LETTER_STREAM,
            subjects=[f"{DEAD_LETTER_ROOT}.>"],
            storage=StorageType.FILE,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
        ),
    ):
        config.num_replicas = replicas
        try:
            existing = await js.stream_info(config.name or "")
        except NotFoundError:
            await js.add_stream(config)
            continue
        config.num_replicas = max(replicas, existing.config.num_replicas or 1)
        await js.update_stream(config)


INSERT_RECEIPT = """
INSERT INTO inbox (consumer, event_id, event_type) VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING RETURNING 1
"""


async def first_receipt(conn: Connection, consumer: str, event: Event[Any]) -> bool:
    """Record the event in the inbox; False when this consumer has applied it before."""
    return (
        await conn.fetchval(INSERT_RECEIPT, consumer, event.event_id, event.event_type) is not None
    )


@dataclass(frozen=True)
class Subscription:
    """A durable pull consumer: its name, the subjects it filters, and its handler."""

    durable: str
    subjects: tuple[str, ...]
    handle: EventHandler


class DeliveriesExhausted(Exception):
    """Delivered more often than the bound allows, each time without an ack or a NAK."""


class DurableConsumer:
    """Pulls a durable consumer and applies each event through its handler.

    A handler error NAKs with a delay from `backoff`; at `max_deliver` the message
    goes to the dead-letter stream and is terminated, so nothing is lost silently. So does
    a message delivered more often than that without an answer (its handler crashed or
    hung each time), before it is handled again.
    Besides its subjects the consumer filters the dead letters replayed to it.
    """

    def __init__(
        self,
        js: JetStreamContext,
        subscription: Subscription,
        *,
        max_deliver: int,
        backoff: Sequence[float],
        batch_size: int = 50,
        ack_wait: float = 30.0,
    ) -> None:
        self._js = js
        self._sub = subscription
        self._max_deliver = max_deliver
        self._backoff = tuple(backoff) or (1.0,)
        self._batch_size = batch_size
        self._ack_wait = ack_wait
        self._stopping = asyncio.Event()

    async def ensure(self) -> None:
        config = ConsumerConfig(
            name=self._sub.durable,
            durable_name=self._sub.durable,
            filter_subjects=[*self._sub.subjects, replay_filter(self._sub.durable)],
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=self._ack_wait,
            # unbounded at the server, which would otherwise stop delivering silently once
            # ack waits ran out (a consumer killed again and again); the bound is ours
            max_deliver=-1,
            max_ack_pending=1000,
        )
        await self._js.add_consumer(STREAM, config)

    async def run(self) -> None:
        await self.ensure()
        pull = await self._js.pull_subscribe_bind(durable=self._sub.durable, stream=STREAM)
        size = 1
        while not self._stopping.is_set():
            raise_if_cancelling()
            try:
                messages = await pull.fetch(size, timeout=1.0)
            except (NatsTimeoutError, TimeoutError):
                raise_if_cancelling()
                size = 1
                continue
            except Exception as error:  # broker away: the client reconnects; try again
                raise_if_cancelling()
                log.warning("consumer fetch failed", extra={"error": repr(error)})
                await asyncio.sleep(0.5)
                continue
            for index, message in enumerate(messages):
                await self.process(message, held=messages[index + 1 :])
            size = self._next_fetch_size(messages)

    def _next_fetch_size(self, messages: Sequence[Msg]) -> int:
        """As many as the server said were still pending (up to the batch size), else one.

        nats-py's `fetch(n)` returns at once what is available, but when nothing is, it
        waits until n messages have arrived or the timeout passed: with n = 50 an idle
        consumer held the first new event for up to a second (BENCHMARKS.md). Asking for
        one while caught up returns as soon as it arrives."""
        pending = messages[-1].metadata.num_pending if messages else 0
        return max(1, min(self._batch_size, pending or 0))

    async def process(self, message: Msg, held: Sequence[Msg] = ()) -> None:
        parent = extract_trace_context(dict(message.headers or {}))
        with tracer.start_as_current_span(
            f"{message.subject} process",
            context=parent,
            kind=trace.SpanKind.CONSUMER,
            attributes=bus_span_attributes(
                message.subject, **{"messaging.consumer.group.name": self._sub.durable}
            ),
        ):
            if message.metadata.num_delivered > self._max_deliver:
                # delivered beyond the bound without an answer: its handling never ended
                await dead_letter(self._js, self._sub.durable, message, DeliveriesExhausted())
                await message.term()
                return
            try:
                await self._apply(parse_event(message.data), [message, *held])
            except Exception as error:
                await self._fail(message, error)
                return
            await message.ack()

    async def _apply(self, event: Event[Any], holding: Sequence[Msg]) -> None:
        """Apply the event. While the database is away, wait and try again, keeping the
        messages of the batch from redelivery (each redelivery would spend one of the
        bounded deliveries and, at the bound, dead-letter a sound event)."""
        pause = 0.1
        while True:
            try:
                await self._sub.handle(event)
                return
            except Exception as error:
                if not unavailable(error) or self._stopping.is_set():
                    raise
                raise_if_cancelling()
                log.warning(
                    "database unavailable: holding events",
                    extra={"consumer": self._sub.durable, "error": type(error).__name__},
                )
            for message in holding:
                with contextlib.suppress(Exception):  # NATS may be away too: then it redelivers
                    await message.in_progress()
            await asyncio.sleep(pause)
            pause = min(pause * 2, self._ack_wait / 3, 5.0)

    async def _fail(self, message: Msg, error: Exception) -> None:
        delivered = message.metadata.num_delivered
        log.warning(
            "event handler failed",
            extra={
                "consumer": self._sub.durable,
                "subject": message.subject,
                "delivered": delivered,
                "error": type(error).__name__,
            },
        )
        if delivered >= self._max_deliver:
            await dead_letter(self._js, self._sub.durable, message, error)
            await message.term()
            return
        delay = self._backoff[min(delivered - 1, len(self._backoff) - 1)]
        await message.nak(delay=delay)

    def stop(self) -> None:
        self._stopping.set()


def replay_filter(consumer: str) -> str:
    """The subjects on which `consumer` receives the dead letters replayed to it."""
    return f"{REPLAY_ROOT}.{consumer}.*"


async def dead_letter(js: JetStreamContext, consumer: str, message: Msg, error: Exception) -> None:
    """Keep the message in the dead-letter stream with what went wrong, for operators.

    A replayed event that fails again keeps the subject it was first published on."""
    meta = message.metadata
    received = dict(message.headers or {})
    replayed = message.subject.startswith(f"{REPLAY_ROOT}.")
    original = received.get(ORIGINAL_SUBJECT, message.subject) if replayed else message.subject
    headers = {
        "Nats-Msg-Id": f"{consumer}:{meta.sequence.stream}",
        ORIGINAL_SUBJECT: original,
        CONSUMER: consumer,
        STREAM_SEQUENCE: str(meta.sequence.stream),
        DELIVERIES: str(meta.num_delivered),
        ERROR: type(error).__name__,
        **{name: received[name] for name in TRACE_HEADERS if name in received},
    }
    await js.publish(f"{DEAD_LETTER_ROOT}.{consumer}.{original}", message.data, headers=headers)
