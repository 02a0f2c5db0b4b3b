"""The fault suite: the services as OS processes on servers this suite may kill.

Each scenario gets a PostgreSQL server and a NATS server of its own (embedded, in
fresh directories), also where `*_DATABASE_URL` / `NATS_URL` name shared servers:
those are not ours to kill or restart.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from bosattning_cli.servers import EmbeddedPostgres, NatsServer
from bosattning_runtime.devkeys import DevKeys

from tests.faults.cluster import SERVICES, Cluster


@pytest.fixture
async def cluster(state_dir: Path, dev_keys: DevKeys) -> AsyncIterator[Cluster]:
    """Servers of the test's own and their databases; the test starts the services."""
    root = state_dir / f"faults-{uuid.uuid4().hex[:8]}"
    (root / "logs").mkdir(parents=True)
    postgres = EmbeddedPostgres(root / "pg")
    postgres.start()
    nats = NatsServer(root / "nats", log_file=root / "logs" / "nats.log")
    running = Cluster(root, dev_keys, postgres, nats, {})
    try:
        nats.start()
        for service in SERVICES:
            running.database_urls[service] = await postgres.create_database(service)
        yield running
    finally:
        await running.stop()
        shutil.rmtree(root, ignore_errors=True)  # a data directory and a stream store each
