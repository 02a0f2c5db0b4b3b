"""The generated NATS users block for agencies (bosattning_cli.natsauth)."""

from __future__ import annotations

from bosattning_cli.natsauth import (
    AGENCIES_CONF,
    MIGRATIONSVERKET_USER,
    SUITE_USER,
    Agency,
    agencies,
    derived_password,
    derived_passwords,
    password_variable,
    render_config,
    stale_config,
    users,
)


def _agency(user: str) -> Agency:
    return next(agency for agency in agencies() if agency.user == user)


def test_one_user_per_county_board_and_municipality_plus_suite_and_migrationsverket() -> None:
    names = users()
    assert len(names) == 21 + 290 + 2 == len(set(names))
    assert sum(name.startswith("lst-") for name in names) == 21
    assert sum(name.startswith("kommun-") for name in names) == 290
    assert {SUITE_USER, MIGRATIONSVERKET_USER, "lst-06", "kommun-0680"} <= set(names)
    assert render_config().count("{ user: ") == 313


def test_municipality_permissions() -> None:
    kommun = _agency("kommun-0680")
    assert kommun.consumer == "kommun-0680"
    assert kommun.filters == (
        "bosattning.06.0680.>",
        "bosattning.06.lan.>",
        "bosattning.riket.lan.>",
    )
    assert kommun.subscribe_allow == (*kommun.filters, "_INBOX_kommun-0680.>")
    assert kommun.publish_allow == (
        "$JS.API.CONSUMER.MSG.NEXT.BOSATTNING.kommun-0680",
        "$JS.API.CONSUMER.INFO.BOSATTNING.kommun-0680",
        "$JS.ACK.BOSATTNING.kommun-0680.>",
    )


def test_county_board_sees_its_county_including_lst() -> None:
    lst = _agency("lst-06")
    assert lst.filters == ("bosattning.06.>", "bosattning.riket.lan.>")
    assert lst.subscribe_allow[-1] == "_INBOX_lst-06.>"


def test_no_municipality_sees_lst_or_other_scopes() -> None:
    for agency in agencies():
        if not agency.user.startswith("kommun-"):
            continue
        granted = agency.filters + agency.subscribe_allow + agency.publish_allow
        assert not any(".lst." in s or s.endswith(".lst") for s in granted), agency.user
        assert not any(s in ("bosattning.>", "_INBOX.>", ">") for s in granted), agency.user
        assert not any(s.startswith("bosattning.") for s in agency.publish_allow)
        assert all("CREATE" not in s for s in agency.publish_allow)


def test_migrationsverket_everything_but_lst() -> None:
    mv = _agency(MIGRATIONSVERKET_USER)
    assert "bosattning.riket.>" in mv.filters
    assert len(mv.filters) == 1 + 21 + 290
    assert not any(".lst." in s for s in mv.filters)
    assert mv.deny == ("bosattning.*.lst.>",)


def test_committed_config_holds_no_password_only_variables() -> None:
    text = render_config()
    assert f"password: ${password_variable('kommun-0680')}" in text
    assert password_variable("kommun-0680") == "NATS_KOMMUN_0680_PASSWORD"
    secret_values = derived_passwords("some-secret").values()
    assert not any(value in text for value in secret_values)


def test_derived_passwords_are_per_user_and_per_secret() -> None:
    assert derived_password("a", "lst-06") == derived_password("a", "lst-06")
    assert derived_password("a", "lst-06") != derived_password("a", "lst-07")
    assert derived_password("a", "lst-06") != derived_password("b", "lst-06")
    literal = render_config(derived_passwords("a"))
    assert f'password: "{derived_password("a", "kommun-0680")}"' in literal
    assert "$NATS_" not in literal


def test_committed_agencies_conf_is_up_to_date() -> None:
    assert not stale_config(), (
        f"{AGENCIES_CONF} is stale: run `./bosattning nats config --out deploy/nats/agencies.conf`"
    )
