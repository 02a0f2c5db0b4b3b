"""Mailing rules (S5), without I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import pytest
from bosattning_dialog import utskick
from bosattning_dialog.utskick import Utskick, UtskickKind
from bosattning_runtime.errors import DomainError

TODAY = date(2022, 3, 1)


def draft(**changes: Any) -> Utskick:
    mailing = Utskick(
        uuid4(),
        "Beslut om kommuntal 2022",
        UtskickKind.KOMMUNTAL,
        "06",
        ("0680", "0662", "0680"),
        date(2022, 2, 15),
        "lansstyrelse",
        "HSA-LST06",
        datetime(2022, 3, 1, 9, tzinfo=UTC),
    )
    return replace(mailing, **changes)


def test_a_mailing_keeps_each_recipient_once() -> None:
    assert utskick.register(draft(), TODAY).recipients == ("0662", "0680")


def test_a_mailing_may_go_to_municipalities_of_any_county() -> None:
    assert utskick.register(draft(recipients=("0180", "1280")), TODAY).recipients == (
        "0180",
        "1280",
    )


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"subject": "Gäller 19121212-1212"}, "IDENTITY_NUMBER_IN_TEXT", "subject"),
        ({"subject": "  "}, "TEXT_EMPTY", "subject"),
        ({"recipients": ()}, "NO_RECIPIENTS", "recipients"),
        ({"recipients": ("0680", "0699")}, "UNKNOWN_KOMMUN", "recipients"),
        ({"recipients": ("0680",) * 501}, "LIST_TOO_LONG", "recipients"),
        ({"lanskod": "99"}, "UNKNOWN_LAN", "lanskod"),
        ({"lanskod": None}, "LANSKOD_REQUIRED", "lanskod"),
        ({"sent_on": date(2022, 3, 2)}, "DATE_IN_FUTURE", "sentOn"),
    ],
)
def test_a_broken_mailing_is_refused_with_its_field(
    changes: dict[str, Any], code: str, field: str
) -> None:
    with pytest.raises(DomainError) as refused:
        utskick.register(draft(**changes), TODAY)

    assert (refused.value.code, refused.value.field) == (code, field)


def test_a_phone_number_in_the_subject_passes() -> None:
    assert utskick.register(draft(subject="Frågor: 036-10 50 00"), TODAY).subject
