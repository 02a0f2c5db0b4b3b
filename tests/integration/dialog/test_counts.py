"""Counts on Kommun: pending receptions and open escalations, batched per request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from bosattning_contracts.reference import kommuner_in_lan
from bosattning_dialog import store

from tests.integration.anvisning.conftest import Anvisning, arende_id
from tests.integration.conftest import eventually
from tests.integration.dialog.conftest import Dialog
from tests.integration.dialog.test_reception import _assigned
from tests.integration.kommuntal.conftest import Kommuntal

COUNTS = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Kommun { kommunkod pendingReceptions openEscalations selfSettled(year: 2022) } } }"""


async def _counts(dialog: Dialog, token: str, *kommunkoder: str) -> Any:
    representations = [{"__typename": "Kommun", "kommunkod": k} for k in kommunkoder]
    return await dialog.service.graphql(COUNTS, {"r": representations}, token)


async def _decided(anvisning: Anvisning, dialog: Dialog, kommunkod: str) -> str:
    case = arende_id()
    await anvisning.register(case, adults=1, children=0)
    anvisning_id: str = (await anvisning.decide(case, kommunkod))["anvisning"]["anvisningId"]

    async def projected() -> bool:
        return bool(
            await dialog.service.deps.pool.fetchval(
                "SELECT count(*) FROM mottagande WHERE anvisning_id = $1::uuid", anvisning_id
            )
        )

    await eventually(projected)
    return anvisning_id


async def test_pending_receptions_leave_out_the_received_and_the_cancelled(
    three: tuple[Kommuntal, Anvisning, Dialog],
) -> None:
    _, anvisning, dialog = three
    _, late = await _assigned(*three)
    received = await _decided(anvisning, dialog, "0680")
    cancelled = await _decided(anvisning, dialog, "0662")
    await _decided(anvisning, dialog, "0662")
    jonkoping = dialog.kommun("0680")
    await dialog.act(
        "reportMottagandedatum",
        "MottagandedatumInput",
        jonkoping,
        anvisningId=late,
        mottagandedatum="2022-06-01",
    )
    await dialog.act(
        "reportMottagande",
        "MottagandeInput",
        jonkoping,
        anvisningId=received,
        receivedOn="2022-03-01",
    )
    await anvisning.cancel(cancelled)

    async def cancelled_here() -> bool:
        sql = "SELECT cancelled FROM mottagande WHERE anvisning_id = $1::uuid"
        return bool(await dialog.service.deps.pool.fetchval(sql, cancelled))

    await eventually(cancelled_here)
    body = await _counts(dialog, dialog.mottagning, "0680", "0662", "0684")

    assert body["data"]["_entities"] == [
        {"kommunkod": "0680", "pendingReceptions": 1, "openEscalations": 1, "selfSettled": 0},
        {"kommunkod": "0662", "pendingReceptions": 1, "openEscalations": 0, "selfSettled": 0},
        {"kommunkod": "0684", "pendingReceptions": 0, "openEscalations": 0, "selfSettled": 0},
    ]


async def test_counts_of_many_municipalities_take_one_statement_per_request(
    three: tuple[Kommuntal, Anvisning, Dialog], monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = three[2]
    calls: list[Sequence[str]] = []
    pending, open_escalations = store.pending, store.open_escalations

    async def counted_pending(conn: Any, kommunkoder: Sequence[str]) -> dict[str, int]:
        calls.append(kommunkoder)
        return await pending(conn, kommunkoder)

    async def counted_open(conn: Any, kommunkoder: Sequence[str]) -> dict[str, int]:
        calls.append(kommunkoder)
        return await open_escalations(conn, kommunkoder)

    monkeypatch.setattr(store, "pending", counted_pending)
    monkeypatch.setattr(store, "open_escalations", counted_open)
    kommuner = [k.kommunkod for k in kommuner_in_lan("06")]

    body = await _counts(dialog, dialog.mottagning, *kommuner)

    assert [e["pendingReceptions"] for e in body["data"]["_entities"]] == [0] * len(kommuner)
    assert [sorted(c) for c in calls] == [sorted(kommuner), sorted(kommuner)]


async def test_a_municipality_reads_its_own_counts_only(
    three: tuple[Kommuntal, Anvisning, Dialog],
) -> None:
    dialog = three[2]

    own = await _counts(dialog, dialog.kommun("0680"), "0680")
    other = await _counts(dialog, dialog.kommun("0680"), "0662")
    operator = await _counts(dialog, dialog.service.token(roles=["operator"]), "0680")

    assert own["data"]["_entities"][0]["pendingReceptions"] == 0
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert operator["errors"][0]["extensions"]["code"] == "FORBIDDEN"
