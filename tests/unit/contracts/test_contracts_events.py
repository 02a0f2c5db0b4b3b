from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

import pytest
from bosattning_contracts.envelope import Event
from bosattning_contracts.generate import event_schema
from bosattning_contracts.kommuntal import (
    KommuntalDecided,
    KommuntalDecisionPayload,
    KommuntalRevisionRequestedPayload,
    RevisionKind,
)
from bosattning_contracts.lanstal import LanstalSet, LanstalSetPayload
from bosattning_contracts.registry import EVENT_TYPES, UnknownEventType, parse_event
from bosattning_contracts.rows import KommuntalRow
from bosattning_contracts.scope import RIKET_LAN, Scope, lan_scope
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from tests.unit.contracts.contracts_samples import REQUEST_ID, WHEN, build_samples

EVENT_TYPE_NAMES = sorted(build_samples())


def test_the_registry_lists_every_event_type() -> None:
    assert sorted(EVENT_TYPES) == sorted(
        [
            "lanstal.set",
            "kommuntal.decided",
            "kommuntal.revised",
            "kommuntal.revision_requested",
            "kommuntal.revision_rejected",
            "anvisning.revision_confirmed",
            "anvisning.revision_refused",
            "arende.registered",
            "anvisning.decided",
            "anvisning.cancelled",
            "mottagande.completed",
            "arende.self_settled",
            "arende.settlement_needed",
            "escalation.opened",
            "escalation.handed_over",
            "escalation.resolved",
            "arsplanering.proposed",
            "arsplanering.decided",
            "arsplanering.changed",
        ]
    )
    assert sorted(EVENT_TYPES) == EVENT_TYPE_NAMES


@pytest.mark.parametrize("event_type", EVENT_TYPE_NAMES)
def test_parse_event_round_trips_each_event_type(
    samples: dict[str, Event[Any]], event_type: str
) -> None:
    event = samples[event_type]
    for data in (event.to_json_bytes(), event.to_json_bytes().decode("utf-8")):
        parsed = parse_event(data)
        assert type(parsed) is EVENT_TYPES[event_type]
        assert parsed == event
        assert parsed.subject == event.subject


@pytest.mark.parametrize("event_type", EVENT_TYPE_NAMES)
def test_each_event_validates_against_its_generated_schema(
    samples: dict[str, Event[Any]], event_type: str
) -> None:
    event = samples[event_type]
    schema = event_schema(type(event))
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema).validate(json.loads(event.to_json_bytes()))


def test_create_fills_the_envelope_from_the_payload(samples: dict[str, Event[Any]]) -> None:
    lanstal = samples["lanstal.set"]
    assert lanstal.scope == RIKET_LAN
    assert lanstal.aggregate_id == "lanstal:2022:06"
    assert lanstal.aggregate_version == 1
    assert lanstal.schema_version == 1
    assert lanstal.subject == "bosattning.riket.lan.lanstal.set"

    decided = samples["kommuntal.decided"]
    assert decided.aggregate_id == "kommuntal:2022:06"
    assert decided.subject == "bosattning.06.lan.kommuntal.decided"

    revised = samples["kommuntal.revised"]
    assert (revised.aggregate_id, revised.aggregate_version) == ("kommuntal:2022:06", 2)

    requested = samples["kommuntal.revision_requested"]
    rejected = samples["kommuntal.revision_rejected"]
    assert requested.aggregate_id == rejected.aggregate_id == f"kommuntal-revision:{REQUEST_ID}"
    assert (requested.aggregate_version, rejected.aggregate_version) == (1, 2)

    for answer in ("anvisning.revision_confirmed", "anvisning.revision_refused"):
        assert samples[answer].aggregate_id == f"anvisning-revision:{REQUEST_ID}"
        assert samples[answer].aggregate_version == 1
        assert samples[answer].scope == lan_scope("06")


def test_occurred_at_must_be_timezone_aware(samples: dict[str, Event[Any]]) -> None:
    payload = samples["lanstal.set"].payload
    with pytest.raises(ValidationError, match="timezone"):
        LanstalSet.create(payload=payload, occurred_at=datetime(2022, 1, 15, 9, 30))
    data = json.loads(samples["lanstal.set"].to_json_bytes())
    data["occurred_at"] = "2022-01-15T09:30:00"
    with pytest.raises(ValidationError):
        parse_event(json.dumps(data))


def test_occurred_at_and_payload_datetimes_are_normalised_to_utc() -> None:
    stockholm_winter = timezone(timedelta(hours=1))
    local = datetime(2022, 1, 15, 10, 30, tzinfo=stockholm_winter)
    payload = LanstalSetPayload(year=2022, lanskod="06", lanstal=255, version=1, decided_at=local)
    event = LanstalSet.create(payload=payload, occurred_at=local)
    assert event.occurred_at == WHEN
    assert event.occurred_at.tzinfo == UTC
    assert event.payload.decided_at.tzinfo == UTC
    assert json.loads(event.to_json_bytes())["occurred_at"] == "2022-01-15T09:30:00Z"


def test_an_unknown_event_type_raises() -> None:
    with pytest.raises(UnknownEventType, match=r"arende\.teleported") as raised:
        parse_event(json.dumps({"event_type": "arende.teleported"}))
    assert isinstance(raised.value, ValueError)
    assert raised.value.event_type == "arende.teleported"


def test_a_bad_payload_raises_a_validation_error(samples: dict[str, Event[Any]]) -> None:
    data = json.loads(samples["kommuntal.decided"].to_json_bytes())
    data["payload"]["rows"][0]["kommuntal"] = -1
    with pytest.raises(ValidationError):
        parse_event(json.dumps(data))
    with pytest.raises(ValidationError):
        parse_event(b"not json")


def test_fields_added_by_a_newer_schema_are_ignored(samples: dict[str, Event[Any]]) -> None:
    event = samples["kommuntal.revision_rejected"]
    data = json.loads(event.to_json_bytes())
    data["new_envelope_field"] = "x"
    data["payload"]["new_payload_field"] = 7
    data["payload"]["blocking"][0]["new_row_field"] = True
    assert parse_event(json.dumps(data)) == event


def test_the_envelope_must_match_the_payload(samples: dict[str, Event[Any]]) -> None:
    data = json.loads(samples["kommuntal.decided"].to_json_bytes())
    for field, wrong in (
        ("scope", {"region": "07", "audience": "lan"}),
        ("aggregate_id", "kommuntal:2021:06"),
        ("aggregate_version", 2),
    ):
        with pytest.raises(ValidationError, match=field):
            parse_event(json.dumps({**data, field: wrong}))


def test_events_and_payloads_are_immutable(samples: dict[str, Event[Any]]) -> None:
    event = samples["lanstal.set"]
    with pytest.raises(ValidationError):
        event.aggregate_version = 2  # type: ignore[misc]
    with pytest.raises(ValidationError):
        event.payload.lanstal = 0


def test_kommuntal_rows_must_be_unique_municipalities_of_the_county() -> None:
    def decision(*rows: tuple[str, int]) -> KommuntalDecisionPayload:
        return KommuntalDecisionPayload(
            year=2022,
            lanskod="06",
            version=1,
            lanstal_version=1,
            rows=tuple(KommuntalRow(kommunkod=k, kommuntal=t) for k, t in rows),
            decided_at=WHEN,
        )

    assert decision(("0684", 0)).rows[0].kommuntal == 0
    with pytest.raises(ValidationError, match="not in lan"):
        decision(("0114", 3))
    with pytest.raises(ValidationError, match="more than once"):
        decision(("0680", 3), ("0680", 4))
    with pytest.raises(ValidationError):
        decision(("9999", 3))


def test_codes_and_years_are_validated() -> None:
    with pytest.raises(ValidationError):
        LanstalSetPayload(year=2022, lanskod="02", lanstal=1, version=1, decided_at=WHEN)
    with pytest.raises(ValidationError):
        LanstalSetPayload(year=2015, lanskod="06", lanstal=1, version=1, decided_at=WHEN)


def test_a_later_version_names_an_earlier_one_it_replaces() -> None:
    def lanstal(version: int, replaces: int | None) -> LanstalSetPayload:
        return LanstalSetPayload(
            year=2017,
            lanskod="06",
            lanstal=697,
            version=version,
            replaces_version=replaces,
            decided_at=WHEN,
        )

    assert lanstal(2, 1).replaces_version == 1
    for version, replaces in ((1, 1), (2, None), (2, 2), (2, 3)):
        with pytest.raises(ValidationError):
            lanstal(version, replaces)


def test_a_revision_request_expires_after_it_was_made() -> None:
    with pytest.raises(ValidationError, match="expires_at"):
        KommuntalRevisionRequestedPayload(
            request_id=uuid4(),
            year=2022,
            lanskod="06",
            kind=RevisionKind.NEW_DIVISION,
            current_version=1,
            lanstal_version=2,
            rows=(),
            requested_at=WHEN,
            expires_at=WHEN,
        )


def test_an_event_built_by_hand_gets_a_fresh_event_id(samples: dict[str, Event[Any]]) -> None:
    decided = samples["kommuntal.decided"]
    again = KommuntalDecided(
        occurred_at=WHEN,
        aggregate_id=decided.aggregate_id,
        aggregate_version=1,
        scope=Scope(region="06", audience="lan"),
        payload=decided.payload,
    )
    assert again.event_id != decided.event_id
    assert again.event_type == "kommuntal.decided"


def _string_leaves(schema: dict[str, Any], node: Any, path: str) -> list[str]:
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return _string_leaves(schema, schema["$defs"][name], path)
        free = (
            node.get("type") == "string"
            and not {"pattern", "format", "enum", "const"} & node.keys()
        )
        found = [path] if free else []
        for key, child in node.items():
            if key == "properties":
                for name, prop in child.items():
                    found += _string_leaves(schema, prop, f"{path}.{name}")
            elif key in ("items", "anyOf", "additionalProperties"):
                found += _string_leaves(schema, child, path)
        return found
    if isinstance(node, list):
        return [leaf for item in node for leaf in _string_leaves(schema, item, path)]
    return []


@pytest.mark.parametrize("event_type", EVENT_TYPE_NAMES)
def test_payloads_carry_only_ids_codes_counts_and_dates(event_type: str) -> None:
    schema = event_schema(EVENT_TYPES[event_type])
    payload_ref = schema["properties"]["payload"]
    assert _string_leaves(schema, payload_ref, "payload") == []
