"""Gateway overhead: Jönköping's 2022 county picture through the gateway vs a client that
makes the same subgraph calls itself (kommuntal first, then anvisning and dialog at once)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from benchmarks.client import Connection
from benchmarks.harness import JONKOPING, BenchmarkError, Running
from benchmarks.load import OK, Side, http_side

CLIENTS = 20

PICTURE = """{ lan(lanskod: "06") {
  namn lanstal(year: 2022) { lanstal }
  kommuntal(year: 2022) { total rows { kommuntal kommun { kommunkod namn used(year: 2022)
      received(year: 2022) remaining(year: 2022) selfSettled(year: 2022) pendingReceptions } } }
  anvisningTotals(year: 2022) { used remaining }
  planMonths(year: 2022) { month planned assigned }
  kommuntalRevisions(year: 2022) { status reason }
  planChanges(year: 2022) { kommunkod reason }
  openEscalations escalationsByKind { kind open } lastAvstamning lastLanstraff } }"""

KOMMUNTAL_PART = """{ lan(lanskod: "06") {
  namn lanstal(year: 2022) { lanstal }
  kommuntal(year: 2022) { total rows { kommuntal kommun { kommunkod namn } } }
  kommuntalRevisions(year: 2022) { status reason } } }"""
ANVISNING_PART = """query($r: [_Any!]!, $l: [_Any!]!) {
  kommuner: _entities(representations: $r) { ... on Kommun {
    used(year: 2022) received(year: 2022) remaining(year: 2022) } }
  lan: _entities(representations: $l) { ... on Lan {
    anvisningTotals(year: 2022) { used remaining } planMonths(year: 2022) { month planned assigned }
    planChanges(year: 2022) { kommunkod reason } } } }"""
DIALOG_PART = """query($r: [_Any!]!, $l: [_Any!]!) {
  kommuner: _entities(representations: $r) { ... on Kommun {
    selfSettled(year: 2022) pendingReceptions } }
  lan: _entities(representations: $l) { ... on Lan {
    openEscalations escalationsByKind { kind open } lastAvstamning lastLanstraff } } }"""
# The gateway answers the fields in the order of the query; the direct client does too.
LAN_ORDER = (
    "namn", "lanstal", "kommuntal", "anvisningTotals", "planMonths", "kommuntalRevisions",
    "planChanges", "openEscalations", "escalationsByKind", "lastAvstamning", "lastLanstraff",
)  # fmt: skip
KOMMUN_ORDER = (
    "kommunkod", "namn", "used", "received", "remaining", "selfSettled", "pendingReceptions",
)  # fmt: skip


def _data(answer_body: Any) -> dict[str, Any]:
    if not isinstance(answer_body, dict) or answer_body.get("errors") or "data" not in answer_body:
        raise BenchmarkError(f"unexpected answer: {str(answer_body)[:300]}")
    data: dict[str, Any] = answer_body["data"]
    return data


class DirectClient:
    """One simulated user calling the three subgraphs itself, with one connection each."""

    def __init__(self, running: Running, token: str) -> None:
        self.headers = {"authorization": f"Bearer {token}"}
        self.kommuntal = Connection(running.service("kommuntal"))
        self.anvisning = Connection(running.service("anvisning"))
        self.dialog = Connection(running.service("dialog"))

    async def picture(self) -> dict[str, Any]:
        first = await self.kommuntal.post_json({"query": KOMMUNTAL_PART}, self.headers)
        lan = _data(first.json())["lan"]
        rows = lan["kommuntal"]["rows"]
        variables = {
            "r": [{"__typename": "Kommun", "kommunkod": r["kommun"]["kommunkod"]} for r in rows],
            "l": [{"__typename": "Lan", "lanskod": JONKOPING}],
        }
        anvisning, dialog = await asyncio.gather(
            self.anvisning.post_json(
                {"query": ANVISNING_PART, "variables": variables}, self.headers
            ),
            self.dialog.post_json({"query": DIALOG_PART, "variables": variables}, self.headers),
        )
        return {"lan": _merge(lan, _data(anvisning.json()), _data(dialog.json()))}

    @property
    def connections(self) -> tuple[Connection, ...]:
        return (self.kommuntal, self.anvisning, self.dialog)


def _merge(lan: dict[str, Any], *parts: dict[str, Any]) -> dict[str, Any]:
    merged = dict(lan)
    rows = merged["kommuntal"]["rows"]
    for part in parts:
        merged.update(part["lan"][0])
        for row, extra in zip(rows, part["kommuner"], strict=True):
            row["kommun"].update(extra)
    for row in rows:
        row["kommun"] = {key: row["kommun"][key] for key in KOMMUN_ORDER}
    return {key: merged[key] for key in LAN_ORDER}


def direct_side(clients: list[DirectClient]) -> Side:
    async def call(index: int) -> str:
        await clients[index].picture()
        return OK

    return Side("direct", call, [c for client in clients for c in client.connections])


async def sides(running: Running) -> list[Side]:
    """The sides to compare, after checking that each gives the same picture."""
    tokens = [
        running.token(["lansstyrelse"], f"HSA-BENCH-P{i}", lan=[JONKOPING]) for i in range(CLIENTS)
    ]
    direct = [DirectClient(running, token) for token in tokens]
    expected = await direct[0].picture()
    body = json.dumps({"query": PICTURE}).encode()
    result: list[Side] = []
    for name, url in running.gateways.items():
        probe = Connection(url)
        answer = await probe.post_json({"query": PICTURE}, {"authorization": f"Bearer {tokens[0]}"})
        await probe.close()
        if _data(answer.json()) != expected:
            raise BenchmarkError(f"{name} and the direct client give different pictures")
        result.append(http_side(name, url, "POST", body, tokens))
    result.append(direct_side(direct))
    return result
