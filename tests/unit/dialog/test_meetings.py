"""Meeting rules (S3, S4, S10), without I/O."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from bosattning_dialog import meetings
from bosattning_dialog.domain import DialogError
from bosattning_dialog.meetings import MeetingKind, MeetingStatus
from bosattning_runtime.errors import InputRejected

WHEN = datetime(2022, 3, 1, 9, tzinfo=UTC)
TODAY = date(2022, 3, 1)


def proposed(
    kind: MeetingKind = MeetingKind.LANSTRAFF,
    kommunkoder: tuple[str, ...] = ("0680",),
    agenda: tuple[str, ...] = (),
) -> meetings.Meeting:
    return meetings.propose(uuid4(), kind, "06", kommunkoder, agenda, "HSA-1", WHEN)


def test_a_proposed_meeting_has_no_date_and_its_municipalities_once_each() -> None:
    meeting = proposed(kommunkoder=("0680", "0662", "0680"))

    assert meeting.status is MeetingStatus.PROPOSED
    assert meeting.scheduled_on is None and meeting.held_on is None
    assert meeting.kommunkoder == ("0662", "0680")


def test_a_lanstraff_naming_no_municipality_invites_all_of_the_county() -> None:
    assert len(proposed(kommunkoder=()).kommunkoder) == 13


@pytest.mark.parametrize(
    ("kind", "kommunkoder", "code"),
    [
        (MeetingKind.LANSTRAFF, ("0180",), "KOMMUN_NOT_IN_LAN"),
        (MeetingKind.LANSTRAFF, ("0699",), "KOMMUN_NOT_IN_LAN"),
        (MeetingKind.AVSTAMNING, ("0680",), "NO_KOMMUN_IN_AVSTAMNING"),
        (MeetingKind.TREPARTSSAMTAL, (), "KOMMUN_REQUIRED"),
    ],
)
def test_participants_belong_to_the_county_and_fit_the_kind(
    kind: MeetingKind, kommunkoder: tuple[str, ...], code: str
) -> None:
    with pytest.raises(DialogError) as refused:
        proposed(kind, kommunkoder)

    assert refused.value.code == code


def test_an_unknown_county_is_refused() -> None:
    with pytest.raises(DialogError) as refused:
        meetings.propose(uuid4(), MeetingKind.AVSTAMNING, "99", (), (), "HSA-1", WHEN)

    assert (refused.value.code, refused.value.field) == ("UNKNOWN_LAN", "lanskod")


def test_an_agenda_item_with_an_identity_number_is_refused_and_a_phone_number_passes() -> None:
    with pytest.raises(InputRejected) as refused:
        proposed(agenda=("Läget", "Familjen 19121212-1212"))

    assert (refused.value.code, refused.value.field) == ("IDENTITY_NUMBER_IN_TEXT", "agenda")
    assert proposed(agenda=(" Ring 036-10 50 00 ",)).agenda == ("Ring 036-10 50 00",)


def test_a_meeting_goes_from_proposed_to_scheduled_to_held() -> None:
    scheduled = meetings.schedule(proposed(agenda=("Läget",)), date(2022, 2, 20))
    moved = meetings.schedule(scheduled, date(2022, 2, 25))
    held = meetings.record_held(moved, date(2022, 2, 25), None, TODAY)

    assert scheduled.status is MeetingStatus.SCHEDULED
    assert moved.scheduled_on == date(2022, 2, 25)
    assert (held.status, held.held_on, held.agenda) == (
        MeetingStatus.HELD,
        date(2022, 2, 25),
        ("Läget",),
    )


@pytest.mark.parametrize(
    ("step", "code"),
    [
        (lambda: meetings.record_held(proposed(), TODAY, None, TODAY), "MEETING_NOT_SCHEDULED"),
        (lambda: meetings.schedule(None, TODAY), "MEETING_NOT_FOUND"),
        (
            lambda: meetings.record_held(
                meetings.schedule(proposed(), TODAY), date(2022, 3, 2), None, TODAY
            ),
            "DATE_IN_FUTURE",
        ),
        (
            lambda: meetings.schedule(
                meetings.record_held(meetings.schedule(proposed(), TODAY), TODAY, None, TODAY),
                TODAY,
            ),
            "MEETING_HELD",
        ),
    ],
)
def test_steps_out_of_order_are_refused(step: Callable[[], object], code: str) -> None:
    with pytest.raises(DialogError) as refused:
        step()

    assert refused.value.code == code


def test_counties_without_lanstraff_are_the_21_less_those_that_held_one() -> None:
    missing = meetings.counties_without_lanstraff(["06", "06", "01"])

    assert len(missing) == 19
    assert {"01", "06"}.isdisjoint(lan.lanskod for lan in missing)
    assert len(meetings.counties_without_lanstraff([])) == 21
