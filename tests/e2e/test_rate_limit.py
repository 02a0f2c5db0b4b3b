"""Rate limiting at the gateway, keyed on the token's subject."""

from __future__ import annotations

import pytest
from bosattning_runtime.devkeys import mint_token

from tests.e2e.conftest import Gateway

pytestmark = pytest.mark.e2e

LIMIT = 5
QUERY = "{ allLan { lanskod } }"


@pytest.fixture(scope="module")
def suite_gateway_env() -> dict[str, str]:
    return {"GATEWAY_RATE_LIMIT": str(LIMIT)}


async def test_one_subject_is_throttled_after_its_limit_and_another_is_not(
    gateway: Gateway,
) -> None:
    busy = mint_token(gateway.keys, sub="HSA-BUSY", roles=["bosattningsenhet"])
    calm = mint_token(gateway.keys, sub="HSA-CALM", roles=["bosattningsenhet"])

    answers = [await gateway.graphql(QUERY, token=busy) for _ in range(LIMIT + 2)]
    other = await gateway.graphql(QUERY, token=calm)

    assert all("errors" not in a for a in answers[:LIMIT])
    assert "errors" in answers[-1] and not (answers[-1].get("data") or {}).get("allLan")
    assert len(other["data"]["allLan"]) == 21
