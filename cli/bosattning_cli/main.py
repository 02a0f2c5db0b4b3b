"""The `bosattning` command."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.status import Status

    from bosattning_cli.suite import Suite, SuiteConfig

from bosattning_cli.imports import import_app
from bosattning_cli.natsauth import nats_app
from bosattning_cli.state import DEFAULT_STATE_DIR, REPO_ROOT, state_dir_of

app = typer.Typer(help="Bosättning: run the suite, mint development tokens, import decisions.")
app.add_typer(import_app, name="import")
app.add_typer(nats_app, name="nats")

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

StateDir = Annotated[
    Path | None,
    typer.Option(
        envvar="BOSATTNING_STATE_DIR",
        help="Keys, data and logs (default: .bosattning/ in the repository).",
    ),
]
PortOffset = Annotated[
    int, typer.Option(help="Added to every default port (gateway 4000, services 4001-, NATS 4222).")
]
Port = Annotated[int | None, typer.Option(min=1, max=65535)]
ServicePorts = Annotated[
    list[str] | None,
    typer.Option(help="NAME=PORT for one service, e.g. kommuntal=5001; repeatable."),
]
ClockStart = Annotated[
    str | None,
    typer.Option(help="ISO date or time the services' clocks start at (not production)."),
]


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


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def bench(ctx: typer.Context) -> None:
    """Run the benchmarks (benchmarks/, BENCHMARKS.md); `bench --help` lists their options."""
    code = subprocess.call([sys.executable, "-m", "benchmarks", *ctx.args], cwd=REPO_ROOT)
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


@app.command()
def up(
    state_dir: StateDir = None,
    port_offset: PortOffset = 0,
    gateway_port: Port = None,
    nats_port: Port = None,
    service_port: ServicePorts = None,
    clock_start: ClockStart = None,
) -> None:
    """Start PostgreSQL, NATS, every service and the gateway; Ctrl-C stops them all.

    PostgreSQL and NATS are embedded unless KOMMUNTAL_DATABASE_URL (and the other
    services' *_DATABASE_URL) and NATS_URL name servers to use instead.
    """
    from bosattning_cli.suite import SuiteError

    directory = state_dir_of(state_dir)
    ports = parse_ports(gateway_port, nats_port, service_port or [])
    try:
        config = suite_config(directory, os.environ, port_offset, ports, clock_start)
    except (SuiteError, ValueError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    raise typer.Exit(asyncio.run(_serve(config, _token_hint(directory))))


@app.command()
def token(
    role: Annotated[list[str], typer.Option(help="A role, e.g. lansstyrelse; repeatable.")],
    lan: Annotated[list[str] | None, typer.Option(help="County code, e.g. 06; repeatable.")] = None,
    kommun: Annotated[str | None, typer.Option(help="Municipality code, e.g. 0680.")] = None,
    enhet: Annotated[str | None, typer.Option(help="Reception unit id.")] = None,
    sub: Annotated[str, typer.Option(help="Staff id (never a personal number).")] = "HSA-DEV-1",
    ttl_hours: Annotated[float, typer.Option(help="Hours until the token expires.")] = 8.0,
    state_dir: StateDir = None,
) -> None:
    """Print a development JWT signed with the key in the state directory."""
    from bosattning_cli.tokens import TokenRequest, TokenRequestError, mint, warnings

    codes = tuple(code.strip() for item in lan or [] for code in item.split(",") if code.strip())
    request = TokenRequest(tuple(role), sub, codes, kommun, enhet, ttl_hours)
    try:
        minted = mint(state_dir_of(state_dir), request)
    except TokenRequestError as error:
        for problem in str(error).splitlines():
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(2) from error
    for warning in warnings(request):
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(minted)


def parse_ports(gateway: int | None, nats: int | None, services: list[str]) -> dict[str, int]:
    """Explicit ports by name ("gateway", "nats", a service) from the options."""
    ports = {name: port for name, port in (("gateway", gateway), ("nats", nats)) if port}
    for item in services:
        name, _, port = item.partition("=")
        if not (port.isdigit() and 1 <= int(port) <= 65535 and name.strip()):
            raise typer.BadParameter(f"{item!r}: expected NAME=PORT", param_hint="--service-port")
        ports[name.strip()] = int(port)
    return ports


def suite_config(
    state_dir: Path,
    environ: Mapping[str, str],
    port_offset: int = 0,
    ports: Mapping[str, int] | None = None,
    clock_start: str | None = None,
) -> SuiteConfig:
    """Default ports plus `port_offset`, overridden by `ports`; servers given by the environment."""
    from bosattning_runtime.clock import parse_clock_start

    from bosattning_cli.suite import SuiteConfig, default_service_ports

    services = default_service_ports()
    chosen = _chosen_ports(services, port_offset, ports or {})
    if clock_start:
        parse_clock_start(clock_start)
    given = {name: environ.get(f"{name.upper()}_DATABASE_URL", "").strip() for name in services}
    return SuiteConfig(
        state_dir=state_dir,
        service_ports={name: chosen[name] for name in services},
        gateway_port=chosen["gateway"],
        nats_port=chosen["nats"],
        database_urls={name: url for name, url in given.items() if url},
        nats_url=environ.get("NATS_URL", "").strip() or None,
        clock_start=clock_start or None,
    )


def _chosen_ports(
    services: Mapping[str, int], offset: int, ports: Mapping[str, int]
) -> dict[str, int]:
    from bosattning_cli.suite import GATEWAY_PORT, NATS_PORT

    defaults = {"gateway": GATEWAY_PORT, "nats": NATS_PORT, **services}
    unknown = sorted(set(ports) - set(defaults))
    if unknown:
        raise ValueError(f"no port named {', '.join(unknown)}; the names are {', '.join(defaults)}")
    chosen = {name: ports.get(name, port + offset) for name, port in defaults.items()}
    if not all(1 <= port <= 65535 for port in chosen.values()):
        raise ValueError(f"--port-offset {offset} leaves the port range")
    return chosen


def _token_hint(state_dir: Path) -> str:
    hint = "./bosattning token --role lansstyrelse --lan 06"
    return hint if state_dir == DEFAULT_STATE_DIR else f"{hint} --state-dir {state_dir}"


async def _serve(config: SuiteConfig, token_hint: str) -> int:
    """Start the suite, show where it answers, run until a signal or a child's exit, stop it."""
    from rich.console import Console
    from rich.markup import escape

    from bosattning_cli.gateway import GatewayNotInstalledError
    from bosattning_cli.suite import Suite, SuiteError

    console = Console(highlight=False)
    suite = Suite(config)
    _cancel_on_signals()
    try:
        started = time.monotonic()
        with console.status("Starting") as status:
            steps = _Steps(console, status)
            await suite.start(steps)
            steps.finish()
        _show(console, suite, time.monotonic() - started, token_hint)
        console.print(f"[red]{escape(await suite.watch())}[/]")
        return 1
    except asyncio.CancelledError:
        return 0
    except (SuiteError, GatewayNotInstalledError) as error:
        console.print(f"[red]cannot start:[/] {escape(str(error))}")
        return 1
    finally:
        _ignore_stop_signals()  # nothing may interrupt the stopping
        with console.status("Stopping the gateway, services, NATS and PostgreSQL"):
            await suite.stop()
        console.print("Stopped.")


def _cancel_on_signals() -> None:
    """The first SIGINT/SIGTERM/SIGHUP cancels the running task, which then stops the suite."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None

    def once() -> None:
        _ignore_stop_signals()
        task.cancel()

    for sig in _STOP_SIGNALS:
        loop.add_signal_handler(sig, once)


def _ignore_stop_signals() -> None:
    loop = asyncio.get_running_loop()
    for sig in _STOP_SIGNALS:
        loop.add_signal_handler(sig, lambda: None)


class _Steps:
    """Shows the current start-up step in the status line and each finished one with its time."""

    def __init__(self, console: Console, status: Status) -> None:
        self.console, self.status = console, status
        self.current: str | None = None
        self.since = time.monotonic()

    def __call__(self, step: str) -> None:
        self.finish()
        self.current, self.since = step, time.monotonic()
        self.status.update(step)

    def finish(self) -> None:
        if self.current is not None:
            seconds = time.monotonic() - self.since
            self.console.print(f"[green]✓[/] {self.current} [dim]{seconds:.1f} s[/]")
        self.current = None


def _show(console: Console, suite: Suite, seconds: float, token_hint: str) -> None:
    from rich.table import Table

    rows = [("GraphQL", suite.gateway_url)]
    rows += [(name, suite.service_url(name)) for name in suite.config.service_ports]
    rows.append(("NATS", suite.nats_url))
    pg = suite.postgres
    rows.append(("PostgreSQL", f"embedded, {pg.datadir}" if pg else "from *_DATABASE_URL"))
    rows.append(("logs", str(suite.logs)))
    table = Table.grid(padding=(0, 2))
    for label, value in rows:
        table.add_row(f"  {label}", value)
    console.print(f"[bold green]Bosättning is running[/] (ready in {seconds:.1f} s)")
    console.print(table)
    console.print(f"A token:  [bold]{token_hint}[/]", soft_wrap=True)
    console.print("Ctrl-C stops everything.")


if __name__ == "__main__":
    app()
