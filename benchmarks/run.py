"""One run of every benchmark: the comparisons, in the order BENCHMARKS.md lists them."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bosattning_cli.servers import NatsServer
from bosattning_runtime.bus import connect
from bosattning_runtime.db import close_pool, create_pool

from benchmarks import decisions, layer, picture, pipeline, startup
from benchmarks.harness import Running, running_suite, seed
from benchmarks.load import Side, close_all, interleaved
from benchmarks.stats import Comparison, Sample


@dataclass(frozen=True)
class Plan:
    seconds: float = 20.0  # per side, measured, after warm-up
    rounds: int = 2  # alternating slices per side
    warmup: float = 3.0
    startup_rounds: int = 3
    startup_states: tuple[str, ...] = ("cold", "warm")
    only: frozenset[str] = frozenset()  # empty: all

    def wants(self, name: str) -> bool:
        return not self.only or name in self.only


@dataclass
class Results:
    comparisons: list[Comparison] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


Say = Callable[[str], None]


async def run_all(plan: Plan, say: Say) -> Results:
    results = Results()
    if plan.wants("startup"):
        say("startup: `./bosattning up` vs the embedded servers alone")
        _startup(await startup.measure(plan.startup_rounds, plan.startup_states), results)
    rest = {"picture", "layer", "decisions", "pipeline"}
    if not plan.only or plan.only & rest:
        with tempfile.TemporaryDirectory(prefix="bsb-") as tmp:
            say("starting the suite (three gateways) and seeding")
            async with running_suite(Path(tmp)) as running:
                await seed(running)
                await _suite_benchmarks(running, plan, say, results)
    return results


async def _suite_benchmarks(running: Running, plan: Plan, say: Say, results: Results) -> None:
    if plan.wants("picture"):
        say(f"picture: Jönköping 2022, {picture.CLIENTS} clients")
        sides = await picture.sides(running)
        try:
            _picture(await _interleaved(sides, picture.CLIENTS, plan), results)
        finally:
            await close_all(sides)
    if plan.wants("layer"):
        say(f"GraphQL layer: Västra Götaland's kommuntal list, {layer.CLIENTS} clients")
        async with layer.plain_endpoint(running) as plain_url:
            sides = await layer.sides(running, plain_url)
            try:
                samples = await _interleaved(sides, layer.CLIENTS, plan)
            finally:
                await close_all(sides)
        _layer(samples, results)
    if plan.wants("decisions"):
        say(f"decisions: {decisions.CLIENTS} clients")
        await _decisions(running, plan, results)
    if plan.wants("pipeline"):
        say("pipeline: commit to projection, framework vs bare loop")
        await _pipeline(running, plan, results)


async def _interleaved(sides: list[Side], clients: int, plan: Plan) -> dict[str, Sample]:
    return await interleaved(sides, clients, plan.seconds, plan.rounds, plan.warmup)


def _vs(
    benchmark: str, measure: str, a: tuple[str, float], b: tuple[str, float], unit: str,
    target: float | None = None, at_most: bool = False, note: str = "",
) -> Comparison:  # fmt: skip
    return Comparison(benchmark, measure, a[0], a[1], b[0], b[1], unit, target, at_most, note)


def _startup(samples: dict[str, Sample], results: Results) -> None:
    for state, target in (("cold", 4.0), ("warm", None)):
        if f"up, {state}" not in samples:
            continue
        up, servers = samples[f"up, {state}"], samples[f"servers, {state}"]
        results.comparisons.append(
            _vs(
                "up to first answer", f"{state} state, median of {up.ok}",
                ("up", up.ms(50) / 1000), ("embedded servers", servers.ms(50) / 1000),
                "s", target, at_most=True,
            )
        )  # fmt: skip


def _picture(samples: dict[str, Sample], results: Results) -> None:
    direct = samples["direct"]
    for name, target in (("gateway", 0.6), ("gateway-nodedup", None), ("gateway-js", None)):
        side = samples[name]
        results.comparisons.append(
            _vs("county picture", "pictures/s", (name, side.rate), ("direct", direct.rate),
                "/s", target, note=_latency(side, direct))
        )  # fmt: skip


def _latency(a: Sample, b: Sample) -> str:
    return (
        f"p50 {a.ms(50):.0f} vs {b.ms(50):.0f} ms, p99 {a.ms(99):.0f} vs {b.ms(99):.0f} ms; "
        f"failed {a.failed}/{b.failed}"
    )


def _layer(samples: dict[str, Sample], results: Results) -> None:
    subgraph, plain = samples["subgraph"], samples["plain"]
    results.comparisons.append(
        _vs("GraphQL layer", "answers/s", ("subgraph", subgraph.rate), ("plain", plain.rate),
            "/s", 0.5, note=_latency(subgraph, plain))
    )  # fmt: skip


async def _decisions(running: Running, plan: Plan, results: Results) -> None:
    pool = await create_pool(running.suite.database_urls["anvisning"], 8)
    try:
        cases = decisions.Cases(pool)
        sides = decisions.sides(running, cases)
        try:
            samples = await decisions.measure(cases, sides, plan.seconds, plan.rounds, plan.warmup)
        finally:
            await close_all(sides)
        verdict = await decisions.check_invariant(pool, cases.accepted)
    finally:
        await close_pool(pool)
    for where in ("one kommun", "290 kommuner"):
        gateway, direct = samples[f"gateway, {where}"], samples[f"direct, {where}"]
        refused = f"refused {gateway.refused}/{direct.refused} {gateway.refusals | direct.refusals}"
        results.comparisons.append(
            _vs("decisions", f"accepted/s, {where}", ("gateway", gateway.rate),
                ("direct", direct.rate), "/s", 0.6, note=f"{refused}; {_latency(gateway, direct)}")
        )  # fmt: skip
    results.notes.append(f"decisions: invariant {verdict}")


async def _pipeline(running: Running, plan: Plan, results: Results) -> None:
    postgres = running.suite.postgres
    assert postgres is not None
    producer = await postgres.create_database("bench_producer")
    consumer = await postgres.create_database("bench_consumer")
    server = NatsServer(running.suite.config.state_dir / "nats-pipeline")
    server.start()
    nats = await connect(server.url, "bench-pipeline")
    pipelines, pools = await pipeline.open_pipelines(producer, consumer, nats)
    try:
        samples = await _pipeline_samples(pipelines, plan)
    finally:
        for each in pipelines:
            await each.stop()
        await nats.close()
        for pool in pools:
            await close_pool(pool)
        server.stop()
    fixed = {p.name: samples[f"{p.name} fixed"] for p in pipelines}
    top = {p.name: samples[f"{p.name} sustained"] for p in pipelines}
    at = f"at {pipeline.FIXED_RATE:.0f}/s"
    framework, bare = fixed["framework"], fixed["bare"]
    results.comparisons += [
        _vs("pipeline", "sustained events/s", ("framework", top["framework"].rate),
            ("bare", top["bare"].rate), "/s", 0.5),
        _vs("pipeline", f"p99 {at}", ("framework", framework.ms(99)), ("bare", bare.ms(99)),
            "ms", 3.0, at_most=True),
        _vs("pipeline", f"p50 {at}", ("framework", framework.ms(50)), ("bare", bare.ms(50)), "ms"),
    ]  # fmt: skip


async def _pipeline_samples(pipelines: list[pipeline.Pipeline], plan: Plan) -> dict[str, Sample]:
    """Warm-up, then every fixed-rate slice, then every sustained slice (so that no
    latency slice follows a flood of the other pipeline), alternating the pipelines."""
    samples: dict[str, Sample] = {}
    for each in pipelines:
        await pipeline.fixed_rate(each, plan.warmup)
    slice_seconds = plan.seconds / plan.rounds
    for kind, measure in (("fixed", pipeline.fixed_rate), ("sustained", pipeline.sustained)):
        for index in range(plan.rounds):
            order = pipelines if index % 2 == 0 else list(reversed(pipelines))
            for each in order:
                sample = await measure(each, slice_seconds)
                samples.setdefault(f"{each.name} {kind}", Sample()).add(sample)
    return samples
