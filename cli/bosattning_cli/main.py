"""The `bosattning` command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Bosättning: run the suite, mint development tokens, import decisions.")

REPO_ROOT = Path(__file__).resolve().parents[2]


@app.command()
def test(
    pytest_args: Annotated[
        list[str] | None, typer.Argument(help="Extra arguments passed to pytest.")
    ] = None,
) -> None:
    """Run lint, the type checker and every test tier (unit, integration, end to end)."""
    python = sys.executable
    steps: list[list[str]] = [
        [python, "-m", "ruff", "check", "."],
        [python, "-m", "mypy"],
        [python, "-m", "pytest", *(pytest_args or [])],
    ]
    for step in steps:
        code = subprocess.call(step, cwd=REPO_ROOT)
        if code != 0:
            raise typer.Exit(code)


@app.command()
def schema() -> None:
    """Export each service's subgraph SDL into gateway/subgraphs/ and compose the supergraph."""
    from bosattning_cli.gateway import compose
    from bosattning_cli.sdl import write_sdl

    for path in write_sdl():
        typer.echo(f"wrote {path.relative_to(REPO_ROOT)}")
    result = compose()
    typer.echo(result.stdout + result.stderr, nl=False)
    raise typer.Exit(result.returncode)
