"""Who reads and keeps meetings and mailings (DESIGN §5), without I/O."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

from bosattning_dialog import access, escalations, meetings
from bosattning_dialog.domain import Category, Mottagande
from bosattning_dialog.escalations import EscalationKind
from bosattning_dialog.meetings import MeetingKind
from bosattning_runtime.auth import Principal, Role


def principal(
    *roles: str, lan: tuple[str, ...] = (), kommun: str | None = None, enhet: str | None = None
) -> Principal:
    return Principal(
        "HSA-1",
        frozenset(roles),
        frozenset(lan),
        kommun,
        enhet,
        datetime.max.replace(tzinfo=UTC),
        "",
    )


MEETING = meetings.propose(
    uuid4(), MeetingKind.LANSTRAFF, "06", ("0680",), (), "HSA-1", datetime(2022, 3, 1, tzinfo=UTC)
)


def test_a_meeting_is_kept_by_its_county_its_expert_and_the_settlement_unit() -> None:
    assert access.may_write_meeting(principal("lansstyrelse", lan=("06",)), "06")
    assert access.may_write_meeting(principal("regional_expert", lan=("05", "06")), "06")
    assert access.may_write_meeting(principal("bosattningsenhet"), "06")
    assert not access.may_write_meeting(principal("lansstyrelse", lan=("01",)), "06")
    assert not access.may_write_meeting(principal("nationell"), "06")


def test_a_meeting_is_read_by_its_participants_too() -> None:
    assert access.may_read_meeting(principal("kommun", kommun="0680"), MEETING)
    assert not access.may_read_meeting(principal("kommun", kommun="0662"), MEETING)
    assert not access.may_read_meeting(principal("mottagningsenhet"), MEETING)


def test_meetings_are_listed_within_the_callers_scope() -> None:
    assert access.meeting_scope(principal("bosattningsenhet")) == (True, frozenset(), None)
    assert access.meeting_scope(principal("lansstyrelse", lan=("06",))) == (
        False,
        frozenset({"06"}),
        None,
    )
    assert access.meeting_scope(principal("kommun", kommun="0680")) == (False, frozenset(), "0680")
    assert access.meeting_scope(principal("operator")) is None


def test_a_mailing_is_sent_as_the_board_of_its_own_county_or_the_settlement_unit() -> None:
    board = principal("lansstyrelse", lan=("06",))
    assert access.utskick_sender(board, "06") is Role.lansstyrelse
    assert access.utskick_sender(board, "01") is None
    assert access.utskick_sender(board, None) is None
    assert access.utskick_sender(principal("bosattningsenhet"), None) is Role.bosattningsenhet


def test_mailings_are_read_by_every_agency_and_by_recipients() -> None:
    assert access.utskick_scope(principal("mottagningsenhet")) == (True, None)
    assert access.utskick_scope(principal("kommun", kommun="0680")) == (False, "0680")
    assert access.utskick_scope(principal("operator")) is None


CASE = Mottagande(
    uuid4(),
    "12345678-22",
    Category.ABO,
    "0680",
    2022,
    2,
    datetime(2022, 3, 1, tzinfo=UTC),
    date(2022, 5, 1),
    1,
    enhet="MO-06",
)
OPENED = escalations.open_for(CASE, EscalationKind.LATE_DATE, uuid4(), datetime.now(UTC))


def test_only_the_cases_own_reception_unit_acts_on_its_assignment() -> None:
    assert access.is_unit_of(principal("mottagningsenhet", enhet="MO-06"), CASE)
    assert not access.is_unit_of(principal("mottagningsenhet", enhet="MO-01"), CASE)
    assert not access.is_unit_of(principal("vidarebosattning", enhet="MO-06"), CASE)


def test_an_escalation_is_the_units_until_hand_over_and_the_counties_expert_after() -> None:
    unit = principal("mottagningsenhet", enhet="MO-06")
    expert = principal("regional_expert", lan=("06",))
    handed = escalations.hand_over(OPENED)
    closed = escalations.resolve(handed, "HSA-RE", regional_expert=True)

    assert access.may_act_on_escalation(unit, OPENED, CASE)
    assert not access.may_act_on_escalation(expert, OPENED, CASE)
    assert access.may_act_on_escalation(expert, handed, CASE)
    assert not access.may_act_on_escalation(unit, handed, CASE)
    assert not access.may_act_on_escalation(principal("regional_expert", lan=("01",)), handed, CASE)
    assert access.may_act_on_escalation(unit, closed, CASE)
    assert access.may_act_on_escalation(expert, closed, CASE)
