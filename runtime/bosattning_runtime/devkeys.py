"""Development and test signing keys, kept in a state directory, and token minting."""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

PRIVATE_KEY_FILE = "private.pem"
PUBLIC_KEY_FILE = "public.pem"
JWKS_FILE = "jwks.json"
_KEY_SIZE = 2048


@dataclass(frozen=True)
class DevKeys:
    """One RS256 key pair with its key id, as PEM text and as a public JWKS."""

    directory: Path
    kid: str
    private_key_pem: str
    public_key_pem: str
    jwks: dict[str, Any]


def _write_new(path: Path, content: str, mode: int, *, replace: bool) -> None:
    # Write to a private temporary file first, so that a concurrently starting
    # process never reads a half-written key.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.chmod(temporary, mode)
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # fails when another process created it first
    except FileExistsError:
        pass
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _private_key_pem(directory: Path) -> str:
    path = directory / PRIVATE_KEY_FILE
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=_KEY_SIZE)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        _write_new(path, pem, 0o600, replace=False)
    return path.read_text(encoding="utf-8")


def _public_parts(private_pem: str, kid: str) -> tuple[str, dict[str, Any]]:
    private = serialization.load_pem_private_key(private_pem.encode(), password=None)
    if not isinstance(private, rsa.RSAPrivateKey):
        raise ValueError(f"{PRIVATE_KEY_FILE} does not hold an RSA key")
    public = private.public_key()
    public_pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    jwk = RSAAlgorithm.to_jwk(public, as_dict=True)
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return public_pem, {"keys": [jwk]}


def _stored_kid(path: Path) -> str | None:
    if not path.exists():
        return None
    keys = json.loads(path.read_text(encoding="utf-8")).get("keys") or [{}]
    kid = keys[0].get("kid")
    return kid if isinstance(kid, str) else None


def generate_keypair(directory: Path, kid: str = "dev-1") -> DevKeys:
    """Create (or load, when present) the development key pair in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    private_pem = _private_key_pem(directory)
    jwks_path = directory / JWKS_FILE
    kid = _stored_kid(jwks_path) or kid
    public_pem, jwks = _public_parts(private_pem, kid)
    # Both are derived from the private key, so rewriting them is always safe.
    public_path = directory / PUBLIC_KEY_FILE
    if not public_path.exists() or public_path.read_text(encoding="utf-8") != public_pem:
        _write_new(public_path, public_pem, 0o644, replace=True)
    if _stored_kid(jwks_path) is None or json.loads(jwks_path.read_text(encoding="utf-8")) != jwks:
        _write_new(jwks_path, json.dumps(jwks, indent=2) + "\n", 0o644, replace=True)
    return DevKeys(directory, kid, private_pem, public_pem, jwks)


def mint_token(
    keys: DevKeys,
    *,
    sub: str,
    roles: Sequence[str],
    lan: Sequence[str] = (),
    kommun: str | None = None,
    enhet: str | None = None,
    ttl: timedelta = timedelta(hours=8),
    issuer: str | None = None,
    audience: str | None = None,
    now: datetime | None = None,
) -> str:
    """Sign an RS256 token with the development key (wall time unless ``now`` is given)."""
    issued = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": sub,
        "roles": list(roles),
        "lan": list(lan),
        "iat": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    optional = {"kommun": kommun, "enhet": enhet, "iss": issuer, "aud": audience}
    claims.update({name: value for name, value in optional.items() if value is not None})
    return jwt.encode(claims, keys.private_key_pem, algorithm="RS256", headers={"kid": keys.kid})
