"""`python -m benchmarks`: run the benchmarks, print the machine and the comparisons."""

from __future__ import annotations

import argparse
import sys

import uvloop

from benchmarks import machine, report
from benchmarks.run import Plan, run_all
from benchmarks.stats import text_table

NAMES = ("startup", "picture", "layer", "decisions", "pipeline")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bosattning bench", description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per side")
    parser.add_argument("--rounds", type=int, default=2, help="alternating slices per side")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds per side")
    parser.add_argument("--startup-rounds", type=int, default=3)
    parser.add_argument("--only", choices=NAMES, action="append", help="run only these")
    parser.add_argument("--write", action="store_true", help="refresh BENCHMARKS.md's numbers")
    args = parser.parse_args(argv)
    plan = Plan(
        args.seconds,
        args.rounds,
        args.warmup,
        args.startup_rounds,
        only=frozenset(args.only or ()),
    )
    described = machine.describe()
    for key, value in described.items():
        print(f"{key:>22}: {value}")

    def say(step: str) -> None:
        print(f"… {step}", file=sys.stderr, flush=True)

    results = uvloop.run(run_all(plan, say))
    print(text_table(results.comparisons))
    for note in results.notes:
        print(note)
    if args.write:
        path = report.write(described, plan, results)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
