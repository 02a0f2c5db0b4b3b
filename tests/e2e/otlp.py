"""An OTLP/HTTP trace endpoint inside the test process, as a collector would be.

It accepts `POST /v1/traces` in both OTLP encodings: protobuf (the Python services'
exporter) and JSON with hex ids (the gateway's JavaScript exporter), and keeps each span's
service, name, trace id and attributes.
"""

from __future__ import annotations

import gzip
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    name: str
    trace_id: str
    attributes: dict[str, str]


def _any_value(value: AnyValue) -> str:
    kind = value.WhichOneof("value")
    return "" if kind is None else str(getattr(value, kind))


def _from_protobuf(body: bytes) -> list[ReceivedSpan]:
    request = ExportTraceServiceRequest()
    request.ParseFromString(body)
    spans = []
    for resource_spans in request.resource_spans:
        resource = {a.key: _any_value(a.value) for a in resource_spans.resource.attributes}
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                attributes = {a.key: _any_value(a.value) for a in span.attributes}
                spans.append(
                    ReceivedSpan(
                        resource.get("service.name", ""), span.name, span.trace_id.hex(), attributes
                    )
                )
    return spans


def _json_attributes(items: list[dict[str, Any]]) -> dict[str, str]:
    return {a["key"]: str(next(iter(a.get("value", {}).values()), "")) for a in items}


def _from_json(body: bytes) -> list[ReceivedSpan]:
    spans = []
    for resource_spans in json.loads(body).get("resourceSpans", []):
        resource = _json_attributes(resource_spans.get("resource", {}).get("attributes", []))
        for scope_spans in resource_spans.get("scopeSpans", []):
            for span in scope_spans.get("spans", []):
                spans.append(
                    ReceivedSpan(
                        resource.get("service.name", ""),
                        span["name"],
                        span["traceId"].lower(),
                        _json_attributes(span.get("attributes", [])),
                    )
                )
    return spans


class OtlpReceiver:
    """Runs in a thread; `url` is the base for OTEL_EXPORTER_OTLP_ENDPOINT."""

    def __init__(self) -> None:
        self.spans: list[ReceivedSpan] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self._body()
                protobuf = "protobuf" in self.headers.get("content-type", "")
                spans = _from_protobuf(body) if protobuf else _from_json(body)
                with receiver._lock:
                    receiver.spans.extend(spans)
                answer = ExportTraceServiceResponse().SerializeToString() if protobuf else b"{}"
                self.send_response(200)
                self.send_header(
                    "content-type", "application/x-protobuf" if protobuf else "application/json"
                )
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def _body(self) -> bytes:
                """The request body, whole: Node sends it chunked, maybe gzipped."""
                if self.headers.get("transfer-encoding", "").lower() != "chunked":
                    body = self.rfile.read(int(self.headers.get("content-length", "0")))
                else:
                    body = b""
                    while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                        body += self.rfile.read(size)
                        self.rfile.readline()
                    self.rfile.readline()
                gzipped = self.headers.get("content-encoding", "").lower() == "gzip"
                return gzip.decompress(body) if gzipped else body

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def in_trace(self, trace_id: str) -> list[ReceivedSpan]:
        with self._lock:
            return [span for span in self.spans if span.trace_id == trace_id]
