"""No personal data leaves the service that holds it: a full scenario that types identity
numbers into every free-text field, then a search of every event, log line and span."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from bosattning_contracts.needs import NeedCode
from bosattning_runtime.bus import STREAM
from nats.aio.client import Client

from tests.examples import JONKOPING_2022, JONKOPING_AGREED
from tests.integration.anvisning.conftest import Anvisning, arende_id
from tests.integration.conftest import eventually
from tests.integration.dialog.conftest import Dialog
from tests.integration.kommuntal.conftest import Kommuntal

PERSONNUMMER = "19121212-1212"  # the official test number
SAMORDNINGSNUMMER = "701063-2391"  # day 63 = 3 + 60
PHONE = "036-10 50 00"
MARKER = "fritext-om-hushallet"  # valid free text that must stay in its service
CHANGE_PLAN = """mutation($input: ChangeArsplaneringInput!) { changeArsplanering(input: $input) {
  __typename ... on Error { code } } }"""
DECIDE_PLAN = """mutation($input: DecideArsplaneringInput!) { decideArsplanering(input: $input) {
  __typename ... on Error { code } } }"""
KONTAKT = """mutation($input: KontaktInput!) { recordKontakt(input: $input) {
  __typename ... on Error { code } } }"""
CANNOT = """mutation($input: CannotReceiveInput!) { reportCannotReceive(input: $input) {
  __typename ... on Error { code } } }"""


def _code(body: dict[str, Any]) -> str:
    payload = next(iter(body["data"].values())) if "data" in body else body
    return str(payload.get("code") or payload["__typename"])


async def _refused_then_accepted(call: Any, field: str, **input: Any) -> None:
    """Each free-text field: refused with either number, accepted with a phone number."""
    for number in (PERSONNUMMER, SAMORDNINGSNUMMER):
        assert _code(await call({**input, field: f"Avser {number}"})) == "IDENTITY_NUMBER_IN_TEXT"
    assert _code(await call({**input, field: f"{MARKER}, ring {PHONE}"})) in {
        "DecideKommuntalSuccess",
        "RequestKommuntalRevisionSuccess",
        "AnvisningSuccess",
        "ArsplaneringSuccess",
        "MottagandeSuccess",
        "EscalationSuccess",
        "SetLanstalSuccess",
    }


async def test_no_identity_number_need_code_or_free_text_reaches_events_logs_or_spans(
    three: tuple[Kommuntal, Anvisning, Dialog],
    bus: Client,
    traces_file: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    kommuntal, anvisning, dialog = three
    k, a, d = kommuntal.service, anvisning.service, dialog.service

    await kommuntal.set_lanstal(2022, "06", 255)
    await _refused_then_accepted(
        lambda i: kommuntal.decide(JONKOPING_2022, reason=i["reason"]), "reason"
    )

    async def projected_kommuntal() -> bool:
        return await anvisning.projected("0680") == 119

    await eventually(projected_kommuntal)
    await _refused_then_accepted(
        lambda i: k.graphql(
            "mutation($input: KommuntalInput!) { requestKommuntalRevision(input: $input) { "
            "__typename ... on Error { code } } }",
            {
                "input": {
                    "year": 2022,
                    "lanskod": "06",
                    "reason": i["reason"],
                    "rows": [{"kommunkod": c, "kommuntal": n} for c, n in JONKOPING_AGREED.items()],
                }
            },
            kommuntal.lst06,
        ),
        "reason",
    )
    await a.graphql(
        DECIDE_PLAN,
        {"input": {"year": 2022, "kommunkod": "0686", "months": [0, 0, 1, 1, 1, 1] + [0] * 6}},
        anvisning.bosattningsenhet,
    )
    await _refused_then_accepted(
        lambda i: a.graphql(CHANGE_PLAN, {"input": i}, anvisning.bosattningsenhet),
        "reason",
        year=2022,
        kommunkod="0686",
        months=[0, 0, 1, 1, 1, 1] + [0] * 6,
    )
    case = arende_id()
    await anvisning.register(case, adults=2, needs=[c.value for c in NeedCode])
    await _refused_then_accepted(
        lambda i: anvisning.decide(case, "0604", overrideReason=i["overrideReason"]),
        "overrideReason",
    )
    anvisning_id = await anvisning.service.deps.pool.fetchval(
        "SELECT anvisning_id::text FROM anvisning WHERE arende_id = $1", case
    )

    async def projected() -> bool:
        return bool(await d.deps.pool.fetchval("SELECT count(*) FROM mottagande"))

    await eventually(projected)
    await _refused_then_accepted(
        lambda i: d.graphql(KONTAKT, {"input": i}, dialog.mottagning),
        "note",
        anvisningId=anvisning_id,
        kind="PHONE",
        contactedOn="2022-03-01",
    )
    await _refused_then_accepted(
        lambda i: d.graphql(CANNOT, {"input": i}, dialog.kommun("0604")),
        "reason",
        kommunkod="0604",
        months=[5],
    )
    await dialog.act(
        "reportMottagandedatum",
        "MottagandedatumInput",
        dialog.kommun("0604"),
        anvisningId=anvisning_id,
        mottagandedatum="2022-06-30",
    )

    forbidden = [
        PERSONNUMMER,
        "121212-1212",
        "1212121212",
        SAMORDNINGSNUMMER,
        MARKER,
        *(c.value for c in NeedCode),
    ]
    published = await _stream_text(bus)
    spans = await asyncio.to_thread(traces_file.read_text)
    logs = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    for where, text in (("events", published), ("spans", spans), ("logs", logs)):
        for value in forbidden:
            assert value not in text, f"{value!r} found in {where}"
    assert "escalation.opened" in published and "anvisning.decided" in published


async def _stream_text(bus: Client) -> str:
    js = bus.jetstream()
    info = await js.stream_info(STREAM)
    bodies = []
    for sequence in range(info.state.first_seq, info.state.last_seq + 1):
        message = await js.get_msg(STREAM, sequence)
        bodies.append((message.data or b"").decode() + json.dumps(dict(message.headers or {})))
    return "\n".join(bodies)
