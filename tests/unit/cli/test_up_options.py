"""How `bosattning up` turns its options and the environment into a suite configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from bosattning_cli.gateway import SUBGRAPHS
from bosattning_cli.main import parse_ports, suite_config
from bosattning_cli.suite import default_service_ports


def test_each_installed_service_gets_its_development_port_from_subgraphs_json() -> None:
    ports = default_service_ports()

    assert ports["kommuntal"] == 4001
    assert set(ports) <= set(SUBGRAPHS)


def test_the_offset_moves_every_default_port(tmp_path: Path) -> None:
    config = suite_config(tmp_path, {}, port_offset=100)

    assert (config.gateway_port, config.nats_port) == (4100, 4322)
    assert config.service_ports["kommuntal"] == 4101


def test_an_explicit_port_wins_over_the_offset(tmp_path: Path) -> None:
    config = suite_config(tmp_path, {}, 100, {"kommuntal": 5001, "nats": 5222})

    assert (config.gateway_port, config.nats_port) == (4100, 5222)
    assert config.service_ports["kommuntal"] == 5001


def test_without_server_variables_postgres_and_nats_are_embedded(tmp_path: Path) -> None:
    config = suite_config(tmp_path, {})

    assert config.database_urls == {} and config.nats_url is None
    assert config.mode == "development"


def test_servers_named_in_the_environment_are_used_instead_of_embedded_ones(
    tmp_path: Path,
) -> None:
    environ = {"KOMMUNTAL_DATABASE_URL": "postgresql://db/kommuntal", "NATS_URL": "nats://bus:4222"}

    config = suite_config(tmp_path, environ)

    assert config.database_urls == {"kommuntal": "postgresql://db/kommuntal"}
    assert config.nats_url == "nats://bus:4222"


def test_an_unknown_port_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no port named dialogue"):
        suite_config(tmp_path, {}, ports={"dialogue": 5003})


def test_an_offset_beyond_the_port_range_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="port range"):
        suite_config(tmp_path, {}, port_offset=62000)


def test_a_clock_start_that_is_not_a_date_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="ISO-8601"):
        suite_config(tmp_path, {}, clock_start="next tuesday")


def test_service_ports_are_given_as_name_equals_port() -> None:
    assert parse_ports(None, 5222, ["kommuntal=5001"]) == {"nats": 5222, "kommuntal": 5001}
    with pytest.raises(typer.BadParameter, match="NAME=PORT"):
        parse_ports(None, None, ["kommuntal:5001"])
