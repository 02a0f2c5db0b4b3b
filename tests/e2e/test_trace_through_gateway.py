"""One `decideKommuntal` through the gateway is one trace: the gateway, the kommuntal
subgraph and its SQL, the outbox relay, NATS and the settlement unit's consumer, received
over OTLP/HTTP by a collector in this process (DESIGN §6)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Gateway, decide_kommuntal
from tests.e2e.otlp import OtlpReceiver, ReceivedSpan
from tests.examples import JONKOPING_2022
from tests.integration.conftest import eventually

pytestmark = pytest.mark.e2e

DECIDED = "bosattning.06.lan.kommuntal.decided"
EXPORT_QUICKLY = {"OTEL_BSP_SCHEDULE_DELAY": "200"}


@pytest.fixture(scope="module")
def otlp() -> Iterator[OtlpReceiver]:
    receiver = OtlpReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="module")
def suite_clock_start() -> str:
    return "2022-03-01T09:00:00+01:00"


@pytest.fixture(scope="module")
def suite_gateway_env(otlp: OtlpReceiver) -> dict[str, str]:
    return {"OTEL_EXPORTER_OTLP_ENDPOINT": otlp.url, **EXPORT_QUICKLY}


@pytest.fixture(scope="module")
def suite_service_env(otlp: OtlpReceiver) -> dict[str, str]:
    return {
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_ENDPOINT": otlp.url,
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        **EXPORT_QUICKLY,
    }


def _of(spans: list[ReceivedSpan], service: str) -> list[ReceivedSpan]:
    return [span for span in spans if service in span.service]


async def test_one_decision_through_the_gateway_is_one_trace_across_gateway_services_and_bus(
    gateway: Gateway, otlp: OtlpReceiver
) -> None:
    await decide_kommuntal(gateway, "06", 255, JONKOPING_2022)

    def consumed() -> list[ReceivedSpan]:
        return [
            span
            for span in otlp.in_trace(next(iter(traces_of_publish()), ""))
            if span.name == f"{DECIDED} process" and "anvisning" in span.service
        ]

    def traces_of_publish() -> set[str]:
        return {s.trace_id for s in otlp.spans if s.name == f"{DECIDED} publish"}

    async def arrived() -> bool:
        return bool(consumed()) and bool(_of(otlp.in_trace(consumed()[0].trace_id), "gateway"))

    await eventually(arrived, within=30)
    [trace_id] = traces_of_publish()
    spans = otlp.in_trace(trace_id)

    gateway_spans = _of(spans, "gateway")
    kommuntal = _of(spans, "kommuntal")
    anvisning = _of(spans, "anvisning")
    assert gateway_spans and kommuntal and anvisning
    assert any(s.attributes.get("db.system") == "postgresql" for s in kommuntal)  # its SQL
    published = [s for s in kommuntal if s.name == f"{DECIDED} publish"]  # the outbox relay
    processed = [s for s in anvisning if s.name == f"{DECIDED} process"]  # the consumer
    assert published and processed
    for span in (*published, *processed):
        assert span.attributes["messaging.system"] == "nats"
        assert span.attributes["bosattning.lanskod"] == "06"
    assert any(s.attributes.get("db.system") == "postgresql" for s in anvisning)  # its apply
    # the decision's free-text reason and the decider's id stay out of every span
    values = " ".join(v for s in spans for v in (s.name, *s.attributes.values()))
    assert "Länsstyrelsens beslut" not in values and "HSA-LST06" not in values
