"""A burst of real commands over HTTP GraphQL to the subgraphs, concurrently, that rides
out faults: a command whose service or database is away is sent again with the same
idempotency key (so it never takes effect twice), to the next replica of its service.

Households go through the settlement unit and the reception units (assignment; then
received, cancelled, discharged without reception, or left pending) while every county
board decides its kommuntal and revises it, so events flow every way between the three
services: anvisning → dialog, dialog → anvisning, dialog → kommuntal (county inbox),
kommuntal → anvisning → kommuntal (revisions).
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from bosattning_contracts.reference import all_lan, kommuner_in_lan
from bosattning_runtime.devkeys import DevKeys, mint_token

from tests.faults.cluster import Cluster
from tests.integration.anvisning.conftest import CANCEL, REGISTER
from tests.integration.anvisning.conftest import DECIDE as DECIDE_ANVISNING
from tests.integration.dialog.conftest import ON_ASSIGNMENT
from tests.integration.dialog.test_inability import DISCHARGE
from tests.integration.kommuntal.conftest import DECIDE as DECIDE_KOMMUNTAL
from tests.integration.kommuntal.conftest import READ_KOMMUNTAL, REQUEST_REVISION, SET_LANSTAL, rows

YEAR = 2022
TODAY = "2022-03-01"  # the services' clock starts here (service_environment)
COUNTY = "06"  # where the households are assigned
PLACES = 1000  # every municipality's kommuntal: room for all the households
REVISIONS_PER_COUNTY = 2  # one after the other: one may be open at a time
# Gotland, one municipality, has no places to move between municipalities
REVISED = [lan.lanskod for lan in all_lan() if len(kommuner_in_lan(lan.lanskod)) > 1]
REVISIONS = REVISIONS_PER_COUNTY * len(REVISED)
GIVE_UP_SECONDS = 180.0  # a command still unanswered after this fails the test
RETRY_SECONDS = 0.2
REPORT_RECEIVED = ON_ASSIGNMENT.format(field="reportMottagande", input_type="MottagandeInput")


@dataclass
class Api:
    """Posts to the replicas of a service in turn, retrying what got no typed answer."""

    cluster: Cluster
    keys: DevKeys
    http: httpx.AsyncClient
    _turn: itertools.count[int] = field(default_factory=itertools.count)
    _tokens: dict[str, str] = field(default_factory=dict)

    def token(self, sub: str, roles: list[str], **scope: Any) -> str:
        """Minted once per subject (loading the signing key takes tens of milliseconds)."""
        if sub not in self._tokens:
            self._tokens[sub] = mint_token(self.keys, sub=sub, roles=roles, **scope)
        return self._tokens[sub]

    async def call(
        self, service: str, query: str, field: str, token: str, **input: Any
    ) -> dict[str, Any]:
        """The typed result of `field` (given `input`), once a replica gave one."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + GIVE_UP_SECONDS
        last: object = None
        while loop.time() < deadline:
            urls = self.cluster.urls(service)
            try:
                response = await self.http.post(
                    urls[next(self._turn) % len(urls)],
                    json={"query": query, "variables": input},
                    headers={"authorization": f"Bearer {token}"},
                )
                last = response.json() if response.status_code == 200 else response.text
            except (httpx.HTTPError, ValueError) as error:  # away, killed, or restarting
                last = repr(error)
            answer = (last.get("data") or {}).get(field) if isinstance(last, dict) else None
            if answer is not None:
                return dict(answer)
            await asyncio.sleep(RETRY_SECONDS)
        raise AssertionError(f"{service} {field}: no answer in {GIVE_UP_SECONDS} s; last {last}")

    async def command(
        self, service: str, query: str, field: str, token: str, key: str, **input: Any
    ) -> dict[str, Any]:
        """A mutation with an idempotency key: however often it is sent, it acts once."""
        return await self.call(service, query, field, token, input={**input, "idempotencyKey": key})

    async def once_known(self, query: str, field: str, token: str, key: str, **input: Any) -> str:
        """A reception unit's or municipality's command on an assignment, made again (with a
        fresh key) until the reception units have heard of the assignment from the bus."""
        for tries in range(int(GIVE_UP_SECONDS / RETRY_SECONDS)):
            answer = await self.command("dialog", query, field, token, f"{key}-{tries}", **input)
            if answer.get("code") != "ANVISNING_NOT_FOUND":
                return str(answer.get("code") or answer["__typename"])
            await asyncio.sleep(RETRY_SECONDS)
        raise AssertionError("the reception units never heard of an assignment")


async def household(api: Api, number: int) -> str:
    """Registered, assigned, then (by `number`) received, cancelled, discharged without
    reception, or left pending. Returns how it ended."""
    case = f"{number:08d}-22"
    municipalities = kommuner_in_lan(COUNTY)
    kommunkod = municipalities[number % len(municipalities)].kommunkod
    unit = api.token("HSA-MO-1", ["mottagningsenhet"], enhet="MO-1")
    settlement = api.token("HSA-BE-1", ["bosattningsenhet"])
    basis = {"category": "ABO", "adults": 1 + number % 2, "children": number % 3, "needs": []}
    registered = await api.command(
        "anvisning", REGISTER, "registerBosattningsunderlag", unit, f"register-{case}",
        arendeId=case, **basis,
    )  # fmt: skip
    assert registered["__typename"] == "RegisterBosattningsunderlagSuccess", registered
    decided = await api.command(
        "anvisning", DECIDE_ANVISNING, "decideAnvisning", settlement, f"decide-{case}",
        arendeId=case, kommunkod=kommunkod,
    )  # fmt: skip
    if decided["__typename"] != "AnvisningSuccess":
        return str(decided.get("code"))
    assigned = decided["anvisning"]["anvisningId"]
    fate = number % 4
    if fate == 0:
        kommun = api.token(f"HSA-K-{kommunkod}", ["kommun"], kommun=kommunkod)
        return await api.once_known(
            REPORT_RECEIVED, "reportMottagande", kommun, f"received-{case}",
            anvisningId=assigned, receivedOn=TODAY,
        )  # fmt: skip
    if fate == 1:
        cancelled = await api.command(
            "anvisning", CANCEL, "cancelAnvisning", settlement, f"cancel-{case}",
            anvisningId=assigned,
        )  # fmt: skip
        return str(cancelled.get("code") or "cancelled")
    if fate == 2:
        return await api.once_known(
            DISCHARGE, "reportUtskrivningUtanMottagande", unit, f"discharge-{case}",
            anvisningId=assigned, dischargedOn=TODAY,
        )  # fmt: skip
    return "pending"


def _board(api: Api, lanskod: str) -> str:
    return api.token(f"HSA-LST{lanskod}", ["lansstyrelse"], lan=[lanskod])


async def decide_county(api: Api, lanskod: str) -> dict[str, int]:
    """The länstal and the first kommuntal of a county: PLACES for each municipality."""
    numbers = {k.kommunkod: PLACES for k in kommuner_in_lan(lanskod)}
    nationell = api.token("HSA-NATIONELL", ["nationell"])
    lanstal = await api.command(
        "kommuntal", SET_LANSTAL, "setLanstal", nationell, f"lanstal-{lanskod}",
        year=YEAR, lanskod=lanskod, lanstal=sum(numbers.values()), reason="SFS 2021:1234",
    )  # fmt: skip
    assert lanstal["__typename"] == "SetLanstalSuccess", lanstal
    decided = await api.command(
        "kommuntal", DECIDE_KOMMUNTAL, "decideKommuntal", _board(api, lanskod),
        f"kommuntal-{lanskod}", year=YEAR, lanskod=lanskod, rows=rows(numbers), reason="Beslut",
    )  # fmt: skip
    assert decided["__typename"] == "DecideKommuntalSuccess", decided
    return numbers


async def revise(api: Api, lanskod: str, numbers: dict[str, int], times: int) -> list[str]:
    """Revisions one after another (one may be open at a time), each moving a place between
    two municipalities and awaited until the county service closed it. Their statuses."""
    board = _board(api, lanskod)
    statuses = []
    for n in range(times):
        first, second = list(numbers)[:2]
        numbers = {**numbers, first: numbers[first] - 1, second: numbers[second] + 1}
        requested = await api.command(
            "kommuntal", REQUEST_REVISION, "requestKommuntalRevision", board,
            f"revise-{lanskod}-{n}", year=YEAR, lanskod=lanskod, rows=rows(numbers),
            reason="Överenskommelse",
        )  # fmt: skip
        assert requested["__typename"] == "RequestKommuntalRevisionSuccess", requested
        statuses.append(await _closed(api, lanskod, requested["request"]["requestId"], board))
    return statuses


async def _closed(api: Api, lanskod: str, request_id: str, board: str) -> str:
    for _ in range(int(GIVE_UP_SECONDS / RETRY_SECONDS)):
        lan = await api.call("kommuntal", READ_KOMMUNTAL, "lan", board, lanskod=lanskod, year=YEAR)
        status = next(
            r["status"] for r in lan["kommuntalRevisions"] if r["requestId"] == request_id
        )
        if status != "OPEN":
            return str(status)
        await asyncio.sleep(RETRY_SECONDS)
    raise AssertionError(f"revision {request_id} of county {lanskod} was never answered")


@dataclass
class Burst:
    """How much to do; `done` counts the households through so far (for timing a fault)."""

    households: int
    concurrency: int = 24
    done: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)

    async def run(self, api: Api) -> Counter[str]:
        """Every household, and every county's kommuntal with its revisions, at once."""
        gate = asyncio.Semaphore(self.concurrency)

        async def one(number: int) -> None:
            async with gate:
                self.outcomes[await household(api, number)] += 1
                self.done += 1

        async def county(lanskod: str) -> None:
            numbers = {k.kommunkod: PLACES for k in kommuner_in_lan(lanskod)}
            if lanskod != COUNTY:  # decided before the burst: the households need it
                numbers = await decide_county(api, lanskod)
            times = REVISIONS_PER_COUNTY if lanskod in REVISED else 0
            for status in await revise(api, lanskod, numbers, times):
                self.outcomes[f"revision {status}"] += 1

        await asyncio.gather(
            *(one(n) for n in range(self.households)), *(county(lan.lanskod) for lan in all_lan())
        )
        return self.outcomes
