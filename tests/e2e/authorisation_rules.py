"""DESIGN §5's access table, written out as expectations for the authorisation matrix.

Every principal holds one role. Its scope is either the world's own (county 06 Jönköping,
municipality 0680 Jönköping, reception unit MO-06) or a foreign one (county 01 Stockholm,
municipality 0114 Upplands Väsby, reception unit MO-01). A rule says, for one field of the
supergraph, which of those principals DESIGN §5 allows; the matrix test then asks the
gateway and compares.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bosattning_runtime.auth import Role

AGENCY = frozenset(Role) - {Role.kommun, Role.operator}
EVERY_ROLE = frozenset(Role)


@dataclass(frozen=True)
class Who:
    role: Role
    own: bool

    @property
    def label(self) -> str:
        return f"{self.role}/{'own' if self.own else 'foreign'}"

    @property
    def lan(self) -> list[str]:
        return ["06"] if self.own else ["01"]

    @property
    def kommun(self) -> str:
        return "0680" if self.own else "0114"

    @property
    def enhet(self) -> str:
        return "MO-06" if self.own else "MO-01"


PRINCIPALS = [Who(role, own) for role in Role for own in (True, False)]

Allowed = Callable[[Who], bool]


def roles(*allowed: Role) -> Allowed:
    """These roles, whatever their scope."""
    return lambda who: who.role in allowed


def any_of(roles_: frozenset[Role]) -> Allowed:
    return lambda who: who.role in roles_


def own(*allowed: Role) -> Allowed:
    """These roles, in the world's own scope only."""
    return lambda who: who.own and who.role in allowed


def either(*rules: Allowed) -> Allowed:
    return lambda who: any(rule(who) for rule in rules)


# the case, its assignment and what is done on it (DESIGN §5 "case", "assignment decisions",
# "talks", "reception"): the settlement unit, the case's reception unit, the assigned
# municipality, the county's board and regional expert
AS_THE_CASE = either(
    roles(Role.bosattningsenhet),
    own(Role.mottagningsenhet, Role.kommun, Role.lansstyrelse, Role.regional_expert),
)
# counts on Kommun: every agency role; a municipality its own
KOMMUN_COUNTS = either(any_of(AGENCY), own(Role.kommun))
# a county's situation picture: its board and regional expert, the settlement unit, nationell
COUNTY_PICTURE = either(
    roles(Role.nationell, Role.bosattningsenhet), own(Role.lansstyrelse, Role.regional_expert)
)
NATIONAL_PICTURE = roles(Role.nationell, Role.bosattningsenhet)
# annual plans: the settlement unit; the municipality its own; the county's board and expert
PLAN = either(
    roles(Role.bosattningsenhet), own(Role.kommun, Role.lansstyrelse, Role.regional_expert)
)
MEETING_WRITERS = either(roles(Role.bosattningsenhet), own(Role.lansstyrelse, Role.regional_expert))
MEETING_READERS = either(MEETING_WRITERS, own(Role.kommun))
EVERYONE = any_of(EVERY_ROLE)
