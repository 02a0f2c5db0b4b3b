"""Keyset cursors for lists (instant, id) or stream sequences, shared by every subgraph."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from graphql import GraphQLError

from bosattning_runtime.guards import MAX_LIST_LENGTH


def bad_input(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


def check_first(first: int) -> None:
    if not 1 <= first <= MAX_LIST_LENGTH:
        raise bad_input(f"first is 1–{MAX_LIST_LENGTH}")


def encode_cursor(at: datetime, ident: UUID) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{ident}".encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[datetime, UUID] | None:
    if cursor is None:
        return None
    try:
        at, _, ident = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        parsed = datetime.fromisoformat(at)
        if parsed.tzinfo is None:
            raise ValueError("a cursor's instant has its offset")
        return parsed, UUID(ident)
    except (ValueError, binascii.Error) as error:
        raise bad_input("malformed cursor") from error


_SEQUENCE_PREFIX = "seq|"


def encode_sequence_cursor(sequence: int) -> str:
    """The cursor after a stream message (a list that follows a stream's order)."""
    return base64.urlsafe_b64encode(f"{_SEQUENCE_PREFIX}{sequence}".encode()).decode()


def decode_sequence_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, binascii.Error) as error:
        raise bad_input("malformed cursor") from error
    digits = text.removeprefix(_SEQUENCE_PREFIX)
    well_formed = digits.isascii() and digits.isdigit() and len(digits) <= 20  # a uint64
    if not text.startswith(_SEQUENCE_PREFIX) or not well_formed:
        raise bad_input("malformed cursor")
    return int(digits)


T = TypeVar("T")


def split_page(
    rows: Sequence[T], first: int, cursor_of: Callable[[T], tuple[datetime, UUID]]
) -> tuple[list[T], bool, str | None]:
    """A page from `first + 1` fetched rows: its items, whether more follow, its end cursor."""
    items = list(rows[:first])
    end = encode_cursor(*cursor_of(items[-1])) if items else None
    return items, len(rows) > first, end
