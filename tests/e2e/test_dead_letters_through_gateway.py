"""Issue 7's poison event through the real gateway: an operator lists the dead letter the
settlement unit's bug caused, and replays it after the fix; no other role may."""

from __future__ import annotations

from typing import Any

import pytest
from bosattning_cli.suite import Suite

from tests.e2e.conftest import Gateway, decide_kommuntal
from tests.examples import JONKOPING_2022
from tests.integration.conftest import eventually
from tests.operators import DEAD_LETTERS, REPLAY, Operator, fix_bug, install_bug

pytestmark = pytest.mark.e2e

MAX_DELIVER = 2
REMAINING = """
query($kommunkod: String!) { kommun(kommunkod: $kommunkod) { remaining(year: 2022) } }"""


@pytest.fixture(scope="module")
def suite_service_env() -> dict[str, str]:
    """Few and quick deliveries, so that a poison event is dead-lettered within a second."""
    return {
        "BOSATTNING_CONSUMER_MAX_DELIVER": str(MAX_DELIVER),
        "BOSATTNING_CONSUMER_BACKOFF": "0.2",
    }


async def remaining(gateway: Gateway, kommunkod: str) -> Any:
    token = gateway.token(["bosattningsenhet"], sub="HSA-BE-E2E")
    body = await gateway.graphql(REMAINING, {"kommunkod": kommunkod}, token)
    assert "errors" not in body, body
    return body["data"]["kommun"]["remaining"]


async def test_an_operator_lists_a_poison_event_and_replays_it_once_after_the_fix(
    gateway: Gateway, suite: Suite
) -> None:
    settlement_db = suite.database_urls["anvisning"]
    operator = Operator(gateway.graphql, gateway.token(["operator"], sub="HSA-OPS-E2E"))
    await install_bug(settlement_db, "06")
    await decide_kommuntal(gateway, "06", 255, JONKOPING_2022)

    async def dead_lettered() -> bool:
        return (await operator.dead_letters("anvisning"))["totalCount"] == 1

    await eventually(dead_lettered, within=30)
    [letter] = (await operator.dead_letters())["items"]
    assert (letter["eventType"], letter["deliveries"]) == ("kommuntal.decided", MAX_DELIVER)
    assert letter["originalSubject"] == "bosattning.06.lan.kommuntal.decided"
    assert await remaining(gateway, "0680") == 0  # the settlement unit has no kommuntal

    await fix_bug(settlement_db)
    replayed = await operator.replay(letter["sequence"])

    assert replayed["__typename"] == "ReplayDeadLetterSuccess", replayed
    assert replayed["eventId"] == letter["eventId"]

    async def applied() -> bool:
        return await remaining(gateway, "0680") == JONKOPING_2022["0680"]

    await eventually(applied, within=30)
    assert (await operator.dead_letters())["items"] == []
    again = await operator.replay(letter["sequence"])
    assert (again["__typename"], again["code"]) == ("Conflict", "DEAD_LETTER_ALREADY_REPLAYED")


async def test_a_county_board_is_forbidden_to_list_or_replay_dead_letters(
    gateway: Gateway,
) -> None:
    board = gateway.token(["lansstyrelse"], lan=["06"], sub="HSA-LST06")

    listed = await gateway.graphql(DEAD_LETTERS, {}, board)
    replayed = await gateway.graphql(REPLAY, {"input": {"sequence": 1}}, board)

    for body in (listed, replayed):
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
        assert body.get("data") is None


async def test_without_a_token_the_gateway_answers_unauthenticated(gateway: Gateway) -> None:
    body = await gateway.graphql(DEAD_LETTERS, {})

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", body
