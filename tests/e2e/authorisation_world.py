"""The records the authorisation matrix asks about, made through the gateway.

Jönköping (06) decides its 2022 kommuntal; reception unit MO-06 registers two cases, the
settlement unit assigns both to Jönköping municipality (0680), which reports a reception
date after the deadline for each (so two escalations are open and the county board has
notifications); the county board proposes a länsträff with 0680 and sends it a mailing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from bosattning_runtime.devkeys import mint_token

from tests.e2e.conftest import Gateway, decide_kommuntal
from tests.examples import JONKOPING_2022
from tests.integration.anvisning.conftest import DECIDE, REGISTER, arende_id
from tests.integration.conftest import eventually


@dataclass(frozen=True)
class World:
    arende_id: str
    anvisning_id: str
    escalation_open: str
    escalation_to_hand_over: str
    notification_id: str
    meeting_id: str
    utskick_id: str
    fresh_arende_id: str
    unknown_id: str


class Actors:
    """The world's own agencies, with tokens."""

    def __init__(self, gateway: Gateway) -> None:
        def token(sub: str, role: str, **scope: Any) -> str:
            return mint_token(gateway.keys, sub=sub, roles=[role], **scope)

        self.gateway = gateway
        self.unit = token("HSA-W-MO", "mottagningsenhet", enhet="MO-06")
        self.settlement = token("HSA-W-BE", "bosattningsenhet")
        self.kommun = token("HSA-W-K", "kommun", kommun="0680")
        self.board = token("HSA-W-LST", "lansstyrelse", lan=["06"])

    async def call(self, token: str, document: str, **variables: Any) -> dict[str, Any]:
        body = await self.gateway.graphql(document, variables, token)
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data


RECEPTION = """query($x: UUID!) { mottagande(anvisningId: $x) {
  anvisningId escalations { escalationId } } }"""
REPORT_DATE = """mutation($input: MottagandedatumInput!) { reportMottagandedatum(input: $input) {
  __typename } }"""
INBOX = '{ lan(lanskod: "06") { inbox { eventId } } }'
PROPOSE = """mutation($input: MeetingProposalInput!) { proposeMeeting(input: $input) {
  __typename ... on MeetingSuccess { meeting { meetingId } } ... on Error { code } } }"""
UTSKICK = """mutation($input: UtskickInput!) { registerUtskick(input: $input) {
  __typename ... on UtskickSuccess { utskick { utskickId } } ... on Error { code } } }"""


async def _assigned_and_late(actors: Actors) -> tuple[str, str, str]:
    """A case of MO-06 assigned to 0680, reported late: (case, assignment, escalation)."""
    case = arende_id()
    registered = await actors.call(
        actors.unit,
        REGISTER,
        input={"arendeId": case, "category": "ABO", "adults": 1, "children": 0, "needs": []},
    )
    assert registered["registerBosattningsunderlag"]["__typename"].endswith("Success")
    decided = await actors.call(
        actors.settlement, DECIDE, input={"arendeId": case, "kommunkod": "0680"}
    )
    anvisning_id: str = decided["decideAnvisning"]["anvisning"]["anvisningId"]

    async def projected() -> bool:
        found = await actors.call(actors.settlement, RECEPTION, x=anvisning_id)
        return found["mottagande"] is not None

    await eventually(projected, within=30)
    late = {"anvisningId": anvisning_id, "mottagandedatum": "2022-06-01"}
    reported = await actors.call(actors.kommun, REPORT_DATE, input=late)
    assert reported["reportMottagandedatum"]["__typename"] == "MottagandeSuccess", reported
    found = await actors.call(actors.settlement, RECEPTION, x=anvisning_id)
    [escalation] = found["mottagande"]["escalations"]
    return case, anvisning_id, escalation["escalationId"]


async def build_world(gateway: Gateway) -> World:
    actors = Actors(gateway)
    await decide_kommuntal(gateway, "06", 255, JONKOPING_2022)
    case, anvisning_id, escalation_open = await _assigned_and_late(actors)
    _, _, escalation_to_hand_over = await _assigned_and_late(actors)

    async def notified() -> bool:
        return bool((await actors.call(actors.board, INBOX))["lan"]["inbox"])

    await eventually(notified, within=30)
    inbox = (await actors.call(actors.board, INBOX))["lan"]["inbox"]
    proposal = {"kind": "LANSTRAFF", "lanskod": "06", "kommunkoder": ["0680"]}
    proposed = await actors.call(actors.board, PROPOSE, input=proposal)
    assert proposed["proposeMeeting"]["__typename"] == "MeetingSuccess", proposed
    mailing = {
        "subject": "Kommuntal 2022",
        "kind": "KOMMUNTAL",
        "recipients": ["0680"],
        "sentOn": "2022-03-01",
        "lanskod": "06",
    }
    sent = await actors.call(actors.board, UTSKICK, input=mailing)
    assert sent["registerUtskick"]["__typename"] == "UtskickSuccess", sent
    return World(
        arende_id=case,
        anvisning_id=anvisning_id,
        escalation_open=escalation_open,
        escalation_to_hand_over=escalation_to_hand_over,
        notification_id=inbox[0]["eventId"],
        meeting_id=proposed["proposeMeeting"]["meeting"]["meetingId"],
        utskick_id=sent["registerUtskick"]["utskick"]["utskickId"],
        fresh_arende_id=arende_id(),
        unknown_id=str(uuid.uuid4()),
    )
