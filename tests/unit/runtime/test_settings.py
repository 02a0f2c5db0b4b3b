from __future__ import annotations

import pytest
from bosattning_runtime.settings import SettingsError, load_settings

BASE = {
    "KOMMUNTAL_DATABASE_URL": "postgresql://localhost/kommuntal",
    "NATS_URL": "nats://127.0.0.1:4222",
    "BOSATTNING_JWT_PUBLIC_KEY": "-----BEGIN PUBLIC KEY-----",
}


def test_settings_read_from_the_environment_with_defaults() -> None:
    settings = load_settings("kommuntal", 4001, environ=BASE)

    assert settings.mode == "production" and settings.port == 4001
    assert settings.consumer_max_deliver == 5
    assert settings.consumer_ack_wait == 30


def test_every_problem_is_named_at_once_and_start_fails() -> None:
    environ = {"BOSATTNING_MODE": "staging", "KOMMUNTAL_PORT": "x"}

    with pytest.raises(SettingsError) as error:
        load_settings("kommuntal", 4001, environ=environ)

    message = str(error.value)
    for expected in (
        "KOMMUNTAL_DATABASE_URL",
        "NATS_URL",
        "BOSATTNING_MODE",
        "KOMMUNTAL_PORT",
        "BOSATTNING_JWKS_URL",
    ):
        assert expected in message


def test_a_fixed_clock_is_refused_in_production() -> None:
    with pytest.raises(SettingsError, match="BOSATTNING_CLOCK_START"):
        load_settings("kommuntal", 4001, environ={**BASE, "BOSATTNING_CLOCK_START": "2022-01-01"})


def test_a_nats_url_may_list_a_cluster_with_credentials_for_every_server() -> None:
    from bosattning_runtime.bus import nats_servers

    servers, credentials = nats_servers("nats://svc:p%40ss@nats-1:4222, nats://nats-2:4222")

    assert servers == ["nats://nats-1:4222", "nats://nats-2:4222"]
    assert credentials == {"user": "svc", "password": "p@ss"}
