from __future__ import annotations

import csv
import io
import re
from importlib.resources import files

from bosattning_contracts.reference import (
    KOMMUNKOD_PATTERN,
    LANSKOD_PATTERN,
    Kommun,
    Lan,
    all_kommuner,
    all_lan,
    kommun_by_kod,
    kommuner_in_lan,
    lan_by_kod,
)


def _lan_csv_counts() -> dict[str, int]:
    text = files("bosattning_contracts.data").joinpath("lan.csv").read_text(encoding="utf-8")
    return {row["lanskod"]: int(row["antal_kommuner"]) for row in csv.DictReader(io.StringIO(text))}


def test_there_are_21_counties() -> None:
    assert len(all_lan()) == 21
    assert len({lan.lanskod for lan in all_lan()}) == 21


def test_there_are_290_municipalities() -> None:
    assert len(all_kommuner()) == 290
    assert len({kommun.kommunkod for kommun in all_kommuner()}) == 290


def test_each_county_has_as_many_municipalities_as_lan_csv_says() -> None:
    counts = _lan_csv_counts()
    assert set(counts) == {lan.lanskod for lan in all_lan()}
    for lanskod, expected in counts.items():
        assert len(kommuner_in_lan(lanskod)) == expected, lanskod


def test_jonkoping_has_13_municipalities_including_savsjo() -> None:
    jonkoping = kommuner_in_lan("06")
    assert len(jonkoping) == 13
    assert Kommun(kommunkod="0684", namn="Sävsjö", lanskod="06") in jonkoping
    assert [k.kommunkod for k in jonkoping] == sorted(k.kommunkod for k in jonkoping)


def test_lookups_find_known_codes_and_return_none_for_unknown_ones() -> None:
    assert lan_by_kod("06") == Lan(lanskod="06", namn="Jönköpings län")
    assert kommun_by_kod("0680") == Kommun(kommunkod="0680", namn="Jönköping", lanskod="06")
    assert lan_by_kod("02") is None
    assert kommun_by_kod("9999") is None
    assert kommuner_in_lan("02") == ()


def test_every_code_matches_its_pattern_and_every_municipality_has_a_known_county() -> None:
    assert all(re.fullmatch(LANSKOD_PATTERN, lan.lanskod) for lan in all_lan())
    for kommun in all_kommuner():
        assert re.fullmatch(KOMMUNKOD_PATTERN, kommun.kommunkod)
        assert lan_by_kod(kommun.lanskod) is not None
        assert kommun.kommunkod.startswith(kommun.lanskod)
