from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from bosattning_runtime.logs import JsonFormatter, configure_logging
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    root.handlers[:] = handlers
    root.setLevel(level)


def record(message: str, **extra: object) -> logging.LogRecord:
    entry = logging.LogRecord("bosattning.test", logging.INFO, __file__, 1, message, None, None)
    entry.__dict__.update(extra)
    return entry


def test_a_log_line_is_one_json_object_with_the_service() -> None:
    line = JsonFormatter("kommuntal").format(record("kommuntal decided"))
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["service"] == "kommuntal"
    assert (entry["level"], entry["logger"], entry["message"]) == (
        "INFO",
        "bosattning.test",
        "kommuntal decided",
    )
    assert entry["timestamp"].endswith("Z")
    assert "trace_id" not in entry


def test_a_log_line_inside_an_active_span_carries_its_trace_id() -> None:
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("handle") as span:
        entry = json.loads(JsonFormatter("anvisning").format(record("handled")))
    context = span.get_span_context()
    assert entry["trace_id"] == trace.format_trace_id(context.trace_id)
    assert entry["span_id"] == trace.format_span_id(context.span_id)


def test_serialisable_extras_are_kept_and_others_dropped() -> None:
    entry = json.loads(
        JsonFormatter("lan").format(record("counted", lanskod="01", used=3, blob=object()))
    )
    assert (entry["lanskod"], entry["used"]) == ("01", 3)
    assert "blob" not in entry


def test_an_exception_is_logged_as_text() -> None:
    try:
        raise RuntimeError("relay stalled")
    except RuntimeError:
        entry_record = logging.LogRecord(
            "relay", logging.ERROR, __file__, 1, "failed", None, __import__("sys").exc_info()
        )
    entry = json.loads(JsonFormatter("relay").format(entry_record))
    assert "RuntimeError: relay stalled" in entry["exc_info"]


def test_configuring_logging_twice_adds_no_second_handler(root_logger: logging.Logger) -> None:
    configure_logging("kommuntal", "debug")
    configure_logging("kommuntal", "WARNING")
    ours = [h for h in root_logger.handlers if isinstance(h.formatter, JsonFormatter)]
    assert len(ours) == 1
    assert root_logger.level == logging.WARNING
