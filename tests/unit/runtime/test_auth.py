from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from bosattning_runtime.auth import (
    Principal,
    Role,
    TokenVerifier,
    may_read_county_picture,
    principal_from_authorization_header,
)
from bosattning_runtime.devkeys import DevKeys, generate_keypair, mint_token
from bosattning_runtime.errors import AuthenticationError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> DevKeys:
    return generate_keypair(tmp_path_factory.mktemp("devkeys"))


@pytest.fixture
def verifier(keys: DevKeys) -> TokenVerifier:
    return TokenVerifier(public_keys_pem=[keys.public_key_pem])


def claims(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "sub": "SE2321000016-ab12",
        "roles": ["lansstyrelse"],
        "lan": ["01"],
        "exp": int((datetime.now(UTC) + timedelta(hours=1)).timestamp()),
    }
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def signed(keys: DevKeys, payload: dict[str, Any]) -> str:
    return jwt.encode(payload, keys.private_key_pem, algorithm="RS256", headers={"kid": keys.kid})


def refusal(verifier: TokenVerifier, token: str) -> str:
    with pytest.raises(AuthenticationError) as refused:
        verifier.verify(token)
    return refused.value.message


def test_a_minted_token_verifies_with_the_public_pem(
    keys: DevKeys, verifier: TokenVerifier
) -> None:
    token = mint_token(keys, sub="hsa-1", roles=["lansstyrelse"], lan=["01"])
    principal = verifier.verify(token)
    assert (principal.sub, principal.roles, principal.lan) == (
        "hsa-1",
        frozenset({"lansstyrelse"}),
        frozenset({"01"}),
    )
    assert principal.is_lansstyrelse_of("01") and not principal.is_lansstyrelse_of("03")
    assert principal.token == token and token not in repr(principal)


def test_a_minted_token_verifies_with_the_jwks(keys: DevKeys) -> None:
    token = mint_token(keys, sub="hsa-2", roles=["mottagningsenhet"], enhet="mo-12")
    principal = TokenVerifier(jwks=keys.jwks).verify(token)
    assert principal.has_role(Role.mottagningsenhet) and principal.enhet == "mo-12"


def test_a_tampered_token_is_refused(keys: DevKeys, verifier: TokenVerifier) -> None:
    header, payload, signature = mint_token(keys, sub="hsa-1", roles=["kommun"]).split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged["roles"] = ["operator"]
    body = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    assert "signature" in refusal(verifier, f"{header}.{body}.{signature}")


def test_an_expired_token_is_refused(keys: DevKeys, verifier: TokenVerifier) -> None:
    past = datetime.now(UTC) - timedelta(hours=2)
    token = mint_token(keys, sub="hsa-1", roles=["kommun"], ttl=timedelta(hours=1), now=past)
    assert refusal(verifier, token) == "token has expired"


def test_a_token_just_past_expiry_is_within_the_leeway(keys: DevKeys) -> None:
    token = signed(keys, claims(exp=int(datetime.now(UTC).timestamp()) - 5))
    TokenVerifier(public_keys_pem=[keys.public_key_pem], leeway_seconds=30).verify(token)


def test_an_es256_token_from_another_key_is_refused(keys: DevKeys) -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    token = jwt.encode(claims(), other, algorithm="ES256", headers={"kid": keys.kid})
    assert "unknown key id" in refusal(TokenVerifier(jwks=keys.jwks), token)
    unkeyed = jwt.encode(claims(), other, algorithm="ES256")
    assert "no key" in refusal(TokenVerifier(public_keys_pem=[keys.public_key_pem]), unkeyed)


def test_an_es256_token_verifies_with_its_own_public_key() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    token = jwt.encode(claims(roles=["nationell"]), private, algorithm="ES256")
    principal = TokenVerifier(public_keys_pem=[public_pem.decode()]).verify(token)
    assert principal.has_any_role(Role.nationell, Role.operator)


def test_an_hs256_token_is_refused(verifier: TokenVerifier) -> None:
    token = jwt.encode(claims(), "a-shared-secret-of-adequate-length!", algorithm="HS256")
    assert "'HS256' is not accepted" in refusal(verifier, token)


def test_an_unsigned_token_is_refused(verifier: TokenVerifier) -> None:
    token = jwt.encode(claims(), "", algorithm="none")
    assert "not accepted" in refusal(verifier, token)


def test_a_sub_that_is_a_personal_identity_number_is_refused(
    keys: DevKeys, verifier: TokenVerifier
) -> None:
    token = mint_token(keys, sub="121212-1212", roles=["kommun"])
    assert "personal identity number" in refusal(verifier, token)


def test_an_unknown_role_is_refused(keys: DevKeys, verifier: TokenVerifier) -> None:
    token = mint_token(keys, sub="hsa-1", roles=["kommun", "superuser"])
    assert "unknown roles ['superuser']" in refusal(verifier, token)


@pytest.mark.parametrize(
    ("overrides", "claim"),
    [
        ({"roles": "kommun"}, "roles"),
        ({"lan": ["1"]}, "lan"),
        ({"lan": "01"}, "lan"),
        ({"kommun": "12345"}, "kommun"),
        ({"kommun": 180}, "kommun"),
        ({"enhet": ""}, "enhet"),
        ({"sub": " "}, "sub"),
    ],
)
def test_malformed_claims_are_refused(
    keys: DevKeys, verifier: TokenVerifier, overrides: dict[str, Any], claim: str
) -> None:
    assert claim in refusal(verifier, signed(keys, claims(**overrides)))


@pytest.mark.parametrize("missing", ["exp", "sub"])
def test_a_token_without_exp_or_sub_is_refused(
    keys: DevKeys, verifier: TokenVerifier, missing: str
) -> None:
    payload = claims()
    payload.pop(missing)
    assert f"required claim {missing!r}" in refusal(verifier, signed(keys, payload))


def test_a_wrong_issuer_or_audience_is_refused(keys: DevKeys) -> None:
    strict = TokenVerifier(jwks=keys.jwks, issuer="https://idp.example", audience="bosattning")
    good = mint_token(
        keys, sub="hsa-1", roles=["kommun"], issuer="https://idp.example", audience="bosattning"
    )
    assert strict.verify(good).sub == "hsa-1"
    wrong_iss = mint_token(
        keys, sub="hsa-1", roles=["kommun"], issuer="https://evil.example", audience="bosattning"
    )
    assert refusal(strict, wrong_iss) == "token has the wrong issuer"
    wrong_aud = mint_token(
        keys, sub="hsa-1", roles=["kommun"], issuer="https://idp.example", audience="other"
    )
    assert refusal(strict, wrong_aud) == "token has the wrong audience"
    no_aud = mint_token(keys, sub="hsa-1", roles=["kommun"], issuer="https://idp.example")
    assert "'aud'" in refusal(strict, no_aud)


def test_garbage_is_refused_as_malformed(verifier: TokenVerifier) -> None:
    assert refusal(verifier, "not-a-token") == "token is malformed"


def test_a_verifier_needs_some_key() -> None:
    with pytest.raises(ValueError, match="needs public keys"):
        TokenVerifier()


def test_the_authorization_header_must_be_a_bearer_token(
    keys: DevKeys, verifier: TokenVerifier
) -> None:
    token = mint_token(keys, sub="hsa-1", roles=["operator"])
    assert principal_from_authorization_header(f"Bearer {token}", verifier).sub == "hsa-1"
    for header in (None, "", f"Basic {token}", "Bearer", f"Bearer {token} extra"):
        with pytest.raises(AuthenticationError):
            principal_from_authorization_header(header, verifier)


async def test_verify_async_fetches_the_jwks_from_its_url(
    keys: DevKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetches: list[str] = []

    def fetch_data(client: jwt.PyJWKClient) -> Any:
        fetches.append(client.uri)
        return keys.jwks

    monkeypatch.setattr(jwt.PyJWKClient, "fetch_data", fetch_data)
    verifier = TokenVerifier(jwks_url="https://idp.example/jwks.json")
    token = mint_token(keys, sub="hsa-3", roles=["bosattningsenhet"])
    principal: Principal = await verifier.verify_async(token)
    assert principal.sub == "hsa-3"
    await verifier.verify_async(token)
    assert fetches == ["https://idp.example/jwks.json"]


def test_an_unknown_kid_is_refused_with_a_jwks_url(
    keys: DevKeys, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(jwt.PyJWKClient, "fetch_data", lambda client: keys.jwks)
    other = generate_keypair(tmp_path, kid="rogue")
    token = mint_token(other, sub="hsa-1", roles=["kommun"])
    verifier = TokenVerifier(jwks_url="https://idp.example/jwks.json")
    assert "unknown key id 'rogue'" in refusal(verifier, token)


def _one(role: str, lan: tuple[str, ...] = ()) -> Principal:
    return Principal("HSA-1", frozenset({role}), frozenset(lan), None, None, datetime.now(UTC), "")


def test_a_countys_picture_is_for_its_board_its_expert_nationell_and_the_settlement_unit() -> None:
    assert may_read_county_picture(_one("lansstyrelse", ("06",)), "06")
    assert may_read_county_picture(_one("regional_expert", ("05", "06")), "06")
    assert may_read_county_picture(_one("nationell"), "06")
    assert may_read_county_picture(_one("bosattningsenhet"), "06")
    assert not may_read_county_picture(_one("lansstyrelse", ("01",)), "06")
    assert not may_read_county_picture(_one("mottagningsenhet", ("06",)), "06")
    assert not may_read_county_picture(_one("kommun"), "06")


def test_a_malformed_reception_unit_claim_is_refused(
    keys: DevKeys, verifier: TokenVerifier
) -> None:
    token = mint_token(keys, sub="HSA-1", roles=["mottagningsenhet"], enhet="MO 06; drop")

    assert "enhet" in refusal(verifier, token)
