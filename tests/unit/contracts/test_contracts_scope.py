from __future__ import annotations

import pytest
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


def test_a_kommun_scope_puts_the_county_then_the_municipality_in_the_subject() -> None:
    assert kommun_scope("0680") == Scope(region="06", audience="0680")
    assert (
        subject(kommun_scope("0680"), "anvisning.decided") == "bosattning.06.0680.anvisning.decided"
    )


def test_a_lan_scope_is_county_wide() -> None:
    assert subject(lan_scope("06"), "kommuntal.decided") == "bosattning.06.lan.kommuntal.decided"


def test_a_lst_scope_is_for_the_county_board_only() -> None:
    assert subject(lst_scope("06"), "inbox.notified") == "bosattning.06.lst.inbox.notified"


def test_national_scopes_use_riket() -> None:
    assert subject(RIKET_LAN, "lanstal.set") == "bosattning.riket.lan.lanstal.set"
    assert subject(RIKET_MV, "arende.registered") == "bosattning.riket.mv.arende.registered"


def test_every_subject_falls_under_the_stream_subjects() -> None:
    assert f"{SUBJECT_ROOT}.>" == STREAM_SUBJECTS
    for scope in (kommun_scope("0114"), lan_scope("25"), lst_scope("01"), RIKET_MV, RIKET_LAN):
        assert subject(scope, "a.b").startswith(f"{SUBJECT_ROOT}.")


@pytest.mark.parametrize(
    ("constructor", "code"),
    [(kommun_scope, "9999"), (kommun_scope, "06"), (lan_scope, "02"), (lst_scope, "0680")],
)
def test_unknown_codes_raise_value_error(constructor: object, code: str) -> None:
    assert callable(constructor)
    with pytest.raises(ValueError, match="unknown"):
        constructor(code)


@pytest.mark.parametrize(
    ("region", "audience"),
    [("01", "0680"), ("riket", "lst"), ("riket", "0680"), ("02", "lan"), ("06", "kommun")],
)
def test_a_scope_refuses_pairs_no_subject_may_have(region: str, audience: str) -> None:
    with pytest.raises(ValueError):
        Scope(region=region, audience=audience)


@pytest.mark.parametrize("event_type", ["lanstal", "lanstal.set.now", "Lanstal.set", "a.*", ""])
def test_subject_refuses_a_malformed_event_type(event_type: str) -> None:
    with pytest.raises(ValueError):
        subject(RIKET_LAN, event_type)
