"""Figures and their comparison: rates, percentiles, ratios against targets."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by the nearest-rank method; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Sample:
    """What one side of a comparison did: answers by kind, over how long, how fast each."""

    ok: int = 0
    refused: int = 0
    failed: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    refusals: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Answered-as-asked per second."""
        return self.ok / self.seconds if self.seconds > 0 else 0.0

    def add(self, other: Sample) -> None:
        """Fold another slice of the same side into this one (interleaved runs)."""
        self.ok += other.ok
        self.refused += other.refused
        self.failed += other.failed
        self.seconds += other.seconds
        self.latencies.extend(other.latencies)
        for code, count in other.refusals.items():
            self.refusals[code] = self.refusals.get(code, 0) + count

    def ms(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000


@dataclass(frozen=True)
class Comparison:
    """A against B in one run: `ratio` = a / b; the target holds when the ratio is at least
    (or, with `at_most`, at most) `target`. No target: shown for information only."""

    benchmark: str
    measure: str
    a_label: str
    a: float
    b_label: str
    b: float
    unit: str
    target: float | None = None
    at_most: bool = False
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.a / self.b if self.b else math.nan

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        if math.isnan(self.ratio):
            return False
        return self.ratio <= self.target if self.at_most else self.ratio >= self.target

    @property
    def verdict(self) -> str:
        if self.met is None:
            return ""
        sign = "≤" if self.at_most else "≥"
        return f"{'met' if self.met else 'MISSED'} ({sign} {self.target:g}×)"


def number(value: float) -> str:
    """A figure with as many digits as it deserves."""
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


HEADER = ("benchmark", "measure", "A", "B", "A/B", "target")


def rows(comparisons: Sequence[Comparison]) -> list[tuple[str, ...]]:
    return [
        (
            c.benchmark,
            c.measure,
            f"{c.a_label}: {number(c.a)} {c.unit}",
            f"{c.b_label}: {number(c.b)} {c.unit}",
            f"{c.ratio:.2f}" if not math.isnan(c.ratio) else "n/a",
            c.verdict,
        )
        for c in comparisons
    ]


def markdown_table(comparisons: Sequence[Comparison]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in rows(comparisons)]
    return "\n".join(lines)


def text_table(comparisons: Sequence[Comparison]) -> str:
    table = [HEADER, *rows(comparisons)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in table
    )
