"""The county situation picture (S3) costs the same SQL for Västra Götaland (49
municipalities) as for Gotland (1), in each subgraph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bosattning_contracts.reference import kommuner_in_lan

from tests.integration.anvisning.conftest import Anvisning
from tests.integration.conftest import RunningService, eventually
from tests.integration.dialog.conftest import Dialog
from tests.integration.kommuntal.conftest import Kommuntal
from tests.integration.sql_count import statements_of

KOMMUNTAL = """query($lanskod: String!) { lan(lanskod: $lanskod) {
  namn lanstal(year: 2022) { lanstal } kommuntalRevisions(year: 2022) { reason status }
  kommuntal(year: 2022) { total rows { kommuntal kommun { kommunkod namn } } } } }"""
ANVISNING = """query($r: [_Any!]!, $l: [_Any!]!) {
  kommuner: _entities(representations: $r) { ... on Kommun {
    used(year: 2022) received(year: 2022) remaining(year: 2022) } }
  lan: _entities(representations: $l) { ... on Lan {
    anvisningTotals(year: 2022) { used remaining } planMonths(year: 2022) { planned assigned }
    planChanges(year: 2022) { reason } } } }"""
DIALOG = """query($r: [_Any!]!, $l: [_Any!]!) {
  kommuner: _entities(representations: $r) { ... on Kommun {
    selfSettled(year: 2022) pendingReceptions openEscalations } }
  lan: _entities(representations: $l) { ... on Lan {
    openEscalations selfSettled(year: 2022) escalationsByKind { kind open }
    lastAvstamning lastLanstraff } } }"""


def _variables(lanskod: str) -> dict[str, Any]:
    return {
        "lanskod": lanskod,
        "r": [{"__typename": "Kommun", "kommunkod": k.kommunkod} for k in kommuner_in_lan(lanskod)],
        "l": [{"__typename": "Lan", "lanskod": lanskod}],
    }


async def _decide(kommuntal: Kommuntal, anvisning: Anvisning, lanskod: str) -> None:
    codes = [k.kommunkod for k in kommuner_in_lan(lanskod)]
    await kommuntal.set_lanstal(2022, lanskod, 10 * len(codes))
    lst = kommuntal.service.token(roles=["lansstyrelse"], lan=[lanskod], sub=f"HSA-L{lanskod}")
    body = await kommuntal.decide({k: 10 for k in codes}, lanskod=lanskod, token=lst)
    assert body["data"]["decideKommuntal"]["__typename"] == "DecideKommuntalSuccess", body

    async def projected() -> bool:
        return await anvisning.projected(codes[-1]) == 10

    await eventually(projected)


async def _count(
    service: RunningService, traces: Path, query: str, lanskod: str, token: str
) -> int:
    variables = _variables(lanskod)
    if "$lanskod" not in query:
        variables.pop("lanskod")
    else:
        variables = {"lanskod": lanskod}
    body, statements = await statements_of(service, traces, query, variables, token)
    assert "errors" not in body, body
    return statements


async def test_the_county_picture_costs_the_same_sql_for_49_municipalities_as_for_1(
    three: tuple[Kommuntal, Anvisning, Dialog], traces_file: Path
) -> None:
    kommuntal, anvisning, dialog = three
    for lanskod in ("14", "09"):
        await _decide(kommuntal, anvisning, lanskod)
    expert = dialog.service.token(roles=["regional_expert"], lan=["14", "09"], sub="HSA-RE-P")

    for service, query, token in (
        (kommuntal.service, KOMMUNTAL, expert),
        (anvisning.service, ANVISNING, anvisning.bosattningsenhet),
        (dialog.service, DIALOG, expert),
    ):
        vastra_gotaland = await _count(service, traces_file, query, "14", token)
        gotland = await _count(service, traces_file, query, "09", token)
        assert 0 < gotland == vastra_gotaland, (query[:40], vastra_gotaland, gotland)
