"""The settlement unit's assignments through Hive Gateway, with the services' clock in 2022.

Capacity under a burst of concurrent decisions, who may read a case and its coded
needs, and that no event on the bus carries a coded need (DESIGN §4, §5).
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import nats
import pytest
from bosattning_cli.suite import Suite
from bosattning_contracts.needs import NeedCode
from bosattning_runtime.bus import STREAM
from bosattning_runtime.devkeys import DevKeys, mint_token
from nats.js.errors import NotFoundError

from tests.e2e.conftest import Gateway, decide_kommuntal
from tests.examples import JONKOPING_2022
from tests.integration.anvisning.conftest import DECIDE as DECIDE_ANVISNING
from tests.integration.anvisning.conftest import REGISTER

pytestmark = pytest.mark.e2e

YEAR = 2022
GOTLAND, GOTLAND_KOMMUN, GOTLAND_KOMMUNTAL = "09", "0980", 50
JONKOPING_LANSTAL = 255

COUNTS = """
query($kommunkod: String!, $year: Int!) { kommun(kommunkod: $kommunkod) {
  kommuntal(year: $year) used(year: $year) remaining(year: $year) received(year: $year)
} }"""

READ_ARENDE = """
query($arendeId: String!) { arende(arendeId: $arendeId) {
  arendeId persons anvisningar { kommunkod status }
} }"""

READ_ARENDE_NEEDS = """
query($arendeId: String!) { arende(arendeId: $arendeId) { arendeId needs } }"""


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


def bosattningsenhet(gateway: Gateway) -> str:
    return token(gateway, ["bosattningsenhet"], sub="HSA-BE-E2E")


def mottagningsenhet(gateway: Gateway) -> str:
    return token(gateway, ["mottagningsenhet"], sub="HSA-MO-E2E", enhet="MO-E2E")


def new_arende_id() -> str:
    return f"{uuid.uuid4().int % 10**8:08d}-22"


def register_input(arende_id: str, adults: int, children: int, needs: list[str]) -> dict[str, Any]:
    return {
        "input": {
            "arendeId": arende_id,
            "category": "ABO",
            "adults": adults,
            "children": children,
            "needs": needs,
        }
    }


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.1)


async def counts(gateway: Gateway, kommunkod: str) -> dict[str, Any]:
    body = await gateway.graphql(
        COUNTS, {"kommunkod": kommunkod, "year": YEAR}, bosattningsenhet(gateway)
    )
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["kommun"]
    return result


async def kommuntal_decided(
    gateway: Gateway, lanskod: str, lanstal: int, numbers: dict[str, int]
) -> None:
    """Länstal and kommuntal through the gateway, then wait until the settlement unit
    projects them (its remaining places, read through the gateway, equal the kommuntal)."""
    await decide_kommuntal(gateway, lanskod, lanstal, numbers)
    probe, number = max(numbers.items(), key=lambda item: item[1])

    async def projected() -> bool:
        found = await counts(gateway, probe)
        return bool(found["kommuntal"] == number and found["remaining"] == number)

    await eventually(projected)


@pytest.fixture(scope="module")
async def jonkoping(suite: Suite, dev_keys: DevKeys) -> AsyncIterator[Gateway]:
    """Jönköping's 2022 kommuntal, decided once for the module and projected."""
    gateway = Gateway(suite.gateway_url, dev_keys)
    await kommuntal_decided(gateway, "06", JONKOPING_LANSTAL, JONKOPING_2022)
    yield gateway


async def register(
    gateway: Gateway, arende_id: str, adults: int, children: int = 0, needs: list[str] | None = None
) -> None:
    body = await gateway.graphql(
        REGISTER,
        register_input(arende_id, adults, children, needs or []),
        mottagningsenhet(gateway),
    )
    assert "errors" not in body, body
    result = body["data"]["registerBosattningsunderlag"]
    assert result["__typename"] == "RegisterBosattningsunderlagSuccess", result


async def assign(gateway: Gateway, arende_id: str, kommunkod: str) -> dict[str, Any]:
    variables = {"input": {"arendeId": arende_id, "kommunkod": kommunkod}}
    body = await gateway.graphql(DECIDE_ANVISNING, variables, bosattningsenhet(gateway))
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["decideAnvisning"]
    assert result["__typename"] == "AnvisningSuccess", result
    return result


async def test_two_hundred_concurrent_assignments_never_overbook_a_municipality_of_fifty(
    gateway: Gateway,
) -> None:
    await kommuntal_decided(
        gateway, GOTLAND, GOTLAND_KOMMUNTAL, {GOTLAND_KOMMUN: GOTLAND_KOMMUNTAL}
    )
    assert await counts(gateway, GOTLAND_KOMMUN) == {
        "kommuntal": 50,
        "used": 0,
        "remaining": 50,
        "received": 0,
    }
    rng = random.Random(20220301)
    households: dict[str, tuple[int, int]] = {}
    while len(households) < 200:
        persons = rng.randint(1, 6)
        adults = rng.randint(1, persons)
        households[f"2022-{len(households):04d}-{rng.randrange(10**6):06d}"] = (
            adults,
            persons - adults,
        )
    persons_of = {case: a + c for case, (a, c) in households.items()}
    assert sum(persons_of.values()) > 4 * GOTLAND_KOMMUNTAL

    limits = httpx.Limits(max_connections=50, max_keepalive_connections=50)
    async with httpx.AsyncClient(
        trust_env=False, timeout=httpx.Timeout(60), limits=limits
    ) as client:

        async def post(query: str, variables: dict[str, Any], bearer: str) -> dict[str, Any]:
            response = await client.post(
                gateway.url,
                json={"query": query, "variables": variables},
                headers={"authorization": f"Bearer {bearer}"},
            )
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            return body

        mo = mottagningsenhet(gateway)
        registered = await asyncio.gather(
            *(
                post(REGISTER, register_input(case, adults, children, []), mo)
                for case, (adults, children) in households.items()
            )
        )
        for body in registered:
            assert "errors" not in body, body
            kind = body["data"]["registerBosattningsunderlag"]["__typename"]
            assert kind == "RegisterBosattningsunderlagSuccess", body

        be = bosattningsenhet(gateway)
        started = time.perf_counter()
        answers = await asyncio.wait_for(
            asyncio.gather(
                *(
                    post(
                        DECIDE_ANVISNING,
                        {"input": {"arendeId": case, "kommunkod": GOTLAND_KOMMUN}},
                        be,
                    )
                    for case in households
                )
            ),
            timeout=120,
        )
        elapsed = time.perf_counter() - started
    print(f"\n200 concurrent decideAnvisning calls through the gateway took {elapsed:.2f} s")

    assert [body for body in answers if "errors" in body] == []
    results = dict(zip(households, (b["data"]["decideAnvisning"] for b in answers), strict=True))
    accepted = {c: r for c, r in results.items() if r["__typename"] == "AnvisningSuccess"}
    refused = {c: r for c, r in results.items() if r["__typename"] != "AnvisningSuccess"}
    assert accepted and refused
    for result in refused.values():
        assert (result["__typename"], result["code"]) == ("ValidationError", "CAPACITY_EXCEEDED")
    for case, result in accepted.items():
        anvisning = result["anvisning"]
        assert (anvisning["kommunkod"], anvisning["year"]) == (GOTLAND_KOMMUN, YEAR)
        assert anvisning["persons"] == persons_of[case]
    used = sum(r["anvisning"]["persons"] for r in accepted.values())
    final = await counts(gateway, GOTLAND_KOMMUN)
    print(f"accepted {len(accepted)} households ({used} persons), refused {len(refused)}")
    assert used <= GOTLAND_KOMMUNTAL
    assert final["used"] == used
    assert final["remaining"] == GOTLAND_KOMMUNTAL - used
    assert final["remaining"] < min(persons_of[case] for case in refused)


async def test_a_municipality_cannot_read_a_case_assigned_to_another(
    jonkoping: Gateway,
) -> None:
    gateway = jonkoping
    case = new_arende_id()
    needs = [NeedCode.NO_STAIRS.value, NeedCode.NEAR_PUBLIC_TRANSPORT.value]
    await register(gateway, case, adults=2, children=2, needs=needs)
    await assign(gateway, case, "0662")  # Gislaved
    variables = {"arendeId": case}

    jonkoping_kommun = token(gateway, ["kommun"], sub="HSA-K0680", kommun="0680")
    other = await gateway.graphql(READ_ARENDE, variables, jonkoping_kommun)
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN", other
    assert other["data"] is None or other["data"]["arende"] is None

    gislaved = token(gateway, ["kommun"], sub="HSA-K0662", kommun="0662")
    own = await gateway.graphql(READ_ARENDE, variables, gislaved)
    assert "errors" not in own, own
    assert own["data"]["arende"] == {
        "arendeId": case,
        "persons": 4,
        "anvisningar": [{"kommunkod": "0662", "status": "PENDING"}],
    }
    own_needs = await gateway.graphql(READ_ARENDE_NEEDS, variables, gislaved)
    assert "errors" not in own_needs, own_needs
    assert sorted(own_needs["data"]["arende"]["needs"]) == sorted(needs)

    county_board = token(gateway, ["lansstyrelse"], sub="HSA-LST06", lan=["06"])
    board = await gateway.graphql(READ_ARENDE, variables, county_board)
    assert "errors" not in board, board
    assert board["data"]["arende"]["arendeId"] == case
    board_needs = await gateway.graphql(READ_ARENDE_NEEDS, variables, county_board)
    assert board_needs["errors"][0]["extensions"]["code"] == "FORBIDDEN", board_needs
    assert board_needs["errors"][0]["path"][-1] == "needs", board_needs
    assert board_needs["data"] is None or board_needs["data"]["arende"] is None


async def stream_messages(nats_url: str) -> list[tuple[str, bytes, dict[str, str]]]:
    """Every message the event stream holds: subject, body and headers."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        state = (await js.stream_info(STREAM)).state
        found: list[tuple[str, bytes, dict[str, str]]] = []
        for seq in range(state.first_seq, state.last_seq + 1):
            try:
                msg = await js.get_msg(STREAM, seq)
            except NotFoundError:  # deleted
                continue
            found.append((msg.subject or "", msg.data or b"", dict(msg.headers or {})))
        return found
    finally:
        await nc.close()


async def test_no_event_carries_coded_needs(jonkoping: Gateway, suite: Suite) -> None:
    gateway = jonkoping
    case = new_arende_id()
    await register(
        gateway,
        case,
        adults=1,
        children=1,
        needs=[NeedCode.ACCESSIBLE_HOUSING.value, NeedCode.NEAR_HOSPITAL_CARE.value],
    )
    await assign(gateway, case, "0680")  # Jönköping
    messages: list[tuple[str, bytes, dict[str, str]]] = []

    async def published() -> bool:
        nonlocal messages
        messages = await stream_messages(suite.nats_url)
        about_case = {
            ".".join(subject.split(".")[-2:])  # bosattning.<region>.<audience>.<event_type>
            for subject, body, _ in messages
            if case.encode() in body
        }
        return {"arende.registered", "anvisning.decided"} <= about_case

    await eventually(published)

    assert len(messages) >= 2
    for subject, body, headers in messages:
        text = body.decode("utf-8", errors="replace") + repr(headers)
        carried = [code.value for code in NeedCode if code.value in text]
        assert carried == [], f"{subject} carries coded needs {carried}: {text}"
