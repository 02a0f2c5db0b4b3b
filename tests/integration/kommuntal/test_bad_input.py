"""Each bad input is a typed error naming the problem, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from nats.aio.client import Client

from tests.integration.conftest import subject_count
from tests.integration.kommuntal.conftest import JONKOPING_2022, Kommuntal, rows


def _with(changes: dict[str, int], drop: str | None = None) -> list[dict[str, Any]]:
    numbers = {**JONKOPING_2022, **changes}
    if drop:
        numbers.pop(drop)
    return rows(numbers)


CASES: dict[str, tuple[dict[str, Any], str]] = {
    "unknown municipality code": (
        {"rows": [*_with({}, drop="0604"), {"kommunkod": "0699", "kommuntal": 4}]},
        "UNKNOWN_KOMMUN",
    ),
    "municipality of another county": (
        {"rows": [*_with({}, drop="0604"), {"kommunkod": "0180", "kommuntal": 4}]},
        "KOMMUN_OF_OTHER_LAN",
    ),
    "missing municipality": ({"rows": _with({"0680": 123}, drop="0604")}, "MISSING_KOMMUN"),
    "duplicate row": (
        {"rows": [*_with({"0680": 115}), {"kommunkod": "0604", "kommuntal": 4}]},
        "DUPLICATE_KOMMUN",
    ),
    "negative number": ({"rows": _with({"0604": -1, "0680": 124})}, "NEGATIVE_KOMMUNTAL"),
    "sum that differs from the länstal": (
        {"rows": _with({"0680": 120})},
        "SUM_DIFFERS_FROM_LANSTAL",
    ),
    "no länstal for that year": ({"year": 2021}, "LANSTAL_NOT_FOUND"),
    "malformed municipality code": (
        {"rows": [*_with({}, drop="0604"), {"kommunkod": "06x4", "kommuntal": 4}]},
        "MALFORMED_KOMMUNKOD",
    ),
    "malformed county code": ({"lanskod": "6"}, "FORBIDDEN"),
    "list over the limit": (
        {"rows": [{"kommunkod": "0604", "kommuntal": 0}] * 501},
        "LIST_TOO_LONG",
    ),
    "reason over the limit": ({"reason": "x" * 2001}, "TEXT_TOO_LONG"),
    "personal identity number in the reason": (
        {"reason": "Gäller 19121212-1212 enligt överenskommelse"},
        "IDENTITY_NUMBER_IN_TEXT",
    ),
    "year outside the decidable years": ({"year": 2015}, "YEAR_OUT_OF_RANGE"),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_a_bad_kommuntal_decision_is_a_typed_error_and_changes_nothing(
    kommuntal: Kommuntal, bus: Client, case: str
) -> None:
    await kommuntal.set_lanstal(2022, "06", 255)
    changes, code = CASES[case]
    numbers = changes.pop("rows", rows(JONKOPING_2022))
    arguments = {"year": 2022, "lanskod": "06", **changes}
    year, lanskod = arguments.pop("year"), arguments.pop("lanskod")

    body = await kommuntal.decide(numbers, year=year, lanskod=lanskod, **arguments)

    if code == "FORBIDDEN":  # a malformed county code is no county this board holds
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    else:
        result = body["data"]["decideKommuntal"]
        assert result["__typename"] in {"ValidationError", "NotFound"}
        assert result["code"] == code, result
        assert result["message"]
    await _nothing_changed(kommuntal, bus)


async def _nothing_changed(kommuntal: Kommuntal, bus: Client) -> None:
    pool = kommuntal.service.deps.pool
    assert await pool.fetchval("SELECT count(*) FROM kommuntal_decision") == 0
    assert await pool.fetchval("SELECT count(*) FROM kommuntal_row") == 0
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE event_type <> 'lanstal.set'") == 0
    assert await pool.fetchval("SELECT count(*) FROM audit_log WHERE action <> 'setLanstal'") == 0
    assert await subject_count(bus, "bosattning.06.lan.kommuntal.decided") == 0


async def test_a_body_over_one_megabyte_is_refused_before_it_is_read(kommuntal: Kommuntal) -> None:
    response = await kommuntal.service.client.post(
        "/graphql",
        content=b"{" + b" " * 1_100_000 + b"}",
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 413


async def test_a_string_for_an_int_is_refused_by_graphql(kommuntal: Kommuntal) -> None:
    body = await kommuntal.service.graphql(
        'mutation { setLanstal(input: {year: "2022", lanskod: "06", lanstal: 1, '
        'reason: "x"}) { __typename } }',
        token=kommuntal.nationell,
    )

    assert body["errors"] and body.get("data") is None
