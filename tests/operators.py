"""What the operators' tests share: the dead-letter queries, and a real bug to cause them.

The bug is a trigger in the settlement unit's database that refuses one county's kommuntal
projection, so its consumer really fails; dropping the trigger is the fix.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

DEAD_LETTERS = """
query($consumer: String, $first: Int! = 50, $after: String) {
  deadLetters(consumer: $consumer, first: $first, after: $after) {
    totalCount hasNextPage endCursor
    items { sequence consumer originalSubject originalSequence eventId eventType deliveries
            errorType deadLetteredAt traceId }
} }"""

REPLAY = """
mutation($input: ReplayDeadLetterInput!) { replayDeadLetter(input: $input) {
  __typename
  ... on ReplayDeadLetterSuccess { sequence consumer eventId replaySubject }
  ... on Error { code message field }
} }"""

GraphQL = Callable[[str, dict[str, Any] | None, str | None], Awaitable[dict[str, Any]]]


class Operator:
    """The operator's two fields, through a service or through the gateway."""

    def __init__(self, graphql: GraphQL, token: str) -> None:
        self.graphql = graphql
        self.token = token

    async def dead_letters(self, consumer: str | None = None, **page: Any) -> dict[str, Any]:
        body = await self.graphql(DEAD_LETTERS, {"consumer": consumer, **page}, self.token)
        assert "errors" not in body, body
        result: dict[str, Any] = body["data"]["deadLetters"]
        return result

    async def replay(self, sequence: int) -> dict[str, Any]:
        body = await self.graphql(REPLAY, {"input": {"sequence": sequence}}, self.token)
        assert "errors" not in body, body
        result: dict[str, Any] = body["data"]["replayDeadLetter"]
        return result


BUG = """
CREATE TABLE projection_changes (kommunkod text NOT NULL);
CREATE FUNCTION count_projection_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO projection_changes VALUES (NEW.kommunkod);
    RETURN NULL;
END;
$$;
CREATE TRIGGER projection_changed AFTER INSERT OR UPDATE ON kommuntal
    FOR EACH ROW EXECUTE FUNCTION count_projection_change();
CREATE FUNCTION refuse_county() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.lanskod = ANY('{lanskoder}'::text[]) THEN
        RAISE EXCEPTION 'the bug: county % is refused', NEW.lanskod;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER the_bug BEFORE INSERT OR UPDATE ON kommuntal
    FOR EACH ROW EXECUTE FUNCTION refuse_county();
"""


async def install_bug(database_url: str, *lanskoder: str) -> None:
    """The settlement unit's projection refuses these counties; every projected row is
    counted."""
    assert all(lanskod.isdigit() for lanskod in lanskoder)
    await _execute(database_url, BUG.replace("{lanskoder}", "{" + ",".join(lanskoder) + "}"))


async def fix_bug(database_url: str) -> None:
    await _execute(database_url, "DROP TRIGGER the_bug ON kommuntal")


async def projection_changes(database_url: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM projection_changes"))
    finally:
        await conn.close()


async def _execute(database_url: str, sql: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
