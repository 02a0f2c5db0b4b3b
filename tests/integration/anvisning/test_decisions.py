"""Deadlines, replacements, receptions and bad input of assignment decisions."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from bosattning_contracts.mottagande import MottagandeCompleted, MottagandeCompletedPayload
from nats.aio.client import Client

from tests.examples import JONKOPING_2022
from tests.integration.anvisning.conftest import REGISTER, Anvisning, arende_id, kommuntal_decided
from tests.integration.conftest import eventually
from tests.integration.kommuntal.conftest import Kommuntal


@pytest.fixture
async def decided(both: tuple[Kommuntal, Anvisning]) -> Anvisning:
    kommuntal, anvisning = both
    await kommuntal_decided(kommuntal, anvisning, JONKOPING_2022, 255)
    return anvisning


async def test_a_deadline_beyond_two_months_is_refused_for_abo_and_accepted_for_a_quota_refugee(
    decided: Anvisning,
) -> None:
    abo, kvot = arende_id(), arende_id()
    await decided.register(abo)
    vidarebosattning = decided.service.token(roles=["vidarebosattning"], sub="HSA-VB-1")
    await decided.register(kvot, category="KVOTFLYKTING", token=vidarebosattning)

    refused = await decided.decide(abo, "0680", deadline="2022-05-02")
    accepted = await decided.decide(kvot, "0680", deadline="2022-08-01")

    assert refused["code"] == "DEADLINE_TOO_LATE"
    assert accepted["anvisning"]["deadline"] == "2022-08-01"


async def test_a_replacement_in_january_counts_against_the_earlier_year(
    decided: Anvisning,
) -> None:
    case = arende_id()
    await decided.register(case, adults=2)
    first = await decided.decide(case, "0680")
    await decided.cancel(first["anvisning"]["anvisningId"])
    clock = await decided.service.client.post(
        "/dev/clock", json={"set": "2023-01-16T10:00:00+01:00"}
    )
    assert clock.status_code == 200

    replacement = await decided.decide(case, "0680", replaces=first["anvisning"]["anvisningId"])

    assert replacement["__typename"] == "AnvisningSuccess", replacement
    assert replacement["anvisning"]["year"] == 2022
    assert replacement["anvisning"]["deadline"] == "2023-03-16"
    assert (await decided.counts("0680", 2022))["used"] == 2


async def _complete(bus: Client, anvisning_id: str, arende: str, kommunkod: str) -> None:
    payload = MottagandeCompletedPayload(
        anvisning_id=uuid.UUID(anvisning_id),
        arende_id=arende,
        kommunkod=kommunkod,
        received_on=date(2022, 4, 1),
        reported_at=datetime.now(UTC),
    )
    event = MottagandeCompleted.create(payload=payload, occurred_at=datetime.now(UTC))
    for message_id in ("a", "b"):  # published twice, past the stream's dedup
        await bus.jetstream().publish(
            event.subject,
            event.to_json_bytes(),
            headers={"Nats-Msg-Id": f"{event.event_id}-{message_id}"},
        )


async def test_a_reception_counts_once_and_one_for_a_cancelled_assignment_is_a_conflict(
    decided: Anvisning,
    bus: Client,
) -> None:
    kept, cancelled = arende_id(), arende_id()
    await decided.register(kept, adults=2)
    await decided.register(cancelled, adults=1)
    a = (await decided.decide(kept, "0680"))["anvisning"]["anvisningId"]
    b = (await decided.decide(cancelled, "0680"))["anvisning"]["anvisningId"]
    await decided.cancel(b)

    await _complete(bus, a, kept, "0680")
    await _complete(bus, b, cancelled, "0680")
    pool = decided.service.deps.pool

    async def consumed() -> bool:
        return bool(
            await pool.fetchval(
                "SELECT count(*) FROM inbox WHERE event_type = 'mottagande.completed'"
            )
            == 2
        )

    await eventually(consumed)
    assert await decided.counts("0680") == {"used": 2, "received": 2, "remaining": 117}
    listed = await decided.service.graphql(
        "{ mottagandeConflicts(year: 2022) { anvisningId kommunkod receivedOn } }",
        token=decided.bosattningsenhet,
    )
    assert listed["data"]["mottagandeConflicts"] == [
        {"anvisningId": b, "kommunkod": "0680", "receivedOn": "2022-04-01"}
    ]


BAD: dict[str, tuple[dict[str, Any], str]] = {
    "unknown case": ({"arendeId": "99999999-99"}, "ARENDE_NOT_FOUND"),
    "unknown municipality": ({"kommunkod": "0699"}, "UNKNOWN_KOMMUN"),
    "year without kommuntal": ({"kommunkod": "0114"}, "KOMMUNTAL_NOT_FOUND"),
    "deadline before the decision": ({"deadline": "2022-02-01"}, "DEADLINE_BEFORE_DECISION"),
    "malformed case reference": ({"arendeId": "MIG-12"}, "MALFORMED_ARENDE_ID"),
}


@pytest.mark.parametrize("case", list(BAD))
async def test_a_bad_assignment_is_a_typed_error_and_changes_nothing(
    decided: Anvisning, case: str
) -> None:
    arende = arende_id()
    await decided.register(arende)
    changes, code = BAD[case]
    arguments = {"arendeId": arende, "kommunkod": "0680", **changes}

    result = await decided.decide(
        arguments.pop("arendeId"), arguments.pop("kommunkod"), **arguments
    )

    assert result["code"] == code, result
    pool = decided.service.deps.pool
    assert await pool.fetchval("SELECT count(*) FROM anvisning") == 0
    assert await pool.fetchval("SELECT sum(used) FROM kommuntal") == 0
    assert (
        await pool.fetchval("SELECT count(*) FROM outbox WHERE event_type = 'anvisning.decided'")
        == 0
    )


async def test_a_case_already_assigned_cannot_be_assigned_again(decided: Anvisning) -> None:
    arende = arende_id()
    await decided.register(arende)
    await decided.decide(arende, "0680")

    again = await decided.decide(arende, "0680")

    assert again["code"] == "ALREADY_ASSIGNED"
    assert (await decided.counts("0680"))["used"] == 1


async def test_another_reception_unit_cannot_correct_a_case(decided: Anvisning) -> None:
    arende = arende_id()
    await decided.register(arende)
    other = decided.service.token(roles=["mottagningsenhet"], enhet="MO-2", sub="HSA-MO-2")
    variables = {
        "input": {"arendeId": arende, "category": "ABO", "adults": 4, "children": 0, "needs": []}
    }

    body = await decided.service.graphql(REGISTER, variables, other)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (
        await decided.service.deps.pool.fetchval(
            "SELECT adults FROM arende WHERE arende_id = $1", arende
        )
        == 1
    )
