"""Who may do what in the kommuntal service (DESIGN §5). Pure predicates."""

from __future__ import annotations

from bosattning_runtime.auth import Principal, Role


def may_set_lanstal(principal: Principal) -> bool:
    return principal.has_role(Role.nationell)


def may_decide_kommuntal(principal: Principal, lanskod: str) -> bool:
    """Only the county board of that county decides or revises its kommuntal."""
    return principal.is_lansstyrelse_of(lanskod)
