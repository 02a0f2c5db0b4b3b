from __future__ import annotations

from tests.integration.kommuntal.conftest import JONKOPING_2022, Kommuntal


async def test_the_same_idempotency_key_twice_yields_one_decision(kommuntal: Kommuntal) -> None:
    await kommuntal.set_lanstal(2022, "06", 255)

    first = await kommuntal.decide(JONKOPING_2022, idempotencyKey="k-1")
    second = await kommuntal.decide(JONKOPING_2022, idempotencyKey="k-1")

    assert first["data"] == second["data"]
    assert first["data"]["decideKommuntal"]["__typename"] == "DecideKommuntalSuccess"
    pool = kommuntal.service.deps.pool
    assert await pool.fetchval("SELECT count(*) FROM kommuntal_decision") == 1
    assert (
        await pool.fetchval("SELECT count(*) FROM outbox WHERE event_type = 'kommuntal.decided'")
        == 1
    )


async def test_the_same_key_with_different_input_is_a_typed_error(kommuntal: Kommuntal) -> None:
    await kommuntal.set_lanstal(2022, "06", 255)
    await kommuntal.decide(JONKOPING_2022, idempotencyKey="k-2")

    again = await kommuntal.decide(JONKOPING_2022, idempotencyKey="k-2", reason="Annat skäl")

    result = again["data"]["decideKommuntal"]
    assert result["__typename"] == "Conflict"
    assert result["code"] == "IDEMPOTENCY_KEY_REUSED"


async def test_a_retried_rejection_returns_the_same_rejection(kommuntal: Kommuntal) -> None:
    first = await kommuntal.decide(JONKOPING_2022, idempotencyKey="k-3")
    await kommuntal.set_lanstal(2022, "06", 255)

    second = await kommuntal.decide(JONKOPING_2022, idempotencyKey="k-3")

    assert first["data"] == second["data"]
    assert second["data"]["decideKommuntal"]["code"] == "LANSTAL_NOT_FOUND"
    assert (
        await kommuntal.service.deps.pool.fetchval("SELECT count(*) FROM kommuntal_decision") == 0
    )
