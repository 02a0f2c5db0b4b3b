"""Who sees which live events (DESIGN §5, "live events")."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bosattning_runtime.auth import Principal
from bosattning_runtime.live import may_see


def principal(*roles: str, lan: tuple[str, ...] = (), kommun: str | None = None) -> Principal:
    return Principal(
        "HSA-1",
        frozenset(roles),
        frozenset(lan),
        kommun,
        None,
        datetime(2030, 1, 1, tzinfo=UTC),
        "token",
    )


KOMMUN_0680 = principal("kommun", kommun="0680")
LST_06 = principal("lansstyrelse", lan=("06",))
MV = principal("bosattningsenhet")
NATIONELL = principal("nationell")
OPERATOR = principal("operator")

CASES = [
    ("bosattning.06.0680.anvisning.decided", {KOMMUN_0680, LST_06, MV}),
    ("bosattning.06.0662.anvisning.decided", {LST_06, MV}),
    ("bosattning.06.lan.kommuntal.decided", {KOMMUN_0680, LST_06, MV, NATIONELL}),
    ("bosattning.06.lst.escalation.opened", {LST_06}),
    ("bosattning.01.lst.escalation.opened", set()),
    ("bosattning.01.lan.kommuntal.decided", {MV, NATIONELL}),
    ("bosattning.riket.lan.lanstal.set", {KOMMUN_0680, LST_06, MV, NATIONELL}),
    ("bosattning.riket.mv.arende.registered", {MV}),
    ("dlq.kommuntal.bosattning.06.lan.kommuntal.decided", set()),
]


@pytest.mark.parametrize(("subject", "seen_by"), CASES)
def test_each_role_sees_exactly_its_scopes(subject: str, seen_by: set[Principal]) -> None:
    everyone = [KOMMUN_0680, LST_06, MV, NATIONELL, OPERATOR]

    assert {p for p in everyone if may_see(p, subject)} == seen_by
