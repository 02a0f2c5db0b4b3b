from __future__ import annotations

import json
from pathlib import Path

import pytest
from bosattning_runtime import telemetry
from bosattning_runtime.telemetry import (
    build_tracer_provider,
    configure_tracing,
    extract_trace_context,
    inject_trace_context,
)
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor


def processors(provider: TracerProvider) -> list[object]:
    return list(provider._active_span_processor._span_processors)


def test_the_file_exporter_writes_one_span_per_line_with_parent_ids(tmp_path: Path) -> None:
    path = tmp_path / "traces" / "spans.jsonl"
    environ = {"OTEL_TRACES_EXPORTER": "file", "BOSATTNING_TRACES_FILE": str(path)}
    provider = build_tracer_provider("kommuntal", environ)
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("decide", kind=trace.SpanKind.SERVER) as parent:
        parent.set_attribute("lanskod", "01")
        with tracer.start_as_current_span("insert"):
            pass
    child, outer = (json.loads(line) for line in path.read_text().splitlines())
    assert (child["name"], outer["name"]) == ("insert", "decide")
    assert child["trace_id"] == outer["trace_id"]
    assert child["parent_span_id"] == outer["span_id"]
    assert outer["parent_span_id"] is None
    assert (outer["kind"], outer["attributes"]) == ("SERVER", {"lanskod": "01"})
    assert outer["status"]["code"] == "UNSET"
    assert outer["resource"] == {"service.name": "kommuntal"}
    assert outer["start_time"] <= outer["end_time"]


def test_otel_service_name_and_resource_attributes_are_respected() -> None:
    environ = {
        "OTEL_SERVICE_NAME": "renamed",
        "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=test,team=bos%C3%A4ttning",
    }
    attributes = build_tracer_provider("kommuntal", environ).resource.attributes
    assert attributes["service.name"] == "renamed"
    assert attributes["deployment.environment"] == "test"
    assert attributes["team"] == "bosättning"


def test_without_exporter_settings_no_spans_are_exported() -> None:
    assert processors(build_tracer_provider("kommuntal", {})) == []
    assert processors(build_tracer_provider("kommuntal", {"OTEL_TRACES_EXPORTER": "none"})) == []


def test_an_otlp_endpoint_alone_turns_on_otlp_export() -> None:
    environ = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9"}
    provider = build_tracer_provider("kommuntal", environ)
    (processor,) = processors(provider)
    assert isinstance(processor, BatchSpanProcessor)
    provider.shutdown()


def test_several_exporters_may_be_listed(tmp_path: Path) -> None:
    environ = {
        "OTEL_TRACES_EXPORTER": "console, file",
        "BOSATTNING_TRACES_FILE": str(tmp_path / "spans.jsonl"),
    }
    provider = build_tracer_provider("kommuntal", environ)
    kinds = [type(p) for p in processors(provider)]
    assert kinds == [BatchSpanProcessor, SimpleSpanProcessor]
    provider.shutdown()


def test_a_file_exporter_without_a_path_or_an_unknown_exporter_is_refused() -> None:
    with pytest.raises(ValueError, match="BOSATTNING_TRACES_FILE"):
        build_tracer_provider("kommuntal", {"OTEL_TRACES_EXPORTER": "file"})
    with pytest.raises(ValueError, match="unknown trace exporter"):
        build_tracer_provider("kommuntal", {"OTEL_TRACES_EXPORTER": "zipkin"})


def test_tracing_is_made_global_only_once(monkeypatch: pytest.MonkeyPatch) -> None:
    installed: list[TracerProvider] = []
    monkeypatch.setattr(telemetry, "_configured", None)
    monkeypatch.setattr(trace, "set_tracer_provider", installed.append)
    first = configure_tracing("kommuntal", {})
    second = configure_tracing("anvisning", {})
    assert second is first
    assert installed == [first]


def test_inject_and_extract_keep_the_trace_id() -> None:
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("publish") as span:
        carrier = inject_trace_context()
    assert carrier["traceparent"].startswith("00-")
    context = extract_trace_context(carrier)
    remote = trace.get_current_span(context).get_span_context()
    assert remote.trace_id == span.get_span_context().trace_id
    assert remote.span_id == span.get_span_context().span_id
    assert remote.is_remote


def test_a_bus_span_names_the_county_and_municipality_of_its_subject_and_nothing_more() -> None:
    from bosattning_runtime.telemetry import bus_span_attributes

    assert bus_span_attributes("bosattning.06.0680.anvisning.decided") == {
        "messaging.system": "nats",
        "messaging.destination.name": "bosattning.06.0680.anvisning.decided",
        "bosattning.lanskod": "06",
        "bosattning.kommunkod": "0680",
    }
    assert "bosattning.kommunkod" not in bus_span_attributes("bosattning.06.lst.escalation.opened")
    assert "bosattning.lanskod" not in bus_span_attributes("bosattning.riket.lan.lanstal.set")
