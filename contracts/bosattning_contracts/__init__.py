"""Event contracts, subjects and reference data shared by the Bosättning services."""

from __future__ import annotations

from bosattning_contracts.envelope import AggregateKeys, Event, Payload
from bosattning_contracts.registry import EVENT_TYPES, UnknownEventType, parse_event
from bosattning_contracts.scope import (
    RIKET_LAN,
    RIKET_MV,
    STREAM_SUBJECTS,
    SUBJECT_ROOT,
    Scope,
    kommun_scope,
    lan_scope,
    lst_scope,
    subject,
)

__all__ = [
    "EVENT_TYPES",
    "RIKET_LAN",
    "RIKET_MV",
    "STREAM_SUBJECTS",
    "SUBJECT_ROOT",
    "AggregateKeys",
    "Event",
    "Payload",
    "Scope",
    "UnknownEventType",
    "kommun_scope",
    "lan_scope",
    "lst_scope",
    "parse_event",
    "subject",
]
