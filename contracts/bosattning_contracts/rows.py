"""Row types shared by kommuntal and anvisning events."""

from __future__ import annotations

from collections.abc import Iterable

from bosattning_contracts.envelope import Payload
from bosattning_contracts.fields import Count, Kommunkod
from bosattning_contracts.reference import kommun_by_kod

__all__ = ["BlockingRow", "KommuntalRow", "check_rows_in_lan"]


class KommuntalRow(Payload):
    """One municipality's kommuntal."""

    kommunkod: Kommunkod
    kommuntal: Count


class BlockingRow(Payload):
    """A municipality whose used places exceed its proposed kommuntal."""

    kommunkod: Kommunkod
    used: Count
    proposed: Count


def check_rows_in_lan(kommunkoder: Iterable[str], lanskod: str) -> None:
    """Raise ValueError unless every code is unique and belongs to ``lanskod``."""
    seen: set[str] = set()
    for kommunkod in kommunkoder:
        if kommunkod in seen:
            raise ValueError(f"kommun {kommunkod} appears more than once")
        seen.add(kommunkod)
        kommun = kommun_by_kod(kommunkod)
        if kommun is not None and kommun.lanskod != lanskod:
            raise ValueError(f"kommun {kommunkod} is not in lan {lanskod}")
