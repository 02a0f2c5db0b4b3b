"""The settlement unit's side of the kommuntal reconciliation (DESIGN §4), over real NATS."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from bosattning_contracts.envelope import Event
from bosattning_contracts.kommuntal import (
    KommuntalDecided,
    KommuntalDecisionPayload,
    KommuntalRevisionRejected,
    KommuntalRevisionRejectedPayload,
    KommuntalRevisionRequested,
    KommuntalRevisionRequestedPayload,
    RejectionReason,
    RevisionKind,
)
from bosattning_contracts.rows import KommuntalRow
from nats.aio.client import Client

from tests.examples import JONKOPING_2022, JONKOPING_AGREED
from tests.integration.anvisning.conftest import Anvisning, arende_id, kommuntal_decided
from tests.integration.conftest import StartService, eventually
from tests.integration.kommuntal.conftest import Kommuntal

NOW = datetime(2022, 3, 1, 9, tzinfo=UTC)


async def _publish(bus: Client, event: Event[Any]) -> None:
    await bus.jetstream().publish(
        event.subject, event.to_json_bytes(), headers={"Nats-Msg-Id": str(event.event_id)}
    )


def _rows(numbers: dict[str, int]) -> tuple[KommuntalRow, ...]:
    return tuple(KommuntalRow(kommunkod=k, kommuntal=v) for k, v in sorted(numbers.items()))


def decided(version: int, numbers: dict[str, int]) -> KommuntalDecided:
    payload = KommuntalDecisionPayload(
        year=2022,
        lanskod="06",
        version=version,
        lanstal_version=1,
        rows=_rows(numbers),
        decided_at=NOW,
    )
    return KommuntalDecided.create(payload=payload, occurred_at=NOW)


async def test_a_revision_below_the_used_places_is_refused_with_the_counts(
    both: tuple[Kommuntal, Anvisning],
) -> None:
    kommuntal, anvisning = both
    await kommuntal_decided(kommuntal, anvisning, JONKOPING_2022, 255)
    case = arende_id()
    await anvisning.register(case, adults=3)
    assert (await anvisning.decide(case, "0604"))["__typename"] == "AnvisningSuccess"

    request = await kommuntal.request_revision({**JONKOPING_2022, "0604": 2, "0680": 121})

    assert request["__typename"] == "RequestKommuntalRevisionSuccess"

    async def refused() -> bool:
        return (await kommuntal.read())["kommuntalRevisions"][0]["status"] == "REFUSED"

    await eventually(refused)
    revision = (await kommuntal.read())["kommuntalRevisions"][0]
    assert revision["blocking"] == [{"kommunkod": "0604", "used": 3, "proposed": 2}]
    assert (await kommuntal.read())["kommuntal"]["version"] == 1

    async def cap_lifted() -> bool:
        return bool(
            await anvisning.service.deps.pool.fetchval("SELECT count(*) = 0 FROM open_revision")
        )

    await eventually(cap_lifted)
    assert (await anvisning.counts("0680"))["remaining"] == 119


async def test_a_confirmed_revision_reaches_the_projection_and_lifts_the_cap(
    both: tuple[Kommuntal, Anvisning],
) -> None:
    kommuntal, anvisning = both
    await kommuntal_decided(kommuntal, anvisning, JONKOPING_2022, 255)

    await kommuntal.request_revision(JONKOPING_AGREED)

    async def revised() -> bool:
        return await anvisning.projected("0604") == JONKOPING_AGREED["0604"]

    await eventually(revised)
    assert (await kommuntal.read())["kommuntal"]["version"] == 2
    assert await anvisning.counts("0680") == {"used": 0, "received": 0, "remaining": 115}
    assert await anvisning.service.deps.pool.fetchval("SELECT count(*) FROM open_revision") == 0


async def test_an_open_request_caps_each_municipality_and_an_expiry_lifts_the_cap(
    start_service: StartService,
    bus: Client,
) -> None:
    from bosattning_anvisning.app import DEFAULT_PORT, create_app

    anvisning = Anvisning(await start_service("anvisning", create_app, DEFAULT_PORT))
    await _publish(bus, decided(1, JONKOPING_2022))

    async def projected() -> bool:
        return await anvisning.projected("0680") == 119

    await eventually(projected)
    request_id = uuid.uuid4()
    proposal = KommuntalRevisionRequestedPayload(
        request_id=request_id,
        year=2022,
        lanskod="06",
        kind=RevisionKind.OVERENSKOMMELSE,
        current_version=1,
        lanstal_version=1,
        rows=_rows(JONKOPING_AGREED),
        requested_at=NOW,
        expires_at=NOW + timedelta(days=7),
    )
    await _publish(bus, KommuntalRevisionRequested.create(payload=proposal, occurred_at=NOW))

    async def capped() -> bool:
        return (await anvisning.counts("0680"))["remaining"] == 115

    await eventually(capped)
    assert (await anvisning.counts("0604"))["remaining"] == 4  # min(4, 8)
    expired = KommuntalRevisionRejectedPayload(
        request_id=request_id, year=2022, lanskod="06", reason=RejectionReason.EXPIRED
    )
    await _publish(bus, KommuntalRevisionRejected.create(payload=expired, occurred_at=NOW))

    async def lifted() -> bool:
        return (await anvisning.counts("0680"))["remaining"] == 119

    await eventually(lifted)


async def test_a_repeated_or_older_kommuntal_event_changes_nothing(
    start_service: StartService,
    bus: Client,
) -> None:
    from bosattning_anvisning.app import DEFAULT_PORT, create_app

    anvisning = Anvisning(await start_service("anvisning", create_app, DEFAULT_PORT))
    first, second = decided(1, JONKOPING_2022), decided(2, JONKOPING_AGREED)
    await _publish(bus, first)
    await _publish(bus, second)

    async def at_version_two() -> bool:
        return await anvisning.projected("0680") == JONKOPING_AGREED["0680"]

    await eventually(at_version_two)
    # the same event again under another message id, and the older version once more
    await bus.jetstream().publish(
        first.subject, second.to_json_bytes(), headers={"Nats-Msg-Id": "again"}
    )
    await bus.jetstream().publish(first.subject, decided(1, JONKOPING_2022).to_json_bytes())
    pool = anvisning.service.deps.pool

    async def all_consumed() -> bool:
        return bool(await pool.fetchval("SELECT count(*) FROM inbox") == 3)

    await eventually(all_consumed)
    assert await anvisning.projected("0680") == JONKOPING_AGREED["0680"]
    assert await pool.fetchval("SELECT max(decision_version) FROM kommuntal") == 2
