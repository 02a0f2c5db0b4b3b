"""Meetings (S3, S4, S10): check-ins, county meetings and three-party meetings, each
proposed, then scheduled, then held. Pure, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from bosattning_contracts.reference import Lan, all_lan, kommun_by_kod, kommuner_in_lan, lan_by_kod
from bosattning_runtime.guards import check_free_text, check_list_length

from bosattning_dialog.domain import fail

__all__ = [
    "Meeting",
    "MeetingKind",
    "MeetingStatus",
    "counties_without_lanstraff",
    "propose",
    "record_held",
    "schedule",
    "trepartssamtal",
]


class MeetingKind(StrEnum):
    AVSTAMNING = "avstamning"
    LANSTRAFF = "lanstraff"
    TREPARTSSAMTAL = "trepartssamtal"


class MeetingStatus(StrEnum):
    PROPOSED = "proposed"
    SCHEDULED = "scheduled"
    HELD = "held"


@dataclass(frozen=True)
class Meeting:
    meeting_id: UUID
    kind: MeetingKind
    status: MeetingStatus
    lanskod: str
    kommunkoder: tuple[str, ...]
    agenda: tuple[str, ...]
    created_by: str
    created_at: datetime
    escalation_id: UUID | None = None
    scheduled_on: date | None = None
    held_on: date | None = None


def propose(
    meeting_id: UUID,
    kind: MeetingKind,
    lanskod: str,
    kommunkoder: Sequence[str],
    agenda: Sequence[str],
    by: str,
    at: datetime,
    escalation_id: UUID | None = None,
) -> Meeting:
    """A meeting in a county, with no date yet. A check-in is between the county board and
    Migrationsverket; the other kinds are with municipalities of the county (a county
    meeting names none to invite them all)."""
    if lan_by_kod(lanskod) is None:
        raise fail("UNKNOWN_LAN", f"there is no county {lanskod!r}", "lanskod")
    return Meeting(
        meeting_id,
        kind,
        MeetingStatus.PROPOSED,
        lanskod,
        _participants(kind, lanskod, kommunkoder),
        _agenda(agenda),
        by,
        at,
        escalation_id,
    )


def trepartssamtal(
    meeting_id: UUID, lanskod: str, kommunkod: str, escalation_id: UUID, by: str, at: datetime
) -> Meeting:
    """The three-party meeting an inability to receive proposes when many are concerned."""
    kind = MeetingKind.TREPARTSSAMTAL
    return propose(meeting_id, kind, lanskod, [kommunkod], [], by, at, escalation_id)


def _participants(kind: MeetingKind, lanskod: str, kommunkoder: Sequence[str]) -> tuple[str, ...]:
    check_list_length(kommunkoder, "kommunkoder")
    for kod in kommunkoder:
        kommun = kommun_by_kod(kod)
        if kommun is None or kommun.lanskod != lanskod:
            raise fail(
                "KOMMUN_NOT_IN_LAN", f"{kod!r} is no municipality of the county", "kommunkoder"
            )
    if kind is MeetingKind.AVSTAMNING and kommunkoder:
        raise fail("NO_KOMMUN_IN_AVSTAMNING", "a check-in has no municipalities", "kommunkoder")
    if kind is MeetingKind.TREPARTSSAMTAL and not kommunkoder:
        raise fail("KOMMUN_REQUIRED", "a three-party meeting names its municipality", "kommunkoder")
    if kind is MeetingKind.LANSTRAFF and not kommunkoder:
        return tuple(k.kommunkod for k in kommuner_in_lan(lanskod))
    return tuple(sorted(set(kommunkoder)))


def _agenda(items: Sequence[str]) -> tuple[str, ...]:
    check_list_length(items, "agenda")
    return tuple(check_free_text(item, "agenda") for item in items)


def _found(meeting: Meeting | None) -> Meeting:
    if meeting is None:
        raise fail("MEETING_NOT_FOUND", "no such meeting", "meetingId")
    if meeting.status is MeetingStatus.HELD:
        raise fail("MEETING_HELD", "the meeting is held", "meetingId")
    return meeting


def schedule(meeting: Meeting | None, scheduled_on: date) -> Meeting:
    """A date for a proposed meeting, or a new date for a scheduled one."""
    current = _found(meeting)
    return replace(current, status=MeetingStatus.SCHEDULED, scheduled_on=scheduled_on)


def record_held(
    meeting: Meeting | None, held_on: date, agenda: Sequence[str] | None, today: date
) -> Meeting:
    """A scheduled meeting was held; the agenda as held replaces the proposed one."""
    current = _found(meeting)
    if current.status is not MeetingStatus.SCHEDULED:
        raise fail("MEETING_NOT_SCHEDULED", "schedule the meeting first", "meetingId")
    if held_on > today:
        raise fail("DATE_IN_FUTURE", "record a meeting once it is held", "heldOn")
    items = current.agenda if agenda is None else _agenda(agenda)
    return replace(current, status=MeetingStatus.HELD, held_on=held_on, agenda=items)


def counties_without_lanstraff(held_in: Iterable[str]) -> list[Lan]:
    """The counties, of all 21, with no county meeting among `held_in` (S4)."""
    held = set(held_in)
    return [lan for lan in all_lan() if lan.lanskod not in held]
