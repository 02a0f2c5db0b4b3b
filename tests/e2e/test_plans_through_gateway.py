"""Annual plans (årsplanering) through Hive Gateway, with the services' clock in 2022.

A kommuntal decided in the kommuntal service reaches the settlement unit's projection
over NATS; the plans proposed from it sum to it, and a municipality reads its own plan
and no other.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from bosattning_runtime.devkeys import mint_token

from tests.e2e.conftest import Gateway, decide_kommuntal
from tests.examples import JONKOPING_2022

pytestmark = pytest.mark.e2e

YEAR = 2022
LANSKOD, LANSTAL = "06", 255
JONKOPING, GISLAVED, SAVSJO = "0680", "0662", "0684"

COUNTS = """
query($kommunkod: String!, $year: Int!) { kommun(kommunkod: $kommunkod) {
  kommuntal(year: $year) remaining(year: $year)
} }"""

PROPOSE = """
mutation($input: ProposeArsplaneringInput!) { proposeArsplanering(input: $input) {
  __typename
  ... on ProposeArsplaneringSuccess { plans {
    year kommunkod version kommuntal status months { month planned assigned }
  } }
  ... on Error { code message field }
} }"""

READ_PLAN = """
query($kommunkod: String!, $year: Int!) { kommun(kommunkod: $kommunkod) {
  arsplanering(year: $year) { months { planned } }
} }"""


@pytest.fixture(scope="module")
def suite_clock_start() -> str:
    """The services run on 1 March 2022, so 2022 is the year being planned."""
    return "2022-03-01T09:00:00+01:00"


def bosattningsenhet(gateway: Gateway) -> str:
    return mint_token(gateway.keys, sub="HSA-BE-E2E", roles=["bosattningsenhet"])


def kommun(gateway: Gateway, kommunkod: str) -> str:
    return mint_token(gateway.keys, sub=f"HSA-K{kommunkod}", roles=["kommun"], kommun=kommunkod)


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.1)


async def test_a_kommuntal_decided_through_the_gateway_reaches_the_projection_and_the_proposed_plans_sum_to_it(  # noqa: E501
    gateway: Gateway,
) -> None:
    await decide_kommuntal(gateway, LANSKOD, LANSTAL, JONKOPING_2022)
    expected = {"kommuntal": JONKOPING_2022[JONKOPING], "remaining": JONKOPING_2022[JONKOPING]}
    last: dict[str, Any] = {}

    async def projected() -> bool:
        nonlocal last
        body = await gateway.graphql(
            COUNTS, {"kommunkod": JONKOPING, "year": YEAR}, bosattningsenhet(gateway)
        )
        assert "errors" not in body, body
        last = body["data"]["kommun"]
        return last == expected

    await eventually(projected)
    assert last == {"kommuntal": 119, "remaining": 119}

    body = await gateway.graphql(PROPOSE, {"input": {"year": YEAR}}, bosattningsenhet(gateway))
    assert "errors" not in body, body
    result = body["data"]["proposeArsplanering"]
    assert result["__typename"] == "ProposeArsplaneringSuccess", result
    plans = {plan["kommunkod"]: plan for plan in result["plans"]}
    assert set(plans) == set(JONKOPING_2022)
    for kommunkod, plan in plans.items():
        planned = [m["planned"] for m in plan["months"]]
        assert [m["month"] for m in plan["months"]] == list(range(1, 13)), plan
        assert len(planned) == 12 and sum(planned) == JONKOPING_2022[kommunkod], plan
        assert (plan["year"], plan["kommuntal"], plan["status"]) == (
            YEAR,
            JONKOPING_2022[kommunkod],
            "PROPOSED",
        )
        assert all(m["assigned"] == 0 for m in plan["months"]), plan
    assert [m["planned"] for m in plans[SAVSJO]["months"]] == [0] * 12

    variables = {"kommunkod": JONKOPING, "year": YEAR}
    own = await gateway.graphql(READ_PLAN, variables, kommun(gateway, JONKOPING))
    assert "errors" not in own, own
    assert own["data"]["kommun"]["arsplanering"] == {
        "months": [{"planned": m["planned"]} for m in plans[JONKOPING]["months"]]
    }

    other = await gateway.graphql(READ_PLAN, variables, kommun(gateway, GISLAVED))
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN", other
    assert other["errors"][0]["path"][-1] == "arsplanering", other
    assert other["data"] is None or other["data"]["kommun"] in (None, {"arsplanering": None})
