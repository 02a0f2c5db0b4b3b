"""Who may do what in the settlement unit's service (DESIGN §5). Pure predicates."""

from __future__ import annotations

from bosattning_runtime.auth import Principal, Role

from bosattning_anvisning.domain import Anvisning, Arende, Category


def may_register(principal: Principal, category: Category) -> bool:
    """The reception unit registers; for quota refugees the resettlement unit does."""
    role = Role.vidarebosattning if category is Category.KVOTFLYKTING else Role.mottagningsenhet
    return principal.has_role(role)


def may_correct(principal: Principal, arende: Arende) -> bool:
    """Only the case's own reception unit corrects its settlement basis."""
    return _own_unit(principal, arende)


def may_decide(principal: Principal) -> bool:
    return principal.has_role(Role.bosattningsenhet)


def _own_unit(principal: Principal, arende: Arende) -> bool:
    return may_register(principal, arende.category) and (
        arende.enhet is None or principal.enhet == arende.enhet
    )


def _assigned_kommun(principal: Principal, active: Anvisning | None) -> bool:
    return active is not None and principal.is_kommun(active.kommunkod)


def may_read_arende(principal: Principal, arende: Arende, active: Anvisning | None) -> bool:
    """The settlement unit, the case's reception unit, after assignment the assigned
    municipality, and the county's board and regional expert."""
    return (
        principal.has_role(Role.bosattningsenhet)
        or _own_unit(principal, arende)
        or _assigned_kommun(principal, active)
        or principal.is_county_role_for(active.kommunkod if active else arende.kommunkod)
    )


def may_read_needs(principal: Principal, arende: Arende, active: Anvisning | None) -> bool:
    """Coded needs: not for the county roles."""
    return (
        principal.has_role(Role.bosattningsenhet)
        or _own_unit(principal, arende)
        or _assigned_kommun(principal, active)
    )


def may_read_plan(principal: Principal, kommunkod: str) -> bool:
    """The settlement unit; the municipality its own; the county's board and regional expert."""
    return (
        principal.has_role(Role.bosattningsenhet)
        or principal.is_kommun(kommunkod)
        or principal.is_county_role_for(kommunkod)
    )
