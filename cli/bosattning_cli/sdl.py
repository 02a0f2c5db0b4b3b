"""The subgraphs' SDL, exported from the services' schemas into gateway/subgraphs/."""

from __future__ import annotations

import importlib
from pathlib import Path

from bosattning_cli.gateway import gateway_dir

# service name -> module whose build_schema() gives its subgraph schema
SERVICES = {
    "kommuntal": "bosattning_kommuntal.schema",
    "anvisning": "bosattning_anvisning.schema",
    "dialog": "bosattning_dialog.schema",
}


def exported_sdl(service: str) -> str:
    module = importlib.import_module(SERVICES[service])
    return str(module.build_schema().as_str()).rstrip("\n") + "\n"


def sdl_path(service: str) -> Path:
    return gateway_dir() / "subgraphs" / f"{service}.graphql"


def stale_sdl() -> list[str]:
    """The services whose committed SDL differs from what their schema exports now."""
    return [
        s
        for s in SERVICES
        if not sdl_path(s).exists() or sdl_path(s).read_text("utf-8") != exported_sdl(s)
    ]


def write_sdl() -> list[Path]:
    written = []
    for service in SERVICES:
        path = sdl_path(service)
        path.write_text(exported_sdl(service), "utf-8")
        written.append(path)
    return written
