"""Live subscriptions through the gateway (graphql-ws): each token sees its scopes only, and
its expiry ends the subscription."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import pytest
import websockets
from bosattning_runtime.devkeys import mint_token

from tests.e2e.conftest import Gateway, decide_kommuntal
from tests.examples import JONKOPING_2022

pytestmark = pytest.mark.e2e

SUBSCRIBE = "subscription { events { subject eventType aggregateId payload } }"


@pytest.fixture(scope="module")
def suite_clock_start() -> str:
    return "2022-03-01T09:00:00+01:00"


class Subscriber:
    """One graphql-transport-ws client of the gateway, collecting what it receives."""

    def __init__(self, gateway: Gateway, token: str | None) -> None:
        self.url = gateway.url.replace("http://", "ws://")
        self.token = token
        self.received: list[dict[str, Any]] = []
        self.closing: list[str] = []
        self.ready = asyncio.Event()

    async def run(self) -> None:
        async with websockets.connect(self.url, subprotocols=["graphql-transport-ws"]) as ws:
            params = {"authorization": self.token} if self.token else {}
            await ws.send(json.dumps({"type": "connection_init", "payload": params}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(
                json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
            )
            self.ready.set()
            async for raw in ws:
                message = json.loads(raw)
                if message["type"] == "next":
                    self.received.append(message["payload"])
                elif message["type"] in ("complete", "error"):
                    self.closing.append(message["type"])
                    return

    def subjects(self) -> set[str]:
        return {p["data"]["events"]["subject"] for p in self.received if p.get("data")}


async def _start(subscriber: Subscriber) -> asyncio.Task[None]:
    task = asyncio.create_task(subscriber.run())
    await asyncio.wait_for(subscriber.ready.wait(), 20)
    await asyncio.sleep(1.0)  # the gateway opens its subgraph socket after `subscribe`
    return task


async def test_each_subscriber_receives_the_events_its_token_may_see_and_nothing_else(
    gateway: Gateway,
) -> None:
    keys = gateway.keys
    jonkoping = Subscriber(
        gateway, mint_token(keys, sub="HSA-K-0680", roles=["kommun"], kommun="0680")
    )
    stockholm = Subscriber(
        gateway, mint_token(keys, sub="HSA-K-0180", roles=["kommun"], kommun="0180")
    )
    tasks = [await _start(s) for s in (jonkoping, stockholm)]

    await decide_kommuntal(gateway, "06", 255, JONKOPING_2022)

    decided = "bosattning.06.lan.kommuntal.decided"
    for _ in range(100):
        if decided in jonkoping.subjects() and stockholm.subjects():
            break
        await asyncio.sleep(0.2)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    assert jonkoping.subjects() >= {"bosattning.riket.lan.lanstal.set", decided}
    assert stockholm.subjects() == {"bosattning.riket.lan.lanstal.set"}


async def test_a_subscription_ends_when_its_token_expires(gateway: Gateway) -> None:
    short = mint_token(
        gateway.keys, sub="HSA-SHORT", roles=["bosattningsenhet"], ttl=timedelta(seconds=4)
    )
    subscriber = Subscriber(gateway, short)
    task = await _start(subscriber)

    await asyncio.wait_for(task, 30)

    assert subscriber.closing  # completed (or errored) by the server, not by us


async def test_a_subscription_without_a_token_is_refused(gateway: Gateway) -> None:
    subscriber = Subscriber(gateway, None)
    task = asyncio.create_task(subscriber.run())

    await asyncio.wait_for(task, 30)

    assert subscriber.closing or any(p.get("errors") for p in subscriber.received)
    assert not subscriber.subjects()
