"""What operators rely on: health, readiness, and one trace from request to bus."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.conftest import eventually
from tests.integration.kommuntal.conftest import JONKOPING_2022, Kommuntal


async def test_health_and_readiness_answer(kommuntal: Kommuntal) -> None:
    client = kommuntal.service.client

    assert (await client.get("/health")).json() == {"status": "ok"}

    async def ready() -> bool:
        return (await client.get("/ready")).status_code == 200

    await eventually(ready)
    assert (await client.get("/ready")).json() == {"ready": True, "database": True, "nats": True}


async def test_the_request_trace_continues_through_the_outbox_to_the_published_event(
    kommuntal: Kommuntal, traces_file: Path
) -> None:
    await kommuntal.set_lanstal(2022, "06", 255)
    await kommuntal.decide(JONKOPING_2022)
    pool = kommuntal.service.deps.pool
    row = await pool.fetchrow(
        "SELECT trace_context, body FROM outbox WHERE event_type = 'kommuntal.decided'"
    )
    trace_id = row["trace_context"]["traceparent"].split("-")[1]
    assert json.loads(row["body"])["trace_context"]["traceparent"].split("-")[1] == trace_id

    def spans() -> list[dict[str, object]]:
        lines = traces_file.read_text().splitlines()
        return [s for s in map(json.loads, lines) if s["trace_id"] == trace_id]

    async def published() -> bool:
        return any(str(s["name"]).endswith(" publish") for s in spans())

    await eventually(published)
    names = {str(s["name"]) for s in spans()}
    assert "bosattning.06.lan.kommuntal.decided publish" in names
    assert any(name.startswith("POST") for name in names)  # the HTTP request span
    assert any("INSERT" in name or "SELECT" in name for name in names)  # SQL spans
    for span in spans():
        assert "19121212" not in json.dumps(span)
