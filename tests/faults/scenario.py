"""One fault scenario: a burst of commands, a fault in the middle of it, and the check that
every projection equals its source once everything settled."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable

import asyncpg
import httpx
from bosattning_contracts.reference import kommuner_in_lan
from bosattning_runtime.devkeys import DevKeys

from tests.faults.cluster import Cluster
from tests.faults.projections import Snapshot, assert_projections_equal_sources
from tests.faults.workload import COUNTY, REVISIONS, Api, Burst, decide_county
from tests.integration.conftest import eventually

Fault = Callable[[], Awaitable[None]]


async def burst_with_fault(
    cluster: Cluster, keys: DevKeys, households: int, fault: Fault, *, at: float = 0.3
) -> Snapshot:
    """Run the burst; once `at` of its households are through, inflict `fault` while the
    rest carries on. Then every household must have gone its way and every projection
    must equal its source. Returns that settled state."""
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(trust_env=False, timeout=30, limits=limits) as http:
        api = Api(cluster, keys, http)
        await _county_projected(api)
        burst = Burst(households)
        running = asyncio.create_task(burst.run(api))

        async def underway() -> bool:
            return burst.done >= households * at or running.done()

        await eventually(underway, within=300)
        await fault()
        outcomes = await running
    _every_household_went_through(outcomes, households)
    return await assert_projections_equal_sources(cluster)


def _every_household_went_through(outcomes: Counter[str], households: int) -> None:
    """No command was refused or lost on the way: each fate as often as it was dealt."""
    quarter = households // 4
    fates = ("MottagandeSuccess", "cancelled", "EscalationSuccess", "pending")
    expected = Counter({**dict.fromkeys(fates, quarter), "revision CONFIRMED": REVISIONS})
    assert outcomes == expected


async def _county_projected(api: Api) -> None:
    """The households' county decided, and known to the settlement unit."""
    await decide_county(api, COUNTY)
    expected = len(kommuner_in_lan(COUNTY))

    async def projected() -> bool:
        conn = await asyncpg.connect(api.cluster.database_urls["anvisning"])
        try:
            count = await conn.fetchval("SELECT count(*) FROM kommuntal WHERE lanskod = $1", COUNTY)
        finally:
            await conn.close()
        return bool(count == expected)

    await eventually(projected, within=60)


async def unsent_events(cluster: Cluster) -> int:
    """Outbox rows not yet published, in all the services."""
    unsent = 0
    for url in cluster.database_urls.values():
        conn = await asyncpg.connect(url)
        try:
            unsent += await conn.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
        finally:
            await conn.close()
    return unsent
