"""After a PostgreSQL restart the outbox relay listens again: a commit wakes it at once,
not only its poll."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

import nats
import pytest
from bosattning_cli.servers import EmbeddedPostgres
from bosattning_contracts.anvisning import (
    AnvisningRevisionConfirmed,
    AnvisningRevisionConfirmedPayload,
)
from bosattning_runtime.bus import STREAM, ensure_streams
from bosattning_runtime.db import (
    close_pool,
    create_pool,
    migrate,
    plumbing_migrations,
    unit_of_work,
)
from bosattning_runtime.outbox import OutboxRelay, enqueue

from tests.integration.conftest import eventually

pytestmark = pytest.mark.faults

POLL_SECONDS = 60.0  # longer than the test waits: only NOTIFY can wake the relay in time


async def test_after_a_database_restart_a_commit_wakes_the_relay_again(
    state_dir: Path, nats_url: str
) -> None:
    root = state_dir / f"relay-{uuid.uuid4().hex[:8]}"
    postgres = EmbeddedPostgres(root / "pg")
    postgres.start()
    bus = await nats.connect(nats_url)
    try:
        pool = await create_pool(await postgres.create_database("relay"))
        await migrate(pool, plumbing_migrations())
        js = bus.jetstream()
        await ensure_streams(js)
        relay = OutboxRelay(pool, js, poll_interval=POLL_SECONDS)
        running = asyncio.create_task(relay.run())

        async def commit_one() -> None:
            payload = AnvisningRevisionConfirmedPayload(
                request_id=uuid.uuid4(), year=2022, lanskod="06"
            )
            now = datetime.now(UTC)
            event = AnvisningRevisionConfirmed.create(payload=payload, occurred_at=now)
            async with unit_of_work(pool) as conn:
                await enqueue(conn, [event])

        async def published(count: int) -> bool:
            return (await js.stream_info(STREAM)).state.messages == count

        await asyncio.sleep(0.5)  # the relay has drained and listens
        await commit_one()
        await eventually(lambda: published(1), within=10)

        await asyncio.to_thread(postgres.restart, "immediate")
        await asyncio.sleep(3.0)  # the relay notices and takes a new connection
        await commit_one()

        await eventually(lambda: published(2), within=10)
        relay.stop()
        await asyncio.wait_for(running, 10)
        await close_pool(pool)
    finally:
        await bus.close()
        postgres.stop()
        shutil.rmtree(root, ignore_errors=True)
