"""The national situation picture: one gateway query across the three subgraphs (S14)."""

from __future__ import annotations

import pytest
from bosattning_runtime.devkeys import mint_token

from benchmarks.picture import PICTURE as PICTURE_OF_JONKOPING_2022
from tests.e2e.conftest import Gateway, decide_kommuntal
from tests.examples import JONKOPING_2022

pytestmark = pytest.mark.e2e

PICTURE = """{ riket { lanstal(year: 2022) countiesDecided(year: 2022) openEscalations
  anvisningTotals(year: 2022) { kommuntal used remaining } } }"""


async def test_the_national_picture_joins_the_subgraphs_and_is_for_national_roles_only(
    gateway: Gateway,
) -> None:
    keys = gateway.keys
    nationell = mint_token(keys, sub="HSA-N-P", roles=["nationell"])
    lst06 = mint_token(keys, sub="HSA-L06-P", roles=["lansstyrelse"], lan=["06"])
    await decide_kommuntal(gateway, "06", 255, JONKOPING_2022)
    picture: dict[str, object] = {}
    for _ in range(100):
        body = await gateway.graphql(PICTURE, token=nationell)
        picture = body["data"]["riket"]
        if picture["anvisningTotals"]["kommuntal"] == 255:  # type: ignore[index]
            break

    forbidden = await gateway.graphql(PICTURE, token=lst06)

    assert picture == {
        "lanstal": 255,
        "countiesDecided": 1,
        "openEscalations": 0,
        "anvisningTotals": {"kommuntal": 255, "used": 0, "remaining": 255},
    }
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# The county picture is also what the gateway benchmark asks for (benchmarks/picture.py).
COUNTY = PICTURE_OF_JONKOPING_2022


async def test_the_county_picture_is_one_query_across_the_three_subgraphs(
    gateway: Gateway,
) -> None:
    lst06 = mint_token(gateway.keys, sub="HSA-L06-C", roles=["lansstyrelse"], lan=["06"])

    body = await gateway.graphql(COUNTY, token=lst06)

    assert "errors" not in body, body
    lan = body["data"]["lan"]
    assert lan["namn"] == "Jönköpings län" and lan["lanstal"]["lanstal"] == 255
    jonkoping = next(r for r in lan["kommuntal"]["rows"] if r["kommun"]["namn"] == "Jönköping")
    assert jonkoping["kommuntal"] == 119 and jonkoping["kommun"]["remaining"] == 119
    assert len(lan["planMonths"]) == 12 and lan["openEscalations"] == 0
