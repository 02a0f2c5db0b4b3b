"""Who may do what in the reception units' service (DESIGN §5). Pure predicates."""

from __future__ import annotations

from bosattning_contracts.reference import kommun_by_kod
from bosattning_runtime.auth import Principal, Role

from bosattning_dialog.domain import Category, Mottagande

AGENCY_ROLES = frozenset(r.value for r in Role if r not in (Role.kommun, Role.operator))


def is_reception_unit_for(principal: Principal, category: Category) -> bool:
    """The reception unit; for quota refugees the resettlement unit."""
    role = Role.vidarebosattning if category is Category.KVOTFLYKTING else Role.mottagningsenhet
    return principal.has_role(role)


def is_assigned_kommun(principal: Principal, mottagande: Mottagande) -> bool:
    return principal.has_role(Role.kommun) and principal.kommun == mottagande.kommunkod


def may_read(principal: Principal, mottagande: Mottagande) -> bool:
    """As the case: the settlement unit, the reception unit, the assigned municipality, and
    the county's board and regional expert."""
    kommun = kommun_by_kod(mottagande.kommunkod)
    county = (
        kommun is not None
        and kommun.lanskod in principal.lan
        and (principal.has_role(Role.lansstyrelse) or principal.has_role(Role.regional_expert))
    )
    return (
        principal.has_role(Role.bosattningsenhet)
        or is_reception_unit_for(principal, mottagande.category)
        or is_assigned_kommun(principal, mottagande)
        or county
    )


def may_read_counts(principal: Principal, kommunkod: str) -> bool:
    if principal.roles & AGENCY_ROLES:
        return True
    return principal.has_role(Role.kommun) and principal.kommun == kommunkod


def is_expert_for(principal: Principal, lanskod: str | None) -> bool:
    """The regional expert of that county."""
    return principal.has_role(Role.regional_expert) and (
        lanskod is None or lanskod in principal.lan
    )
