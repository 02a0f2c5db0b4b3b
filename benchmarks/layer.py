"""The GraphQL layer: Västra Götaland's kommuntal 2022 (49 rows) from the kommuntal subgraph
vs the plain starlette + asyncpg endpoint of `benchmarks.plain` on the same database."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bosattning_cli.servers import free_port
from bosattning_cli.suite import Child
from bosattning_runtime.devkeys import JWKS_FILE

from benchmarks.client import Connection
from benchmarks.harness import VASTRA_GOTALAND, BenchmarkError, Running, until
from benchmarks.load import Side, http_side

CLIENTS = 20
LIST = """{ lan(lanskod: "14") { kommuntal(year: 2022) {
  total rows { kommuntal kommun { kommunkod namn } } } } }"""


@asynccontextmanager
async def plain_endpoint(running: Running) -> AsyncIterator[str]:
    """The plain endpoint as its own uvicorn process, like a service; stopped afterwards."""
    suite = running.suite
    port = free_port()
    env = {
        **os.environ,
        "PLAIN_DATABASE_URL": suite.database_urls["kommuntal"],
        "PLAIN_PORT": str(port),
        "BOSATTNING_JWKS_FILE": str(suite.keys_dir / JWKS_FILE),
    }
    argv = [sys.executable, "-m", "benchmarks.plain"]
    child = Child.spawn("plain", argv, env, suite.logs)
    url = f"http://127.0.0.1:{port}/lan/{VASTRA_GOTALAND}/kommuntal/2022"
    try:
        await until(lambda: _answers(url), "the plain endpoint answering", within=60)
        yield url
    finally:
        await child.stop()


async def _answers(url: str) -> bool:
    connection = Connection(url)
    try:
        await connection.send(connection.request_bytes("GET", b"", {}))
    except OSError:
        return False
    finally:
        await connection.close()
    return True


async def sides(running: Running, plain_url: str) -> list[Side]:
    """Subgraph and plain endpoint, after checking that both answer the same JSON."""
    tokens = [
        running.token(["lansstyrelse"], f"HSA-BENCH-G{i}", lan=[VASTRA_GOTALAND])
        for i in range(CLIENTS)
    ]
    graphql_body = json.dumps({"query": LIST}).encode()
    subgraph = http_side("subgraph", running.service("kommuntal"), "POST", graphql_body, tokens)
    plain = http_side("plain", plain_url, "GET", b"", tokens)
    answers = []
    for url, method, body in (
        (running.service("kommuntal"), "POST", graphql_body),
        (plain_url, "GET", b""),
    ):
        connection = Connection(url)
        headers = {"content-type": "application/json", "authorization": f"Bearer {tokens[0]}"}
        answers.append(
            (await connection.send(connection.request_bytes(method, body, headers))).json()
        )
        await connection.close()
    if answers[0] != answers[1] or len(answers[0]["data"]["lan"]["kommuntal"]["rows"]) != 49:
        raise BenchmarkError(f"the answers differ: {str(answers)[:500]}")
    return [subgraph, plain]
