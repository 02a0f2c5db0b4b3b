"""Live subscriptions through the gateway (graphql-ws): each token sees its scopes only, and
its expiry ends the subscription."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from bosattning_runtime.devkeys import mint_token

from tests.e2e.conftest import Gateway, decide_kommuntal
from tests.e2e.subscriber import Subscriber, start
from tests.examples import JONKOPING_2022

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def suite_clock_start() -> str:
    return "2022-03-01T09:00:00+01:00"


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
    tasks = [await start(s) for s in (jonkoping, stockholm)]

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
    task = await start(subscriber)

    await asyncio.wait_for(task, 30)

    assert subscriber.closing  # completed (or errored) by the server, not by us


async def test_a_subscription_without_a_token_is_refused(gateway: Gateway) -> None:
    subscriber = Subscriber(gateway, None)
    task = asyncio.create_task(subscriber.run())

    await asyncio.wait_for(task, 30)

    assert subscriber.closing or any(p.get("errors") for p in subscriber.received)
    assert not subscriber.subjects()
