"""Kommuntal through Hive Gateway: tokens verified there and again in the subgraph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bosattning_runtime.devkeys import generate_keypair, mint_token

from tests.e2e.conftest import Gateway, post_graphql
from tests.integration.kommuntal.conftest import (
    DECIDE,
    JONKOPING_2022,
    READ_KOMMUNTAL,
    SET_LANSTAL,
    rows,
)

pytestmark = pytest.mark.e2e


def decision_input(lanskod: str = "06") -> dict[str, Any]:
    return {
        "input": {
            "year": 2022,
            "lanskod": lanskod,
            "rows": rows(JONKOPING_2022),
            "reason": "Länsstyrelsens beslut 2021-11-30",
        }
    }


async def read_jonkoping(gateway: Gateway) -> dict[str, Any]:
    token = gateway.token(["lansstyrelse"], lan=["06"])
    body = await gateway.graphql(READ_KOMMUNTAL, {"lanskod": "06", "year": 2022}, token)
    assert "errors" not in body, body
    lan: dict[str, Any] = body["data"]["lan"]
    return lan


async def test_a_county_board_decides_jonkopings_2022_kommuntal_and_reads_it_back(
    gateway: Gateway,
) -> None:
    lanstal = {"year": 2022, "lanskod": "06", "lanstal": 255, "reason": "SFS 2021:1234"}
    nationell = gateway.token(["nationell"], sub="HSA-NATIONELL")
    body = await gateway.graphql(SET_LANSTAL, {"input": lanstal}, nationell)
    assert body["data"]["setLanstal"]["lanstal"]["lanstal"] == 255, body

    decided = await gateway.graphql(
        DECIDE, decision_input(), gateway.token(["lansstyrelse"], lan=["06"], sub="HSA-LST06")
    )

    decision = decided["data"]["decideKommuntal"]["decision"]
    assert (decision["version"], decision["total"]) == (1, 255)
    read = await read_jonkoping(gateway)
    assert read["namn"] == "Jönköpings län"
    assert {r["kommunkod"]: r["kommuntal"] for r in read["kommuntal"]["rows"]} == JONKOPING_2022


async def test_another_countys_board_is_forbidden_and_nothing_changes(gateway: Gateway) -> None:
    before = await read_jonkoping(gateway)

    body = await gateway.graphql(
        DECIDE, decision_input(), gateway.token(["lansstyrelse"], lan=["01"], sub="HSA-LST01")
    )

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body.get("data") is None or body["data"]["decideKommuntal"] is None
    assert await read_jonkoping(gateway) == before


async def test_a_request_without_a_token_is_unauthenticated(gateway: Gateway) -> None:
    body = await gateway.graphql("{ allLan { lanskod } }")

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body.get("data") is None


async def test_a_token_signed_with_another_key_is_refused_by_the_gateway_itself(
    gateway: Gateway, tmp_path: Path
) -> None:
    stranger = generate_keypair(tmp_path / "keys")  # same kid "dev-1", another key
    token = mint_token(stranger, sub="HSA-E2E", roles=["nationell"])

    response = await post_graphql(gateway.url, "{ allLan { lanskod } }", token=token)

    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
