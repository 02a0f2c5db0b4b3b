"""Assignment decisions within capacity, between the two real services over NATS."""

from __future__ import annotations

import asyncio

from tests.examples import JONKOPING_2022
from tests.integration.anvisning.conftest import Anvisning, arende_id, kommuntal_decided
from tests.integration.kommuntal.conftest import Kommuntal


async def test_a_kommuntal_decided_by_the_county_board_reaches_the_projection(
    both: tuple[Kommuntal, Anvisning],
) -> None:
    kommuntal, anvisning = both

    await kommuntal_decided(kommuntal, anvisning, JONKOPING_2022, 255)

    for kommunkod, number in JONKOPING_2022.items():
        assert await anvisning.projected(kommunkod) == number
    assert await anvisning.counts("0684") == {"used": 0, "received": 0, "remaining": 0}


async def test_an_assignment_uses_places_and_a_cancellation_frees_them(
    both: tuple[Kommuntal, Anvisning],
) -> None:
    kommuntal, anvisning = both
    await kommuntal_decided(kommuntal, anvisning, JONKOPING_2022, 255)
    case = arende_id()
    registered = await anvisning.register(case, adults=2, children=1)
    assert registered["__typename"] == "RegisterBosattningsunderlagSuccess", registered

    decided = await anvisning.decide(case, "0604")  # Aneby: kommuntal 4

    assert decided["__typename"] == "AnvisningSuccess", decided
    assert decided["anvisning"]["deadline"] == "2022-05-01"  # two months after 1 March
    assert await anvisning.counts("0604") == {"used": 3, "received": 0, "remaining": 1}
    again = await anvisning.decide(case, "0686")
    assert again["code"] == "ALREADY_ASSIGNED"
    cancelled = await anvisning.cancel(decided["anvisning"]["anvisningId"])
    assert cancelled["anvisning"]["status"] == "CANCELLED"
    assert await anvisning.counts("0604") == {"used": 0, "received": 0, "remaining": 4}


async def test_a_household_larger_than_the_remaining_places_is_refused(
    both: tuple[Kommuntal, Anvisning],
) -> None:
    kommuntal, anvisning = both
    await kommuntal_decided(kommuntal, anvisning, JONKOPING_2022, 255)
    case = arende_id()
    await anvisning.register(case, adults=2, children=3)

    refused = await anvisning.decide(case, "0604")

    assert refused["code"] == "CAPACITY_EXCEEDED"
    assert await anvisning.counts("0604") == {"used": 0, "received": 0, "remaining": 4}


async def test_concurrent_decisions_never_overbook_a_municipality(
    both: tuple[Kommuntal, Anvisning],
) -> None:
    kommuntal, anvisning = both
    await kommuntal_decided(kommuntal, anvisning, JONKOPING_2022, 255)
    cases = [arende_id() for _ in range(40)]
    for i, case in enumerate(cases):
        await anvisning.register(case, adults=1 + i % 3, children=i % 4)

    results = await asyncio.gather(*(anvisning.decide(case, "0680") for case in cases))

    accepted = [r for r in results if r["__typename"] == "AnvisningSuccess"]
    refused = [r for r in results if r["__typename"] != "AnvisningSuccess"]
    assert refused and all(r["code"] == "CAPACITY_EXCEEDED" for r in refused)
    used = sum(r["anvisning"]["persons"] for r in accepted)
    counts = await anvisning.counts("0680")
    assert used == counts["used"] <= 119
    assert counts["remaining"] == 119 - used
    rows = await anvisning.service.deps.pool.fetchval(
        "SELECT coalesce(sum(persons), 0) FROM anvisning WHERE kommunkod = '0680' "
        "AND status <> 'cancelled'"
    )
    assert rows == used
