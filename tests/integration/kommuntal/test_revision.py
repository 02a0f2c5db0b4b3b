"""Revisions are reconciled with the settlement unit (DESIGN §4); its replies arrive on NATS."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from bosattning_contracts.anvisning import (
    AnvisningRevisionConfirmed,
    AnvisningRevisionConfirmedPayload,
    AnvisningRevisionRefused,
    AnvisningRevisionRefusedPayload,
)
from bosattning_contracts.envelope import Event
from bosattning_contracts.rows import BlockingRow
from bosattning_kommuntal import handlers
from nats.aio.client import Client

from tests.examples import JONKOPING_AGREED as AGREED
from tests.integration.conftest import eventually, subject_count
from tests.integration.kommuntal.conftest import JONKOPING_2022, Kommuntal


async def _decided_and_requested(kommuntal: Kommuntal) -> UUID:
    await kommuntal.set_lanstal(2022, "06", 255)
    await kommuntal.decide(JONKOPING_2022)
    result = await kommuntal.request_revision(AGREED)
    assert result["__typename"] == "RequestKommuntalRevisionSuccess", result
    assert result["request"]["kind"] == "OVERENSKOMMELSE"
    return UUID(result["request"]["requestId"])


async def _publish(bus: Client, event: Event[Any]) -> None:
    await bus.jetstream().publish(
        event.subject, event.to_json_bytes(), headers={"Nats-Msg-Id": str(event.event_id)}
    )


def _now() -> datetime:
    return datetime.now(UTC)


async def test_a_confirmed_revision_becomes_a_new_version_and_is_published(
    kommuntal: Kommuntal, bus: Client
) -> None:
    request_id = await _decided_and_requested(kommuntal)
    payload = AnvisningRevisionConfirmedPayload(request_id=request_id, year=2022, lanskod="06")
    confirmed = AnvisningRevisionConfirmed.create(payload=payload, occurred_at=_now())

    await _publish(bus, confirmed)
    await _publish(bus, confirmed.model_copy(update={"event_id": confirmed.event_id}))

    async def revised() -> bool:
        return (await kommuntal.read())["kommuntal"]["version"] == 2

    await eventually(revised)
    read = await kommuntal.read()
    assert {r["kommunkod"]: r["kommuntal"] for r in read["kommuntal"]["rows"]} == AGREED
    assert read["kommuntalRevisions"][0]["status"] == "CONFIRMED"

    async def published() -> bool:
        return await subject_count(bus, "bosattning.06.lan.kommuntal.revised") == 1

    await eventually(published)


async def test_a_refused_revision_leaves_the_version_in_force_and_says_why(
    kommuntal: Kommuntal, bus: Client
) -> None:
    request_id = await _decided_and_requested(kommuntal)
    payload = AnvisningRevisionRefusedPayload(
        request_id=request_id,
        year=2022,
        lanskod="06",
        blocking=(BlockingRow(kommunkod="0680", used=117, proposed=115),),
    )

    await _publish(bus, AnvisningRevisionRefused.create(payload=payload, occurred_at=_now()))

    async def refused() -> bool:
        return (await kommuntal.read())["kommuntalRevisions"][0]["status"] == "REFUSED"

    await eventually(refused)
    read = await kommuntal.read()
    assert read["kommuntal"]["version"] == 1
    assert read["kommuntalRevisions"][0]["blocking"] == [
        {"kommunkod": "0680", "used": 117, "proposed": 115}
    ]

    async def rejected() -> bool:
        return await subject_count(bus, "bosattning.06.lan.kommuntal.revision_rejected") == 1

    await eventually(rejected)


async def test_an_unanswered_revision_expires_and_a_late_reply_changes_nothing(
    kommuntal: Kommuntal, bus: Client
) -> None:
    request_id = await _decided_and_requested(kommuntal)
    deps = kommuntal.service.deps
    assert await handlers.expire_revisions(deps) == 0
    response = await kommuntal.service.client.post(
        "/dev/clock", json={"advance_seconds": 8 * 24 * 3600}
    )
    assert response.status_code == 200

    assert await handlers.expire_revisions(deps) == 1

    read = await kommuntal.read()
    assert read["kommuntalRevisions"][0]["status"] == "EXPIRED"
    payload = AnvisningRevisionConfirmedPayload(request_id=request_id, year=2022, lanskod="06")
    await _publish(bus, AnvisningRevisionConfirmed.create(payload=payload, occurred_at=_now()))

    async def applied() -> bool:
        return bool(await deps.pool.fetchval("SELECT count(*) FROM inbox"))

    await eventually(applied)
    assert (await kommuntal.read())["kommuntal"]["version"] == 1


async def test_only_one_revision_request_is_open_per_county_and_year(
    kommuntal: Kommuntal,
) -> None:
    await _decided_and_requested(kommuntal)

    second = await kommuntal.request_revision({**AGREED, "0604": 7, "0680": 116})

    assert second["code"] == "REVISION_ALREADY_OPEN"


async def test_a_new_lanstal_leaves_the_old_division_in_force_until_a_new_one_is_reconciled(
    kommuntal: Kommuntal, bus: Client
) -> None:
    await kommuntal.set_lanstal(2017, "06", 940)
    first = {k: 72 for k in JONKOPING_2022} | {"0680": 76}  # 12 × 72 + 76 = 940
    assert (await kommuntal.decide(first, year=2017))["data"]["decideKommuntal"][
        "__typename"
    ] == "DecideKommuntalSuccess"

    await kommuntal.set_lanstal(2017, "06", 697)

    read = await kommuntal.read(year=2017)
    assert read["kommuntal"]["total"] == 940 and read["kommuntal"]["needsNewDivision"] is True
    again = await kommuntal.decide(first, year=2017)
    assert again["data"]["decideKommuntal"]["code"] == "ALREADY_DECIDED"
    unchanged_sum = await kommuntal.request_revision(first, year=2017)
    assert unchanged_sum["code"] == "SUM_DIFFERS_FROM_LANSTAL"
    second = {k: 53 for k in JONKOPING_2022} | {"0680": 61}  # 12 × 53 + 61 = 697
    request = await kommuntal.request_revision(second, year=2017)
    assert request["request"]["kind"] == "NEW_DIVISION"
    payload = AnvisningRevisionConfirmedPayload(
        request_id=UUID(request["request"]["requestId"]), year=2017, lanskod="06"
    )
    await _publish(bus, AnvisningRevisionConfirmed.create(payload=payload, occurred_at=_now()))

    async def divided() -> bool:
        current = (await kommuntal.read(year=2017))["kommuntal"]
        return bool(current["total"] == 697 and current["needsNewDivision"] is False)

    await eventually(divided)
