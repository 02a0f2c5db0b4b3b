"""The figures the benchmarks print: percentiles, ratios, verdicts and the numbers section."""

from __future__ import annotations

import math

from benchmarks.report import END, START, replace_section
from benchmarks.stats import Comparison, Sample, markdown_table, percentile, text_table


def test_percentiles_are_nearest_rank_and_nan_without_values() -> None:
    values = [float(v) for v in range(1, 101)]

    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile([3.0], 99) == 3.0
    assert math.isnan(percentile([], 50))


def test_slices_of_one_side_add_up_to_its_rate_and_refusals() -> None:
    total = Sample()
    total.add(Sample(ok=100, refused=2, seconds=2.0, refusals={"CAPACITY_EXCEEDED": 2}))
    total.add(Sample(ok=50, refused=1, seconds=1.0, refusals={"CAPACITY_EXCEEDED": 1}))

    assert total.rate == 50.0
    assert total.refusals == {"CAPACITY_EXCEEDED": 3}


def test_a_higher_is_better_target_is_met_at_the_ratio_and_missed_below() -> None:
    met = Comparison("picture", "pictures/s", "gateway", 60.0, "direct", 100.0, "/s", 0.6)
    missed = Comparison("picture", "pictures/s", "gateway", 59.0, "direct", 100.0, "/s", 0.6)
    shown = Comparison("picture", "pictures/s", "js", 59.0, "direct", 100.0, "/s")

    assert (met.met, missed.met, shown.met) == (True, False, None)
    assert missed.verdict == "MISSED (≥ 0.6×)" and shown.verdict == ""


def test_an_at_most_target_holds_for_lower_latencies_and_fails_without_a_baseline() -> None:
    fast = Comparison("pipeline", "p99", "framework", 30.0, "bare", 10.0, "ms", 3.0, at_most=True)
    slow = Comparison("pipeline", "p99", "framework", 31.0, "bare", 10.0, "ms", 3.0, at_most=True)
    none = Comparison("pipeline", "p99", "framework", 31.0, "bare", 0.0, "ms", 3.0, at_most=True)

    assert (fast.met, slow.met, none.met) == (True, False, False)


def test_tables_show_both_sides_the_ratio_and_the_verdict() -> None:
    comparison = Comparison("layer", "answers/s", "subgraph", 450.0, "plain", 900.0, "/s", 0.5)

    markdown = markdown_table([comparison])
    text = text_table([comparison])

    row = "| layer | answers/s | subgraph: 450 /s | plain: 900 /s | 0.50 | met (≥ 0.5×) |"
    assert row in markdown
    assert "subgraph: 450 /s" in text and "0.50" in text


def test_the_numbers_section_is_replaced_between_its_markers_or_appended() -> None:
    document = f"# Benchmarks\n\nmethod\n\n{START}\nold\n{END}\n\nlimits\n"
    section = f"{START}\nnew\n{END}"

    replaced = replace_section(document, section)
    appended = replace_section("# Benchmarks\n", section)

    assert replaced == f"# Benchmarks\n\nmethod\n\n{START}\nnew\n{END}\n\nlimits\n"
    assert appended.endswith(f"{section}\n") and "old" not in replaced
