"""Assignment lists by cursor, scoped to the caller; county totals; revisions under load."""

from __future__ import annotations

import asyncio

from tests.examples import JONKOPING_2022
from tests.integration.anvisning.conftest import Anvisning, arende_id, kommuntal_decided
from tests.integration.conftest import eventually
from tests.integration.kommuntal.conftest import Kommuntal

PAGE = """query($after: String, $kommunkod: String) {
  anvisningar(year: 2022, kommunkod: $kommunkod, first: 3, after: $after) {
    edges { cursor node { anvisningId kommunkod } } pageInfo { hasNextPage endCursor } } }"""
TOTALS = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Lan { anvisningTotals(year: 2022) { kommuntal used received remaining } } } }"""


async def _assign(anvisning: Anvisning, kommunkod: str, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        case = arende_id()
        await anvisning.register(case)
        ids.append((await anvisning.decide(case, kommunkod))["anvisning"]["anvisningId"])
    return ids


async def test_assignments_are_listed_by_cursor_and_a_municipality_sees_only_its_own(
    both: tuple[Kommuntal, Anvisning],
) -> None:
    kommuntal, anvisning = both
    await kommuntal_decided(kommuntal, anvisning, JONKOPING_2022, 255)
    in_0680 = await _assign(anvisning, "0680", 5)
    in_0662 = await _assign(anvisning, "0662", 2)
    seen: list[str] = []
    after = None
    while True:
        body = await anvisning.service.graphql(PAGE, {"after": after}, anvisning.bosattningsenhet)
        page = body["data"]["anvisningar"]
        seen += [e["node"]["anvisningId"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    kommun = anvisning.service.token(roles=["kommun"], kommun="0662", sub="HSA-K-0662")

    own = await anvisning.service.graphql(PAGE, {}, kommun)
    foreign = await anvisning.service.graphql(PAGE, {"kommunkod": "0680"}, kommun)

    assert seen == in_0680 + in_0662
    assert [e["node"]["anvisningId"] for e in own["data"]["anvisningar"]["edges"]] == in_0662
    assert foreign["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_county_totals_sum_the_municipalities(both: tuple[Kommuntal, Anvisning]) -> None:
    kommuntal, anvisning = both
    await kommuntal_decided(kommuntal, anvisning, JONKOPING_2022, 255)
    await _assign(anvisning, "0680", 2)

    body = await anvisning.service.graphql(
        TOTALS, {"r": [{"__typename": "Lan", "lanskod": "06"}]}, anvisning.bosattningsenhet
    )

    assert body["data"]["_entities"][0]["anvisningTotals"] == {
        "kommuntal": 255,
        "used": 2,
        "received": 0,
        "remaining": 253,
    }


async def test_a_revision_requested_while_assignments_stream_in_never_ends_above_kommuntal(
    both: tuple[Kommuntal, Anvisning],
) -> None:
    kommuntal, anvisning = both
    await kommuntal_decided(kommuntal, anvisning, JONKOPING_2022, 255)
    cases = [arende_id() for _ in range(60)]
    for i, case in enumerate(cases):
        await anvisning.register(case, adults=1 + i % 2, children=i % 3)
    lowered = {**JONKOPING_2022, "0680": 60, "0604": 63}  # the sum stays 255

    async def stream() -> None:
        for batch in range(0, len(cases), 10):
            await asyncio.gather(*(anvisning.decide(c, "0680") for c in cases[batch : batch + 10]))

    await asyncio.gather(stream(), kommuntal.request_revision(lowered))

    async def answered() -> bool:
        status = (await kommuntal.read())["kommuntalRevisions"][0]["status"]
        open_caps = await anvisning.service.deps.pool.fetchval("SELECT count(*) FROM open_revision")
        return status in {"CONFIRMED", "REFUSED"} and open_caps == 0

    await eventually(answered)
    in_force = {
        r["kommunkod"]: r["kommuntal"] for r in (await kommuntal.read())["kommuntal"]["rows"]
    }

    async def projected() -> bool:
        return await anvisning.projected("0680") == in_force["0680"]

    await eventually(projected)
    used = (await anvisning.counts("0680"))["used"]
    assert used <= in_force["0680"]
    assert used == await anvisning.service.deps.pool.fetchval(
        "SELECT coalesce(sum(persons), 0) FROM anvisning WHERE kommunkod = '0680' "
        "AND status <> 'cancelled'"
    )
