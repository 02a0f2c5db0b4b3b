"""Reading the agencies' decision files."""

from __future__ import annotations

from pathlib import Path

import pytest
from bosattning_kommuntal.imports import ImportRefused, parse_kommuntal, parse_lanstal, row_line

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def test_the_shipped_lanstal_file_reads_with_its_revisions_after_their_years() -> None:
    commands = parse_lanstal((EXAMPLES / "lanstal.csv").read_text("utf-8"))

    of_2022 = [cmd for _, cmd in commands if cmd.year == 2022]
    assert len(of_2022) == 21 and sum(c.lanstal for c in of_2022) == 7500
    jonkoping_2017 = [c.lanstal for _, c in commands if (c.year, c.lanskod) == (2017, "06")]
    assert jonkoping_2017 == [940, 697]


def test_a_malformed_lanstal_file_is_refused_with_every_line_and_reason() -> None:
    text = (
        "ar,lanskod,lansnamn,lanstal,kalla\r\n"
        "2022,06,Jönköpings län,255,SFS\r\n"
        "2022,99,Okänt län,10,SFS\r\n"
        "20x2,07,Kronobergs län,-3,SFS\r\n"
        "2022,08,Fel namn,12,SFS\r\n"
    )

    with pytest.raises(ImportRefused) as refused:
        parse_lanstal(text)

    lines = [p.line for p in refused.value.problems]
    assert lines == [3, 4, 4, 5]


def test_the_shipped_jonkoping_kommuntal_reads_as_one_decision() -> None:
    text = (EXAMPLES / "kommuntal_jonkoping_2022.csv").read_text("utf-8")

    command = parse_kommuntal(text, 2022, "06", "Beslut 2021-11-15")

    assert len(command.rows) == 13 and sum(r.kommuntal for r in command.rows) == 255


def test_a_kommuntal_file_for_another_year_is_refused() -> None:
    text = (EXAMPLES / "kommuntal_jonkoping_2022.csv").read_text("utf-8")

    with pytest.raises(ImportRefused) as refused:
        parse_kommuntal(text, 2023, "06", "Beslut")

    assert refused.value.problems[0].line == 1


def test_a_row_error_points_at_its_file_line() -> None:
    assert row_line("rows[0]") == 2
    assert row_line("rows") is None
