"""Running a command: one transaction, and idempotency keys (DESIGN §4).

A command's work runs inside a savepoint of the one transaction. When the work
breaks a rule, its writes roll back but the idempotency key is still recorded
with that rejection, so a retry with the same key gets the same answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bosattning_runtime.db import Connection, Pool
from bosattning_runtime.errors import DomainError

JsonObject = dict[str, Any]
Work = Callable[[Connection], Awaitable[JsonObject]]

MAX_KEY_LENGTH = 200

LOCK_KEY = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))"
SELECT_KEY = """
SELECT input_hash, result FROM idempotency_keys
WHERE principal_sub = $1 AND mutation = $2 AND key = $3
"""
INSERT_KEY = """
INSERT INTO idempotency_keys (principal_sub, mutation, key, input_hash, result)
VALUES ($1, $2, $3, $4, $5)
"""


@dataclass(frozen=True)
class IdempotencyKey:
    """A client's key for one mutation, scoped to the token subject."""

    principal_sub: str
    mutation: str
    key: str
    input_hash: str


def fingerprint(value: object) -> str:
    """A stable hash of a command's input (canonical JSON)."""
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_key(
    principal_sub: str, mutation: str, key: str | None, command_input: object
) -> IdempotencyKey | None:
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise DomainError(
            "INVALID_IDEMPOTENCY_KEY",
            f"an idempotency key has 1 to {MAX_KEY_LENGTH} characters",
            "idempotencyKey",
        )
    return IdempotencyKey(principal_sub, mutation, key, fingerprint(command_input))


async def execute(pool: Pool, key: IdempotencyKey | None, work: Work) -> JsonObject:
    """Run `work` in one transaction; return its result or raise its DomainError.

    With a key, a repeat returns (or raises) what the first run did and does
    nothing again; the same key with different input is refused.
    """
    async with pool.acquire() as conn, conn.transaction():
        if key is not None:
            await conn.execute(LOCK_KEY, f"{key.principal_sub}|{key.mutation}|{key.key}")
            prior = await conn.fetchrow(SELECT_KEY, key.principal_sub, key.mutation, key.key)
            if prior is not None:
                return _replay(prior["input_hash"], prior["result"], key)
        outcome = await _attempt(conn, work)
        if key is not None:
            await conn.execute(
                INSERT_KEY, key.principal_sub, key.mutation, key.key, key.input_hash, outcome
            )
    return _unwrap(outcome)


async def _attempt(conn: Connection, work: Work) -> JsonObject:
    try:
        async with conn.transaction():
            return {"ok": await work(conn)}
    except DomainError as error:
        return {"error": {"code": error.code, "message": error.message, "field": error.field}}


def _replay(stored_hash: str, result: JsonObject, key: IdempotencyKey) -> JsonObject:
    if stored_hash != key.input_hash:
        raise DomainError(
            "IDEMPOTENCY_KEY_REUSED",
            "this idempotency key was used before with different input",
            "idempotencyKey",
        )
    return _unwrap(result)


def _unwrap(outcome: JsonObject) -> JsonObject:
    if "error" in outcome:
        e = outcome["error"]
        raise DomainError(e["code"], e["message"], e["field"])
    result: JsonObject = outcome["ok"]
    return result


class BatchRejected(Exception):
    """A batch command broke rules: nothing of it was committed. `errors` by item index."""

    def __init__(self, errors: list[tuple[int, DomainError]]) -> None:
        super().__init__("; ".join(f"item {i}: {e.code} {e.message}" for i, e in errors))
        self.errors = errors


async def execute_batch(pool: Pool, steps: Sequence[Work]) -> list[JsonObject]:
    """Run many commands in one transaction, all or nothing.

    Each step runs in its own savepoint so that every broken rule is found and
    reported, not just the first; any error rolls the whole batch back.
    """
    results: list[JsonObject] = []
    errors: list[tuple[int, DomainError]] = []
    async with pool.acquire() as conn, conn.transaction():
        for index, step in enumerate(steps):
            outcome = await _attempt(conn, step)
            if "error" in outcome:
                e = outcome["error"]
                errors.append((index, DomainError(e["code"], e["message"], e["field"])))
            else:
                results.append(outcome["ok"])
        if errors:
            raise BatchRejected(errors)
    return results
