"""The county boards' rules, without I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from bosattning_contracts.kommuntal import RevisionKind
from bosattning_kommuntal import domain
from bosattning_kommuntal.domain import KommuntalError, RevisionStatus, Row

from tests.examples import JONKOPING_2022 as JONKOPING
from tests.examples import JONKOPING_AGREED

WHEN = datetime(2022, 3, 1, 9, tzinfo=UTC)
BY = domain.Decided("HSA-1", WHEN, "Beslut")


def rows(numbers: dict[str, int]) -> tuple[Row, ...]:
    return tuple(Row(k, v) for k, v in numbers.items())


def lanstal(value: int = 255, version: int = 1) -> domain.Lanstal:
    return domain.Lanstal(2022, "06", version, value, BY)


def decision() -> domain.KommuntalDecision:
    return domain.decide_first(lanstal(), None, rows(JONKOPING), BY, 2022, "06")


def agreement(current: domain.KommuntalDecision) -> domain.RevisionRequest:
    return domain.request_revision(
        lanstal(),
        current,
        None,
        rows(JONKOPING_AGREED),
        BY,
        uuid4(),
        timedelta(days=7),
        2022,
        "06",
    )


def code_of(error: pytest.ExceptionInfo[KommuntalError]) -> str:
    return error.value.code


def test_the_first_decision_is_version_one_sorted_by_municipality_and_keeps_a_zero() -> None:
    result = decision()

    assert result.version == 1 and result.total == 255
    assert [r.kommunkod for r in result.rows] == sorted(JONKOPING)
    assert Row("0684", 0) in result.rows


@pytest.mark.parametrize(
    ("numbers", "code"),
    [
        ({**JONKOPING, "0680": 120}, "SUM_DIFFERS_FROM_LANSTAL"),
        ({k: v for k, v in JONKOPING.items() if k != "0684"}, "MISSING_KOMMUN"),
        ({**JONKOPING, "0604": -1, "0680": 124}, "NEGATIVE_KOMMUNTAL"),
        ({**JONKOPING, "0180": 0}, "KOMMUN_OF_OTHER_LAN"),
        ({**JONKOPING, "0699": 0}, "UNKNOWN_KOMMUN"),
        ({**JONKOPING, "68": 0}, "MALFORMED_KOMMUNKOD"),
    ],
)
def test_rows_that_break_a_rule_are_refused_with_its_code(
    numbers: dict[str, int], code: str
) -> None:
    with pytest.raises(KommuntalError) as error:
        domain.check_rows("06", rows(numbers), lanstal())

    assert code_of(error) == code


def test_a_duplicate_row_is_refused() -> None:
    with pytest.raises(KommuntalError) as error:
        domain.check_rows("06", (*rows(JONKOPING), Row("0604", 0)), lanstal())

    assert code_of(error) == "DUPLICATE_KOMMUN"


def test_a_second_first_decision_is_refused() -> None:
    with pytest.raises(KommuntalError) as error:
        domain.decide_first(lanstal(), decision(), rows(JONKOPING), BY, 2022, "06")

    assert code_of(error) == "ALREADY_DECIDED"


def test_a_decision_without_lanstal_is_refused() -> None:
    with pytest.raises(KommuntalError) as error:
        domain.decide_first(None, None, rows(JONKOPING), BY, 2022, "06")

    assert code_of(error) == "LANSTAL_NOT_FOUND"


def test_a_new_lanstal_version_follows_the_current_one() -> None:
    first = domain.set_lanstal(None, 2017, "06", 940, BY)
    second = domain.set_lanstal(first, 2017, "06", 697, BY)
    confirmed = domain.set_lanstal(second, 2017, "06", 697, BY)

    assert (first.version, second.version, confirmed.version) == (1, 2, 3)


def test_a_negative_lanstal_is_refused() -> None:
    with pytest.raises(KommuntalError) as error:
        domain.set_lanstal(None, 2017, "06", -1, BY)

    assert code_of(error) == "NEGATIVE_LANSTAL"


def test_a_revision_is_an_agreement_unless_the_lanstal_changed_then_a_new_division() -> None:
    moved = rows({**JONKOPING, "0680": 115, "0604": 8})
    agreement = domain.request_revision(
        lanstal(), decision(), None, moved, BY, uuid4(), timedelta(days=7), 2022, "06"
    )
    smaller = rows({**JONKOPING, "0680": 118})
    division = domain.request_revision(
        lanstal(254, version=2),
        decision(),
        None,
        smaller,
        BY,
        uuid4(),
        timedelta(days=7),
        2022,
        "06",
    )

    assert agreement.kind is RevisionKind.OVERENSKOMMELSE
    assert agreement.expires_at == WHEN + timedelta(days=7)
    assert division.kind is RevisionKind.NEW_DIVISION


def test_a_revision_that_changes_nothing_is_refused() -> None:
    with pytest.raises(KommuntalError) as error:
        domain.request_revision(
            lanstal(),
            decision(),
            None,
            rows(JONKOPING),
            BY,
            uuid4(),
            timedelta(days=7),
            2022,
            "06",
        )

    assert code_of(error) == "NO_CHANGE"


def test_a_confirmed_revision_is_the_next_version_and_closes_the_request() -> None:
    current = decision()
    request = agreement(current)
    later = WHEN + timedelta(hours=1)

    closed, revised = domain.confirm(request, current, later)

    assert revised.version == 2 and revised.request_id == request.request_id
    assert revised.decided.at == later
    assert closed.status is RevisionStatus.CONFIRMED


def test_a_request_expires_only_after_its_time() -> None:
    request = agreement(decision())

    with pytest.raises(KommuntalError):
        domain.expire(request, WHEN + timedelta(days=6))
    assert domain.expire(request, WHEN + timedelta(days=7)).status is RevisionStatus.EXPIRED
