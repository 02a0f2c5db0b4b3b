from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from bosattning_runtime.auth import TokenVerifier
from bosattning_runtime.devkeys import generate_keypair, mint_token


def test_a_keypair_is_written_with_a_private_key_only_its_owner_reads(tmp_path: Path) -> None:
    keys = generate_keypair(tmp_path / "keys")
    private = tmp_path / "keys" / "private.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert (tmp_path / "keys" / "public.pem").read_text() == keys.public_key_pem
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == [
        "jwks.json",
        "private.pem",
        "public.pem",
    ]


def test_the_jwks_publishes_the_public_key_for_signing(tmp_path: Path) -> None:
    keys = generate_keypair(tmp_path, kid="dev-7")
    document = json.loads((tmp_path / "jwks.json").read_text())
    assert document == keys.jwks
    (jwk,) = document["keys"]
    assert (jwk["kid"], jwk["alg"], jwk["use"], jwk["kty"]) == ("dev-7", "RS256", "sig", "RSA")
    assert "d" not in jwk


def test_a_second_call_keeps_the_same_key(tmp_path: Path) -> None:
    first = generate_keypair(tmp_path)
    (tmp_path / "public.pem").unlink()
    second = generate_keypair(tmp_path)
    assert second == first
    assert (tmp_path / "public.pem").read_text() == first.public_key_pem


def test_a_minted_token_carries_the_kid_and_the_claims(tmp_path: Path) -> None:
    keys = generate_keypair(tmp_path, kid="dev-2")
    now = datetime.now(UTC).replace(microsecond=0)
    token = mint_token(
        keys, sub="hsa-1", roles=["kommun"], kommun="0180", ttl=timedelta(hours=1), now=now
    )
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "kid": "dev-2", "typ": "JWT"}
    principal = TokenVerifier(jwks=keys.jwks).verify(token)
    assert principal.expires_at == now + timedelta(hours=1)
    assert principal.is_kommun("0180")
