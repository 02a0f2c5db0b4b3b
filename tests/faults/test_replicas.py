"""Two replicas (OS processes) of every service on the same durable consumers."""

from __future__ import annotations

import nats
import pytest
from bosattning_runtime.bus import STREAM
from bosattning_runtime.devkeys import DevKeys

from tests.faults.cluster import Cluster
from tests.faults.projections import consumers
from tests.faults.scenario import burst_with_fault
from tests.integration.conftest import eventually

pytestmark = pytest.mark.faults


async def test_two_replicas_of_each_service_apply_nothing_twice_and_skip_nothing(
    cluster: Cluster, dev_keys: DevKeys
) -> None:
    await cluster.start(replicas=2)

    async def both_replicas_pull() -> None:
        """Each durable consumer has a pull request waiting from each of its two replicas."""
        nc = await nats.connect(cluster.nats.url)
        try:
            js = nc.jetstream()

            async def two_waiting() -> bool:
                infos = [await js.consumer_info(STREAM, c.durable) for c in consumers()]
                return all((info.num_waiting or 0) >= 2 for info in infos)

            await eventually(two_waiting, within=30)
        finally:
            await nc.close()

    await burst_with_fault(cluster, dev_keys, 300, both_replicas_pull)
