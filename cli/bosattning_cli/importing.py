"""The work of `bosattning import`: länstal and kommuntal files decided through the domain
rules (imported only when an import runs: the CLI starts faster without the service)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import typer
from bosattning_kommuntal import access, handlers
from bosattning_kommuntal.imports import (
    ImportRefused,
    Problem,
    parse_kommuntal,
    parse_lanstal,
    row_line,
)
from bosattning_runtime.auth import Principal, TokenVerifier
from bosattning_runtime.clock import clock_from_environment
from bosattning_runtime.commands import BatchRejected
from bosattning_runtime.db import create_pool, migrate, migrations_in, plumbing_migrations
from bosattning_runtime.devkeys import generate_keypair
from bosattning_runtime.errors import AuthenticationError, DomainError

from bosattning_cli.servers import EmbeddedPostgres

DEV_IDENTITY = "bosattning-import"


@asynccontextmanager
async def kommuntal_deps(state: Path) -> AsyncIterator[handlers.Deps]:
    """The kommuntal service's dependencies on its database (the env's, or the embedded one)."""
    url = os.environ.get("KOMMUNTAL_DATABASE_URL")
    started: EmbeddedPostgres | None = None
    if not url:
        server = EmbeddedPostgres(state / "pg")
        # attach to the server of a running `up`; otherwise start one just for this import
        if not (server.datadir / "postmaster.pid").exists():
            started = server
        server.start()
        url = await server.create_database("kommuntal")
    pool = await create_pool(url, 2)
    try:
        await migrate(
            pool, [*plumbing_migrations(), *migrations_in("kommuntal", "bosattning_kommuntal")]
        )
        mode = os.environ.get("BOSATTNING_MODE", "development")
        clock = clock_from_environment(mode, os.environ.get("BOSATTNING_CLOCK_START"))
        yield handlers.Deps(pool, clock, timedelta(hours=168))
    finally:
        await pool.close()
        if started is not None:
            started.stop()


def _actor(state: Path, token: str | None) -> Principal | str:
    if token is None:
        if os.environ.get("BOSATTNING_MODE", "development") == "production":
            raise typer.BadParameter("production imports need --token", param_hint="--token")
        return DEV_IDENTITY
    keys = generate_keypair(state / "keys")
    try:
        return TokenVerifier(jwks=keys.jwks).verify(token)
    except AuthenticationError as error:
        raise typer.BadParameter(str(error), param_hint="--token") from error


def _refuse(problems: list[Problem]) -> None:
    for problem in problems:
        typer.echo(f"line {problem.line}: {problem.reason}", err=True)
    typer.echo("refused: nothing of the file was decided", err=True)
    raise typer.Exit(1)


def import_lanstal(file: Path, state_dir: Path, token: str | None) -> None:
    actor = _actor(state_dir, token)
    if isinstance(actor, Principal) and not access.may_set_lanstal(actor):
        raise typer.BadParameter("only the national role sets länstal", param_hint="--token")
    try:
        lines = parse_lanstal(file.read_text("utf-8"))
    except ImportRefused as refused:
        _refuse(refused.problems)
    name = actor.sub if isinstance(actor, Principal) else actor

    async def run() -> int:
        async with kommuntal_deps(state_dir) as deps:
            return len(await handlers.import_lanstal(deps, name, [cmd for _, cmd in lines]))

    try:
        count = asyncio.run(run())
    except BatchRejected as rejected:
        _refuse([Problem(lines[i][0], f"{e.code}: {e.message}") for i, e in rejected.errors])
    typer.echo(f"decided {count} länstal from {file.name} as {name}")


def import_kommuntal(
    file: Path, year: int, lan: str, reason: str, state_dir: Path, token: str | None
) -> None:
    actor = _actor(state_dir, token)
    if isinstance(actor, Principal) and not access.may_decide_kommuntal(actor, lan):
        raise typer.BadParameter(
            f"this token may not decide for county {lan}", param_hint="--token"
        )
    try:
        command = parse_kommuntal(file.read_text("utf-8"), year, lan, reason)
    except ImportRefused as refused:
        _refuse(refused.problems)
    name = actor.sub if isinstance(actor, Principal) else actor

    async def run() -> None:
        async with kommuntal_deps(state_dir) as deps:
            await handlers.decide_kommuntal(deps, name, command, None)

    try:
        asyncio.run(run())
    except DomainError as error:
        _refuse([Problem(row_line(error.field) or 1, f"{error.code}: {error.message}")])
    typer.echo(f"decided kommuntal {year} for county {lan} from {file.name} as {name}")
