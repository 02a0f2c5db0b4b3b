"""Closed-loop and paced load: N clients as fast as answers come, or a fixed rate."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.client import Connection
from benchmarks.stats import Sample

OK = "ok"
# One call of a client: "ok", or the code of a refusal the system gave on purpose
# (counted apart); an exception counts as a failure.
Call = Callable[[int], Awaitable[str]]


class LoadError(RuntimeError):
    """An answer that is neither what was asked nor a refusal on purpose."""


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a name, the call each client makes, and the connections
    the calls keep open (closed by `close_all`)."""

    name: str
    call: Call
    connections: Sequence[Connection] = ()


async def close_all(sides: Sequence[Side]) -> None:
    for side in sides:
        for connection in side.connections:
            await connection.close()


async def closed_loop(call: Call, clients: int, seconds: float) -> Sample:
    """`clients` concurrent loops, each calling again as soon as it is answered."""
    sample = Sample()
    deadline = time.perf_counter() + seconds

    async def client(index: int) -> None:
        while (start := time.perf_counter()) < deadline:
            try:
                outcome = await call(index)
            except Exception:
                sample.failed += 1
                await asyncio.sleep(0.01)
                continue
            _count(sample, outcome, time.perf_counter() - start)

    began = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    sample.seconds = time.perf_counter() - began
    return sample


def _count(sample: Sample, outcome: str, latency: float) -> None:
    if outcome == OK:
        sample.ok += 1
        sample.latencies.append(latency)
    else:
        sample.refused += 1
        sample.refusals[outcome] = sample.refusals.get(outcome, 0) + 1


Prepare = Callable[[float], Awaitable[None]]


async def _nothing(seconds: float) -> None:
    pass


async def interleaved(
    sides: Sequence[Side],
    clients: int,
    seconds: float,
    rounds: int,
    warmup: float,
    prepare: Prepare = _nothing,
) -> dict[str, Sample]:
    """Each side for `seconds` in all, in `rounds` alternating slices (so drift in the
    machine's load falls on every side alike), after `warmup` seconds of each unmeasured;
    `prepare(slice seconds)` runs, unmeasured, before every warm-up and slice."""
    for side in sides:
        await prepare(warmup)
        await closed_loop(side.call, clients, warmup)
    totals = {side.name: Sample() for side in sides}
    for index in range(rounds):
        order = sides if index % 2 == 0 else list(reversed(sides))
        for side in order:
            await prepare(seconds / rounds)
            totals[side.name].add(await closed_loop(side.call, clients, seconds / rounds))
    return totals


async def paced(
    start: Callable[[int], Coroutine[Any, Any, None]], rate: float, seconds: float
) -> float:
    """Start `start(i)` at `rate` per second for `seconds` without waiting for each to end
    (an open loop: a slow answer does not slow the schedule); return the achieved rate."""
    tasks: set[asyncio.Task[None]] = set()
    count = int(rate * seconds)
    began = time.perf_counter()
    for i in range(count):
        delay = began + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(start(i))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    elapsed = time.perf_counter() - began
    if tasks:
        await asyncio.gather(*tasks)
    return count / elapsed if elapsed > 0 else 0.0


def http_side(name: str, url: str, method: str, body: bytes, tokens: Sequence[str]) -> Side:
    """Each client sends the same prepared request (with its own token) on its own
    connection; anything but 200 without errors is a failure."""
    connections = [Connection(url) for _ in tokens]
    requests = [
        connections[0].request_bytes(
            method, body, {"content-type": "application/json", "authorization": f"Bearer {t}"}
        )
        for t in tokens
    ]

    async def call(index: int) -> str:
        answer = await connections[index].send(requests[index])
        if answer.status != 200 or b'"errors"' in answer.body:
            raise LoadError(answer.body[:300].decode())
        return OK

    return Side(name, call, connections)
