"""Deadlines and escalations (S9), and the county board's inbox, across the real services."""

from __future__ import annotations

import asyncio
from typing import Any

from bosattning_dialog import handlers

from tests.integration.anvisning.conftest import Anvisning
from tests.integration.conftest import eventually
from tests.integration.dialog.conftest import Dialog
from tests.integration.dialog.test_reception import _assigned
from tests.integration.kommuntal.conftest import Kommuntal

INBOX = """query($lanskod: String!) { lan(lanskod: $lanskod) {
  inbox(includeAcknowledged: true) { eventId eventType facts acknowledgedAt } } }"""
ESCALATIONS = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Anvisning { escalations { escalationId kind status } } } }"""
ACT = """mutation($input: EscalationInput!) {{ {field}(input: $input) {{
  __typename ... on Error {{ code message }} }} }}"""


async def _inbox(kommuntal: Kommuntal, token: str | None = None) -> Any:
    return await kommuntal.service.graphql(INBOX, {"lanskod": "06"}, token or kommuntal.lst06)


async def _events_in_inbox(kommuntal: Kommuntal, count: int) -> list[dict[str, Any]]:
    async def arrived() -> bool:
        body = await _inbox(kommuntal)
        return len(body["data"]["lan"]["inbox"]) >= count

    await eventually(arrived, within=20)
    inbox: list[dict[str, Any]] = (await _inbox(kommuntal))["data"]["lan"]["inbox"]
    return inbox


async def _escalations(dialog: Dialog, anvisning_id: str) -> list[dict[str, Any]]:
    body = await dialog.service.graphql(
        ESCALATIONS,
        {"r": [{"__typename": "Anvisning", "anvisningId": anvisning_id}]},
        dialog.mottagning,
    )
    found: list[dict[str, Any]] = body["data"]["_entities"][0]["escalations"]
    return found


async def _report(dialog: Dialog, anvisning_id: str, day: str) -> dict[str, Any]:
    return await dialog.act(
        "reportMottagandedatum",
        "MottagandedatumInput",
        dialog.kommun("0680"),
        anvisningId=anvisning_id,
        mottagandedatum=day,
    )


async def test_a_late_date_opens_an_escalation_that_reaches_only_its_county_boards_inbox(
    three: tuple[Kommuntal, Anvisning, Dialog],
) -> None:
    kommuntal, _, dialog = three
    _, anvisning_id = await _assigned(*three)

    await _report(dialog, anvisning_id, "2022-06-01")

    inbox = await _events_in_inbox(kommuntal, 1)
    assert inbox[0]["eventType"] == "escalation.opened"
    facts = inbox[0]["facts"]
    assert facts["kind"] == "late_date" and facts["kommunkod"] == "0680"
    assert facts["deadline"] == "2022-05-01" and facts["mottagandedatum"] == "2022-06-01"
    assert facts["anvisning_ids"] == [anvisning_id]
    for other in (kommuntal.lst01, kommuntal.service.token(roles=["kommun"], kommun="0680")):
        refused = await _inbox(kommuntal, other)
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_hand_over_and_resolution_reach_the_inbox_and_a_later_late_date_opens_anew(
    three: tuple[Kommuntal, Anvisning, Dialog],
) -> None:
    kommuntal, _, dialog = three
    _, anvisning_id = await _assigned(*three)
    await _report(dialog, anvisning_id, "2022-06-01")
    [escalation] = await _escalations(dialog, anvisning_id)
    ident = {"input": {"escalationId": escalation["escalationId"]}}
    expert = dialog.service.token(roles=["regional_expert"], lan=["06"], sub="HSA-RE-1")

    handed = await dialog.service.graphql(
        ACT.format(field="handOverEscalation"), ident, dialog.mottagning
    )
    by_unit = await dialog.service.graphql(
        ACT.format(field="resolveEscalation"), ident, dialog.mottagning
    )
    by_expert = await dialog.service.graphql(ACT.format(field="resolveEscalation"), ident, expert)
    again = await dialog.service.graphql(ACT.format(field="resolveEscalation"), ident, expert)

    assert handed["data"]["handOverEscalation"]["__typename"] == "EscalationSuccess"
    assert by_unit["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # the expert's now
    assert by_expert["data"]["resolveEscalation"]["__typename"] == "EscalationSuccess"
    assert again["data"]["resolveEscalation"]["code"] == "ESCALATION_CLOSED"
    kinds = [n["eventType"] for n in await _events_in_inbox(kommuntal, 3)]
    assert sorted(kinds) == ["escalation.handed_over", "escalation.opened", "escalation.resolved"]

    await _report(dialog, anvisning_id, "2022-06-15")

    statuses = [e["status"] for e in await _escalations(dialog, anvisning_id)]
    assert statuses == ["RESOLVED", "OPEN"]


async def test_a_date_within_the_deadline_resolves_the_escalation_on_its_own(
    three: tuple[Kommuntal, Anvisning, Dialog],
) -> None:
    kommuntal, _, dialog = three
    _, anvisning_id = await _assigned(*three)
    await _report(dialog, anvisning_id, "2022-06-01")

    await _report(dialog, anvisning_id, "2022-04-20")

    assert [e["status"] for e in await _escalations(dialog, anvisning_id)] == ["RESOLVED"]
    kinds = [n["eventType"] for n in await _events_in_inbox(kommuntal, 2)]
    assert "escalation.resolved" in kinds


async def test_the_watcher_opens_a_missing_reply_once_even_run_twice_at_once(
    three: tuple[Kommuntal, Anvisning, Dialog],
) -> None:
    _, _, dialog = three
    _, anvisning_id = await _assigned(*three)
    deps = dialog.service.deps
    assert await handlers.open_overdue(deps) == 0  # within the reply window
    await dialog.service.client.post("/dev/clock", json={"advance_seconds": 15 * 24 * 3600})

    opened = await asyncio.gather(handlers.open_overdue(deps), handlers.open_overdue(deps))
    again = await handlers.open_overdue(deps)

    assert sum(opened) == 1 and again == 0
    assert [e["kind"] for e in await _escalations(dialog, anvisning_id)] == ["NO_REPLY"]


ACKNOWLEDGE = """mutation($input: AcknowledgeInput!) { acknowledgeNotification(input: $input) {
  __typename ... on Error { code } } }"""


async def test_only_the_county_board_acknowledges_its_notifications(
    three: tuple[Kommuntal, Anvisning, Dialog],
) -> None:
    kommuntal, _, dialog = three
    _, anvisning_id = await _assigned(*three)
    await _report(dialog, anvisning_id, "2022-06-01")
    [notice] = await _events_in_inbox(kommuntal, 1)
    ident = {"input": {"eventId": notice["eventId"]}}

    foreign = await kommuntal.service.graphql(ACKNOWLEDGE, ident, kommuntal.lst01)
    own = await kommuntal.service.graphql(ACKNOWLEDGE, ident, kommuntal.lst06)
    twice = await kommuntal.service.graphql(ACKNOWLEDGE, ident, kommuntal.lst06)

    assert foreign["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert own["data"]["acknowledgeNotification"]["__typename"] == "AcknowledgeSuccess"
    assert twice["data"]["acknowledgeNotification"]["code"] == (
        "NOTIFICATION_NOT_FOUND_OR_ACKNOWLEDGED"
    )
    [read] = (await _inbox(kommuntal))["data"]["lan"]["inbox"]
    assert read["acknowledgedAt"] is not None


LAN_COUNTS = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Lan { openEscalations selfSettled(year: 2022) } } }"""


async def test_the_county_counts_open_escalations_and_self_settled_persons(
    three: tuple[Kommuntal, Anvisning, Dialog],
) -> None:
    _, _, dialog = three
    _, anvisning_id = await _assigned(*three)
    await _report(dialog, anvisning_id, "2022-06-01")
    await dialog.underrattelse(
        arendeId="55555555-22",
        category="ABO",
        outcome="OWN_HOUSING",
        kommunkod="0662",
        adults=2,
        children=0,
        settledOn="2022-02-01",
    )
    representations = {
        "r": [{"__typename": "Lan", "lanskod": "06"}, {"__typename": "Lan", "lanskod": "01"}]
    }

    settlement_unit = dialog.service.token(roles=["bosattningsenhet"], sub="HSA-BE-1")
    body = await dialog.service.graphql(LAN_COUNTS, representations, settlement_unit)
    kommun = await dialog.service.graphql(LAN_COUNTS, representations, dialog.kommun("0680"))
    # open escalations belong to the county's picture, not to every agency role
    unit = await dialog.service.graphql(LAN_COUNTS, representations, dialog.mottagning)

    assert body["data"]["_entities"] == [
        {"openEscalations": 1, "selfSettled": 2},
        {"openEscalations": 0, "selfSettled": 0},
    ]
    assert kommun["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert unit["errors"][0]["extensions"]["code"] == "FORBIDDEN"
