"""NATS users for agencies outside the suite (STACK-NOTES, "NATS permissions for agencies").

One user per county board (`lst-06`) and per municipality (`kommun-0680`), plus
`migrationsverket` and `suite` (the services, full rights). The suite creates each agency's
durable pull consumer on the event stream, filtered to the agency's scope (DESIGN §5, "live
events"); an agency user may only pull, inspect and ack its own consumer, subscribe live to its
scope subjects and to its own inbox prefix `_INBOX_<user>`. Nothing else: no publishing events,
no creating consumers, no other consumer, no `_INBOX.>`.

The committed `deploy/nats/agencies.conf` holds no secret: each password is a nats-server
variable (`$NATS_KOMMUN_0680_PASSWORD`), which nats-server resolves from its environment.
Development and tests derive passwords from one secret (HMAC-SHA256 of the user name).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from bosattning_contracts.reference import all_kommuner, all_lan
from bosattning_contracts.scope import AUDIENCE_LAN, AUDIENCE_LST, REGION_RIKET, SUBJECT_ROOT

from bosattning_cli.state import REPO_ROOT

STREAM = "BOSATTNING"  # bosattning_runtime.bus.STREAM (the CLI imports the runtime lazily)
SUITE_USER = "suite"
MIGRATIONSVERKET_USER = "migrationsverket"
AGENCIES_CONF = REPO_ROOT / "deploy" / "nats" / "agencies.conf"

RIKET_LAN_SUBJECTS = f"{SUBJECT_ROOT}.{REGION_RIKET}.{AUDIENCE_LAN}.>"


@dataclass(frozen=True, slots=True)
class Agency:
    """A NATS user outside the suite: its durable consumer (same name) and its scope."""

    user: str
    filters: tuple[str, ...]  # the consumer's filter_subjects = the live subscribe allow list
    deny: tuple[str, ...] = ()  # live subjects excluded from a wildcard in `filters`
    live: tuple[str, ...] = ()  # live subscribe allow list when it differs from `filters`

    @property
    def consumer(self) -> str:
        return self.user

    @property
    def inbox_prefix(self) -> str:
        return inbox_prefix(self.user)

    @property
    def subscribe_allow(self) -> tuple[str, ...]:
        return (*(self.live or self.filters), f"{self.inbox_prefix}.>")

    @property
    def publish_allow(self) -> tuple[str, ...]:
        return (
            f"$JS.API.CONSUMER.MSG.NEXT.{STREAM}.{self.consumer}",
            f"$JS.API.CONSUMER.INFO.{STREAM}.{self.consumer}",
            f"$JS.ACK.{STREAM}.{self.consumer}.>",
        )


def inbox_prefix(user: str) -> str:
    """What the agency passes as `nats.connect(..., inbox_prefix=...)`."""
    return f"_INBOX_{user}"


def lst_user(lanskod: str) -> str:
    return f"lst-{lanskod}"


def kommun_user(kommunkod: str) -> str:
    return f"kommun-{kommunkod}"


def agencies() -> list[Agency]:
    """County boards, then municipalities, then Migrationsverket (reference data order)."""
    result = [
        Agency(lst_user(lan.lanskod), (f"{SUBJECT_ROOT}.{lan.lanskod}.>", RIKET_LAN_SUBJECTS))
        for lan in all_lan()
    ]
    result += [
        Agency(
            kommun_user(kommun.kommunkod),
            (
                f"{SUBJECT_ROOT}.{kommun.lanskod}.{kommun.kommunkod}.>",
                f"{SUBJECT_ROOT}.{kommun.lanskod}.{AUDIENCE_LAN}.>",
                RIKET_LAN_SUBJECTS,
            ),
        )
        for kommun in all_kommuner()
    ]
    # Everything but `lst`: a consumer cannot exclude a subject, so its filters list every
    # other scope; live, one wildcard with `lst` denied (checked per delivered message).
    result.append(
        Agency(
            MIGRATIONSVERKET_USER,
            (
                f"{SUBJECT_ROOT}.{REGION_RIKET}.>",
                *(f"{SUBJECT_ROOT}.{lan.lanskod}.{AUDIENCE_LAN}.>" for lan in all_lan()),
                *(f"{SUBJECT_ROOT}.{k.lanskod}.{k.kommunkod}.>" for k in all_kommuner()),
            ),
            deny=(f"{SUBJECT_ROOT}.*.{AUDIENCE_LST}.>",),
            live=(f"{SUBJECT_ROOT}.>",),
        )
    )
    return result


def users() -> list[str]:
    return [SUITE_USER, *(agency.user for agency in agencies())]


def password_variable(user: str) -> str:
    """`kommun-0680` → `NATS_KOMMUN_0680_PASSWORD` (an environment variable of nats-server)."""
    return "NATS_" + user.upper().replace("-", "_") + "_PASSWORD"


def derived_password(secret: str, user: str) -> str:
    """A development/test password: HMAC-SHA256 of the user name under `secret`."""
    return hmac.new(secret.encode(), user.encode(), hashlib.sha256).hexdigest()[:32]


def derived_passwords(secret: str) -> dict[str, str]:
    return {user: derived_password(secret, user) for user in users()}


def _list(items: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(item) for item in items) + "]"


def render_config(passwords: Mapping[str, str] | None = None) -> str:
    """The `authorization` block. Without `passwords`, each password is `$NATS_<USER>_PASSWORD`
    (resolved by nats-server from its environment); with them, literal (dev and tests only)."""

    def password(user: str) -> str:
        return json.dumps(passwords[user]) if passwords else "$" + password_variable(user)

    lines = [
        "# Generated by `bosattning nats config` from the reference data; do not edit.",
        "# NATS users: `suite` (the services, full rights), one per county board (lst-LL),",
        "# one per municipality (kommun-KKKK) and `migrationsverket`. Each password is read",
        "# from nats-server's environment (NATS_<USER>_PASSWORD; `bosattning nats passwords`",
        "# derives development values). Include this file from the server configuration and",
        "# run `bosattning nats provision` (as `suite`) to create the agencies' consumers.",
        "# An agency connects with inbox_prefix=_INBOX_<user>, pulls its durable consumer",
        "# BOSATTNING/<user> and may subscribe live to its scope; nothing else.",
        "authorization {",
        "  users: [",
        f'    {{ user: "{SUITE_USER}", password: {password(SUITE_USER)} }}',
    ]
    for agency in agencies():
        subscribe = f"allow: {_list(agency.subscribe_allow)}"
        if agency.deny:
            subscribe += f", deny: {_list(agency.deny)}"
        lines += [
            f'    {{ user: "{agency.user}", password: {password(agency.user)}, permissions: {{',
            f"        publish: {{ allow: {_list(agency.publish_allow)} }}",
            f"        subscribe: {{ {subscribe} }}",
            "    } }",
        ]
    lines += ["  ]", "}", ""]
    return "\n".join(lines)


def stale_config(path: Path = AGENCIES_CONF) -> bool:
    """True when the committed file differs from what the reference data generates."""
    return not path.exists() or path.read_text(encoding="utf-8") != render_config()


async def provision(url: str, request_seconds: float = 5.0) -> list[str]:
    """Create or update every agency's durable pull consumer on the event stream (idempotent:
    a consumer CREATE without an action creates or updates). `url` carries the suite user."""
    from bosattning_runtime.bus import connect, ensure_streams
    from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

    nc = await connect(url, "bosattning-nats-provision")
    try:
        js = nc.jetstream(timeout=request_seconds)
        await ensure_streams(js)
        done = []
        for agency in agencies():
            await js.add_consumer(
                STREAM,
                ConsumerConfig(
                    name=agency.consumer,
                    durable_name=agency.consumer,
                    filter_subjects=list(agency.filters),
                    ack_policy=AckPolicy.EXPLICIT,
                    deliver_policy=DeliverPolicy.ALL,
                ),
            )
            done.append(agency.consumer)
        return done
    finally:
        await nc.close()


nats_app = typer.Typer(help="NATS users and consumers for agencies outside the suite.")

Secret = Annotated[
    str | None,
    typer.Option(
        envvar="BOSATTNING_NATS_SECRET",
        help="Derive literal passwords from this secret (development only; never commit).",
    ),
]


@nats_app.command("config")
def config_command(
    out: Annotated[Path, typer.Option(help="Where to write the configuration.")] = AGENCIES_CONF,
    secret: Secret = None,
) -> None:
    """Write the users block: passwords as $NATS_<USER>_PASSWORD, or derived from --secret."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_config(derived_passwords(secret) if secret else None), "utf-8")
    typer.echo(f"wrote {out} ({len(users())} users)")


@nats_app.command("passwords")
def passwords_command(
    secret: Annotated[str, typer.Option(envvar="BOSATTNING_NATS_SECRET")],
) -> None:
    """Print NATS_<USER>_PASSWORD=... lines derived from the secret (for an env file)."""
    for user, password in derived_passwords(secret).items():
        typer.echo(f"{password_variable(user)}={password}")


@nats_app.command("provision")
def provision_command(
    url: Annotated[str, typer.Option(envvar="NATS_URL", help="nats://suite:PASSWORD@host:4222")],
) -> None:
    """Create or update every agency's durable consumer, filtered to its scope."""
    import asyncio

    done = asyncio.run(provision(url))
    typer.echo(f"{len(done)} consumers on {STREAM} up to date")
