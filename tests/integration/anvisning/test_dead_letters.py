"""Issue 7's poison event: a real bug in the settlement unit makes its consumer fail an
event; after the bounded deliveries an operator finds it in the dead-letter stream, and
after the fix one replay applies it once."""

from __future__ import annotations

import pytest
from bosattning_contracts.reference import kommuner_in_lan
from nats.aio.client import Client

from tests.integration.anvisning.conftest import Anvisning, start_both
from tests.integration.conftest import StartService, eventually, subject_count
from tests.integration.kommuntal.conftest import JONKOPING_2022, Kommuntal
from tests.operators import Operator, fix_bug, install_bug, projection_changes

MAX_DELIVER = 3


@pytest.fixture
async def services(start_service: StartService) -> tuple[Kommuntal, Anvisning]:
    return await start_both(
        start_service,
        BOSATTNING_CONSUMER_MAX_DELIVER=str(MAX_DELIVER),
        BOSATTNING_CONSUMER_BACKOFF="0.1",
    )


def operator_of(kommuntal: Kommuntal) -> Operator:
    service = kommuntal.service
    return Operator(service.graphql, service.token(roles=["operator"], sub="HSA-OPS-1"))


async def consumer_idle(bus: Client, durable: str) -> bool:
    info = await bus.jetstream().consumer_info("BOSATTNING", durable)
    return info.num_pending == 0 and info.num_ack_pending == 0


async def test_a_poison_event_is_dead_lettered_and_a_replay_after_the_fix_applies_it_once(
    services: tuple[Kommuntal, Anvisning], bus: Client
) -> None:
    kommuntal, anvisning = services
    operator = operator_of(kommuntal)
    settlement_db = anvisning.service.database_url
    await install_bug(settlement_db, "06")
    await kommuntal.set_lanstal(2022, "06", 255)
    await kommuntal.decide(JONKOPING_2022)
    decided = await kommuntal.service.deps.pool.fetchval(
        "SELECT event_id FROM outbox WHERE event_type = 'kommuntal.decided'"
    )

    async def dead_lettered() -> bool:
        return (await operator.dead_letters("anvisning"))["totalCount"] == 1

    await eventually(dead_lettered)
    [letter] = (await operator.dead_letters())["items"]
    assert letter["consumer"] == "anvisning"
    assert letter["originalSubject"] == "bosattning.06.lan.kommuntal.decided"
    assert (letter["eventId"], letter["eventType"]) == (str(decided), "kommuntal.decided")
    assert (letter["deliveries"], letter["errorType"]) == (MAX_DELIVER, "RaiseError")
    assert await anvisning.projected("0680") is None
    assert await projection_changes(settlement_db) == 0

    await fix_bug(settlement_db)
    replayed = await operator.replay(letter["sequence"])

    assert replayed == {
        "__typename": "ReplayDeadLetterSuccess",
        "sequence": letter["sequence"],
        "consumer": "anvisning",
        "eventId": str(decided),
        "replaySubject": f"replay.anvisning.{letter['sequence']}",
    }

    async def projected() -> bool:
        return await anvisning.projected("0680") == JONKOPING_2022["0680"]

    await eventually(projected)
    assert (await operator.dead_letters())["totalCount"] == 0

    again = await operator.replay(letter["sequence"])

    assert again["__typename"] == "Conflict"
    assert again["code"] == "DEAD_LETTER_ALREADY_REPLAYED"
    await eventually(lambda: consumer_idle(bus, "anvisning"))
    assert await projection_changes(settlement_db) == len(JONKOPING_2022)
    assert await subject_count(bus, replayed["replaySubject"]) == 1
    inbox = "SELECT count(*) FROM inbox WHERE event_id = $1"
    assert await anvisning.service.deps.pool.fetchval(inbox, decided) == 1
    audit = "SELECT actor FROM audit_log WHERE action = 'replayDeadLetter'"
    assert await kommuntal.service.deps.pool.fetchval(audit) == "HSA-OPS-1"


async def test_dead_letters_are_listed_page_by_page_and_by_consumer(
    services: tuple[Kommuntal, Anvisning],
) -> None:
    kommuntal, anvisning = services
    operator = operator_of(kommuntal)
    await install_bug(anvisning.service.database_url, "06", "25")
    await kommuntal.set_lanstal(2022, "06", 255)
    await kommuntal.decide(JONKOPING_2022)
    norrbotten = {k.kommunkod: 1 for k in kommuner_in_lan("25")}
    await kommuntal.set_lanstal(2022, "25", len(norrbotten))
    await kommuntal.decide(
        norrbotten,
        lanskod="25",
        token=kommuntal.service.token(roles=["lansstyrelse"], lan=["25"], sub="HSA-LST25"),
    )

    async def both_dead_lettered() -> bool:
        return (await operator.dead_letters())["totalCount"] == 2

    await eventually(both_dead_lettered)
    first = await operator.dead_letters(first=1)
    rest = await operator.dead_letters(first=1, after=first["endCursor"])

    assert first["hasNextPage"] and not rest["hasNextPage"]
    subjects = [page["items"][0]["originalSubject"] for page in (first, rest)]
    assert subjects == [
        "bosattning.06.lan.kommuntal.decided",
        "bosattning.25.lan.kommuntal.decided",
    ]
    assert (await operator.dead_letters("anvisning"))["totalCount"] == 2
    assert (await operator.dead_letters("kommuntal"))["items"] == []


async def test_a_sequence_no_dead_letter_has_is_not_found(
    services: tuple[Kommuntal, Anvisning],
) -> None:
    outcome = await operator_of(services[0]).replay(4711)

    assert (outcome["__typename"], outcome["code"]) == ("NotFound", "DEAD_LETTER_NOT_FOUND")
