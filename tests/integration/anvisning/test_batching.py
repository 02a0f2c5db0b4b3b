"""Entity references and per-municipality fields are fetched in batches, not one by one."""

from __future__ import annotations

from pathlib import Path

from tests.examples import JONKOPING_2022
from tests.integration.anvisning.conftest import Anvisning, kommuntal_decided
from tests.integration.kommuntal.conftest import Kommuntal
from tests.integration.sql_count import statements_of

COUNTS = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Kommun { used(year: 2022) received(year: 2022) remaining(year: 2022) } } }"""
KOMMUNTAL = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Kommun { kommuntal(year: 2022) } } }"""


def representations(codes: list[str]) -> dict[str, object]:
    return {"r": [{"__typename": "Kommun", "kommunkod": k} for k in codes]}


async def test_thirteen_municipalities_cost_the_same_sql_as_one_in_both_subgraphs(
    both: tuple[Kommuntal, Anvisning], traces_file: Path
) -> None:
    kommuntal, anvisning = both
    await kommuntal_decided(kommuntal, anvisning, JONKOPING_2022, 255)
    all_codes = sorted(JONKOPING_2022)

    for service, query, token in (
        (anvisning.service, COUNTS, anvisning.bosattningsenhet),
        (kommuntal.service, KOMMUNTAL, kommuntal.lst06),
    ):
        one, one_sql = await statements_of(
            service, traces_file, query, representations(all_codes[:1]), token
        )
        many, many_sql = await statements_of(
            service, traces_file, query, representations(all_codes), token
        )

        assert "errors" not in one and "errors" not in many, (one, many)
        assert len(many["data"]["_entities"]) == 13
        assert 1 <= one_sql == many_sql, (query, one_sql, many_sql)
