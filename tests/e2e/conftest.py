"""The suite through the real gateway: services as subprocesses, Hive Gateway on Node.

Built by `bosattning_cli.suite.Suite`, the same code `bosattning up` runs, on free
ports, against the session's PostgreSQL and keys and a NATS server of its own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from bosattning_cli.servers import NatsServer, free_port
from bosattning_cli.suite import Suite, SuiteConfig, default_service_ports
from bosattning_runtime.devkeys import DevKeys, mint_token

from tests.conftest import PostgresServer


def process_alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, exited but not yet reaped, counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


async def post_graphql(
    url: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(trust_env=False, timeout=30) as client:
        return await client.post(
            url, json={"query": query, "variables": variables or {}}, headers=headers
        )


@dataclass
class Gateway:
    """The running gateway, with tokens signed by the suite's development key."""

    url: str
    keys: DevKeys

    def token(self, roles: Sequence[str], lan: Sequence[str] = (), sub: str = "HSA-E2E") -> str:
        return mint_token(self.keys, sub=sub, roles=roles, lan=lan)

    async def graphql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        response = await post_graphql(self.url, query, variables, token)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture(scope="module")
def e2e_nats_url(state_dir: Path) -> Iterator[str]:
    """One NATS server for a module's suite, or NATS_URL when set."""
    if os.environ.get("NATS_URL"):
        yield os.environ["NATS_URL"]
        return
    server = NatsServer(state_dir / f"nats-e2e-{uuid.uuid4().hex[:8]}")
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def suite_clock_start() -> str | None:
    """Where the services' clock starts (BOSATTNING_CLOCK_START); None: wall time.

    A test module that runs 2022 data overrides this fixture.
    """
    return None


@pytest.fixture(scope="module")
def suite_gateway_env() -> dict[str, str]:
    """Extra environment for the gateway; a module overrides it (e.g. a rate limit)."""
    return {}


@pytest.fixture(scope="module")
def suite_service_env() -> dict[str, str]:
    """Extra environment for every service; a module overrides it (e.g. trace export)."""
    return {}


@pytest.fixture(scope="module")
async def suite(
    postgres: PostgresServer,
    state_dir: Path,
    dev_keys: DevKeys,
    e2e_nats_url: str,
    suite_clock_start: str | None,
    suite_gateway_env: dict[str, str],
    suite_service_env: dict[str, str],
) -> AsyncIterator[Suite]:
    assert dev_keys.directory == state_dir / "keys"  # the suite signs and verifies with these
    services = default_service_ports()
    config = SuiteConfig(
        state_dir=state_dir,
        service_ports={name: free_port() for name in services},
        gateway_port=free_port(),
        database_urls={name: await postgres.fresh_database(name) for name in services},
        nats_url=e2e_nats_url,
        mode="test",
        clock_start=suite_clock_start,
        gateway_env=suite_gateway_env,
        service_env=suite_service_env,
    )
    running = Suite(config)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
def gateway(suite: Suite, dev_keys: DevKeys) -> Gateway:
    return Gateway(suite.gateway_url, dev_keys)


async def decide_kommuntal(
    gateway: Gateway, lanskod: str, lanstal: int, numbers: dict[str, int], year: int = 2022
) -> None:
    """Through the gateway: `nationell` sets the länstal, the county board decides kommuntal."""
    from tests.integration.kommuntal.conftest import DECIDE, SET_LANSTAL, rows

    nationell = mint_token(gateway.keys, sub="HSA-NATIONELL", roles=["nationell"])
    lanstal_input = {
        "year": year,
        "lanskod": lanskod,
        "lanstal": lanstal,
        "reason": "SFS 2021:1234",
    }
    body = await gateway.graphql(SET_LANSTAL, {"input": lanstal_input}, nationell)
    assert body["data"]["setLanstal"]["__typename"] == "SetLanstalSuccess", body
    decision = {
        "year": year,
        "lanskod": lanskod,
        "rows": rows(numbers),
        "reason": "Länsstyrelsens beslut 2021-11-30",
    }
    lst = mint_token(gateway.keys, sub=f"HSA-LST{lanskod}", roles=["lansstyrelse"], lan=[lanskod])
    body = await gateway.graphql(DECIDE, {"input": decision}, lst)
    assert body["data"]["decideKommuntal"]["__typename"] == "DecideKommuntalSuccess", body
