"""Reading decision files (CSV, as the agencies publish them) into commands. Pure."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from bosattning_contracts.reference import kommun_by_kod, lan_by_kod

from bosattning_kommuntal.domain import Row
from bosattning_kommuntal.handlers import DecideKommuntal, SetLanstal

LANSTAL_HEADER = ["ar", "lanskod", "lansnamn", "lanstal", "kalla"]
_LANSTAL_YEAR = re.compile(r"^(\d{4})(-reviderat)?$")
_KOMMUNTAL_COLUMN = re.compile(r"^kommuntal_(\d{4})$")


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str


class ImportRefused(Exception):
    """The file is malformed or inconsistent; nothing of it was decided."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(f"line {p.line}: {p.reason}" for p in problems))
        self.problems = problems


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))


def _count(value: str, line: int, problems: list[Problem], what: str) -> int:
    if not re.fullmatch(r"\d+", value.strip()):
        problems.append(Problem(line, f"{what} {value!r} is not a whole number ≥ 0"))
        return 0
    return int(value)


def parse_lanstal(text: str) -> list[tuple[int, SetLanstal]]:
    """Rows `ar,lanskod,lansnamn,lanstal,kalla`; `2017-reviderat` revises 2017's länstal."""
    rows = _rows(text)
    if not rows or rows[0] != LANSTAL_HEADER:
        raise ImportRefused([Problem(1, f"the header must be {','.join(LANSTAL_HEADER)}")])
    problems: list[Problem] = []
    commands: list[tuple[int, SetLanstal]] = []
    for line, fields in enumerate(rows[1:], start=2):
        if len(fields) != len(LANSTAL_HEADER):
            problems.append(Problem(line, f"{len(fields)} fields, expected 5"))
            continue
        year, lanskod, lansnamn, lanstal, kalla = (f.strip() for f in fields)
        match = _LANSTAL_YEAR.match(year)
        if match is None:
            problems.append(Problem(line, f"year {year!r} is neither YYYY nor YYYY-reviderat"))
        lan = lan_by_kod(lanskod)
        if lan is None:
            problems.append(Problem(line, f"there is no county {lanskod!r}"))
        elif lan.namn != lansnamn:
            problems.append(Problem(line, f"county {lanskod} is {lan.namn}, not {lansnamn!r}"))
        number = _count(lanstal, line, problems, "länstal")
        if match is not None and lan is not None:
            reason = kalla or "import"
            commands.append((line, SetLanstal(int(match[1]), lanskod, number, reason)))
    if problems:
        raise ImportRefused(problems)
    return commands


def parse_kommuntal(text: str, year: int, lanskod: str, reason: str) -> DecideKommuntal:
    """Rows `kod,namn,kommuntal_YYYY` for every municipality of one county."""
    rows = _rows(text)
    header = rows[0] if rows else []
    column = _KOMMUNTAL_COLUMN.match(header[2]) if len(header) == 3 else None
    if header[:2] != ["kod", "namn"] or column is None:
        raise ImportRefused([Problem(1, "the header must be kod,namn,kommuntal_YYYY")])
    problems: list[Problem] = []
    if int(column[1]) != year:
        problems.append(Problem(1, f"the file holds kommuntal {column[1]}, not {year}"))
    decided: list[Row] = []
    for line, fields in enumerate(rows[1:], start=2):
        if len(fields) != 3:
            problems.append(Problem(line, f"{len(fields)} fields, expected 3"))
            continue
        kod, namn, number = (f.strip() for f in fields)
        kommun = kommun_by_kod(kod)
        if kommun is not None and kommun.namn != namn:
            problems.append(Problem(line, f"municipality {kod} is {kommun.namn}, not {namn!r}"))
        decided.append(Row(kod, _count(number, line, problems, "kommuntal")))
    if problems:
        raise ImportRefused(problems)
    return DecideKommuntal(year, lanskod, tuple(decided), reason)


def row_line(field: str | None) -> int | None:
    """The file line of a domain error's field `rows[i]` (line 1 is the header)."""
    match = re.fullmatch(r"rows\[(\d+)\]", field or "")
    return int(match[1]) + 2 if match else None
