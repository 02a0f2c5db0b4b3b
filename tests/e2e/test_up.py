"""`bosattning up` as a user runs it: starts, answers, stops on Ctrl-C, keeps its data."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from bosattning_cli.servers import free_port
from bosattning_cli.suite import default_service_ports
from bosattning_runtime.devkeys import generate_keypair, mint_token

from tests.e2e.conftest import post_graphql, process_alive

pytestmark = pytest.mark.e2e

SET_LANSTAL = """mutation { setLanstal(input: {year: 2022, lanskod: "06", lanstal: 255,
  reason: "SFS 2021:1234"}) { __typename } }"""
READ_LANSTAL = "{ lanstal(year: 2022) { lanskod lanstal } }"


@dataclass
class Up:
    process: subprocess.Popen[bytes]
    state: Path
    output: Path
    ports: Mapping[str, int]

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}/graphql"

    def nationell(self) -> str:
        return mint_token(generate_keypair(self.state / "keys"), sub="HSA-UP", roles=["nationell"])

    def pids(self) -> dict[str, int]:
        pids: dict[str, int] = json.loads((self.state / "pids").read_text("utf-8"))
        return pids


def up_argv(state: Path, ports: Mapping[str, int]) -> list[str]:
    argv = [sys.executable, "-m", "bosattning_cli.main", "up", "--state-dir", str(state)]
    argv += ["--gateway-port", str(ports["gateway"]), "--nats-port", str(ports["nats"])]
    for name in default_service_ports():
        argv += ["--service-port", f"{name}={ports[name]}"]
    return argv


def spawn_up(state: Path, ports: Mapping[str, int], run: int) -> Up:
    output = state.parent / f"up-{run}.out"
    with output.open("wb") as out:
        process = subprocess.Popen(
            up_argv(state, ports), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
        )
    return Up(process, state, output, ports)


def kill_leftovers(up: Up) -> None:
    """After a failed test: kill `up` and whatever it started, hard."""
    if up.process.poll() is not None:
        return
    pids = up.pids() if (up.state / "pids").exists() else {}
    up.process.kill()
    up.process.wait()
    for pid in pids.values():
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@contextlib.asynccontextmanager
async def running_up(state: Path, ports: Mapping[str, int], run: int) -> AsyncIterator[Up]:
    """`bosattning up` in a subprocess, once its gateway answers."""
    up = spawn_up(state, ports, run)
    try:
        await answering(up)
        yield up
    finally:
        kill_leftovers(up)


async def answering(up: Up, within: float = 120) -> None:
    """Until the gateway answers a query with a minted token (and `up` has written its pids)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        assert up.process.poll() is None, up.output.read_text()
        if (up.state / "pids").exists():
            response = await post_graphql(up.gateway_url, READ_LANSTAL, token=up.nationell())
            assert response.status_code == 200, response.text
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"no answer within {within} s:\n{up.output.read_text()}")


async def interrupt(up: Up) -> None:
    """Ctrl-C; `up` must exit 0 with nothing it started still running or listening."""
    pids = up.pids()
    up.process.send_signal(signal.SIGINT)
    code = await asyncio.to_thread(up.process.wait, 60)

    assert code == 0, up.output.read_text()
    assert {name for name, pid in pids.items() if process_alive(pid)} == set()
    assert not (up.state / "pids").exists()
    for port in up.ports.values():
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still listens"


async def test_up_answers_stops_everything_on_ctrl_c_and_keeps_its_data_for_the_next_run(
    state_dir: Path,
) -> None:
    state = state_dir / "up"
    ports = {"gateway": free_port(), "nats": free_port()}
    ports.update({name: free_port() for name in default_service_ports()})

    async with running_up(state, ports, run=1) as first:
        assert {"gateway", "nats", "postgres", *default_service_ports()} <= set(first.pids())
        body = (await post_graphql(first.gateway_url, SET_LANSTAL, token=first.nationell())).json()
        assert body["data"]["setLanstal"]["__typename"] == "SetLanstalSuccess", body
        await interrupt(first)

    async with running_up(state, ports, run=2) as second:
        response = await post_graphql(second.gateway_url, READ_LANSTAL, token=second.nationell())
        assert {"lanskod": "06", "lanstal": 255} in response.json()["data"]["lanstal"]
        await interrupt(second)
