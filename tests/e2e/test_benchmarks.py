"""The benchmark command's code, run for about a second a side so that it cannot rot: every
comparison gets figures on both sides, the invariant check runs, the report renders.
No timing is asserted: this machine's numbers mean nothing in a test."""

from __future__ import annotations

import math

import pytest

from benchmarks.report import numbers_section
from benchmarks.run import Plan, run_all

pytestmark = pytest.mark.e2e


async def test_every_benchmark_runs_briefly_and_reports_both_sides_of_each_comparison() -> None:
    plan = Plan(seconds=1.0, rounds=1, warmup=0.5, startup_rounds=1, startup_states=("cold",))

    results = await run_all(plan, lambda _: None)

    benchmarks = {c.benchmark for c in results.comparisons}
    assert benchmarks == {
        "up to first answer", "county picture", "GraphQL layer", "decisions", "pipeline",
    }  # fmt: skip
    for comparison in results.comparisons:
        assert comparison.a > 0 and comparison.b > 0, comparison
        assert not math.isnan(comparison.ratio)
    assert any(note.startswith("decisions: invariant intact") for note in results.notes)
    section = numbers_section({"CPU": "test"}, plan, results)
    assert section.count("\n| ") == len(results.comparisons) + 1
