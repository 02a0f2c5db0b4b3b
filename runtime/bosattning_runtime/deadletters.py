"""Dead letters: the events a consumer gave up on, kept for operators to list and replay.

A consumer that fails an event `max_deliver` times publishes it to the stream
`BOSATTNING_DLQ` on `dlq.<consumer>.<original subject>`, with headers saying what went
wrong. A replay publishes the event's bytes to `replay.<consumer>.<dlq sequence>` on the
event stream, which only that consumer filters: it applies the event through its usual
handler and inbox, and no other consumer sees it again. The replay message stays in the
event stream as the record that the dead letter was replayed; the dead letter is deleted.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

from bosattning_contracts.registry import EVENT_TYPES
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.api import RawStreamMsg
from nats.js.errors import NotFoundError

from bosattning_runtime.audit import record_audit
from bosattning_runtime.bus import (
    CONSUMER,
    DEAD_LETTER_ROOT,
    DEAD_LETTER_STREAM,
    DELIVERIES,
    ERROR,
    ORIGINAL_SUBJECT,
    REPLAY_ROOT,
    STREAM,
    STREAM_SEQUENCE,
)
from bosattning_runtime.clock import Clock
from bosattning_runtime.commands import IdempotencyKey, JsonObject, execute
from bosattning_runtime.db import Connection, Pool
from bosattning_runtime.errors import DomainError
from bosattning_runtime.telemetry import inject_trace_context

log = logging.getLogger(__name__)

REPLAY_OF = "Bosattning-Replay-Of"
NOT_FOUND = "DEAD_LETTER_NOT_FOUND"
ALREADY_REPLAYED = "DEAD_LETTER_ALREADY_REPLAYED"

CONSUMER_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_ERROR_TYPE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")
_TRACEPARENT = re.compile(r"[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}")


def replay_subject(consumer: str, sequence: int) -> str:
    return f"{REPLAY_ROOT}.{consumer}.{sequence}"


def dead_letter_filter(consumer: str | None) -> str:
    return f"{DEAD_LETTER_ROOT}.{consumer}.>" if consumer else f"{DEAD_LETTER_ROOT}.>"


@dataclass(frozen=True)
class DeadLetter:
    """What an operator sees of a dead letter: ids, codes, counts and dates, no payload."""

    sequence: int
    consumer: str
    original_subject: str
    original_sequence: int | None
    event_id: UUID | None
    event_type: str | None
    deliveries: int
    error_type: str
    dead_lettered_at: datetime
    trace_id: str | None


def parse_dead_letter(
    sequence: int, subject: str, headers: Mapping[str, str], data: bytes, at: datetime
) -> DeadLetter:
    """The operator's view of one message of the dead-letter stream. Anything missing or
    malformed (an event that was not even JSON) reads as unknown, never as an error."""
    _, _, rest = subject.partition(".")
    from_subject, _, subject_original = rest.partition(".")
    traceparent = _TRACEPARENT.fullmatch(headers.get("traceparent", ""))
    error_type = headers.get(ERROR, "")
    event_id, event_type = _event_identity(data)
    return DeadLetter(
        sequence=sequence,
        consumer=headers.get(CONSUMER, from_subject),
        original_subject=headers.get(ORIGINAL_SUBJECT, subject_original),
        original_sequence=_whole_number(headers.get(STREAM_SEQUENCE)),
        event_id=event_id,
        event_type=event_type,
        deliveries=_whole_number(headers.get(DELIVERIES)) or 0,
        error_type=error_type if _ERROR_TYPE.fullmatch(error_type) else "unknown",
        dead_lettered_at=at if at.tzinfo else at.replace(tzinfo=UTC),
        trace_id=traceparent.group(1) if traceparent else None,
    )


def _event_identity(data: bytes) -> tuple[UUID | None, str | None]:
    try:
        event: Any = json.loads(data)
    except ValueError:
        return None, None
    if not isinstance(event, dict):
        return None, None
    try:
        event_id = UUID(str(event.get("event_id")))
    except ValueError:
        event_id = None
    event_type = event.get("event_type")
    known = isinstance(event_type, str) and event_type in EVENT_TYPES
    return event_id, event_type if known else None


def _whole_number(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def _of_raw(raw: RawStreamMsg) -> DeadLetter:
    return parse_dead_letter(
        raw.seq or 0,
        raw.subject or "",
        raw.headers or {},
        raw.data or b"",
        raw.time or datetime.now(UTC),
    )


async def list_dead_letters(
    js: JetStreamContext, consumer: str | None, after: int | None, first: int
) -> tuple[list[DeadLetter], bool]:
    """Up to `first` dead letters after the sequence `after`, oldest first, and whether
    more follow."""
    found: list[DeadLetter] = []
    sequence = (after or 0) + 1
    while len(found) <= first:
        try:
            raw = await js.get_msg(
                DEAD_LETTER_STREAM, sequence, subject=dead_letter_filter(consumer), next=True
            )
        except NotFoundError:  # no further message (or no stream yet)
            break
        found.append(_of_raw(raw))
        sequence = (raw.seq or sequence) + 1
    return found[:first], len(found) > first


async def count_dead_letters(js: JetStreamContext, consumer: str | None) -> int:
    try:
        subjects = dead_letter_filter(consumer)
        info = await js.stream_info(DEAD_LETTER_STREAM, subjects_filter=subjects)
    except NotFoundError:
        return 0
    return sum((info.state.subjects or {}).values())


async def replay(js: JetStreamContext, sequence: int) -> DeadLetter:
    """Send dead letter `sequence` to its consumer again and take it off the list.

    Raises DomainError NOT_FOUND, or ALREADY_REPLAYED where it was replayed before (also
    by a concurrent replay: the replay's message id lets the stream keep only one)."""
    try:
        raw = await js.get_msg(DEAD_LETTER_STREAM, sequence)
    except NotFoundError:
        if await _replayed(js, replay_subject("*", sequence)):
            raise _already_replayed(sequence) from None
        raise DomainError(NOT_FOUND, f"no dead letter {sequence}", "sequence") from None
    letter = _of_raw(raw)
    subject = replay_subject(letter.consumer, sequence)
    duplicate = await _replayed(js, subject)  # an earlier replay stopped before the delete
    if not duplicate:
        headers = {
            "Nats-Msg-Id": f"{REPLAY_ROOT}:{sequence}",
            REPLAY_OF: str(sequence),
            ORIGINAL_SUBJECT: letter.original_subject,
            **inject_trace_context(),
        }
        ack = await js.publish(subject, raw.data or b"", headers=headers)
        duplicate = bool(ack.duplicate)
    await _forget(js, sequence)
    if duplicate:
        raise _already_replayed(sequence)
    return letter


def _already_replayed(sequence: int) -> DomainError:
    return DomainError(ALREADY_REPLAYED, f"dead letter {sequence} was replayed before", "sequence")


async def _replayed(js: JetStreamContext, subject: str) -> bool:
    """Whether the event stream holds a replay on `subject` (the record of a replay)."""
    return await _found(js.get_last_msg(STREAM, subject))


async def _forget(js: JetStreamContext, sequence: int) -> None:
    try:
        await js.delete_msg(DEAD_LETTER_STREAM, sequence)
    except Exception:  # deleted meanwhile by a concurrent replay: it is gone either way
        if await _found(js.get_msg(DEAD_LETTER_STREAM, sequence)):
            raise


async def _found(lookup: Awaitable[object]) -> bool:
    try:
        await lookup
    except NotFoundError:
        return False
    return True


class OperatorDeps(Protocol):
    """What a service that serves the operators' dead-letter fields provides."""

    @property
    def pool(self) -> Pool: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def nats(self) -> Callable[[], NatsClient | None]: ...


async def replay_dead_letter(
    deps: OperatorDeps, js: JetStreamContext, actor: str, sequence: int, key: IdempotencyKey | None
) -> JsonObject:
    """The operator's command: replay one dead letter, with an audit row, in one transaction."""

    async def work(conn: Connection) -> JsonObject:
        if sequence < 1:
            raise DomainError("INVALID_SEQUENCE", "a sequence is a whole number from 1", "sequence")
        letter = await replay(js, sequence)
        event_id = None if letter.event_id is None else str(letter.event_id)
        await record_audit(
            conn,
            occurred_at=deps.clock.now(),
            actor=actor,
            action="replayDeadLetter",
            aggregate_id=f"{DEAD_LETTER_ROOT}:{sequence}",
            details={"consumer": letter.consumer, "eventId": event_id},
        )
        log.info(
            "dead letter replayed",
            extra={"sequence": sequence, "consumer": letter.consumer, "event_id": event_id},
        )
        return {
            "sequence": sequence,
            "consumer": letter.consumer,
            "eventId": event_id,
            "replaySubject": replay_subject(letter.consumer, sequence),
        }

    return await execute(deps.pool, key, work)
