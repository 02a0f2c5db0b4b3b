"""Assignment decisions with 100 concurrent clients, through the gateway vs directly at the
anvisning subgraph, on one municipality and spread over all 290, in the synthetic year.

Cases are registered beforehand through the settlement unit's own command handler (its
transaction, audit and outbox, without HTTP), so that every measured call is one decision.
Refusals (a typed error in the payload) are counted apart; afterwards the invariant is
checked in the settlement unit's database.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import deque
from dataclasses import dataclass, field

from bosattning_anvisning import handlers, planning
from bosattning_anvisning.domain import Category
from bosattning_contracts.needs import NeedCode
from bosattning_contracts.reference import all_kommuner
from bosattning_runtime.clock import clock_from_environment
from bosattning_runtime.db import Pool

from benchmarks.client import Connection
from benchmarks.harness import CLOCK_START, SYNTHETIC_YEAR, BenchmarkError, Running
from benchmarks.load import OK, Side, interleaved
from benchmarks.stats import Sample

CLIENTS = 100
ONE_KOMMUN = "0680"
DECIDE = """mutation($input: DecideAnvisningInput!) { decideAnvisning(input: $input) {
  __typename ... on AnvisningSuccess { anvisning { anvisningId } } ... on Error { code } } }"""
REGISTER_CONCURRENCY = 8
WARMUP_RATE_GUESS = 300  # decisions/s, until a slice has shown the real rate

INVARIANT = """
SELECT k.kommunkod, k.kommuntal, k.used,
       coalesce(sum(a.persons) FILTER (WHERE a.status <> 'cancelled'), 0)::int AS counted,
       count(a.anvisning_id)::int AS decisions
FROM kommuntal k LEFT JOIN anvisning a ON a.year = k.year AND a.kommunkod = k.kommunkod
WHERE k.year = $1 GROUP BY k.kommunkod, k.kommuntal, k.used
"""


class OutOfCasesError(RuntimeError):
    """More decisions were asked for than cases were registered."""


@dataclass
class Cases:
    """Registered, not yet assigned cases; and how many decisions were accepted in all."""

    pool: Pool
    waiting: deque[str] = field(default_factory=deque)
    accepted: int = 0
    serial: int = 0
    taken: int = 0

    def take(self) -> str:
        if not self.waiting:
            raise OutOfCasesError
        self.taken += 1
        return self.waiting.popleft()

    async def top_up(self, count: int) -> None:
        """Register cases until `count` are waiting."""
        if count > len(self.waiting):
            await self.register(count - len(self.waiting))

    async def register(self, count: int) -> None:
        deps = handlers.Deps(
            self.pool,
            clock_from_environment("test", CLOCK_START),
            frozenset(code.value for code in NeedCode),
            planning.default_profile(),
        )
        ids = [f"{self.serial + i:08d}-31" for i in range(count)]
        self.serial += count

        async def one_by_one(chunk: list[str]) -> None:
            for arende_id in chunk:
                cmd = handlers.RegisterArende(arende_id, Category.ABO, 1, 0, (), None)
                await handlers.register_arende(deps, "HSA-BENCH-MO", "MO-BENCH", cmd, None)

        chunks = [ids[i::REGISTER_CONCURRENCY] for i in range(REGISTER_CONCURRENCY)]
        await asyncio.gather(*(one_by_one(chunk) for chunk in chunks))
        self.waiting.extend(ids)


def decision_side(name: str, url: str, tokens: list[str], cases: Cases, spread: bool) -> Side:
    connections = [Connection(url) for _ in tokens]
    headers = [{"content-type": "application/json", "authorization": f"Bearer {t}"} for t in tokens]
    kommuner = [k.kommunkod for k in all_kommuner()]

    async def call(index: int) -> str:
        kommunkod = random.choice(kommuner) if spread else ONE_KOMMUN
        variables = {"input": {"arendeId": cases.take(), "kommunkod": kommunkod}}
        body = json.dumps({"query": DECIDE, "variables": variables}).encode()
        connection = connections[index]
        answer = await connection.send(connection.request_bytes("POST", body, headers[index]))
        payload = answer.json()["data"]["decideAnvisning"]
        if payload["__typename"] != "AnvisningSuccess":
            return str(payload.get("code", payload["__typename"]))
        cases.accepted += 1
        return OK

    return Side(name, call, connections)


def sides(running: Running, cases: Cases) -> list[Side]:
    tokens = [running.token(["bosattningsenhet"], f"HSA-BENCH-BE{i}") for i in range(CLIENTS)]
    result = []
    for spread in (False, True):
        where = "290 kommuner" if spread else "one kommun"
        for target, url in (
            ("gateway", running.gateways["gateway"]),
            ("direct", running.service("anvisning")),
        ):
            result.append(decision_side(f"{target}, {where}", url, tokens, cases, spread))
    return result


async def measure(
    cases: Cases, sides: list[Side], seconds: float, rounds: int, warmup: float
) -> dict[str, Sample]:
    """The sides interleaved; before each slice, cases are registered (unmeasured) for the
    slice at 1.5 times the fastest rate seen in a slice so far (a guess before the first)."""
    state = {"fastest": float(WARMUP_RATE_GUESS), "taken": 0.0, "at": time.perf_counter()}

    async def prepare(slice_seconds: float) -> None:
        elapsed = time.perf_counter() - state["at"]
        if state["taken"] and elapsed > 0:
            state["fastest"] = max(state["fastest"], (cases.taken - state["taken"]) / elapsed)
        await cases.top_up(int(CLIENTS + 1.5 * state["fastest"] * slice_seconds))
        state["taken"], state["at"] = cases.taken, time.perf_counter()

    return await interleaved(sides, CLIENTS, seconds, rounds, warmup, prepare)


async def check_invariant(pool: Pool, accepted: int) -> str:
    """Used places equal the persons of the assignments not cancelled, never above the
    kommuntal, and as many assignments exist as were accepted: raise otherwise."""
    rows = await pool.fetch(INVARIANT, SYNTHETIC_YEAR)
    broken = [
        r["kommunkod"] for r in rows if r["used"] != r["counted"] or r["used"] > r["kommuntal"]
    ]
    decisions = sum(r["decisions"] for r in rows)
    if broken or decisions != accepted:
        raise BenchmarkError(
            f"invariant broken in {broken[:10]}; {decisions} assignments, {accepted} accepted"
        )
    return f"intact: {decisions} assignments in {len(rows)} kommuner, used = persons, ≤ kommuntal"
