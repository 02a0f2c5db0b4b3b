"""Inability to receive (S10) and discharge without arranged reception (S11)."""

from __future__ import annotations

from typing import Any

from tests.integration.anvisning.conftest import Anvisning, arende_id
from tests.integration.conftest import eventually
from tests.integration.dialog.conftest import Dialog
from tests.integration.dialog.test_escalations import _events_in_inbox
from tests.integration.dialog.test_reception import _assigned
from tests.integration.kommuntal.conftest import Kommuntal

CANNOT = """mutation($input: CannotReceiveInput!) { reportCannotReceive(input: $input) {
  __typename ... on EscalationSuccess { escalationId meetingProposed }
  ... on Error { code message field } } }"""
DISCHARGE = """mutation($input: DischargeInput!) { reportUtskrivningUtanMottagande(input: $input) {
  __typename ... on EscalationSuccess { escalationId } ... on Error { code message } } }"""


async def _cannot(dialog: Dialog, token: str, **input: Any) -> Any:
    return await dialog.service.graphql(CANNOT, {"input": input}, token)


async def test_an_inability_concerning_enough_persons_proposes_a_three_party_meeting(
    three: tuple[Kommuntal, Anvisning, Dialog],
) -> None:
    kommuntal, anvisning, dialog = three
    _, first = await _assigned(*three)  # 3 persons to 0680
    ids = [first]
    for _ in range(3):
        case = arende_id()
        await anvisning.register(case, adults=2, children=1)
        ids.append((await anvisning.decide(case, "0680"))["anvisning"]["anvisningId"])

    async def projected() -> bool:
        return bool(await dialog.service.deps.pool.fetchval("SELECT count(*) FROM mottagande") == 4)

    await eventually(projected)

    body = await _cannot(
        dialog,
        dialog.kommun("0680"),
        kommunkod="0680",
        months=[4, 5],
        reason="Bostäderna blir klara först i juni",
    )

    result = body["data"]["reportCannotReceive"]
    assert result["meetingProposed"] is True  # 12 persons ≥ the default of 10
    pool = dialog.service.deps.pool
    meeting = await pool.fetchrow("SELECT kind, status, scheduled_on FROM meeting")
    assert dict(meeting) == {"kind": "trepartssamtal", "status": "proposed", "scheduled_on": None}
    [notice] = await _events_in_inbox(kommuntal, 1)
    assert notice["facts"]["kind"] == "cannot_receive" and notice["facts"]["persons"] == 12
    assert sorted(notice["facts"]["anvisning_ids"]) == sorted(ids)
    assert "reason" not in notice["facts"]  # free text stays in the owning service


async def test_an_inability_is_refused_for_another_municipality_and_with_a_personal_number(
    three: tuple[Kommuntal, Anvisning, Dialog],
) -> None:
    _, _, dialog = three

    foreign = await _cannot(
        dialog, dialog.kommun("0662"), kommunkod="0680", months=[4], reason="Inga bostäder"
    )
    with_number = await _cannot(
        dialog,
        dialog.kommun("0680"),
        kommunkod="0680",
        months=[4],
        reason="Gäller familjen 19121212-1212",
    )
    with_phone = await _cannot(
        dialog,
        dialog.kommun("0680"),
        kommunkod="0680",
        months=[4],
        reason="Ring 036-10 50 00 för frågor",
    )

    assert foreign["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert with_number["data"]["reportCannotReceive"]["code"] == "IDENTITY_NUMBER_IN_TEXT"
    assert with_phone["data"]["reportCannotReceive"]["__typename"] == "EscalationSuccess"
    assert await dialog.service.deps.pool.fetchval("SELECT count(*) FROM escalation") == 1


async def test_a_discharge_without_arranged_reception_informs_the_county_board(
    three: tuple[Kommuntal, Anvisning, Dialog],
) -> None:
    kommuntal, _, dialog = three
    _, anvisning_id = await _assigned(*three)

    body = await dialog.service.graphql(
        DISCHARGE,
        {"input": {"anvisningId": anvisning_id, "dischargedOn": "2022-03-01"}},
        dialog.mottagning,
    )

    assert body["data"]["reportUtskrivningUtanMottagande"]["__typename"] == "EscalationSuccess"
    [notice] = await _events_in_inbox(kommuntal, 1)
    assert notice["facts"]["kind"] == "discharge_without_reception"
    assert notice["facts"]["kommunkod"] == "0680"
