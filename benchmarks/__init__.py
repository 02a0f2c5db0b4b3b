"""Benchmarks of issue 7: each pair measured in one run, side by side, as ratios.

`python -m benchmarks` (or `./bosattning bench`) starts everything it needs itself;
BENCHMARKS.md says what is measured, how, and what limits each figure.
"""
