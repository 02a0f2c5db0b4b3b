"""Who may do what in the reception units' service (DESIGN §5). Pure predicates."""

from __future__ import annotations

from bosattning_runtime.auth import AGENCY_ROLES, Principal, Role

from bosattning_dialog.domain import Category, Mottagande
from bosattning_dialog.escalations import Escalation, EscalationStatus
from bosattning_dialog.meetings import Meeting


def is_reception_unit_for(principal: Principal, category: Category) -> bool:
    """The reception unit; for quota refugees the resettlement unit."""
    role = Role.vidarebosattning if category is Category.KVOTFLYKTING else Role.mottagningsenhet
    return principal.has_role(role)


def is_unit_of(principal: Principal, mottagande: Mottagande) -> bool:
    """The case's own reception unit (where the case names one)."""
    return is_reception_unit_for(principal, mottagande.category) and (
        mottagande.enhet is None or principal.enhet == mottagande.enhet
    )


def may_act_on_escalation(
    principal: Principal, escalation: Escalation, case: Mottagande | None
) -> bool:
    """The case's reception unit until hand-over; then (or for an inability to receive,
    from the start) the county's regional expert. A closed one either may ask about."""
    expert = principal.is_regional_expert_for(escalation.lanskod)
    unit = case is not None and is_unit_of(principal, case)
    if escalation.status is EscalationStatus.RESOLVED:
        return expert or unit
    return expert if escalation.owned_by_expert else unit


def is_assigned_kommun(principal: Principal, mottagande: Mottagande) -> bool:
    return principal.is_kommun(mottagande.kommunkod)


def may_read(principal: Principal, mottagande: Mottagande) -> bool:
    """As the case: the settlement unit, the reception unit, the assigned municipality, and
    the county's board and regional expert."""
    return (
        principal.has_role(Role.bosattningsenhet)
        or is_unit_of(principal, mottagande)
        or is_assigned_kommun(principal, mottagande)
        or principal.is_county_role_for(mottagande.kommunkod)
    )


def may_write_meeting(principal: Principal, lanskod: str) -> bool:
    """The county's board, its regional expert, or the settlement unit."""
    return (
        principal.is_lansstyrelse_of(lanskod)
        or principal.is_regional_expert_for(lanskod)
        or principal.has_role(Role.bosattningsenhet)
    )


def may_read_meeting(principal: Principal, meeting: Meeting) -> bool:
    """Those who may write it, and the participating municipalities."""
    participant = principal.has_role(Role.kommun) and principal.kommun in meeting.kommunkoder
    return participant or may_write_meeting(principal, meeting.lanskod)


def meeting_scope(principal: Principal) -> tuple[bool, frozenset[str], str | None] | None:
    """(every county, the counties, the participating municipality) the caller may list;
    None where nothing."""
    county = principal.has_role(Role.lansstyrelse) or principal.has_role(Role.regional_expert)
    lan = principal.lan if county else frozenset()
    kommun = principal.kommun if principal.has_role(Role.kommun) else None
    everything = principal.has_role(Role.bosattningsenhet)
    return (everything, lan, kommun) if everything or lan or kommun else None


def utskick_sender(principal: Principal, lanskod: str | None) -> Role | None:
    """The role a mailing is registered under: the county board for its own county, else
    the settlement unit; None where the caller may not register it."""
    if lanskod is not None and principal.is_lansstyrelse_of(lanskod):
        return Role.lansstyrelse
    return Role.bosattningsenhet if principal.has_role(Role.bosattningsenhet) else None


def utskick_scope(principal: Principal) -> tuple[bool, str | None] | None:
    """(all mailings, the recipient municipality) the caller may read; None where none."""
    if principal.roles & AGENCY_ROLES:
        return True, None
    if principal.has_role(Role.kommun) and principal.kommun:
        return False, principal.kommun
    return None
