"""BENCHMARKS.md: the numbers section between its markers is rewritten by `--write`."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from bosattning_cli.state import REPO_ROOT

from benchmarks.stats import markdown_table

if TYPE_CHECKING:
    from benchmarks.run import Plan, Results

START, END = "<!-- numbers:start -->", "<!-- numbers:end -->"
PATH = REPO_ROOT / "BENCHMARKS.md"


def numbers_section(machine: Mapping[str, str], plan: Plan, results: Results) -> str:
    lines = [
        START,
        f"Run of {time.strftime('%Y-%m-%d %H:%M %Z')}: `--seconds {plan.seconds:g} "
        f"--rounds {plan.rounds} --warmup {plan.warmup:g}`.",
        "",
        *(f"- {key}: {value}" for key, value in machine.items()),
        "",
        markdown_table(results.comparisons),
        "",
    ]
    notes = [
        f"- {c.benchmark}, {c.measure}, {c.a_label} vs {c.b_label}: {c.note}"
        for c in results.comparisons
        if c.note
    ]
    lines += [*notes, *(f"- {note}" for note in results.notes), END]
    return "\n".join(lines)


def replace_section(document: str, section: str) -> str:
    """`document` with the text between the markers (inclusive) replaced by `section`;
    appended when the markers are missing."""
    begin, end = document.find(START), document.find(END)
    if begin < 0 or end < begin:
        return document.rstrip("\n") + "\n\n" + section + "\n"
    return document[:begin] + section + document[end + len(END) :]


def write(machine: Mapping[str, str], plan: Plan, results: Results, path: Path = PATH) -> Path:
    existing = path.read_text("utf-8") if path.exists() else "# Benchmarks\n"
    path.write_text(replace_section(existing, numbers_section(machine, plan, results)), "utf-8")
    return path
