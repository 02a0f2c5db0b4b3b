from __future__ import annotations

import json
import re
from typing import Any
from uuid import uuid4

import pytest
from bosattning_contracts.anvisning import AnvisningCancelled, AnvisningDecided, AnvisningStatus
from bosattning_contracts.arende import ArendeRegisteredPayload, Category
from bosattning_contracts.arsplanering import (
    ArsplaneringChanged,
    ArsplaneringDecided,
    ArsplaneringProposed,
    ArsplaneringStatus,
)
from bosattning_contracts.envelope import Event
from bosattning_contracts.generate import event_schema
from bosattning_contracts.needs import NeedCode
from bosattning_contracts.registry import EVENT_TYPES, parse_event
from bosattning_contracts.scope import RIKET_MV, kommun_scope
from pydantic import ValidationError

from tests.unit.contracts.contracts_samples import (
    ANVISNING_ID,
    ARENDE_ID,
    WHEN,
    anvisning_payload,
    arsplanering_payload,
    build_samples,
)

EVENT_TYPE_NAMES = sorted(build_samples())


def _arende(**changes: Any) -> ArendeRegisteredPayload:
    data: dict[str, Any] = {
        "arende_id": ARENDE_ID,
        "category": Category.KVOTFLYKTING,
        "adults": 1,
        "children": 0,
        "version": 1,
        "registered_at": WHEN,
    }
    return ArendeRegisteredPayload(**{**data, **changes})


def test_a_registered_case_is_migrationsverket_internal(samples: dict[str, Event[Any]]) -> None:
    arende = samples["arende.registered"]
    assert arende.scope == RIKET_MV
    assert (arende.aggregate_id, arende.aggregate_version) == (f"arende:{ARENDE_ID}", 1)
    assert arende.subject == "bosattning.riket.mv.arende.registered"


def test_an_assignment_and_its_cancellation_are_one_aggregate_of_the_municipality(
    samples: dict[str, Event[Any]],
) -> None:
    decided = samples["anvisning.decided"]
    cancelled = samples["anvisning.cancelled"]
    assert decided.scope == cancelled.scope == kommun_scope("0680")
    assert decided.subject == "bosattning.06.0680.anvisning.decided"
    assert cancelled.subject == "bosattning.06.0680.anvisning.cancelled"
    assert decided.aggregate_id == cancelled.aggregate_id == f"anvisning:{ANVISNING_ID}"
    assert (decided.aggregate_version, cancelled.aggregate_version) == (1, 2)


def test_a_reception_is_its_own_aggregate_in_the_municipality_scope(
    samples: dict[str, Event[Any]],
) -> None:
    mottagande = samples["mottagande.completed"]
    assert mottagande.subject == "bosattning.06.0680.mottagande.completed"
    assert mottagande.aggregate_id == f"mottagande:{ANVISNING_ID}"
    assert mottagande.aggregate_version == 1


def test_an_annual_plan_is_one_aggregate_per_year_and_municipality(
    samples: dict[str, Event[Any]],
) -> None:
    plans = [samples[f"arsplanering.{verb}"] for verb in ("proposed", "decided", "changed")]
    assert {plan.aggregate_id for plan in plans} == {"arsplanering:2022:0680"}
    assert [plan.aggregate_version for plan in plans] == [1, 2, 3]
    assert plans[0].subject == "bosattning.06.0680.arsplanering.proposed"


def test_a_municipality_event_must_carry_the_municipality_scope(
    samples: dict[str, Event[Any]],
) -> None:
    data = json.loads(samples["anvisning.decided"].to_json_bytes())
    for wrong in ({"region": "06", "audience": "0617"}, {"region": "06", "audience": "lan"}):
        with pytest.raises(ValidationError, match="scope"):
            parse_event(json.dumps({**data, "scope": wrong}))


@pytest.mark.parametrize("arende_id", ["21-123456", "12", "1-2", "2" * 40, "2022-00-123"])
def test_an_arende_id_of_digits_and_dashes_is_accepted(arende_id: str) -> None:
    assert _arende(arende_id=arende_id).arende_id == arende_id


@pytest.mark.parametrize(
    "arende_id",
    [
        "21-12345A",
        "MIG-123456",
        "abc",
        "21 123456",
        "-123",
        "123-",
        "1",
        "",
        "12\n",
        "１２",
        "2" * 41,
    ],
)
def test_an_arende_id_with_anything_but_digits_and_dashes_is_refused(arende_id: str) -> None:
    with pytest.raises(ValidationError, match="arende_id"):
        _arende(arende_id=arende_id)
    with pytest.raises(ValidationError, match="arende_id"):
        anvisning_payload(arende_id=arende_id)


def test_a_case_has_at_least_one_adult_and_may_be_tied_to_a_known_municipality() -> None:
    assert _arende(kommunkod="0680").kommunkod == "0680"
    assert _arende().kommunkod is None
    for changes in ({"adults": 0}, {"children": -1}, {"kommunkod": "9999"}):
        with pytest.raises(ValidationError):
            _arende(**changes)


def test_an_assignment_has_at_least_one_person_and_cannot_replace_itself() -> None:
    assert anvisning_payload(replaces=uuid4()).replaces is not None
    with pytest.raises(ValidationError):
        anvisning_payload(persons=0)
    with pytest.raises(ValidationError, match="replace itself"):
        anvisning_payload(replaces=ANVISNING_ID)


def test_the_status_of_an_assignment_matches_its_event() -> None:
    with pytest.raises(ValidationError, match="pending"):
        AnvisningDecided.create(
            payload=anvisning_payload(status=AnvisningStatus.CANCELLED), occurred_at=WHEN
        )
    with pytest.raises(ValidationError, match="status cancelled"):
        AnvisningCancelled.create(payload=anvisning_payload(version=2), occurred_at=WHEN)
    with pytest.raises(ValidationError, match="later version"):
        AnvisningCancelled.create(
            payload=anvisning_payload(status=AnvisningStatus.CANCELLED), occurred_at=WHEN
        )


def test_an_annual_plan_has_twelve_months_that_sum_to_the_kommuntal() -> None:
    assert arsplanering_payload(kommuntal=0, months=(0,) * 12).kommuntal == 0
    with pytest.raises(ValidationError, match="months"):
        arsplanering_payload(months=(10,) * 11)
    with pytest.raises(ValidationError, match="months"):
        arsplanering_payload(months=(10,) * 13)
    with pytest.raises(ValidationError, match="not kommuntal 119"):
        arsplanering_payload(months=(10,) * 12)
    with pytest.raises(ValidationError):
        arsplanering_payload(kommuntal=1, months=(2, -1, *(0,) * 10))


def test_the_status_and_version_of_an_annual_plan_match_its_event() -> None:
    decided = arsplanering_payload(status=ArsplaneringStatus.DECIDED)
    with pytest.raises(ValidationError, match="proposed"):
        ArsplaneringProposed.create(payload=decided, occurred_at=WHEN)
    with pytest.raises(ValidationError, match="decided"):
        ArsplaneringDecided.create(payload=arsplanering_payload(), occurred_at=WHEN)
    with pytest.raises(ValidationError, match="later version"):
        ArsplaneringChanged.create(payload=decided, occurred_at=WHEN)


def test_need_codes_are_a_closed_list_of_snake_case_codes() -> None:
    assert 8 <= len(NeedCode) <= 16
    for code in NeedCode:
        assert re.fullmatch(r"[a-z][a-z_]*", code.value)
        assert code.value == code.name.lower()
    with pytest.raises(ValueError):
        NeedCode("wheelchair user, needs lift")


def _enum_values_and_names(schema: dict[str, Any], node: Any, seen: set[str]) -> set[str]:
    if isinstance(node, list):
        return {found for item in node for found in _enum_values_and_names(schema, item, seen)}
    if not isinstance(node, dict):
        return set()
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return set()
        return _enum_values_and_names(schema, schema["$defs"][name], seen | {name})
    found = {str(value) for value in node.get("enum", [])}
    if "const" in node:
        found.add(str(node["const"]))
    found |= set(node.get("properties", {}))
    for key in ("properties", "items", "anyOf", "additionalProperties", "prefixItems"):
        child = node.get(key)
        if isinstance(child, dict) and key == "properties":
            child = list(child.values())
        found |= _enum_values_and_names(schema, child, seen)
    return found


@pytest.mark.parametrize("event_type", EVENT_TYPE_NAMES)
def test_no_payload_carries_a_need_code(event_type: str) -> None:
    schema = event_schema(EVENT_TYPES[event_type])
    found = _enum_values_and_names(schema, schema["properties"]["payload"], set())
    assert found
    assert not found & {code.value for code in NeedCode}
    assert not {name for name in found if "need" in name or "behov" in name}
