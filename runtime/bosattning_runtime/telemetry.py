"""OpenTelemetry tracing set up from the standard OTEL_* variables (DESIGN §6)."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)

TRACES_FILE_VARIABLE = "BOSATTNING_TRACES_FILE"
_OTLP_ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")

_lock = threading.Lock()
_configured: TracerProvider | None = None


class JsonLinesSpanExporter(SpanExporter):
    """Appends each finished span to a file as one JSON object per line."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = "".join(json.dumps(span_to_dict(span), default=str) + "\n" for span in spans)
        try:
            with self._lock:
                self._path.parent.mkdir(parents=True, exist_ok=True)
                with self._path.open("a", encoding="utf-8") as handle:
                    handle.write(lines)
        except OSError:
            return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        """Nothing to release: the file is opened per export."""

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return True


def _iso(nanoseconds: int | None) -> str | None:
    if nanoseconds is None:
        return None
    return datetime.fromtimestamp(nanoseconds / 1e9, UTC).isoformat().replace("+00:00", "Z")


def span_to_dict(span: ReadableSpan) -> dict[str, Any]:
    """The JSON shape the file exporter writes for one span."""
    context = span.get_span_context()
    assert context is not None  # a finished SDK span always has one
    return {
        "name": span.name,
        "trace_id": trace.format_trace_id(context.trace_id),
        "span_id": trace.format_span_id(context.span_id),
        "parent_span_id": trace.format_span_id(span.parent.span_id) if span.parent else None,
        "kind": span.kind.name,
        "attributes": dict(span.attributes or {}),
        "start_time": _iso(span.start_time),
        "end_time": _iso(span.end_time),
        "status": {"code": span.status.status_code.name, "description": span.status.description},
        "resource": {"service.name": span.resource.attributes.get(SERVICE_NAME)},
    }


def _resource(service_name: str, environ: Mapping[str, str]) -> Resource:
    attributes: dict[str, str] = {}
    for item in environ.get("OTEL_RESOURCE_ATTRIBUTES", "").split(","):
        key, separator, value = item.partition("=")
        if separator and key.strip():
            attributes[key.strip()] = unquote(value.strip())
    attributes[SERVICE_NAME] = environ.get("OTEL_SERVICE_NAME") or service_name
    return Resource.create(attributes)


def _exporter_names(environ: Mapping[str, str]) -> list[str]:
    configured = environ.get("OTEL_TRACES_EXPORTER", "").strip()
    if not configured:
        has_endpoint = any(environ.get(name) for name in _OTLP_ENDPOINT_VARIABLES)
        return ["otlp"] if has_endpoint else []
    names = [name.strip().lower() for name in configured.split(",") if name.strip()]
    return [name for name in names if name != "none"]


def _processor(name: str, environ: Mapping[str, str]) -> SpanProcessor:
    if name == "otlp":
        # Imported here: the exporter pulls in protobuf and HTTP machinery.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return BatchSpanProcessor(OTLPSpanExporter())
    if name == "console":
        return BatchSpanProcessor(ConsoleSpanExporter())
    if name == "file":
        path = environ.get(TRACES_FILE_VARIABLE)
        if not path:
            raise ValueError(f"OTEL_TRACES_EXPORTER=file needs {TRACES_FILE_VARIABLE}")
        # Simple, not batched: local readers (and tests) see each span at once.
        return SimpleSpanProcessor(JsonLinesSpanExporter(Path(path)))
    raise ValueError(f"unknown trace exporter {name!r}: expected otlp, console, file or none")


def build_tracer_provider(
    service_name: str, environ: Mapping[str, str] = os.environ
) -> TracerProvider:
    """A TracerProvider with the exporters ``environ`` asks for; not made global."""
    processors = [_processor(name, environ) for name in _exporter_names(environ)]
    provider = TracerProvider(resource=_resource(service_name, environ))
    for processor in processors:
        provider.add_span_processor(processor)
    return provider


def configure_tracing(service_name: str, environ: Mapping[str, str] = os.environ) -> TracerProvider:
    """Build the process's tracer provider and make it global, once per process."""
    global _configured
    with _lock:
        if _configured is None:
            provider = build_tracer_provider(service_name, environ)
            trace.set_tracer_provider(provider)
            _configured = provider
        return _configured


def inject_trace_context(context: Context | None = None) -> dict[str, str]:
    """W3C ``traceparent``/``tracestate`` headers for the current (or given) context."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=context)
    return carrier


def extract_trace_context(carrier: Mapping[str, str]) -> Context:
    """The context that ``carrier`` (headers or a stored mapping) propagates."""
    return propagate.extract(dict(carrier))


def bus_span_attributes(subject: str, **extra: str) -> dict[str, str]:
    """A bus span's attributes: the subject, and the county and municipality codes its scope
    names (never anything about a person)."""
    attributes = {"messaging.system": "nats", "messaging.destination.name": subject, **extra}
    parts = subject.split(".")
    if len(parts) > 3 and parts[1] != "riket":
        attributes["bosattning.lanskod"] = parts[1]
        if parts[2].isdigit():
            attributes["bosattning.kommunkod"] = parts[2]
    return attributes
