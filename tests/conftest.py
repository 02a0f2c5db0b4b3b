"""Servers for the integration and end-to-end tiers.

PostgreSQL and NATS come from `*_DATABASE_URL` / `NATS_URL` when set (the test
databases are then created on that PostgreSQL server); otherwise embedded ones
start in fresh directories for this run. testcontainers would be a third way
where a Docker engine answers `docker info`; none runs on these machines, so
that path is not built.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from bosattning_cli.servers import EmbeddedPostgres, NatsServer
from bosattning_runtime.devkeys import DevKeys, generate_keypair

_SHORT_TMP = Path(tempfile.gettempdir())


@pytest.fixture(scope="session")
def state_dir() -> Iterator[Path]:
    # Short path: PostgreSQL's unix socket lives here and socket paths are limited.
    path = Path(tempfile.mkdtemp(prefix="bst-", dir=_SHORT_TMP))
    yield path
    shutil.rmtree(path, ignore_errors=True)


class PostgresServer:
    """Creates one fresh database per test on the server in use."""

    def __init__(self, admin_url: str, embedded: EmbeddedPostgres | None) -> None:
        self.admin_url = admin_url
        self.embedded = embedded

    async def fresh_database(self, prefix: str) -> str:
        import asyncpg

        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        conn = await asyncpg.connect(self.admin_url)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return re.sub(r"/[^/?]*(\?|$)", rf"/{name}\1", self.admin_url, count=1)


@pytest.fixture(scope="session")
def postgres(state_dir: Path) -> Iterator[PostgresServer]:
    external = next(
        (
            os.environ[v]
            for v in ("KOMMUNTAL_DATABASE_URL", "ANVISNING_DATABASE_URL", "DIALOG_DATABASE_URL")
            if os.environ.get(v)
        ),
        None,
    )
    if external:
        yield PostgresServer(external, None)
        return
    server = EmbeddedPostgres(state_dir / "pg")
    uri = server.start()
    try:
        yield PostgresServer(uri, server)
    finally:
        server.stop()


@pytest.fixture
def nats_server(state_dir: Path) -> Iterator[NatsServer | str]:
    """A fresh nats-server per test (about 25 ms), or NATS_URL when set."""
    if os.environ.get("NATS_URL"):
        yield os.environ["NATS_URL"]
        return
    server = NatsServer(state_dir / f"nats-{uuid.uuid4().hex[:8]}")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session", autouse=True)
def traces_file(state_dir: Path) -> Path:
    """Spans of every in-process service go to one JSON-lines file (the real file exporter)."""
    from bosattning_runtime.telemetry import configure_tracing

    path = state_dir / "traces.jsonl"
    configure_tracing(
        "bosattning-tests",
        environ={"OTEL_TRACES_EXPORTER": "file", "BOSATTNING_TRACES_FILE": str(path)},
    )
    return path


@pytest.fixture(scope="session")
def dev_keys(state_dir: Path) -> DevKeys:
    return generate_keypair(state_dir / "keys")


@pytest.fixture
async def nats_url(nats_server: NatsServer | str) -> AsyncIterator[str]:
    if isinstance(nats_server, str):
        await _delete_streams(nats_server)
        yield nats_server
    else:
        yield nats_server.url


async def _delete_streams(url: str) -> None:
    """With a shared external NATS, each test starts from empty streams."""
    import nats
    from bosattning_runtime.bus import DEAD_LETTER_STREAM, STREAM
    from nats.js.errors import NotFoundError

    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        for name in (STREAM, DEAD_LETTER_STREAM):
            with contextlib.suppress(NotFoundError):
                await js.delete_stream(name)
    finally:
        await nc.close()
