"""Meetings (S3, S4, S10) and mailings (S5) in the reception units' service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from bosattning_contracts.reference import all_lan
from bosattning_dialog.app import DEFAULT_PORT, create_app

from tests.integration.conftest import StartService
from tests.integration.dialog.conftest import Dialog

MEETING_FIELDS = "meetingId kind status lanskod kommunkoder agenda scheduledOn heldOn escalationId"
MUTATE = """mutation($input: {input_type}!) {{ {field}(input: $input) {{
  __typename ... on {success} ... on Error {{ code message field }} }} }}"""
MEETING_SUCCESS = f"MeetingSuccess {{ meeting {{ {MEETING_FIELDS} }} }}"
UTSKICK_SUCCESS = (
    "UtskickSuccess { utskick { utskickId subject kind lanskod recipients senderRole } }"
)
MEETING = f"query($id: UUID!) {{ meeting(meetingId: $id) {{ {MEETING_FIELDS} }} }}"
MEETINGS = f"""query($lanskod: String) {{ meetings(lanskod: $lanskod) {{
  items {{ {MEETING_FIELDS} }} hasNextPage }} }}"""
UTSKICK = "query { utskick { items { subject recipients senderRole } hasNextPage } }"
WITHOUT = "query($year: Int) { countiesWithoutLanstraff(year: $year) { lanskod namn } }"
CANNOT = """mutation($input: CannotReceiveInput!) { reportCannotReceive(input: $input) {
  ... on EscalationSuccess { escalationId meetingProposed } } }"""


@pytest.fixture
async def dialog(start_service: StartService) -> AsyncIterator[Dialog]:
    yield Dialog(await start_service("dialog", create_app, DEFAULT_PORT))


class Tokens:
    def __init__(self, dialog: Dialog) -> None:
        token = dialog.service.token
        self.lst06 = token(roles=["lansstyrelse"], lan=["06"], sub="HSA-LST06")
        self.lst01 = token(roles=["lansstyrelse"], lan=["01"], sub="HSA-LST01")
        self.expert06 = token(roles=["regional_expert"], lan=["06"], sub="HSA-RE06")
        self.expert01 = token(roles=["regional_expert"], lan=["01"], sub="HSA-RE01")
        self.enhet = token(roles=["bosattningsenhet"], sub="HSA-BE-1")
        self.nationell = token(roles=["nationell"], sub="HSA-NAT")
        self.operator = token(roles=["operator"], sub="HSA-OP")


async def _mutate(dialog: Dialog, field: str, input_type: str, token: str, **input: Any) -> Any:
    success = UTSKICK_SUCCESS if field == "registerUtskick" else MEETING_SUCCESS
    query = MUTATE.format(field=field, input_type=input_type, success=success)
    body = await dialog.service.graphql(query, {"input": input}, token)
    return body if body.get("errors") else body["data"][field]


async def _propose(dialog: Dialog, token: str, **input: Any) -> Any:
    return await _mutate(dialog, "proposeMeeting", "MeetingProposalInput", token, **input)


async def _schedule(dialog: Dialog, token: str, meeting_id: str, day: str) -> Any:
    return await _mutate(
        dialog,
        "scheduleMeeting",
        "MeetingScheduleInput",
        token,
        meetingId=meeting_id,
        scheduledOn=day,
    )


async def _held(dialog: Dialog, token: str, meeting_id: str, day: str, **extra: Any) -> Any:
    return await _mutate(
        dialog,
        "recordMeetingHeld",
        "MeetingHeldInput",
        token,
        meetingId=meeting_id,
        heldOn=day,
        **extra,
    )


async def _utskick(dialog: Dialog, token: str, **input: Any) -> Any:
    return await _mutate(dialog, "registerUtskick", "UtskickInput", token, **input)


async def _held_meeting(dialog: Dialog, token: str, kind: str, lanskod: str, day: str) -> None:
    proposed = await _propose(dialog, token, kind=kind, lanskod=lanskod)
    meeting_id = proposed["meeting"]["meetingId"]
    assert (await _schedule(dialog, token, meeting_id, day))["__typename"] == "MeetingSuccess"
    assert (await _held(dialog, token, meeting_id, day))["__typename"] == "MeetingSuccess"


def _code(body: Any) -> str:
    return str(body["errors"][0]["extensions"]["code"])


async def _count(dialog: Dialog, table: str) -> int:
    return int(await dialog.service.deps.pool.fetchval(f"SELECT count(*) FROM {table}"))


async def test_a_mailing_is_read_by_its_recipient_municipalities_but_not_by_others(
    dialog: Dialog,
) -> None:
    tokens = Tokens(dialog)
    county = await _utskick(
        dialog,
        tokens.lst06,
        subject="Beslut om kommuntal 2022",
        kind="KOMMUNTAL",
        lanskod="06",
        recipients=["0680", "0662", "0680"],
        sentOn="2022-02-15",
    )
    national = await _utskick(
        dialog,
        tokens.enhet,
        subject="Årsplanering 2022",
        kind="ARSPLANERING",
        recipients=["0180"],
        sentOn="2022-02-20",
    )

    assert county["utskick"]["recipients"] == ["0662", "0680"]
    assert county["utskick"]["senderRole"] == "lansstyrelse"
    assert national["utskick"]["senderRole"] == "bosattningsenhet"
    for token, subjects in (
        (dialog.kommun("0680"), ["Beslut om kommuntal 2022"]),
        (dialog.kommun("0180"), ["Årsplanering 2022"]),
        (dialog.kommun("1280"), []),
        (dialog.mottagning, ["Årsplanering 2022", "Beslut om kommuntal 2022"]),
        (tokens.nationell, ["Årsplanering 2022", "Beslut om kommuntal 2022"]),
    ):
        body = await dialog.service.graphql(UTSKICK, token=token)
        assert [u["subject"] for u in body["data"]["utskick"]["items"]] == subjects
    assert _code(await dialog.service.graphql(UTSKICK, token=tokens.operator)) == "FORBIDDEN"


async def test_a_mailing_is_registered_by_the_board_of_its_own_county_only(
    dialog: Dialog,
) -> None:
    tokens = Tokens(dialog)
    mailing = {"subject": "Statistik", "kind": "STATISTICS", "recipients": ["0680"]}

    foreign = await _utskick(dialog, tokens.lst01, lanskod="06", sentOn="2022-02-01", **mailing)
    by_kommun = await _utskick(
        dialog, dialog.kommun("0680"), lanskod="06", sentOn="2022-02-01", **mailing
    )
    unknown = await _utskick(
        dialog,
        tokens.lst06,
        lanskod="06",
        sentOn="2022-02-01",
        **{**mailing, "recipients": ["0699"]},
    )
    future = await _utskick(dialog, tokens.lst06, lanskod="06", sentOn="2022-04-01", **mailing)

    assert _code(foreign) == _code(by_kommun) == "FORBIDDEN"
    assert (unknown["code"], unknown["field"]) == ("UNKNOWN_KOMMUN", "recipients")
    assert (future["code"], future["field"]) == ("DATE_IN_FUTURE", "sentOn")
    assert await _count(dialog, "utskick") == 0


async def test_a_personal_identity_number_in_a_subject_or_agenda_is_refused_and_nothing_stored(
    dialog: Dialog,
) -> None:
    tokens = Tokens(dialog)
    mailing = {"kind": "OTHER", "lanskod": "06", "recipients": ["0680"], "sentOn": "2022-02-01"}

    subject = await _utskick(dialog, tokens.lst06, subject="Om 19121212-1212", **mailing)
    agenda = await _propose(
        dialog, tokens.lst06, kind="AVSTAMNING", lanskod="06", agenda=["Läget", "121212-1212"]
    )

    assert (subject["code"], subject["field"]) == ("IDENTITY_NUMBER_IN_TEXT", "subject")
    assert (agenda["code"], agenda["field"]) == ("IDENTITY_NUMBER_IN_TEXT", "agenda")
    assert await _count(dialog, "utskick") == await _count(dialog, "meeting") == 0
    phone = "Frågor: ring 036-10 50 00"
    assert (await _utskick(dialog, tokens.lst06, subject=phone, **mailing))["utskick"]
    proposed = await _propose(dialog, tokens.lst06, kind="AVSTAMNING", lanskod="06", agenda=[phone])
    assert proposed["meeting"]["agenda"] == [phone]


async def test_a_meeting_goes_from_proposed_to_scheduled_to_held_by_its_own_county_only(
    dialog: Dialog,
) -> None:
    tokens = Tokens(dialog)

    foreign_proposal = await _propose(dialog, tokens.lst01, kind="AVSTAMNING", lanskod="06")
    proposed = await _propose(
        dialog, tokens.lst06, kind="AVSTAMNING", lanskod="06", agenda=["Lägesbild"]
    )
    meeting_id = proposed["meeting"]["meetingId"]
    too_early = await _held(dialog, tokens.lst06, meeting_id, "2022-02-28")
    foreign = await _schedule(dialog, tokens.lst01, meeting_id, "2022-03-15")
    foreign_expert = await _schedule(dialog, tokens.expert01, meeting_id, "2022-03-15")
    scheduled = await _schedule(dialog, tokens.expert06, meeting_id, "2022-03-15")
    future = await _held(dialog, tokens.lst06, meeting_id, "2022-03-15")
    await dialog.service.client.post("/dev/clock", json={"set": "2022-03-16T10:00:00+01:00"})
    foreign_held = await _held(dialog, tokens.lst01, meeting_id, "2022-03-15")
    held = await _held(
        dialog, tokens.lst06, meeting_id, "2022-03-15", agenda=["Lägesbild", "Eskaleringar"]
    )
    again = await _held(dialog, tokens.enhet, meeting_id, "2022-03-15")

    assert _code(foreign_proposal) == _code(foreign) == _code(foreign_expert) == "FORBIDDEN"
    assert _code(foreign_held) == "FORBIDDEN"
    assert proposed["meeting"]["status"] == "PROPOSED"
    assert proposed["meeting"]["scheduledOn"] is None
    assert too_early["code"] == "MEETING_NOT_SCHEDULED"
    assert scheduled["meeting"]["status"] == "SCHEDULED"
    assert scheduled["meeting"]["scheduledOn"] == "2022-03-15"
    assert future["code"] == "DATE_IN_FUTURE"
    assert held["meeting"]["status"] == "HELD"
    assert held["meeting"]["agenda"] == ["Lägesbild", "Eskaleringar"]
    assert again["code"] == "MEETING_HELD"


async def test_participating_municipalities_read_a_meeting_and_others_do_not(
    dialog: Dialog,
) -> None:
    tokens = Tokens(dialog)
    proposed = await _propose(
        dialog, tokens.lst06, kind="LANSTRAFF", lanskod="06", kommunkoder=["0680", "0662"]
    )
    meeting_id = proposed["meeting"]["meetingId"]

    own = await dialog.service.graphql(MEETING, {"id": meeting_id}, dialog.kommun("0680"))
    listed = await dialog.service.graphql(MEETINGS, {}, dialog.kommun("0680"))
    other = await dialog.service.graphql(MEETING, {"id": meeting_id}, dialog.kommun("0684"))
    not_listed = await dialog.service.graphql(MEETINGS, {}, dialog.kommun("0684"))
    other_county = await dialog.service.graphql(MEETINGS, {"lanskod": "06"}, tokens.lst01)
    outside = await _propose(
        dialog, tokens.lst06, kind="LANSTRAFF", lanskod="06", kommunkoder=["0180"]
    )

    assert own["data"]["meeting"]["kommunkoder"] == ["0662", "0680"]
    assert [m["meetingId"] for m in listed["data"]["meetings"]["items"]] == [meeting_id]
    assert _code(other) == "FORBIDDEN"
    assert not_listed["data"]["meetings"]["items"] == []
    assert other_county["data"]["meetings"]["items"] == []
    assert (outside["code"], outside["field"]) == ("KOMMUN_NOT_IN_LAN", "kommunkoder")


async def test_the_three_party_meeting_an_inability_proposes_is_listed_and_schedulable(
    start_service: StartService,
) -> None:
    dialog = Dialog(
        await start_service("dialog", create_app, DEFAULT_PORT, DIALOG_TREPARTSSAMTAL_PERSONS="0")
    )
    tokens = Tokens(dialog)
    reported = await dialog.service.graphql(
        CANNOT,
        {"input": {"kommunkod": "0680", "months": [4], "reason": "Inga bostäder i april"}},
        dialog.kommun("0680"),
    )
    escalation = reported["data"]["reportCannotReceive"]
    assert escalation["meetingProposed"] is True

    by_board = await dialog.service.graphql(MEETINGS, {"lanskod": "06"}, tokens.lst06)
    by_kommun = await dialog.service.graphql(MEETINGS, {}, dialog.kommun("0680"))
    [meeting] = by_board["data"]["meetings"]["items"]
    scheduled = await _schedule(dialog, tokens.lst06, meeting["meetingId"], "2022-03-20")

    assert meeting["kind"] == "TREPARTSSAMTAL" and meeting["status"] == "PROPOSED"
    assert meeting["kommunkoder"] == ["0680"]
    assert meeting["escalationId"] == escalation["escalationId"]
    assert by_kommun["data"]["meetings"]["items"] == [meeting]
    assert scheduled["meeting"]["status"] == "SCHEDULED"


async def test_counties_without_lanstraff_are_all_but_the_one_that_held_one_this_year(
    dialog: Dialog,
) -> None:
    tokens = Tokens(dialog)
    await _held_meeting(dialog, tokens.lst06, "LANSTRAFF", "06", "2022-02-20")
    await _held_meeting(dialog, tokens.enhet, "LANSTRAFF", "01", "2021-11-10")  # last year
    await _held_meeting(dialog, tokens.enhet, "AVSTAMNING", "07", "2022-02-21")  # no länsträff
    planned = await _propose(dialog, tokens.enhet, kind="LANSTRAFF", lanskod="08")
    await _schedule(dialog, tokens.enhet, planned["meeting"]["meetingId"], "2022-05-01")

    this_year = await dialog.service.graphql(WITHOUT, {}, tokens.nationell)
    last_year = await dialog.service.graphql(WITHOUT, {"year": 2021}, dialog.mottagning)
    by_kommun = await dialog.service.graphql(WITHOUT, {}, dialog.kommun("0680"))

    everyone = {lan.lanskod: lan.namn for lan in all_lan()}
    missing = this_year["data"]["countiesWithoutLanstraff"]
    assert len(everyone) == 21
    assert {c["lanskod"]: c["namn"] for c in missing} == {
        k: v for k, v in everyone.items() if k != "06"
    }
    assert [c["lanskod"] for c in last_year["data"]["countiesWithoutLanstraff"]] == [
        k for k in sorted(everyone) if k != "01"
    ]
    assert _code(by_kommun) == "FORBIDDEN"
