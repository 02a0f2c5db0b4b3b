"""Input limits and the free-text guard against personal identity numbers."""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Sequence

from bosattning_runtime.errors import InputRejected

MAX_TEXT_LENGTH = 2000
MAX_LIST_LENGTH = 500
MAX_BODY_BYTES = 1_048_576

_COORDINATION_DAY_OFFSET = 60

# Six or eight date digits, an optional separator ('-', '+' for centenarians,
# or one whitespace character), then four digits; never inside a longer digit run.
_CANDIDATE = re.compile(
    r"(?<![0-9])(?P<century>[0-9]{2})?(?P<date>[0-9]{6})[-+\s]?(?P<tail>[0-9]{4})(?![0-9])"
)


def _ascii_digits(text: str) -> str:
    # Digits from other scripts (Arabic-Indic, full-width, ...) would otherwise
    # slip an identity number past an ASCII-only pattern.
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, ch in enumerate(digits):
        value = int(ch) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _valid_date(yymmdd: str, century: str | None) -> bool:
    yy, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    if day > _COORDINATION_DAY_OFFSET:
        day -= _COORDINATION_DAY_OFFSET
    if not 1 <= month <= 12 or day < 1:
        return False
    # Without a century, 29 February counts wherever some century makes it valid.
    year = int(century) * 100 + yy if century is not None else 2000 + yy
    return day <= calendar.monthrange(year, month)[1]


def _is_identity_number(match: re.Match[str]) -> bool:
    date, tail = match.group("date"), match.group("tail")
    return _valid_date(date, match.group("century")) and _luhn_valid(date + tail)


def contains_identity_number(text: str) -> bool:
    """True where ``text`` contains a Swedish personal identity or coordination number."""
    return any(_is_identity_number(m) for m in _CANDIDATE.finditer(_ascii_digits(text)))


def looks_like_identity_number(value: str) -> bool:
    """True where the whole of ``value`` is a personal identity or coordination number."""
    match = _CANDIDATE.fullmatch(_ascii_digits(value).strip())
    return match is not None and _is_identity_number(match)


def check_free_text(value: str, field: str) -> str:
    """Return ``value`` stripped, or raise InputRejected for a limit or personal data."""
    if len(value) > MAX_TEXT_LENGTH:
        raise InputRejected(
            "TEXT_TOO_LONG", f"Text may be at most {MAX_TEXT_LENGTH} characters.", field
        )
    stripped = value.strip()
    if not stripped:
        raise InputRejected("TEXT_EMPTY", "Text may not be empty.", field)
    if contains_identity_number(stripped):
        raise InputRejected(
            "IDENTITY_NUMBER_IN_TEXT",
            "Text may not contain a personal identity or coordination number.",
            field,
        )
    return stripped


def check_list_length(items: Sequence[object], field: str) -> None:
    """Raise InputRejected where ``items`` holds more than MAX_LIST_LENGTH entries."""
    if len(items) > MAX_LIST_LENGTH:
        raise InputRejected(
            "LIST_TOO_LONG", f"A list may hold at most {MAX_LIST_LENGTH} items.", field
        )
