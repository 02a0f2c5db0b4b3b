"""`bosattning import` decides through the same rules, a whole file in one transaction."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from bosattning_cli.imports import import_app
from typer.testing import CliRunner

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


@pytest.fixture
def database(postgres: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    url: str = asyncio.run(postgres.fresh_database("kimport"))
    monkeypatch.setenv("KOMMUNTAL_DATABASE_URL", url)
    monkeypatch.setenv("BOSATTNING_MODE", "development")
    monkeypatch.setenv("BOSATTNING_CLOCK_START", "2022-03-01")
    monkeypatch.setenv("BOSATTNING_STATE_DIR", str(tmp_path))
    return url


def _fetch(url: str, sql: str) -> Any:
    async def run() -> Any:
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetchval(sql)
        finally:
            await conn.close()

    return asyncio.run(run())


def test_the_shipped_lanstal_and_jonkopings_kommuntal_import(database: str) -> None:
    runner = CliRunner()

    lanstal = runner.invoke(import_app, ["lanstal", str(EXAMPLES / "lanstal.csv")])
    kommuntal = runner.invoke(
        import_app,
        [
            "kommuntal",
            str(EXAMPLES / "kommuntal_jonkoping_2022.csv"),
            "--year",
            "2022",
            "--lan",
            "06",
            "--reason",
            "Länsstyrelsens beslut 2021",
        ],
    )

    assert lanstal.exit_code == 0, lanstal.output
    assert kommuntal.exit_code == 0, kommuntal.output
    current_2022 = (
        "SELECT sum(lanstal) FROM (SELECT DISTINCT ON (lanskod) lanstal FROM lanstal "
        "WHERE year = 2022 ORDER BY lanskod, version DESC) t"
    )
    assert _fetch(database, current_2022) == 7500
    assert _fetch(database, "SELECT count(DISTINCT lanskod) FROM lanstal WHERE year = 2022") == 21
    assert _fetch(database, "SELECT sum(kommuntal) FROM kommuntal_row WHERE year = 2022") == 255
    assert _fetch(database, "SELECT count(*) FROM outbox WHERE event_type = 'lanstal.set'") > 21
    assert _fetch(database, "SELECT DISTINCT decided_by FROM kommuntal_decision") == (
        "bosattning-import"
    )


def test_a_malformed_file_is_refused_with_its_line_and_nothing_of_it_is_decided(
    database: str, tmp_path: Path
) -> None:
    bad = tmp_path / "lanstal.csv"
    bad.write_text(
        "ar,lanskod,lansnamn,lanstal,kalla\r\n2022,06,Jönköpings län,255,SFS\r\n"
        "2022,07,Kronobergs län,tio,SFS\r\n",
        "utf-8",
    )

    result = CliRunner().invoke(import_app, ["lanstal", str(bad)])

    assert result.exit_code == 1
    assert "line 3" in result.output
    # refused while reading: the database was not even touched
    assert _fetch(database, "SELECT to_regclass('lanstal') IS NULL")


def test_an_inconsistent_file_is_refused_whole_after_the_rules_ran(
    database: str, tmp_path: Path
) -> None:
    inconsistent = tmp_path / "lanstal.csv"
    # 2015 is before the Act: the second line breaks a rule only the domain knows.
    inconsistent.write_text(
        "ar,lanskod,lansnamn,lanstal,kalla\r\n2022,06,Jönköpings län,255,SFS\r\n"
        "2015,07,Kronobergs län,10,SFS\r\n",
        "utf-8",
    )

    result = CliRunner().invoke(import_app, ["lanstal", str(inconsistent)])

    assert result.exit_code == 1
    assert "line 3: YEAR_OUT_OF_RANGE" in result.output
    assert _fetch(database, "SELECT count(*) FROM lanstal") == 0
    assert _fetch(database, "SELECT count(*) FROM outbox") == 0
