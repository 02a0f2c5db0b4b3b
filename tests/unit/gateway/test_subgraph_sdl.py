"""The committed subgraph SDL is what the services' schemas export now."""

from __future__ import annotations

from bosattning_cli.sdl import stale_sdl


def test_committed_subgraph_sdl_matches_each_service_schema() -> None:
    assert stale_sdl() == [], "run `./bosattning schema` to export the SDL and recompose"
