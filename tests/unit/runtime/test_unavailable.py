"""Which database errors make a consumer wait and try again instead of spending a delivery."""

from __future__ import annotations

import asyncpg
import pytest
from bosattning_runtime.db import unavailable


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.InterfaceError("the underlying connection is closed"),
        asyncpg.AdminShutdownError("terminating connection due to administrator command"),
        FileNotFoundError(2, "No such file or directory"),  # the unix socket is gone
        ConnectionRefusedError(111, "Connection refused"),
    ],
)
def test_a_database_that_is_away_is_told_apart(error: Exception) -> None:
    assert unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.UniqueViolationError("duplicate key value"),
        asyncpg.CheckViolationError("used_within_kommuntal"),
        TimeoutError(),  # may be the work's own fault
        ValueError("a poison event"),
    ],
)
def test_an_error_of_the_work_itself_is_not_taken_for_an_absent_database(error: Exception) -> None:
    assert not unavailable(error)
