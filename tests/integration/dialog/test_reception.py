"""From notification talk to reception, across the three services over real NATS."""

from __future__ import annotations

from typing import Any

from tests.examples import JONKOPING_2022
from tests.integration.anvisning.conftest import Anvisning, arende_id, kommuntal_decided
from tests.integration.conftest import eventually
from tests.integration.dialog.conftest import Dialog
from tests.integration.kommuntal.conftest import Kommuntal

SELF_SETTLED = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Kommun { selfSettled(year: 2022) } } }"""


async def _assigned(
    kommuntal: Kommuntal, anvisning: Anvisning, dialog: Dialog, kommunkod: str = "0680"
) -> tuple[str, str]:
    await kommuntal_decided(kommuntal, anvisning, JONKOPING_2022, 255)
    case = arende_id()
    talk = await dialog.underrattelse(arendeId=case, category="ABO", outcome="SETTLEMENT_NEEDED")
    assert talk["__typename"] == "UnderrattelseSuccess", talk
    await anvisning.register(case, adults=2, children=1)
    decided = await anvisning.decide(case, kommunkod)
    anvisning_id: str = decided["anvisning"]["anvisningId"]

    async def projected() -> bool:
        return bool(
            await dialog.service.deps.pool.fetchval(
                "SELECT count(*) FROM mottagande WHERE anvisning_id = $1::uuid", anvisning_id
            )
        )

    await eventually(projected)
    return case, anvisning_id


async def test_a_household_goes_from_assignment_to_reception_and_counts_as_received(
    three: tuple[Kommuntal, Anvisning, Dialog],
) -> None:
    _, anvisning, dialog = three
    _, anvisning_id = await _assigned(*three)
    jonkoping = dialog.kommun("0680")

    talk = await dialog.act(
        "recordAnvisningssamtal",
        "AnvisningssamtalInput",
        dialog.mottagning,
        anvisningId=anvisning_id,
        heldOn="2022-03-01",
    )
    dated = await dialog.act(
        "reportMottagandedatum",
        "MottagandedatumInput",
        jonkoping,
        anvisningId=anvisning_id,
        mottagandedatum="2022-04-15",
    )
    await dialog.service.client.post("/dev/clock", json={"set": "2022-04-15T12:00:00+02:00"})
    received = await dialog.act(
        "reportMottagande",
        "MottagandeInput",
        jonkoping,
        anvisningId=anvisning_id,
        receivedOn="2022-04-15",
    )

    assert talk["anvisning"]["anvisningssamtalHeldOn"] == "2022-03-01"
    assert dated["anvisning"]["receptionStatus"] == "DATE_REPORTED"
    assert dated["anvisning"]["dateAfterDeadline"] is False
    assert received["anvisning"]["receptionStatus"] == "RECEIVED"

    async def counted() -> bool:
        return (await anvisning.counts("0680"))["received"] == 3

    await eventually(counted)


async def test_a_date_after_the_deadline_is_kept_and_flagged(
    three: tuple[Kommuntal, Anvisning, Dialog],
) -> None:
    _, anvisning_id = await _assigned(*three)
    dialog = three[2]

    dated = await dialog.act(
        "reportMottagandedatum",
        "MottagandedatumInput",
        dialog.kommun("0680"),
        anvisningId=anvisning_id,
        mottagandedatum="2022-06-01",
    )

    assert dated["anvisning"]["dateAfterDeadline"] is True


async def test_another_municipality_cannot_report_on_the_case(
    three: tuple[Kommuntal, Anvisning, Dialog],
) -> None:
    _, anvisning_id = await _assigned(*three, kommunkod="0662")
    dialog = three[2]

    refused = await dialog.act(
        "reportMottagandedatum",
        "MottagandedatumInput",
        dialog.kommun("0680"),
        anvisningId=anvisning_id,
        mottagandedatum="2022-04-01",
    )

    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await dialog.service.deps.pool.fetchval("SELECT mottagandedatum FROM mottagande") is None


BAD: dict[str, tuple[dict[str, Any], str]] = {
    "a date before the assignment": ({"mottagandedatum": "2022-02-01"}, "DATE_BEFORE_ASSIGNMENT"),
    "an unknown assignment": (
        {"anvisningId": "00000000-0000-4000-8000-000000000000"},
        "ANVISNING_NOT_FOUND",
    ),
}


async def test_bad_reports_are_typed_errors_and_change_nothing(
    three: tuple[Kommuntal, Anvisning, Dialog],
) -> None:
    _, anvisning, dialog = three
    _, anvisning_id = await _assigned(*three)
    jonkoping = dialog.kommun("0680")
    for changes, code in BAD.values():
        arguments = {"anvisningId": anvisning_id, "mottagandedatum": "2022-04-01", **changes}
        result = await dialog.act(
            "reportMottagandedatum", "MottagandedatumInput", jonkoping, **arguments
        )
        assert result["code"] == code, result
    await anvisning.cancel(anvisning_id)

    async def cancelled_here() -> bool:
        return bool(
            await dialog.service.deps.pool.fetchval(
                "SELECT cancelled FROM mottagande WHERE anvisning_id = $1::uuid", anvisning_id
            )
        )

    await eventually(cancelled_here)
    late = await dialog.act(
        "reportMottagande",
        "MottagandeInput",
        jonkoping,
        anvisningId=anvisning_id,
        receivedOn="2022-03-01",
    )
    assert late["code"] == "ANVISNING_CANCELLED"
    assert (
        await dialog.service.deps.pool.fetchval(
            "SELECT count(*) FROM mottagande WHERE mottagandedatum IS NOT NULL "
            "OR received_on IS NOT NULL"
        )
        == 0
    )


async def test_own_housing_counts_as_self_settled_and_a_talk_is_recorded_once(
    three: tuple[Kommuntal, Anvisning, Dialog],
) -> None:
    dialog = three[2]
    case = arende_id()
    own = {
        "arendeId": case,
        "category": "ABO",
        "outcome": "OWN_HOUSING",
        "kommunkod": "0680",
        "adults": 1,
        "children": 2,
        "settledOn": "2022-02-20",
    }

    first = await dialog.underrattelse(**own)
    again = await dialog.underrattelse(**own)
    with_number = await dialog.underrattelse(
        **{**own, "arendeId": arende_id(), "kommunkod": "0699"}
    )

    assert first["__typename"] == "UnderrattelseSuccess"
    assert again["code"] == "ALREADY_RECORDED"
    assert with_number["code"] == "UNKNOWN_KOMMUN"
    body = await dialog.service.graphql(
        SELF_SETTLED, {"r": [{"__typename": "Kommun", "kommunkod": "0680"}]}, dialog.mottagning
    )
    assert body["data"]["_entities"][0]["selfSettled"] == 3
