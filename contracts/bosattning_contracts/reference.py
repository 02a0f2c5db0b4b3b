"""Reference data: the 21 counties (län) and 290 municipalities (kommuner)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

__all__ = [
    "KOMMUNKOD_PATTERN",
    "LANSKOD_PATTERN",
    "Kommun",
    "Lan",
    "all_kommuner",
    "all_lan",
    "kommun_by_kod",
    "kommuner_in_lan",
    "lan_by_kod",
]

LANSKOD_PATTERN = r"^\d{2}$"
KOMMUNKOD_PATTERN = r"^\d{4}$"

_DATA_PACKAGE = "bosattning_contracts.data"


@dataclass(frozen=True, slots=True)
class Lan:
    """A county (län) with its two-digit code."""

    lanskod: str
    namn: str


@dataclass(frozen=True, slots=True)
class Kommun:
    """A municipality (kommun) with its four-digit SCB code and its county."""

    kommunkod: str
    namn: str
    lanskod: str


def _read_rows(name: str) -> list[dict[str, str]]:
    text = files(_DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def all_lan() -> tuple[Lan, ...]:
    """All counties, sorted by lanskod."""
    rows = _read_rows("lan.csv")
    return tuple(
        sorted(
            (Lan(lanskod=r["lanskod"], namn=r["lansnamn"]) for r in rows),
            key=lambda lan: lan.lanskod,
        )
    )


@cache
def all_kommuner() -> tuple[Kommun, ...]:
    """All municipalities, sorted by kommunkod."""
    rows = _read_rows("kommuner.csv")
    return tuple(
        sorted(
            (Kommun(kommunkod=r["kod"], namn=r["namn"], lanskod=r["lanskod"]) for r in rows),
            key=lambda kommun: kommun.kommunkod,
        )
    )


@cache
def _lan_index() -> dict[str, Lan]:
    return {lan.lanskod: lan for lan in all_lan()}


@cache
def _kommun_index() -> dict[str, Kommun]:
    return {kommun.kommunkod: kommun for kommun in all_kommuner()}


@cache
def _kommuner_by_lan() -> dict[str, tuple[Kommun, ...]]:
    grouped: dict[str, list[Kommun]] = {}
    for kommun in all_kommuner():
        grouped.setdefault(kommun.lanskod, []).append(kommun)
    return {lanskod: tuple(kommuner) for lanskod, kommuner in grouped.items()}


def lan_by_kod(lanskod: str) -> Lan | None:
    """The county with this code, or None when there is none."""
    return _lan_index().get(lanskod)


def kommun_by_kod(kommunkod: str) -> Kommun | None:
    """The municipality with this code, or None when there is none."""
    return _kommun_index().get(kommunkod)


def kommuner_in_lan(lanskod: str) -> tuple[Kommun, ...]:
    """The municipalities of a county sorted by kommunkod (empty for an unknown county)."""
    return _kommuner_by_lan().get(lanskod, ())
