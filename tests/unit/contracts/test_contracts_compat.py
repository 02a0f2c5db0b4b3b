from __future__ import annotations

from enum import StrEnum
from typing import Any

import pytest
from bosattning_contracts.compat import breaking_changes
from bosattning_contracts.generate import event_schema
from bosattning_contracts.registry import EVENT_CLASSES
from pydantic import BaseModel


class Kind(StrEnum):
    A = "a"
    B = "b"


class FewerKinds(StrEnum):
    A = "a"


class Row(BaseModel):
    kommunkod: str
    count: int


class Frozen(BaseModel):
    year: int
    kind: Kind
    note: int | None = None
    rows: tuple[Row, ...] = ()


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(mode="serialization")


FROZEN = _schema(Frozen)


def test_an_identical_schema_has_no_breaking_changes() -> None:
    assert breaking_changes(FROZEN, FROZEN) == []


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda cls: cls.__name__)
def test_every_event_schema_is_compatible_with_itself(cls: Any) -> None:
    schema = event_schema(cls)
    assert breaking_changes(schema, schema) == []


def test_an_added_optional_property_is_not_a_breaking_change() -> None:
    class Current(BaseModel):
        year: int
        kind: Kind
        note: int | None = None
        rows: tuple[Row, ...] = ()
        extra: str | None = None

    assert breaking_changes(FROZEN, _schema(Current)) == []


def test_widening_a_type_is_not_a_breaking_change() -> None:
    class Current(BaseModel):
        year: float | str
        kind: Kind | None
        note: int | str | None = None
        rows: tuple[Row, ...] = ()

    assert breaking_changes(FROZEN, _schema(Current)) == []


def test_a_removed_property_is_reported() -> None:
    class Current(BaseModel):
        year: int
        kind: Kind
        rows: tuple[Row, ...] = ()

    assert breaking_changes(FROZEN, _schema(Current)) == ["note: property removed"]


def test_a_newly_required_property_is_reported() -> None:
    class Current(BaseModel):
        year: int
        kind: Kind
        note: int | None = None
        rows: tuple[Row, ...] = ()
        lanskod: str

    assert breaking_changes(FROZEN, _schema(Current)) == ["lanskod: property is newly required"]


def test_an_optional_property_that_becomes_required_is_reported() -> None:
    class Current(BaseModel):
        year: int
        kind: Kind
        note: int | None
        rows: tuple[Row, ...] = ()

    assert breaking_changes(FROZEN, _schema(Current)) == ["note: property is newly required"]


def test_a_changed_type_is_reported() -> None:
    class Current(BaseModel):
        year: str
        kind: Kind
        note: int | None = None
        rows: tuple[Row, ...] = ()

    assert breaking_changes(FROZEN, _schema(Current)) == [
        "year: type changed from ['integer'] to ['string']"
    ]


def test_a_narrowed_type_is_reported() -> None:
    class Current(BaseModel):
        year: int
        kind: Kind
        note: int = 0
        rows: tuple[Row, ...] = ()

    problems = breaking_changes(FROZEN, _schema(Current))
    assert problems == ["note: type changed from ['null'] to ['integer']"]


def test_a_removed_enum_value_is_reported() -> None:
    class Current(BaseModel):
        year: int
        kind: FewerKinds
        note: int | None = None
        rows: tuple[Row, ...] = ()

    assert breaking_changes(FROZEN, _schema(Current)) == ["kind: enum value 'b' removed"]


def test_changes_inside_defs_are_found_through_refs() -> None:
    class NewRow(BaseModel):
        kommunkod: int

    class Current(BaseModel):
        year: int
        kind: Kind
        note: int | None = None
        rows: tuple[NewRow, ...] = ()

    assert breaking_changes(FROZEN, _schema(Current)) == [
        "rows[].count: property removed",
        "rows[].kommunkod: type changed from ['string'] to ['integer']",
    ]


def test_a_tightened_constraint_is_reported() -> None:
    frozen = {"type": "object", "properties": {"n": {"type": "integer", "minimum": 0}}}
    current = {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}}
    assert breaking_changes(frozen, current) == ["n: minimum raised to 1"]
    assert breaking_changes(current, frozen) == []


def test_a_recursive_schema_is_compared_without_looping() -> None:
    class Node(BaseModel):
        value: int
        children: tuple[Node, ...] = ()

    schema = _schema(Node)
    assert breaking_changes(schema, schema) == []
