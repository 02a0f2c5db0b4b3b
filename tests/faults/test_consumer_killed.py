"""A consuming service killed (SIGKILL) in the middle of its stream, then started again."""

from __future__ import annotations

import nats
import pytest
from bosattning_runtime.bus import STREAM
from bosattning_runtime.devkeys import DevKeys

from tests.faults.cluster import Cluster
from tests.faults.scenario import burst_with_fault
from tests.integration.conftest import eventually

pytestmark = pytest.mark.faults


async def test_after_a_consuming_service_is_killed_mid_stream_every_projection_equals_its_source(
    cluster: Cluster, dev_keys: DevKeys
) -> None:
    await cluster.start()
    (dialog,) = cluster.of("dialog")  # it consumes every assignment decision and cancellation

    async def kill_dialog() -> None:
        cluster.kill(dialog)
        nc = await nats.connect(cluster.nats.url)
        try:

            async def events_wait_for_it() -> bool:
                info = await nc.jetstream().consumer_info(STREAM, "dialog")
                return (info.num_pending or 0) > 0

            await eventually(events_wait_for_it, within=30)
        finally:
            await nc.close()
        await cluster.start_replica(dialog)

    await burst_with_fault(cluster, dev_keys, 300, kill_dialog)
