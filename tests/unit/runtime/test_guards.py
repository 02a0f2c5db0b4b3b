from __future__ import annotations

import pytest
from bosattning_runtime.errors import DomainError, InputRejected
from bosattning_runtime.guards import (
    MAX_LIST_LENGTH,
    MAX_TEXT_LENGTH,
    check_free_text,
    check_list_length,
    contains_identity_number,
    looks_like_identity_number,
)


def luhn_digit(nine_digits: str) -> str:
    total = 0
    for index, ch in enumerate(nine_digits):
        value = int(ch) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def identity_number(yymmdd: str, serial: str = "121", separator: str = "-") -> str:
    return f"{yymmdd}{separator}{serial}{luhn_digit(yymmdd + serial)}"


def wrong_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def test_the_official_test_number_is_an_identity_number() -> None:
    assert identity_number("121212", "121") == "121212-1212"
    assert contains_identity_number("121212-1212")


@pytest.mark.parametrize(
    "written",
    ["121212-1212", "1212121212", "121212+1212", "121212 1212", "19121212-1212", "191212121212"],
)
def test_every_written_form_of_an_identity_number_is_found(written: str) -> None:
    assert contains_identity_number(f"Samtal med {written} om boende.")


def test_a_coordination_number_is_found() -> None:
    coordination = identity_number("121272", "345")  # day 12 + 60
    assert contains_identity_number(f"samordningsnummer {coordination}")


def test_a_coordination_day_beyond_the_month_is_not_an_identity_number() -> None:
    assert not contains_identity_number(identity_number("120292", "345"))  # 32 February


def test_a_wrong_check_digit_is_not_an_identity_number() -> None:
    assert not contains_identity_number(wrong_check_digit("121212-1212"))


def test_an_impossible_date_is_not_an_identity_number() -> None:
    assert not contains_identity_number(identity_number("121312"))
    assert not contains_identity_number(identity_number("120230"))


def test_leap_day_counts_only_in_leap_years() -> None:
    assert contains_identity_number(identity_number("000229"))
    assert not contains_identity_number(identity_number("010229"))
    twelve_digits = "19" + identity_number("000229")  # 1900 was no leap year
    assert not contains_identity_number(twelve_digits)


def test_a_number_inside_a_longer_digit_run_is_not_an_identity_number() -> None:
    assert not contains_identity_number("9" + identity_number("121212", separator=""))
    assert not contains_identity_number(identity_number("121212") + "7")


@pytest.mark.parametrize(
    "harmless",
    [
        "Ring 070-123 45 67 efter lunch.",
        "Växel 08-123 456 78.",
        "Ärende 12-345678 gäller hushållet.",
        "Se ärende 2022-123456.",
        "Möte 2024-05-17 kl 10:00.",
        f"Organisationsnummer {identity_number('556677', '123')}.",
    ],
)
def test_phone_numbers_dates_and_dossier_references_pass(harmless: str) -> None:
    assert not contains_identity_number(harmless)


def test_digits_from_other_scripts_are_read_as_digits() -> None:
    arabic_indic = "".join(chr(0x0660 + int(ch)) for ch in "1212121212")
    assert contains_identity_number(f"nummer {arabic_indic}")


def test_a_whole_string_identity_number_is_recognised_as_such() -> None:
    assert looks_like_identity_number(" 121212-1212 ")
    assert looks_like_identity_number("19121212-1212")
    assert not looks_like_identity_number("staff 121212-1212")
    assert not looks_like_identity_number("SE2321000016-A1B2")


def test_free_text_comes_back_stripped() -> None:
    assert check_free_text("  Hushållet önskar Norrland. ", "reason") == (
        "Hushållet önskar Norrland."
    )


def test_an_identity_number_is_refused_in_free_text() -> None:
    with pytest.raises(InputRejected) as refused:
        check_free_text("Gäller 19121212-1212.", "reason")
    assert refused.value.code == "IDENTITY_NUMBER_IN_TEXT"
    assert refused.value.field == "reason"
    assert "1212" not in refused.value.message


def test_a_coordination_number_is_refused_in_free_text() -> None:
    with pytest.raises(InputRejected) as refused:
        check_free_text(f"Gäller {identity_number('121272', '345', '')}", "note")
    assert refused.value.code == "IDENTITY_NUMBER_IN_TEXT"


def test_free_text_over_the_limit_is_refused() -> None:
    check_free_text("a" * MAX_TEXT_LENGTH, "agenda")
    with pytest.raises(InputRejected) as refused:
        check_free_text("a" * (MAX_TEXT_LENGTH + 1), "agenda")
    assert (refused.value.code, refused.value.field) == ("TEXT_TOO_LONG", "agenda")


def test_blank_free_text_is_refused() -> None:
    with pytest.raises(InputRejected) as refused:
        check_free_text(" \n\t ", "reason")
    assert refused.value.code == "TEXT_EMPTY"


def test_a_list_over_the_limit_is_refused() -> None:
    check_list_length([0] * MAX_LIST_LENGTH, "rows")
    with pytest.raises(InputRejected) as refused:
        check_list_length([0] * (MAX_LIST_LENGTH + 1), "rows")
    assert (refused.value.code, refused.value.field) == ("LIST_TOO_LONG", "rows")


def test_an_input_rejection_is_a_domain_error() -> None:
    error = InputRejected("TEXT_EMPTY", "Text may not be empty.", "reason")
    assert isinstance(error, DomainError)
    assert str(error) == "Text may not be empty."
