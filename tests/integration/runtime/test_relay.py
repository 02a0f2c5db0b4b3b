"""The outbox relay stops cleanly: its LISTEN connection goes back to the pool unlistened."""

from __future__ import annotations

import asyncio
from typing import Any

from bosattning_runtime.db import create_pool, migrate, plumbing_migrations
from bosattning_runtime.outbox import OutboxRelay
from nats.aio.client import Client

from tests.integration.conftest import eventually

LISTENING = """SELECT count(*) > 0 FROM pg_stat_activity
WHERE datname = current_database() AND query LIKE 'LISTEN %'"""


async def test_a_stopped_relay_leaves_a_pool_that_closes_at_once(
    postgres: Any, bus: Client
) -> None:
    pool = await create_pool(await postgres.fresh_database("relay"))
    await migrate(pool, plumbing_migrations())
    relay = OutboxRelay(pool, bus.jetstream())
    running = asyncio.create_task(relay.run())

    async def listening() -> bool:
        return bool(await pool.fetchval(LISTENING))

    await eventually(listening)
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)

    # Before, the connection came back still listening: asyncpg warned (an error here)
    # and the pool's close waited for ever.
    await asyncio.wait_for(pool.close(), 5.0)
    assert pool.is_closing()
