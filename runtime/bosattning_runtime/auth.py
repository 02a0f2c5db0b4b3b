"""Bearer-token verification: RS256/ES256 JWTs into a Principal (DESIGN §5)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import jwt
from bosattning_contracts.fields import ENHET_PATTERN
from bosattning_contracts.reference import kommun_by_kod
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt import exceptions as jwt_errors
from jwt.types import Options

from bosattning_runtime.errors import AuthenticationError
from bosattning_runtime.guards import contains_identity_number

ALGORITHMS = ("RS256", "ES256")
MAX_TOKEN_LENGTH = 8192
_MAX_ID_LENGTH = 256
_LAN_CODE = re.compile(r"[0-9]{2}")
_KOMMUN_CODE = re.compile(r"[0-9]{4}")


class Role(StrEnum):
    """The roles a token may carry."""

    nationell = "nationell"
    lansstyrelse = "lansstyrelse"
    bosattningsenhet = "bosattningsenhet"
    mottagningsenhet = "mottagningsenhet"
    vidarebosattning = "vidarebosattning"
    regional_expert = "regional_expert"
    kommun = "kommun"
    operator = "operator"


_KNOWN_ROLES = frozenset(role.value for role in Role)


@dataclass(frozen=True)
class Principal:
    """Who a verified token speaks for, with its scope claims."""

    sub: str
    roles: frozenset[str]
    lan: frozenset[str]
    kommun: str | None
    enhet: str | None
    expires_at: datetime
    token: str = field(repr=False)

    def has_role(self, role: str) -> bool:
        """True where the token carries ``role``."""
        return role in self.roles

    def has_any_role(self, *roles: str) -> bool:
        """True where the token carries at least one of ``roles``."""
        return not self.roles.isdisjoint(roles)

    def is_lansstyrelse_of(self, lanskod: str) -> bool:
        """True for the county administrative board of ``lanskod``."""
        return self.has_role(Role.lansstyrelse) and lanskod in self.lan

    def is_regional_expert_for(self, lanskod: str) -> bool:
        """True for a regional expert whose counties include ``lanskod``."""
        return self.has_role(Role.regional_expert) and lanskod in self.lan

    def is_kommun(self, kommunkod: str) -> bool:
        """True for the municipality ``kommunkod`` itself."""
        return self.has_role(Role.kommun) and self.kommun == kommunkod

    def is_county_role_for(self, kommunkod: str | None) -> bool:
        """True for the board or a regional expert of the county ``kommunkod`` lies in."""
        kommun = kommun_by_kod(kommunkod or "")
        return kommun is not None and (
            self.is_lansstyrelse_of(kommun.lanskod) or self.is_regional_expert_for(kommun.lanskod)
        )

    def is_expired(self, at: datetime | None = None) -> bool:
        """True once the token's expiry has passed (wall time unless ``at`` is given)."""
        return (at or datetime.now(UTC)) >= self.expires_at


@dataclass(frozen=True)
class _Key:
    algorithm: str
    key: Any
    kid: str | None


def _key_from_pem(pem: str) -> _Key:
    public = serialization.load_pem_public_key(pem.encode())
    if isinstance(public, rsa.RSAPublicKey):
        return _Key("RS256", public, None)
    if isinstance(public, ec.EllipticCurvePublicKey) and isinstance(public.curve, ec.SECP256R1):
        return _Key("ES256", public, None)
    raise ValueError("only RSA and P-256 EC public keys are accepted")


def _keys_from_jwks(document: Mapping[str, Any]) -> list[_Key]:
    try:
        key_set = jwt.PyJWKSet.from_dict(dict(document))
    except jwt_errors.PyJWKSetError as error:
        raise ValueError(f"unusable JWKS: {error}") from error
    return [
        _Key(jwk.algorithm_name, jwk.key, jwk.key_id)
        for jwk in key_set
        if jwk.algorithm_name in ALGORITHMS and jwk.public_key_use in (None, "sig")
    ]


def _refusal(error: jwt_errors.InvalidTokenError) -> AuthenticationError:
    if isinstance(error, jwt_errors.ExpiredSignatureError):
        return AuthenticationError("token has expired")
    if isinstance(error, jwt_errors.InvalidIssuerError):
        return AuthenticationError("token has the wrong issuer")
    if isinstance(error, jwt_errors.InvalidAudienceError):
        return AuthenticationError("token has the wrong audience")
    if isinstance(error, jwt_errors.MissingRequiredClaimError):
        return AuthenticationError(f"token lacks the required claim {error.claim!r}")
    if isinstance(error, jwt_errors.ImmatureSignatureError):
        return AuthenticationError("token is not yet valid")
    return AuthenticationError(f"token is invalid: {error}")


class TokenVerifier:
    """Verifies bearer tokens against static keys, a loaded JWKS, or a JWKS URL.

    ``verify`` is synchronous; with static keys it is cheap. With a JWKS URL
    a key fetch may block, so async callers use ``verify_async``.
    """

    def __init__(
        self,
        *,
        public_keys_pem: Sequence[str] = (),
        jwks: Mapping[str, Any] | None = None,
        jwks_url: str | None = None,
        issuer: str | None = None,
        audience: str | None = None,
        leeway_seconds: int = 30,
        jwks_lifespan_seconds: float = 300,
        jwks_timeout_seconds: float = 5,
    ) -> None:
        self._keys = [_key_from_pem(pem) for pem in public_keys_pem]
        if jwks is not None:
            self._keys.extend(_keys_from_jwks(jwks))
        self._client = (
            jwt.PyJWKClient(jwks_url, lifespan=jwks_lifespan_seconds, timeout=jwks_timeout_seconds)
            if jwks_url
            else None
        )
        if not self._keys and self._client is None:
            raise ValueError("TokenVerifier needs public keys, a JWKS or a JWKS URL")
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway_seconds

    def verify(self, token: str) -> Principal:
        """Return the token's Principal, or raise AuthenticationError."""
        if len(token) > MAX_TOKEN_LENGTH:
            raise AuthenticationError("token is too long")
        algorithm, kid = _read_header(token)
        claims = self._decode(token, algorithm, self._candidates(algorithm, kid))
        return _principal(claims, token)

    async def verify_async(self, token: str) -> Principal:
        """Like ``verify``, but a JWKS fetch runs in a worker thread."""
        if self._client is None:
            return self.verify(token)
        return await asyncio.to_thread(self.verify, token)

    def _candidates(self, algorithm: str, kid: str | None) -> list[Any]:
        by_kid = [k for k in self._keys if kid is not None and k.kid == kid]
        if not by_kid and self._client is not None and kid is not None:
            return [_fetched_key(self._client, algorithm, kid)]
        # PEM keys carry no kid, so they are tried in turn when no kid matches.
        keys = by_kid or [k for k in self._keys if k.kid is None]
        candidates = [k.key for k in keys if k.algorithm == algorithm]
        if candidates:
            return candidates
        if kid is None:
            raise AuthenticationError("token has no key id and no key matches it")
        raise AuthenticationError(f"token names an unknown key id {kid!r}")

    def _decode(self, token: str, algorithm: str, keys: list[Any]) -> dict[str, Any]:
        required = ["exp", "sub"]
        required += ["iss"] if self._issuer is not None else []
        required += ["aud"] if self._audience is not None else []
        options: Options = {"require": required, "verify_aud": self._audience is not None}
        for key in keys:
            try:
                return jwt.decode(
                    token,
                    key,
                    algorithms=[algorithm],
                    options=options,
                    issuer=self._issuer,
                    audience=self._audience,
                    leeway=self._leeway,
                )
            except jwt_errors.InvalidSignatureError:
                continue
            except jwt_errors.InvalidTokenError as error:
                raise _refusal(error) from error
        raise AuthenticationError("token signature is not valid")


def _fetched_key(client: jwt.PyJWKClient, algorithm: str, kid: str) -> Any:
    try:
        signing_key = client.get_signing_key(kid)
    except jwt_errors.PyJWKClientConnectionError as error:
        raise AuthenticationError("signing keys could not be fetched") from error
    except jwt_errors.PyJWKClientError as error:
        raise AuthenticationError(f"token names an unknown key id {kid!r}") from error
    if signing_key.algorithm_name != algorithm:
        raise AuthenticationError("token algorithm does not match its key")
    return signing_key.key


def _read_header(token: str) -> tuple[str, str | None]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt_errors.InvalidTokenError as error:
        raise AuthenticationError("token is malformed") from error
    algorithm, kid = header.get("alg"), header.get("kid")
    if algorithm not in ALGORITHMS:
        raise AuthenticationError(f"token algorithm {algorithm!r} is not accepted")
    if kid is not None and not isinstance(kid, str):
        raise AuthenticationError("token key id is malformed")
    return str(algorithm), kid


def _codes(claims: Mapping[str, Any], name: str, pattern: re.Pattern[str]) -> frozenset[str]:
    value = claims.get(name, [])
    if not isinstance(value, list) or not all(
        isinstance(item, str) and pattern.fullmatch(item) for item in value
    ):
        raise AuthenticationError(f"token claim {name!r} is malformed")
    return frozenset(value)


def _roles(claims: Mapping[str, Any]) -> frozenset[str]:
    value = claims.get("roles", [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise AuthenticationError("token claim 'roles' must be a list of strings")
    unknown = sorted(set(value) - _KNOWN_ROLES)
    if unknown:
        raise AuthenticationError(f"token carries unknown roles {unknown!r}")
    return frozenset(value)


_ENHET = re.compile(ENHET_PATTERN)


def _optional_id(
    claims: Mapping[str, Any], name: str, pattern: re.Pattern[str] | None
) -> str | None:
    value = claims.get(name)
    if value is None:
        return None
    valid = isinstance(value, str) and 0 < len(value) <= _MAX_ID_LENGTH
    if not valid or (pattern is not None and not pattern.fullmatch(value)):
        raise AuthenticationError(f"token claim {name!r} is malformed")
    return str(value)


def _principal(claims: Mapping[str, Any], token: str) -> Principal:
    sub = claims["sub"]
    if not isinstance(sub, str) or not sub.strip() or len(sub) > _MAX_ID_LENGTH:
        raise AuthenticationError("token claim 'sub' is malformed")
    # A sub that merely contains an identity number is personal data as well.
    if contains_identity_number(sub):
        raise AuthenticationError("token subject looks like a personal identity number")
    return Principal(
        sub=sub,
        roles=_roles(claims),
        lan=_codes(claims, "lan", _LAN_CODE),
        kommun=_optional_id(claims, "kommun", _KOMMUN_CODE),
        enhet=_optional_id(claims, "enhet", _ENHET),
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        token=token,
    )


def principal_from_authorization_header(header: str | None, verifier: TokenVerifier) -> Principal:
    """Verify an ``Authorization: Bearer <token>`` header value."""
    if header is None or not header.strip():
        raise AuthenticationError("missing bearer token")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        raise AuthenticationError("malformed Authorization header: expected 'Bearer <token>'")
    return verifier.verify(token)


def may_read_national_picture(principal: Principal) -> bool:
    """The national situation picture: `nationell` and the settlement unit (DESIGN §5)."""
    return principal.has_role(Role.nationell) or principal.has_role(Role.bosattningsenhet)


def may_read_county_picture(principal: Principal, lanskod: str) -> bool:
    """A county's situation picture: its board and regional expert, the settlement unit and
    `nationell` (DESIGN §5); counts alone are for every agency role."""
    return (
        may_read_national_picture(principal)
        or principal.is_lansstyrelse_of(lanskod)
        or principal.is_regional_expert_for(lanskod)
    )


AGENCY_ROLES = frozenset(r.value for r in Role if r not in (Role.kommun, Role.operator))
"""The agencies' roles: everyone but the municipalities and the operators."""


def may_read_kommun_counts(principal: Principal, kommunkod: str) -> bool:
    """Counts on a municipality (used, received, remaining, self-settled, pending,
    escalations): every agency role; a municipality its own (DESIGN §5)."""
    return bool(principal.roles & AGENCY_ROLES) or principal.is_kommun(kommunkod)
