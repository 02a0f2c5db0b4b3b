"""Agency NATS users against a real nats-server running the generated configuration.

The server reads the committed form of the users block (passwords as `$NATS_<USER>_PASSWORD`)
with test passwords in its environment; the suite user creates the stream and provisions every
agency's consumer; then each agency sees exactly its scope and every other action is refused.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nats
import pytest
from bosattning_cli.natsauth import (
    STREAM,
    derived_passwords,
    inbox_prefix,
    password_variable,
    provision,
    render_config,
)
from bosattning_cli.servers import NatsServer, nats_server_binary
from bosattning_runtime.bus import ensure_streams
from nats.aio.client import Client as NatsClient
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import ConsumerConfig

pytestmark = pytest.mark.integration

SECRET = "test-secret-not-for-production"
PASSWORDS = derived_passwords(SECRET)
SHORT = 1.0  # seconds: a refused request times out; nothing here waits longer than a few

EVENTS = {
    "bosattning.06.0680.anvisning.decided": b"0680",
    "bosattning.06.0662.anvisning.decided": b"0662",
    "bosattning.06.lan.kommuntal.decided": b"06-lan",
    "bosattning.06.lst.dialog.escalated": b"06-lst",
    "bosattning.01.lan.kommuntal.decided": b"01-lan",
    "bosattning.riket.lan.lanstal.set": b"riket-lan",
    "bosattning.riket.mv.arende.registered": b"riket-mv",
    "replay.anvisning.1": b"a dead letter replayed to the settlement unit alone",
}


@dataclass
class ConfiguredNats(NatsServer):
    """A NatsServer started with `-c config` and the agency passwords in its environment."""

    config: Path = field(default_factory=Path)

    def start(self) -> str:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **{password_variable(u): p for u, p in PASSWORDS.items()}}
        self.process = subprocess.Popen(
            [
                *(str(nats_server_binary()), "-c", str(self.config), "-a", "127.0.0.1"),
                *("-p", str(self.port), "-js", "-sd", str(self.store_dir)),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._wait_until_listening()
        return self.url


@pytest.fixture(scope="module")
def agency_nats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConfiguredNats]:
    tmp_path = tmp_path_factory.mktemp("agency-nats")
    config = tmp_path / "agencies.conf"
    config.write_text(render_config(), encoding="utf-8")  # the committed form: $VARIABLES
    checked = subprocess.run(
        [str(nats_server_binary()), "-c", str(config), "-t"],
        env={**os.environ, **{password_variable(u): p for u, p in PASSWORDS.items()}},
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert checked.returncode == 0, checked.stderr
    server = ConfiguredNats(tmp_path / "store", config=config)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Agency:
    nc: NatsClient
    errors: list[str]

    async def permission_error(self, needle: str, within: float = 3.0) -> str:
        """Wait for the server's -ERR about `needle` (it arrives asynchronously)."""
        async with asyncio.timeout(within):
            while True:
                for error in self.errors:
                    if "permissions violation" in error.lower() and needle.lower() in error.lower():
                        return error
                await asyncio.sleep(0.02)


def _url(server: NatsServer, user: str) -> str:
    return server.url.replace("nats://", f"nats://{user}:{PASSWORDS[user]}@", 1)


@pytest.fixture(scope="module")
async def provisioned(agency_nats: ConfiguredNats) -> ConfiguredNats:
    """The suite user creates the stream and every agency's consumer (twice: idempotent)."""
    await provision(_url(agency_nats, "suite"))
    await provision(_url(agency_nats, "suite"))
    nc = await nats.connect(_url(agency_nats, "suite"), connect_timeout=3)
    try:
        info = await nc.jetstream(timeout=3).consumer_info(STREAM, "kommun-0680")
    finally:
        await nc.close()
    assert sorted(info.config.filter_subjects or []) == [
        "bosattning.06.0680.>",
        "bosattning.06.lan.>",
        "bosattning.riket.lan.>",
    ]
    return agency_nats


@pytest.fixture
async def connected(provisioned: ConfiguredNats) -> AsyncIterator[dict[str, Agency]]:
    """Each test starts from the stream holding exactly EVENTS (the consumers stay)."""
    agency_nats = provisioned
    clients: dict[str, Agency] = {}

    async def connect(user: str, **extra: object) -> Agency:
        errors: list[str] = []

        async def on_error(error: Exception) -> None:
            errors.append(str(error))

        nc = await nats.connect(
            agency_nats.url,
            user=user,
            password=PASSWORDS[user],
            error_cb=on_error,
            connect_timeout=3,
            max_reconnect_attempts=0,
            **extra,  # type: ignore[arg-type]
        )
        clients[user] = Agency(nc, errors)
        return clients[user]

    suite = await connect("suite")
    js = suite.nc.jetstream(timeout=3)
    await ensure_streams(js)
    await js.purge_stream(STREAM)
    for subject, data in EVENTS.items():
        await js.publish(subject, data)
    for user in ("kommun-0680", "lst-06"):
        await connect(user, inbox_prefix=inbox_prefix(user))
    try:
        yield clients
    finally:
        for client in clients.values():
            await client.nc.close()


async def _pull_all(agency: Agency, consumer: str) -> list[str]:
    js = agency.nc.jetstream(timeout=3)
    info = await js.consumer_info(STREAM, consumer)  # CONSUMER.INFO on its own consumer
    assert info.name == consumer
    sub = await js.pull_subscribe_bind(consumer, stream=STREAM)
    messages = await sub.fetch(20, timeout=2)
    for message in messages:
        await message.ack_sync(timeout=3)
    await sub.unsubscribe()
    return sorted(message.subject for message in messages)


async def test_municipality_pulls_exactly_its_scope(connected: dict[str, Agency]) -> None:
    subjects = await _pull_all(connected["kommun-0680"], "kommun-0680")
    assert subjects == sorted(
        [
            "bosattning.06.0680.anvisning.decided",
            "bosattning.06.lan.kommuntal.decided",
            "bosattning.riket.lan.lanstal.set",
        ]
    )
    assert connected["kommun-0680"].errors == []


async def test_county_board_pulls_all_of_its_county_and_riket_lan(
    connected: dict[str, Agency],
) -> None:
    subjects = await _pull_all(connected["lst-06"], "lst-06")
    assert subjects == sorted(
        [
            "bosattning.06.0680.anvisning.decided",
            "bosattning.06.0662.anvisning.decided",
            "bosattning.06.lan.kommuntal.decided",
            "bosattning.06.lst.dialog.escalated",
            "bosattning.riket.lan.lanstal.set",
        ]
    )
    assert connected["lst-06"].errors == []


async def test_live_subscription_on_own_scope(connected: dict[str, Agency]) -> None:
    kommun = connected["kommun-0680"]
    received: asyncio.Queue[str] = asyncio.Queue()

    async def on_message(message: nats.aio.msg.Msg) -> None:
        received.put_nowait(message.subject)

    await kommun.nc.subscribe("bosattning.06.0680.>", cb=on_message)
    await kommun.nc.subscribe("bosattning.06.lan.>", cb=on_message)
    await kommun.nc.flush(timeout=3)
    suite = connected["suite"].nc
    await suite.publish("bosattning.06.0662.anvisning.decided", b"not for 0680")
    await suite.publish("bosattning.06.0680.anvisning.decided", b"live")
    await suite.publish("bosattning.06.lan.kommuntal.decided", b"live")
    await suite.flush(timeout=3)
    async with asyncio.timeout(10):  # generous: a loaded machine delays, it does not lose
        got = [await received.get(), await received.get()]
    assert sorted(got) == [
        "bosattning.06.0680.anvisning.decided",
        "bosattning.06.lan.kommuntal.decided",
    ]
    await asyncio.sleep(0.1)
    assert received.empty()
    assert kommun.errors == []


async def test_municipality_cannot_create_a_consumer(connected: dict[str, Agency]) -> None:
    kommun = connected["kommun-0680"]
    js = kommun.nc.jetstream(timeout=SHORT)
    with pytest.raises(NatsTimeoutError):
        await js.add_consumer(
            STREAM, ConsumerConfig(name="mine", filter_subjects=["bosattning.06.lst.>"])
        )
    await kommun.permission_error("$JS.API.CONSUMER.CREATE.BOSATTNING.mine")
    names = [c.name for c in await connected["suite"].nc.jetstream().consumers_info(STREAM)]
    assert "mine" not in names


@pytest.mark.parametrize("other", ["kommun-0662", "lst-06"])
async def test_municipality_cannot_pull_another_consumer(
    connected: dict[str, Agency], other: str
) -> None:
    kommun = connected["kommun-0680"]
    suite_js = connected["suite"].nc.jetstream(timeout=3)
    before = await suite_js.consumer_info(STREAM, other)
    js = kommun.nc.jetstream(timeout=SHORT)
    with pytest.raises(NatsTimeoutError):
        await js.consumer_info(STREAM, other)
    sub = await js.pull_subscribe_bind(other, stream=STREAM)
    with pytest.raises(NatsTimeoutError):
        await sub.fetch(5, timeout=SHORT)
    await kommun.permission_error(f"$JS.API.CONSUMER.MSG.NEXT.BOSATTNING.{other}")
    await sub.unsubscribe()
    after = await suite_js.consumer_info(STREAM, other)
    assert after.delivered.consumer_seq == before.delivered.consumer_seq  # nothing handed out
    assert after.num_pending == before.num_pending > 0


async def test_municipality_cannot_publish_events(connected: dict[str, Agency]) -> None:
    kommun = connected["kommun-0680"]
    before = (await connected["suite"].nc.jetstream().stream_info(STREAM)).state.messages
    with pytest.raises(NatsTimeoutError):
        await kommun.nc.jetstream(timeout=SHORT).publish(
            "bosattning.06.0680.anvisning.decided", b"forged"
        )
    await kommun.permission_error("bosattning.06.0680.anvisning.decided")
    after = (await connected["suite"].nc.jetstream().stream_info(STREAM)).state.messages
    assert after == before


@pytest.mark.parametrize("subject", ["bosattning.06.lst.>", "_INBOX.>", "bosattning.>", "replay.>"])
async def test_municipality_cannot_subscribe_outside_its_scope(
    connected: dict[str, Agency], subject: str
) -> None:
    kommun = connected["kommun-0680"]
    received: list[str] = []

    async def on_message(message: nats.aio.msg.Msg) -> None:
        received.append(message.subject)

    await kommun.nc.subscribe(subject, cb=on_message)
    error = await kommun.permission_error(f'subscription to "{subject}"')
    assert "subscription" in error
    await connected["suite"].nc.publish("bosattning.06.lst.dialog.escalated", b"secret")
    await connected["suite"].nc.flush(timeout=3)
    await asyncio.sleep(0.1)
    assert received == []
