from __future__ import annotations

from tests.integration.conftest import eventually, subject_count
from tests.integration.kommuntal.conftest import JONKOPING_2022, Kommuntal


async def test_a_county_board_decides_jonkopings_2022_kommuntal_and_reads_it_back(
    kommuntal: Kommuntal,
) -> None:
    assert (await kommuntal.set_lanstal(2022, "06", 255))["__typename"] == "SetLanstalSuccess"

    body = await kommuntal.decide(JONKOPING_2022)

    decision = body["data"]["decideKommuntal"]["decision"]
    assert decision["version"] == 1 and decision["total"] == 255
    read = await kommuntal.read()
    assert read["namn"] == "Jönköpings län"
    numbers = {r["kommunkod"]: r["kommuntal"] for r in read["kommuntal"]["rows"]}
    assert numbers == JONKOPING_2022
    assert numbers["0684"] == 0
    assert {r["kommun"]["namn"] for r in read["kommuntal"]["rows"]} >= {"Sävsjö", "Jönköping"}


async def test_another_countys_board_is_forbidden_and_nothing_is_decided(
    kommuntal: Kommuntal,
) -> None:
    await kommuntal.set_lanstal(2022, "06", 255)

    body = await kommuntal.decide(JONKOPING_2022, token=kommuntal.lst01)

    assert body["data"] is None or body["data"]["decideKommuntal"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await kommuntal.read())["kommuntal"] is None


async def test_a_request_without_a_token_is_unauthenticated(kommuntal: Kommuntal) -> None:
    body = await kommuntal.service.graphql("{ allLan { lanskod } }")

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_decision_event_appears_once_on_the_county_subject(
    kommuntal: Kommuntal, bus: object
) -> None:
    from nats.aio.client import Client

    assert isinstance(bus, Client)
    await kommuntal.set_lanstal(2022, "06", 255)
    await kommuntal.decide(JONKOPING_2022)
    subject = "bosattning.06.lan.kommuntal.decided"

    async def published() -> bool:
        return await subject_count(bus, subject) == 1

    await eventually(published)
