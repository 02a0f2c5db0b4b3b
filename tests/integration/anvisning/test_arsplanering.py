"""Annual plans (årsplanering, S8) and assignments beyond them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.examples import JONKOPING_2022, JONKOPING_AGREED
from tests.integration.anvisning.conftest import Anvisning, arende_id, kommuntal_decided
from tests.integration.conftest import eventually
from tests.integration.kommuntal.conftest import Kommuntal

PLAN_FIELDS = "year kommunkod version kommuntal status stale months { month planned assigned }"
PROPOSE = f"""
mutation($input: ProposeArsplaneringInput!) {{ proposeArsplanering(input: $input) {{
  __typename
  ... on ProposeArsplaneringSuccess {{ plans {{ {PLAN_FIELDS} }} }}
  ... on Error {{ code message field }}
}} }}"""
DECIDE = f"""
mutation($input: DecideArsplaneringInput!) {{ decideArsplanering(input: $input) {{
  __typename
  ... on ArsplaneringSuccess {{ plan {{ {PLAN_FIELDS} reason }} }}
  ... on Error {{ code message field }}
}} }}"""
CHANGE = f"""
mutation($input: ChangeArsplaneringInput!) {{ changeArsplanering(input: $input) {{
  __typename
  ... on ArsplaneringSuccess {{ plan {{ {PLAN_FIELDS} reason material }} }}
  ... on Error {{ code message field }}
}} }}"""
READ = f"""
query($r: [_Any!]!) {{ _entities(representations: $r) {{
  ... on Kommun {{ arsplanering(year: 2022) {{ {PLAN_FIELDS} }} }} }} }}"""


async def _call(anvisning: Anvisning, query: str, field: str, **variables: Any) -> Any:
    body = await anvisning.service.graphql(query, {"input": variables}, anvisning.bosattningsenhet)
    assert "errors" not in body, body
    return body["data"][field]


@pytest.fixture
async def decided(both: tuple[Kommuntal, Anvisning]) -> tuple[Kommuntal, Anvisning]:
    kommuntal, anvisning = both
    await kommuntal_decided(kommuntal, anvisning, JONKOPING_2022, 255)
    return kommuntal, anvisning


async def test_the_proposed_plans_of_a_year_sum_to_each_kommuntal_and_zero_gives_zeros(
    decided: tuple[Kommuntal, Anvisning],
) -> None:
    _, anvisning = decided

    result = await _call(anvisning, PROPOSE, "proposeArsplanering", year=2022)

    plans = {p["kommunkod"]: p for p in result["plans"]}
    assert set(plans) == set(JONKOPING_2022)
    for kommunkod, plan in plans.items():
        planned = [m["planned"] for m in plan["months"]]
        assert len(planned) == 12 and sum(planned) == JONKOPING_2022[kommunkod]
        assert plan["status"] == "PROPOSED"
    assert [m["planned"] for m in plans["0684"]["months"]] == [0] * 12


async def test_a_plan_is_decided_and_changed_with_its_reason_and_bad_months_are_refused(
    decided: tuple[Kommuntal, Anvisning],
) -> None:
    _, anvisning = decided
    await _call(anvisning, PROPOSE, "proposeArsplanering", year=2022, kommunkoder=["0604"])

    first = await _call(anvisning, DECIDE, "decideArsplanering", year=2022, kommunkod="0604")
    negative = await _call(
        anvisning,
        CHANGE,
        "changeArsplanering",
        year=2022,
        kommunkod="0604",
        months=[5, -1] + [0] * 10,
        reason="Kommunens önskemål",
    )
    wrong_sum = await _call(
        anvisning,
        CHANGE,
        "changeArsplanering",
        year=2022,
        kommunkod="0604",
        months=[1] * 12,
        reason="Kommunens önskemål",
    )
    changed = await _call(
        anvisning,
        CHANGE,
        "changeArsplanering",
        year=2022,
        kommunkod="0604",
        months=[0, 0, 0, 0, 2, 2] + [0] * 6,
        reason="Bostäder klara i maj",
        material="Dnr KS 2022/114",
    )

    assert first["plan"]["status"] == "DECIDED" and first["plan"]["version"] == 2
    assert negative["code"] == "NEGATIVE_MONTH"
    assert wrong_sum["code"] == "PLAN_SUM_DIFFERS"
    assert changed["plan"]["version"] == 3 and changed["plan"]["material"] == "Dnr KS 2022/114"


async def test_an_assignment_beyond_the_plan_needs_an_override_and_one_without_a_plan_is_flagged(
    decided: tuple[Kommuntal, Anvisning],
) -> None:
    _, anvisning = decided
    free = arende_id()
    await anvisning.register(free)
    unplanned = await anvisning.decide(free, "0680")
    assert unplanned["__typename"] == "AnvisningSuccess"
    months = [0, 0, 1, 1, 1, 1] + [0] * 6  # one person planned through March
    await _call(anvisning, DECIDE, "decideArsplanering", year=2022, kommunkod="0604", months=months)
    case = arende_id()
    await anvisning.register(case, adults=2)

    refused = await anvisning.decide(case, "0604")
    overridden = await anvisning.decide(case, "0604", overrideReason="Bostad finns redan")

    assert refused["code"] == "OVERRIDE_REQUIRED"
    assert overridden["__typename"] == "AnvisningSuccess", overridden
    pool = anvisning.service.deps.pool
    flags = {
        r["kommunkod"]: (r["beyond_plan"], r["without_plan"])
        for r in await pool.fetch("SELECT kommunkod, beyond_plan, without_plan FROM anvisning")
    }
    assert flags == {"0680": (False, True), "0604": (True, False)}


async def test_a_changed_kommuntal_marks_the_plan_stale(
    decided: tuple[Kommuntal, Anvisning],
) -> None:
    kommuntal, anvisning = decided
    await _call(anvisning, PROPOSE, "proposeArsplanering", year=2022, kommunkoder=["0604"])
    await _call(anvisning, DECIDE, "decideArsplanering", year=2022, kommunkod="0604")

    await kommuntal.request_revision(JONKOPING_AGREED)

    async def stale() -> bool:
        body = await anvisning.service.graphql(
            READ,
            {"r": [{"__typename": "Kommun", "kommunkod": "0604"}]},
            anvisning.bosattningsenhet,
        )
        return bool(body["data"]["_entities"][0]["arsplanering"]["stale"])

    await eventually(stale)
