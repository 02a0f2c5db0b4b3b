"""From notification talk to reception through Hive Gateway, with the services' clock in 2022.

Every step goes through the gateway with its own role's token; the events between the
three subgraphs travel over the suite's NATS server.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from bosattning_runtime.devkeys import mint_token

from tests.e2e.conftest import Gateway, decide_kommuntal
from tests.examples import JONKOPING_2022
from tests.integration.anvisning.conftest import DECIDE as DECIDE_ANVISNING
from tests.integration.anvisning.conftest import REGISTER
from tests.integration.dialog.conftest import ON_ASSIGNMENT, UNDERRATTELSE

pytestmark = pytest.mark.e2e

YEAR = 2022
JONKOPING, JONKOPING_LANSTAL = "06", 255
KOMMUN = "0680"  # Jönköping
TODAY = "2022-03-01"

REMAINING = """
query($kommunkod: String!, $year: Int!) { kommun(kommunkod: $kommunkod) {
  remaining(year: $year) } }"""

RECEIVED_AND_USED = """
query($kommunkod: String!, $year: Int!) { kommun(kommunkod: $kommunkod) {
  received(year: $year) used(year: $year) } }"""

RECEPTION_STATUS = """
query($anvisningId: UUID!) { mottagande(anvisningId: $anvisningId) { receptionStatus } }"""

ARENDE_ACROSS_SUBGRAPHS = """
query($arendeId: String!) { arende(arendeId: $arendeId) {
  anvisningar { anvisningId deadline status receptionStatus receivedOn } } }"""


@pytest.fixture(scope="module")
def suite_clock_start() -> str:
    """The services run on 1 March 2022, so assignments count against 2022's kommuntal."""
    return "2022-03-01T09:00:00+01:00"


def token(
    gateway: Gateway,
    roles: list[str],
    *,
    sub: str,
    lan: list[str] | None = None,
    kommun: str | None = None,
    enhet: str | None = None,
) -> str:
    return mint_token(gateway.keys, sub=sub, roles=roles, lan=lan or [], kommun=kommun, enhet=enhet)


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.1)


async def ok(gateway: Gateway, query: str, variables: dict[str, Any], bearer: str) -> Any:
    body = await gateway.graphql(query, variables, bearer)
    assert "errors" not in body, body
    return body["data"]


async def on_assignment(
    gateway: Gateway, field: str, input_type: str, bearer: str, **input: Any
) -> dict[str, Any]:
    query = ON_ASSIGNMENT.format(field=field, input_type=input_type)
    result: dict[str, Any] = (await ok(gateway, query, {"input": input}, bearer))[field]
    assert result["__typename"] == "MottagandeSuccess", result
    anvisning: dict[str, Any] = result["anvisning"]
    return anvisning


async def test_a_household_goes_from_notification_talk_to_reception_through_the_gateway(
    gateway: Gateway,
) -> None:
    mottagning = token(gateway, ["mottagningsenhet"], sub="HSA-MO-1", enhet="MO-1")
    bosattningsenhet = token(gateway, ["bosattningsenhet"], sub="HSA-BE-1")
    kommun = token(gateway, ["kommun"], sub=f"HSA-K-{KOMMUN}", kommun=KOMMUN)
    counted = {"kommunkod": KOMMUN, "year": YEAR}

    # 1. The national level sets the county's number, the county board decides kommuntal.
    await decide_kommuntal(gateway, JONKOPING, JONKOPING_LANSTAL, JONKOPING_2022)

    async def projected() -> bool:
        data = await ok(gateway, REMAINING, counted, bosattningsenhet)
        return bool(data["kommun"]["remaining"] == JONKOPING_2022[KOMMUN])

    await eventually(projected)

    # 2. The reception unit's notification talk: the household needs settlement.
    case = f"{uuid.uuid4().int % 10**8:08d}-22"
    talk = {"arendeId": case, "category": "ABO", "outcome": "SETTLEMENT_NEEDED"}
    data = await ok(gateway, UNDERRATTELSE, {"input": talk}, mottagning)
    assert data["recordUnderrattelsesamtal"] == {
        "__typename": "UnderrattelseSuccess",
        "arendeId": case,
    }

    # 3. The same unit registers the settlement basis.
    basis = {"arendeId": case, "category": "ABO", "adults": 2, "children": 1, "needs": []}
    data = await ok(gateway, REGISTER, {"input": basis}, mottagning)
    registered = data["registerBosattningsunderlag"]
    assert registered["__typename"] == "RegisterBosattningsunderlagSuccess", registered
    assert registered["arende"]["persons"] == 3

    # 4. The settlement unit assigns the household to Jönköping.
    variables = {"input": {"arendeId": case, "kommunkod": KOMMUN}}
    data = await ok(gateway, DECIDE_ANVISNING, variables, bosattningsenhet)
    decided = data["decideAnvisning"]
    assert decided["__typename"] == "AnvisningSuccess", decided
    assert decided["anvisning"]["deadline"] == "2022-05-01"
    assert decided["anvisning"]["persons"] == 3
    anvisning_id: str = decided["anvisning"]["anvisningId"]

    # 5. The reception units' service learns of the assignment over NATS.
    async def awaiting_date() -> bool:
        data = await ok(gateway, RECEPTION_STATUS, {"anvisningId": anvisning_id}, mottagning)
        found = data["mottagande"]
        return found is not None and found["receptionStatus"] == "AWAITING_DATE"

    await eventually(awaiting_date)

    # 6. The reception unit tells the household which municipality.
    told = await on_assignment(
        gateway,
        "recordAnvisningssamtal",
        "AnvisningssamtalInput",
        mottagning,
        anvisningId=anvisning_id,
        heldOn="2022-03-01",
    )
    assert told["anvisningssamtalHeldOn"] == "2022-03-01"

    # 7. The municipality reports its reception date (the services' today: a later
    # receivedOn would be in the future).
    dated = await on_assignment(
        gateway,
        "reportMottagandedatum",
        "MottagandedatumInput",
        kommun,
        anvisningId=anvisning_id,
        mottagandedatum=TODAY,
    )
    assert dated["receptionStatus"] == "DATE_REPORTED"
    assert dated["mottagandedatum"] == TODAY
    assert dated["dateAfterDeadline"] is False

    # 8. ... and then that it received the household.
    received = await on_assignment(
        gateway,
        "reportMottagande",
        "MottagandeInput",
        kommun,
        anvisningId=anvisning_id,
        receivedOn=TODAY,
    )
    assert received["receptionStatus"] == "RECEIVED"
    assert received["receivedOn"] == TODAY

    # 9. The settlement unit counts the three persons as received.
    async def counted_as_received() -> bool:
        data = await ok(gateway, RECEIVED_AND_USED, counted, bosattningsenhet)
        return bool(data["kommun"] == {"received": 3, "used": 3})

    await eventually(counted_as_received)

    # 10. One read joins the subgraphs: the deadline from anvisning, reception from dialog.
    data = await ok(gateway, ARENDE_ACROSS_SUBGRAPHS, {"arendeId": case}, bosattningsenhet)
    assert data["arende"]["anvisningar"] == [
        {
            "anvisningId": anvisning_id,
            "deadline": "2022-05-01",
            "status": "RECEIVED",
            "receptionStatus": "RECEIVED",
            "receivedOn": TODAY,
        }
    ]
