"""Mailings to many municipalities (S5), registered and shared between the agencies.
Pure, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from bosattning_contracts.reference import kommun_by_kod, lan_by_kod
from bosattning_runtime.guards import check_free_text, check_list_length

from bosattning_dialog.domain import fail

__all__ = ["Utskick", "UtskickKind", "register"]


class UtskickKind(StrEnum):
    KOMMUNTAL = "kommuntal"
    ARSPLANERING = "arsplanering"
    STATISTICS = "statistics"
    OTHER = "other"


@dataclass(frozen=True)
class Utskick:
    utskick_id: UUID
    subject: str
    kind: UtskickKind
    lanskod: str | None
    recipients: tuple[str, ...]
    sent_on: date
    sender_role: str
    sender: str
    registered_at: datetime


def register(draft: Utskick, today: date) -> Utskick:
    """A mailing already sent, to known municipalities; a county board's names its county."""
    subject = check_free_text(draft.subject, "subject")
    if draft.lanskod is not None and lan_by_kod(draft.lanskod) is None:
        raise fail("UNKNOWN_LAN", f"there is no county {draft.lanskod!r}", "lanskod")
    if draft.sender_role == "lansstyrelse" and draft.lanskod is None:
        raise fail("LANSKOD_REQUIRED", "a county board's mailing names its county", "lanskod")
    check_list_length(draft.recipients, "recipients")
    if not draft.recipients:
        raise fail("NO_RECIPIENTS", "a mailing goes to at least one municipality", "recipients")
    unknown = sorted({k for k in draft.recipients if kommun_by_kod(k) is None})
    if unknown:
        raise fail("UNKNOWN_KOMMUN", f"no such municipality: {', '.join(unknown)}", "recipients")
    if draft.sent_on > today:
        raise fail("DATE_IN_FUTURE", "register a mailing once it is sent", "sentOn")
    return replace(draft, subject=subject, recipients=tuple(sorted(set(draft.recipients))))
