"""One trace follows a command through every service it reaches: request → SQL → outbox →
relay → NATS → consumer in the next service → its outbox → back (DESIGN §6)."""

from __future__ import annotations

import asyncio
import json
import secrets
from pathlib import Path

from tests.examples import JONKOPING_2022, JONKOPING_AGREED
from tests.integration.anvisning.conftest import Anvisning, kommuntal_decided
from tests.integration.conftest import eventually
from tests.integration.dialog.conftest import Dialog
from tests.integration.kommuntal.conftest import REQUEST_REVISION, Kommuntal, rows


async def test_a_revision_is_one_trace_through_both_services_and_the_bus(
    three: tuple[Kommuntal, Anvisning, Dialog], traces_file: Path
) -> None:
    kommuntal, anvisning, _ = three
    await kommuntal_decided(kommuntal, anvisning, JONKOPING_2022, 255)
    trace_id = secrets.token_hex(16)

    await kommuntal.service.client.post(
        "/graphql",
        json={
            "query": REQUEST_REVISION,
            "variables": {
                "input": {
                    "year": 2022,
                    "lanskod": "06",
                    "rows": rows(JONKOPING_AGREED),
                    "reason": "Byte",
                }
            },
        },
        headers={
            "authorization": f"Bearer {kommuntal.lst06}",
            "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01",
        },
    )

    async def names() -> set[str]:
        text = await asyncio.to_thread(traces_file.read_text)
        return {s["name"] for s in map(json.loads, text.splitlines()) if s["trace_id"] == trace_id}

    async def round_trip() -> bool:
        return "bosattning.06.lan.kommuntal.revised publish" in await names()

    await eventually(round_trip, within=20)
    seen = await names()
    assert {
        "bosattning.06.lan.kommuntal.revision_requested publish",  # kommuntal's relay
        "bosattning.06.lan.kommuntal.revision_requested process",  # anvisning's consumer
        "bosattning.06.lan.anvisning.revision_confirmed publish",  # anvisning's relay
        "bosattning.06.lan.anvisning.revision_confirmed process",  # kommuntal's consumer
        "bosattning.06.lan.kommuntal.revised publish",
    } <= seen
    assert any(name.startswith("POST") for name in seen)
