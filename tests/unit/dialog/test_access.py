"""Who reads and keeps meetings and mailings (DESIGN §5), without I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from bosattning_dialog import access, meetings
from bosattning_dialog.meetings import MeetingKind
from bosattning_runtime.auth import Principal, Role


def principal(*roles: str, lan: tuple[str, ...] = (), kommun: str | None = None) -> Principal:
    return Principal(
        "HSA-1",
        frozenset(roles),
        frozenset(lan),
        kommun,
        None,
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
