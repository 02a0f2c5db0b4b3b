"""`bosattning import`: decide länstal and kommuntal from files, through the domain rules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bosattning_cli.state import state_dir_of

import_app = typer.Typer(help="Decide länstal and kommuntal from files, all or nothing.")

StateOption = Annotated[
    Path | None, typer.Option(envvar="BOSATTNING_STATE_DIR", help="State directory.")
]
TokenOption = Annotated[str | None, typer.Option(help="Decide as this token's identity.")]


@import_app.command("lanstal")
def import_lanstal(file: Path, state_dir: StateOption = None, token: TokenOption = None) -> None:
    """Länstal per year and county (`ar,lanskod,lansnamn,lanstal,kalla`)."""
    from bosattning_cli import importing

    importing.import_lanstal(file, state_dir_of(state_dir), token)


@import_app.command("kommuntal")
def import_kommuntal(
    file: Path,
    year: Annotated[int, typer.Option(help="The kommuntal year.")],
    lan: Annotated[str, typer.Option(help="The county code, e.g. 06.")],
    reason: Annotated[str, typer.Option(help="Why: the decision's reference.")],
    state_dir: StateOption = None,
    token: TokenOption = None,
) -> None:
    """One county's first kommuntal decision for a year (`kod,namn,kommuntal_YYYY`)."""
    from bosattning_cli import importing

    importing.import_kommuntal(file, year, lan, reason, state_dir_of(state_dir), token)
