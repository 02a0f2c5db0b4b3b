"""The asyncpg pool, numbered SQL migrations, and the one transaction per command."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, TypeAlias

import asyncpg
import asyncpg.pool

Pool: TypeAlias = "asyncpg.Pool[asyncpg.Record]"
Connection: TypeAlias = (
    "asyncpg.Connection[asyncpg.Record] | asyncpg.pool.PoolConnectionProxy[asyncpg.Record]"
)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_MIGRATION_LOCK = 0x626F7361  # advisory lock id: replicas migrate one at a time


async def _init_connection(conn: Connection) -> None:
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
    await conn.set_type_codec("json", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def create_pool(url: str, max_size: int = 10) -> Pool:
    """A pool whose connections speak JSON for json/jsonb columns."""
    pool = await asyncpg.create_pool(
        url, min_size=1, max_size=max_size, init=_init_connection, command_timeout=30
    )
    assert pool is not None
    return pool


@asynccontextmanager
async def unit_of_work(pool: Pool) -> AsyncIterator[Connection]:
    """One connection, one transaction: commits on success, rolls back on any error."""
    async with pool.acquire() as conn, conn.transaction():
        yield conn


@dataclass(frozen=True)
class Migration:
    component: str
    version: int
    name: str
    sql: str


def migrations_in(component: str, package: str) -> list[Migration]:
    """The numbered `NNNN_name.sql` files of `package.migrations`, in order."""
    folder: Traversable = resources.files(package).joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(component, int(match[1]), entry.name, entry.read_text("utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"{package}: two migrations share a number")
    return sorted(found, key=lambda m: m.version)


_CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    component  text NOT NULL,
    version    int NOT NULL,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (component, version)
)"""


async def migrate(pool: Pool, migrations: Sequence[Migration]) -> list[str]:
    """Apply the migrations not yet applied, each in its own transaction; return their names."""
    applied: list[str] = []
    async with pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
        try:
            await conn.execute(_CREATE_LEDGER)
            done = {
                (r["component"], r["version"])
                for r in await conn.fetch("SELECT component, version FROM schema_migrations")
            }
            for m in migrations:
                if (m.component, m.version) in done:
                    continue
                async with conn.transaction():
                    await conn.execute(m.sql)
                    await conn.execute(
                        "INSERT INTO schema_migrations (component, version, name) "
                        "VALUES ($1, $2, $3)",
                        m.component,
                        m.version,
                        m.name,
                    )
                applied.append(f"{m.component}/{m.name}")
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
    return applied


def plumbing_migrations() -> list[Migration]:
    """The runtime's own tables: outbox, inbox, idempotency keys, audit log."""
    return migrations_in("runtime", "bosattning_runtime")


_UNAVAILABLE = (
    asyncpg.PostgresConnectionError,  # the connection broke or could not be made
    asyncpg.InterfaceError,  # used after it closed
    asyncpg.CannotConnectNowError,  # starting up or shutting down
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
)


def unavailable(error: BaseException) -> bool:
    """Whether `error` says the database is away (not reached, restarting, connection lost)
    rather than anything about the work: retrying later will do. A timeout is not counted:
    it may be the work's own fault."""
    if isinstance(error, TimeoutError):
        return False
    return isinstance(error, (*_UNAVAILABLE, OSError))


def record(row: asyncpg.Record) -> dict[str, Any]:
    return dict(row.items())


POOL_CLOSE_SECONDS = 5.0


async def close_pool(pool: Pool) -> None:
    """Close gracefully, but not forever: after a database restart asyncpg's close can wait
    on connections that will never answer."""
    try:
        await asyncio.wait_for(pool.close(), POOL_CLOSE_SECONDS)
    except TimeoutError:
        pool.terminate()
