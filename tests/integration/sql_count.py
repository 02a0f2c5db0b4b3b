"""Counting the SQL statements one request makes, from its trace (asyncpg spans)."""

from __future__ import annotations

import asyncio
import json
import secrets
from pathlib import Path
from typing import Any

from tests.integration.conftest import RunningService


async def statements_of(
    service: RunningService, traces_file: Path, query: str, variables: dict[str, Any], token: str
) -> tuple[dict[str, Any], int]:
    """Run `query` under a fresh trace id; return its body and how many SQL statements ran."""
    trace_id = secrets.token_hex(16)
    response = await service.client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={
            "authorization": f"Bearer {token}",
            "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01",
        },
    )
    await asyncio.sleep(0.05)  # the file exporter writes as spans end
    text = await asyncio.to_thread(traces_file.read_text)
    spans = [json.loads(line) for line in text.splitlines()]
    sql = [
        s
        for s in spans
        if s["trace_id"] == trace_id and s["attributes"].get("db.system") == "postgresql"
    ]
    body: dict[str, Any] = response.json()
    return body, len(sql)
