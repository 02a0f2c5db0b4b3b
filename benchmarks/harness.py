"""The suite the benchmarks run against, its tokens, and the data they read and write."""

from __future__ import annotations

import asyncio
import csv
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from bosattning_cli.servers import free_port
from bosattning_cli.state import REPO_ROOT
from bosattning_cli.suite import Suite, SuiteConfig, default_service_ports
from bosattning_contracts.reference import all_lan, kommuner_in_lan
from bosattning_runtime.devkeys import DevKeys, mint_token

# The services' clock: assignments count against this synthetic year; 2022 stays decidable.
CLOCK_START = "2031-03-01T09:00:00+01:00"
SYNTHETIC_YEAR = 2031
# Places per municipality in the synthetic year: more than any run can assign.
SYNTHETIC_KOMMUNTAL = 1_000_000
JONKOPING, VASTRA_GOTALAND = "06", "14"

SET_LANSTAL = """mutation($input: SetLanstalInput!) { setLanstal(input: $input) {
  __typename ... on Error { code message } } }"""
DECIDE_KOMMUNTAL = """mutation($input: KommuntalInput!) { decideKommuntal(input: $input) {
  __typename ... on Error { code message } } }"""
PROJECTED = """query($r: [_Any!]!, $y: Int!) { _entities(representations: $r) {
  ... on Kommun { remaining(year: $y) } } }"""


class BenchmarkError(RuntimeError):
    """A benchmark could not be set up or gave wrong answers."""


@dataclass
class Running:
    """The started suite, plus extra gateways by name (URL)."""

    suite: Suite
    keys: DevKeys
    gateways: dict[str, str]

    def token(self, roles: list[str], sub: str, **scopes: Any) -> str:
        return mint_token(self.keys, sub=sub, roles=roles, **scopes)

    def service(self, name: str) -> str:
        return self.suite.service_url(name)


@asynccontextmanager
async def running_suite(state_dir: Path) -> AsyncIterator[Running]:
    """The whole suite on embedded servers in `state_dir`, the services' clock in the
    synthetic year, no gateway rate limit; two more gateways beside the default one (Rust
    query planner, in-flight deduplication on): deduplication off, and the JavaScript
    planner."""
    services = default_service_ports()
    config = SuiteConfig(
        state_dir=state_dir,
        service_ports={name: free_port() for name in services},
        gateway_port=free_port(),
        nats_port=free_port(),
        mode="test",
        clock_start=CLOCK_START,
        gateway_env={"GATEWAY_RATE_LIMIT": ""},
    )
    suite = Suite(config)
    try:
        await suite.start()
        assert suite.keys is not None
        extra = {
            "gateway-nodedup": {"GATEWAY_DEDUPLICATE": "false"},
            "gateway-js": {"GATEWAY_RUST_PLANNER": "false"},
        }
        urls = await asyncio.gather(
            *(suite.add_gateway(name, free_port(), env) for name, env in extra.items())
        )
        gateways = {"gateway": suite.gateway_url, **dict(zip(extra, urls, strict=True))}
        yield Running(suite, suite.keys, gateways)
    finally:
        await suite.stop()


async def graphql(url: str, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    """One GraphQL request for setting up and checking (not on a measured path)."""
    headers = {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(trust_env=False, timeout=60) as client:
        response = await client.post(
            url, json={"query": query, "variables": variables}, headers=headers
        )
    body: dict[str, Any] = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise BenchmarkError(f"{url}: {response.status_code} {response.text[:500]}")
    return body


async def decide_county(running: Running, year: int, lanskod: str, numbers: dict[str, int]) -> None:
    """Länstal (the sum) and the county board's kommuntal, at the kommuntal subgraph."""
    url = running.service("kommuntal")
    nationell = running.token(["nationell"], "HSA-BENCH-N")
    lanstal = {
        "year": year,
        "lanskod": lanskod,
        "lanstal": sum(numbers.values()),
        "reason": "bench",
    }
    body = await graphql(url, SET_LANSTAL, {"input": lanstal}, nationell)
    _expect(body["data"]["setLanstal"], "SetLanstalSuccess")
    rows = [{"kommunkod": k, "kommuntal": n} for k, n in numbers.items()]
    decision = {"year": year, "lanskod": lanskod, "rows": rows, "reason": "bench"}
    lst = running.token(["lansstyrelse"], f"HSA-BENCH-L{lanskod}", lan=[lanskod])
    body = await graphql(url, DECIDE_KOMMUNTAL, {"input": decision}, lst)
    _expect(body["data"]["decideKommuntal"], "DecideKommuntalSuccess")


def _expect(payload: dict[str, Any], typename: str) -> None:
    if payload["__typename"] != typename:
        raise BenchmarkError(f"expected {typename}, got {payload}")


def jonkoping_2022() -> dict[str, int]:
    """Länsstyrelsen i Jönköpings län's kommuntal 2022, from the shipped example."""
    path = REPO_ROOT / "examples" / "kommuntal_jonkoping_2022.csv"
    with path.open(encoding="utf-8") as file:
        return {row["kod"]: int(row["kommuntal_2022"]) for row in csv.DictReader(file)}


async def seed(running: Running) -> None:
    """Jönköping 2022 (real), Västra Götaland 2022 (10 each, 49 rows), and every county in
    the synthetic year; then wait until the settlement unit has projected all of it."""
    await decide_county(running, 2022, JONKOPING, jonkoping_2022())
    vg = {k.kommunkod: 10 for k in kommuner_in_lan(VASTRA_GOTALAND)}
    await decide_county(running, 2022, VASTRA_GOTALAND, vg)
    for lan in all_lan():
        numbers = {k.kommunkod: SYNTHETIC_KOMMUNTAL for k in kommuner_in_lan(lan.lanskod)}
        await decide_county(running, SYNTHETIC_YEAR, lan.lanskod, numbers)
    last = [(2022, JONKOPING), (2022, VASTRA_GOTALAND)]
    last += [(SYNTHETIC_YEAR, lan.lanskod) for lan in all_lan()]
    await until(lambda: _all_projected(running, last), "the settlement unit's projection")


async def _all_projected(running: Running, counties: list[tuple[int, str]]) -> bool:
    token = running.token(["bosattningsenhet"], "HSA-BENCH-BE")
    for year, lanskod in counties:
        reps = [
            {"__typename": "Kommun", "kommunkod": k.kommunkod} for k in kommuner_in_lan(lanskod)
        ]
        body = await graphql(running.service("anvisning"), PROJECTED, {"r": reps, "y": year}, token)
        if any(e is None or e["remaining"] is None for e in body["data"]["_entities"]):
            return False
    return True


async def until(check: Callable[[], Awaitable[bool]], what: str, within: float = 120.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise BenchmarkError(f"{what} did not happen within {within:.0f} s")
        await asyncio.sleep(0.2)
