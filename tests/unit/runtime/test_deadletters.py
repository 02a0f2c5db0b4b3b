"""What an operator sees of a dead letter, read from its stream message alone."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from uuid import uuid4

from bosattning_runtime.bus import replay_filter
from bosattning_runtime.deadletters import parse_dead_letter, replay_subject

AT = datetime(2022, 3, 1, 8, 0, tzinfo=UTC)
SUBJECT = "dlq.anvisning.bosattning.06.lan.kommuntal.decided"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def headers(**extra: str) -> dict[str, str]:
    return {
        "Nats-Msg-Id": "anvisning:17",
        "Bosattning-Original-Subject": "bosattning.06.lan.kommuntal.decided",
        "Bosattning-Consumer": "anvisning",
        "Bosattning-Stream-Sequence": "17",
        "Bosattning-Deliveries": "5",
        "Bosattning-Error": "RaiseError",
        **extra,
    }


def test_a_dead_letter_shows_its_consumer_subject_event_deliveries_and_error() -> None:
    event_id = uuid4()
    data = json.dumps(
        {"event_id": str(event_id), "event_type": "kommuntal.decided", "payload": {"year": 2022}}
    ).encode()
    traceparent = f"00-{TRACE_ID}-00f067aa0ba902b7-01"

    letter = parse_dead_letter(3, SUBJECT, headers(traceparent=traceparent), data, AT)

    assert letter.sequence == 3
    assert letter.consumer == "anvisning"
    assert letter.original_subject == "bosattning.06.lan.kommuntal.decided"
    assert letter.original_sequence == 17
    assert (letter.event_id, letter.event_type) == (event_id, "kommuntal.decided")
    assert (letter.deliveries, letter.error_type) == (5, "RaiseError")
    assert letter.dead_lettered_at == AT
    assert letter.trace_id == TRACE_ID


def test_an_event_that_is_not_json_is_listed_with_its_identity_unknown() -> None:
    letter = parse_dead_letter(1, SUBJECT, headers(), b"\xff not json", AT)

    assert (letter.event_id, letter.event_type) == (None, None)
    assert letter.consumer == "anvisning"


def test_free_text_in_the_event_or_the_headers_never_reaches_the_operator() -> None:
    data = json.dumps({"event_id": "Anna Svensson", "event_type": "Anna Svensson"}).encode()
    forged = headers(**{"Bosattning-Error": "name: Anna Svensson", "traceparent": "Anna"})

    letter = parse_dead_letter(1, SUBJECT, forged, data, AT)

    assert (letter.event_id, letter.event_type, letter.trace_id) == (None, None, None)
    assert letter.error_type == "unknown"


def test_without_headers_the_consumer_and_subject_come_from_the_dead_letter_subject() -> None:
    letter = parse_dead_letter(9, SUBJECT, {}, b"{}", datetime(2022, 3, 1, 8, 0))

    assert letter.consumer == "anvisning"
    assert letter.original_subject == "bosattning.06.lan.kommuntal.decided"
    assert (letter.original_sequence, letter.deliveries) == (None, 0)
    assert letter.dead_lettered_at.tzinfo is UTC


def test_a_replay_is_on_a_subject_only_its_consumer_filters() -> None:
    subject = replay_subject("anvisning", 3)

    assert subject == "replay.anvisning.3"
    assert replay_filter("anvisning") == "replay.anvisning.*"
    assert not subject.startswith("bosattning.")
