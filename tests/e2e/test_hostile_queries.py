"""Hostile queries are refused at the gateway, and the suite stays responsive."""

from __future__ import annotations

import httpx
import pytest
from bosattning_runtime.devkeys import mint_token

from tests.e2e.conftest import Gateway

pytestmark = pytest.mark.e2e

PROBE = "{ allLan { lanskod } }"


def _token(gateway: Gateway) -> str:
    return mint_token(gateway.keys, sub="HSA-HOSTILE", roles=["bosattningsenhet"])


async def _still_answers(gateway: Gateway, token: str) -> None:
    body = await gateway.graphql(PROBE, token=token)
    assert len(body["data"]["allLan"]) == 21


async def test_deep_nesting_is_refused(gateway: Gateway) -> None:
    token = _token(gateway)
    deep = "{ allLan { " + "kommuner { lan { " * 8 + "lanskod" + " } }" * 8 + " } }"

    body = await gateway.graphql(deep, token=token)

    assert body.get("errors") and not body.get("data")
    assert "depth" in body["errors"][0]["message"].lower()
    await _still_answers(gateway, token)


async def test_a_thousand_aliases_are_refused(gateway: Gateway) -> None:
    token = _token(gateway)
    aliases = "{ " + " ".join(f"a{i}: allLan {{ lanskod }}" for i in range(1000)) + " }"

    body = await gateway.graphql(aliases, token=token)

    assert body.get("errors") and not body.get("data")
    await _still_answers(gateway, token)


async def test_a_list_over_the_limit_is_a_typed_error(gateway: Gateway) -> None:
    lst = mint_token(gateway.keys, sub="HSA-L06-H", roles=["lansstyrelse"], lan=["06"])
    rows = [{"kommunkod": "0680", "kommuntal": 0}] * 501
    mutation = """mutation($input: KommuntalInput!) { decideKommuntal(input: $input) {
      __typename ... on Error { code } } }"""

    body = await gateway.graphql(
        mutation, {"input": {"year": 2022, "lanskod": "06", "rows": rows, "reason": "x"}}, lst
    )

    assert body["data"]["decideKommuntal"]["code"] == "LIST_TOO_LONG"


async def test_a_body_over_one_megabyte_is_refused(gateway: Gateway) -> None:
    token = _token(gateway)
    padding = " " * 1_100_000
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            gateway.url,
            content=('{"query": "' + PROBE + padding + '"}').encode(),
            headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
        )

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    await _still_answers(gateway, token)


async def test_introspection_and_graphiql_are_off_outside_development(gateway: Gateway) -> None:
    token = _token(gateway)

    body = await gateway.graphql("{ __schema { queryType { name } } }", token=token)
    async with httpx.AsyncClient(timeout=30) as client:
        page = await client.get(gateway.url, headers={"accept": "text/html"})

    assert body.get("errors") and not body.get("data")
    assert "graphiql" not in page.text.lower()
