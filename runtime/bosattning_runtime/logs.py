"""Structured JSON logs, one object per line, carrying the current trace and span ids."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from opentelemetry import trace

# Attributes every LogRecord has; anything else on a record came from ``extra``.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object (see ``configure_logging``)."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "service": self.service,
        }
        entry.update(_trace_ids())
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        entry.update(_extras(record, entry))
        return json.dumps(entry, ensure_ascii=False)


def _trace_ids() -> dict[str, str]:
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return {}
    return {
        "trace_id": trace.format_trace_id(context.trace_id),
        "span_id": trace.format_span_id(context.span_id),
    }


def _extras(record: logging.LogRecord, taken: dict[str, Any]) -> dict[str, Any]:
    extras: dict[str, Any] = {}
    for key, value in vars(record).items():
        if key in _RECORD_ATTRIBUTES or key in taken or key.startswith("_"):
            continue
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            continue  # a value we cannot serialise is dropped, not stringified
        extras[key] = value
    return extras


class _BosattningHandler(logging.StreamHandler[TextIO]):
    """Marks the handler this module installed, so a second call can find it."""


def configure_logging(service: str, level: str = "INFO") -> None:
    """Log JSON lines to stderr from the root logger; calling it again adds no handler."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    handler = next((h for h in root.handlers if isinstance(h, _BosattningHandler)), None)
    if handler is None:
        handler = _BosattningHandler(sys.stderr)
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter(service))
