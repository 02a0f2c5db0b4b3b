"""The NATS server killed (SIGKILL) in the middle of a burst of several thousand events."""

from __future__ import annotations

import asyncio

import pytest
from bosattning_runtime.devkeys import DevKeys

from tests.faults.cluster import Cluster
from tests.faults.scenario import burst_with_fault, unsent_events
from tests.integration.conftest import eventually

pytestmark = pytest.mark.faults


async def test_after_nats_is_killed_mid_burst_and_restarted_every_projection_equals_its_source(
    cluster: Cluster, dev_keys: DevKeys
) -> None:
    await cluster.start()
    waited: list[int] = []

    async def kill_nats() -> None:
        cluster.kill_nats()

        async def events_wait_in_the_outboxes() -> bool:  # commands go on without the bus
            waited.append(await unsent_events(cluster))
            return waited[-1] > 0

        await eventually(events_wait_in_the_outboxes, within=30)
        await asyncio.sleep(1.0)  # down a while longer: publishes and pulls keep failing
        cluster.restart_nats()

    settled = await burst_with_fault(cluster, dev_keys, 1100, kill_nats)

    assert waited[-1] > 0
    assert len(settled.outbox()) >= 3000  # several thousand events went through the fault
