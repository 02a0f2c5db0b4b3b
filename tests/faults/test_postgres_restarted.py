"""The PostgreSQL server restarted while the relays publish and the consumers apply.

Before the consumers held their events while the database was away, this restart made a
consumer spend its bounded deliveries in about a second and dead-letter sound events
(anvisning's received counts then lacked those receptions).
"""

from __future__ import annotations

import asyncio

import pytest
from bosattning_runtime.devkeys import DevKeys

from tests.faults.cluster import Cluster
from tests.faults.scenario import burst_with_fault

pytestmark = pytest.mark.faults


async def test_after_postgres_restarts_mid_burst_every_projection_equals_its_source(
    cluster: Cluster, dev_keys: DevKeys
) -> None:
    await cluster.start()
    postmaster = cluster.postgres.datadir / "postmaster.pid"
    before = postmaster.read_text().split()[0]

    async def restart_postgres() -> None:
        # like a crash: open transactions are lost, the start recovers from the WAL
        await asyncio.to_thread(cluster.postgres.restart, "immediate")

    await burst_with_fault(cluster, dev_keys, 300, restart_postgres)

    assert postmaster.read_text().split()[0] != before  # a new server process
