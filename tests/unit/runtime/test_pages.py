"""Cursors over a stream's sequence: opaque, round-tripping, and refused when forged."""

from __future__ import annotations

import base64

import pytest
from bosattning_runtime.pages import decode_sequence_cursor, encode_sequence_cursor
from graphql import GraphQLError


@pytest.mark.parametrize("sequence", [1, 42, 2**64 - 1])
def test_a_sequence_cursor_reads_back_as_its_sequence(sequence: int) -> None:
    assert decode_sequence_cursor(encode_sequence_cursor(sequence)) == sequence


def test_no_cursor_means_from_the_start() -> None:
    assert decode_sequence_cursor(None) is None


def forged(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64!",
        forged("12"),
        forged("seq|"),
        forged("seq|-3"),
        forged("seq|1e3"),
        forged("seq|١٢"),  # digits, but not ASCII ones
        forged("seq|" + "9" * 5000),
        forged("2022-01-01T00:00:00+00:00|9b2f0c1e-0000-4000-8000-000000000000"),
    ],
)
def test_a_malformed_sequence_cursor_is_bad_user_input(cursor: str) -> None:
    with pytest.raises(GraphQLError) as raised:
        decode_sequence_cursor(cursor)

    assert raised.value.extensions == {"code": "BAD_USER_INPUT"}
