"""`bosattning token`: development tokens from the state directory's key."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bosattning_cli.main import app
from bosattning_cli.tokens import TokenRequest, TokenRequestError, mint, warnings
from bosattning_runtime.auth import TokenVerifier
from bosattning_runtime.devkeys import generate_keypair
from typer.testing import CliRunner


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    state = tmp_path_factory.mktemp("state")
    generate_keypair(state / "keys")  # what `up` leaves behind
    return state


def verifier(state: Path) -> TokenVerifier:
    return TokenVerifier(jwks=json.loads((state / "keys" / "jwks.json").read_text("utf-8")))


def test_a_minted_token_carries_the_claims_asked_for_and_verifies_with_the_state_jwks(
    state: Path,
) -> None:
    request = TokenRequest(("lansstyrelse",), lan=("06",), sub="HSA-DEV-7", ttl_hours=2)

    principal = verifier(state).verify(mint(state, request))

    assert (principal.sub, principal.roles, principal.lan) == (
        "HSA-DEV-7",
        {"lansstyrelse"},
        {"06"},
    )
    left = principal.expires_at - datetime.now(UTC)
    assert timedelta(hours=1, minutes=59) < left <= timedelta(hours=2)


def test_the_key_is_kept_so_a_second_token_verifies_with_the_same_jwks(state: Path) -> None:
    first = mint(state, TokenRequest(("nationell",)))
    second = mint(state, TokenRequest(("kommun",), kommun="0680"))

    assert verifier(state).verify(first).roles == {"nationell"}
    assert verifier(state).verify(second).kommun == "0680"


def test_an_unknown_role_is_refused_with_the_list_of_roles(state: Path) -> None:
    with pytest.raises(TokenRequestError, match=r"unknown role 'admin'.*nationell.*operator"):
        mint(state, TokenRequest(("admin",)))


def test_unknown_county_and_municipality_codes_are_refused(state: Path) -> None:
    with pytest.raises(TokenRequestError) as refused:
        mint(state, TokenRequest(("lansstyrelse",), lan=("99",), kommun="9999"))

    assert str(refused.value).splitlines() == [
        "no county has the code '99'",
        "no municipality has the code '9999'",
    ]


def test_a_subject_that_looks_like_a_personal_identity_number_is_refused(state: Path) -> None:
    with pytest.raises(TokenRequestError, match="personal identity number"):
        mint(state, TokenRequest(("nationell",), sub="19811218-9876"))


def test_a_lifetime_of_zero_hours_is_refused(state: Path) -> None:
    with pytest.raises(TokenRequestError, match="--ttl-hours"):
        mint(state, TokenRequest(("nationell",), ttl_hours=0))


def test_a_county_role_without_a_county_is_warned_about() -> None:
    assert warnings(TokenRequest(("lansstyrelse",))) == [
        "a lansstyrelse token without --lan may act on nothing"
    ]
    assert warnings(TokenRequest(("lansstyrelse",), lan=("06",))) == []


def test_the_command_prints_only_the_token_on_stdout(state: Path) -> None:
    result = CliRunner().invoke(
        app, ["token", "--role", "lansstyrelse", "--lan", "06,07", "--state-dir", str(state)]
    )

    assert result.exit_code == 0, result.output
    principal = verifier(state).verify(result.stdout.strip())
    assert principal.lan == {"06", "07"} and principal.sub == "HSA-DEV-1"


def test_the_command_refuses_an_unknown_role_with_exit_code_2_and_no_token(state: Path) -> None:
    result = CliRunner().invoke(app, ["token", "--role", "admin", "--state-dir", str(state)])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "error: unknown role 'admin'" in result.stderr
