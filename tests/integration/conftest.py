"""A running service in-process (its real lifespan) against real PostgreSQL and NATS."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import nats
import pytest
from bosattning_runtime.bus import STREAM
from bosattning_runtime.devkeys import DevKeys, mint_token
from nats.aio.client import Client as NatsClient
from starlette.applications import Starlette

pytestmark = pytest.mark.integration


@dataclass
class RunningService:
    app: Starlette
    client: httpx.AsyncClient
    keys: DevKeys
    database_url: str
    nats_url: str

    def token(
        self,
        *,
        roles: Sequence[str],
        lan: Sequence[str] = (),
        sub: str = "HSA-TEST-1",
        kommun: str | None = None,
        enhet: str | None = None,
    ) -> str:
        return mint_token(self.keys, sub=sub, roles=roles, lan=lan, kommun=kommun, enhet=enhet)

    async def graphql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    @property
    def deps(self) -> Any:
        return self.app.state.deps


def service_environment(
    service: str, database_url: str, nats_url: str, keys: DevKeys, **extra: str
) -> dict[str, str]:
    return {
        "BOSATTNING_MODE": "test",
        f"{service.upper()}_DATABASE_URL": database_url,
        "NATS_URL": nats_url,
        "BOSATTNING_JWT_PUBLIC_KEY": keys.public_key_pem,
        "BOSATTNING_CONSUMER_BACKOFF": "0.1,0.2,0.5",
        "BOSATTNING_CLOCK_START": "2022-03-01T09:00:00+01:00",
        **extra,
    }


StartService = Callable[..., Awaitable[RunningService]]


@pytest.fixture
async def start_service(
    postgres: Any, nats_url: str, dev_keys: DevKeys
) -> AsyncIterator[StartService]:
    stack: list[Any] = []

    async def start(
        service: str,
        create_app: Callable[[Any], Starlette],
        default_port: int,
        database_url: str | None = None,
        **extra: str,
    ) -> RunningService:
        from bosattning_runtime.settings import load_settings

        url = database_url or await postgres.fresh_database(service)
        env = service_environment(service, url, nats_url, dev_keys, **extra)
        app = create_app(load_settings(service, default_port, environ=env))
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://service"
        )
        stack.append((lifespan, client))

        async def ready() -> bool:  # connected to NATS, streams in place
            return (await client.get("/ready")).status_code == 200

        await eventually(ready)
        return RunningService(app, client, dev_keys, url, nats_url)

    yield start
    for lifespan, client in reversed(stack):
        await client.aclose()
        await asyncio.wait_for(lifespan.__aexit__(None, None, None), 15)


@pytest.fixture
async def bus(nats_url: str) -> AsyncIterator[NatsClient]:
    nc = await nats.connect(nats_url)
    yield nc
    await nc.close()


async def subject_count(nc: NatsClient, subject: str) -> int:
    """How many messages the event stream holds on `subject`."""
    info = await nc.jetstream().stream_info(STREAM, subjects_filter=subject)
    return int((info.state.subjects or {}).get(subject, 0))


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        if await check():
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)
