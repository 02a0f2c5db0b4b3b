"""The outbox reaches the bus exactly once: relayed twice, or with NATS down meanwhile."""

from __future__ import annotations

import nats
from bosattning_cli.servers import NatsServer
from nats.aio.client import Client

from tests.integration.conftest import eventually, subject_count
from tests.integration.kommuntal.conftest import JONKOPING_2022, Kommuntal

DECIDED = "bosattning.06.lan.kommuntal.decided"


async def test_the_decision_event_appears_once_even_when_the_relay_publishes_it_twice(
    kommuntal: Kommuntal, bus: Client
) -> None:
    await kommuntal.set_lanstal(2022, "06", 255)
    await kommuntal.decide(JONKOPING_2022)
    pool = kommuntal.service.deps.pool
    unsent = "SELECT count(*) FROM outbox WHERE sent_at IS NULL"

    async def all_sent() -> bool:
        return await pool.fetchval(unsent) == 0

    await eventually(all_sent)
    # As after a crash between publish and commit: the row is unsent again.
    await pool.execute("UPDATE outbox SET sent_at = NULL WHERE event_type = 'kommuntal.decided'")
    await eventually(all_sent)

    assert await subject_count(bus, DECIDED) == 1


async def test_a_decision_commits_while_nats_is_down_and_is_delivered_once_after(
    kommuntal: Kommuntal, nats_server: NatsServer | str
) -> None:
    assert isinstance(nats_server, NatsServer), "this test stops its own nats-server"
    await kommuntal.set_lanstal(2022, "06", 255)
    nats_server.stop()

    body = await kommuntal.decide(JONKOPING_2022)

    assert body["data"]["decideKommuntal"]["__typename"] == "DecideKommuntalSuccess"
    pool = kommuntal.service.deps.pool
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM outbox WHERE event_type = 'kommuntal.decided' AND sent_at IS NULL"
        )
        == 1
    )
    nats_server.start()
    client = await nats.connect(nats_server.url)
    try:

        async def delivered() -> bool:
            return await subject_count(client, DECIDED) == 1

        await eventually(delivered, within=20)
        assert await subject_count(client, DECIDED) == 1
    finally:
        await client.close()
