"""The committed supergraph is what the committed subgraph SDL composes to."""

from __future__ import annotations

from bosattning_cli.gateway import compose


def test_committed_supergraph_is_composed_from_the_committed_subgraph_sdl() -> None:
    # Raises GatewayNotInstalledError (naming the npm ci command) without node_modules.
    result = compose(check=True)
    assert result.returncode == 0, (
        "gateway/supergraph.graphql does not match gateway/subgraphs/*.graphql "
        "(or they do not compose); run `node compose.mjs` in gateway/ with the venv's node.\n"
        f"{result.stdout}{result.stderr}"
    )
