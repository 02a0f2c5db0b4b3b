"""`bosattning token`: development JWTs signed with the key in the state directory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bosattning_contracts.reference import kommun_by_kod, lan_by_kod
from bosattning_runtime.auth import Role
from bosattning_runtime.devkeys import generate_keypair, mint_token
from bosattning_runtime.guards import contains_identity_number

ROLES = tuple(role.value for role in Role)
# Roles that act on nothing without their scope claim.
_SCOPE_OF_ROLE = {
    Role.lansstyrelse.value: ("lan", "--lan"),
    Role.regional_expert.value: ("lan", "--lan"),
    Role.kommun.value: ("kommun", "--kommun"),
    Role.mottagningsenhet.value: ("enhet", "--enhet"),
}


class TokenRequestError(ValueError):
    """The token asked for cannot be minted; the message says why, one problem a line."""


@dataclass(frozen=True)
class TokenRequest:
    roles: tuple[str, ...]
    sub: str = "HSA-DEV-1"
    lan: tuple[str, ...] = ()
    kommun: str | None = None
    enhet: str | None = None
    ttl_hours: float = 8.0


def problems(request: TokenRequest) -> list[str]:
    """Everything that makes the request unusable, in words (empty when it is fine)."""
    found = []
    unknown = [role for role in request.roles if role not in ROLES]
    if unknown or not request.roles:
        named = ", ".join(repr(role) for role in unknown) or "none"
        found.append(f"unknown role {named}; the roles are {', '.join(ROLES)}")
    found += [f"no county has the code {code!r}" for code in request.lan if not lan_by_kod(code)]
    if request.kommun is not None and kommun_by_kod(request.kommun) is None:
        found.append(f"no municipality has the code {request.kommun!r}")
    if not request.sub.strip():
        found.append("--sub must not be empty")
    elif contains_identity_number(request.sub):
        found.append(
            "--sub looks like a personal identity number; use a staff id such as an HSA-id"
        )
    if not request.ttl_hours > 0:
        found.append("--ttl-hours must be more than 0")
    return found


def warnings(request: TokenRequest) -> list[str]:
    """Scope claims a role needs but the request lacks: such a token is allowed little."""
    return [
        f"a {role} token without {option} may act on nothing"
        for role in request.roles
        if role in _SCOPE_OF_ROLE
        for claim, option in [_SCOPE_OF_ROLE[role]]
        if not getattr(request, claim)
    ]


def mint(state_dir: Path, request: TokenRequest) -> str:
    """A token signed with `<state_dir>/keys` (created there when missing, as `up` does)."""
    found = problems(request)
    if found:
        raise TokenRequestError("\n".join(found))
    keys = generate_keypair(state_dir / "keys")
    return mint_token(
        keys,
        sub=request.sub,
        roles=request.roles,
        lan=request.lan,
        kommun=request.kommun,
        enhet=request.enhet,
        ttl=timedelta(hours=request.ttl_hours),
    )
