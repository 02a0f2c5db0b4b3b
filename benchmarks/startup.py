"""Time from `./bosattning up` to the first answered gateway query, vs the time to start
the embedded servers alone (PostgreSQL and NATS, as `up` starts them), each as a new
process: from its spawn until it answers (or says it is ready). Cold: a fresh state
directory (initdb and migrations included); warm: the same directory a second time."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bosattning_cli.servers import EmbeddedPostgres, NatsServer, free_port
from bosattning_cli.state import REPO_ROOT
from bosattning_cli.suite import default_service_ports
from bosattning_runtime.devkeys import generate_keypair, mint_token

from benchmarks.client import Connection
from benchmarks.stats import Sample

PROBE = "{ allLan { lanskod } }"
READY = "ready"


def _up_argv(state: Path) -> tuple[list[str], str]:
    gateway_port = free_port()
    argv = [str(REPO_ROOT / "bosattning"), "up", "--state-dir", str(state)]
    argv += ["--gateway-port", str(gateway_port), "--nats-port", str(free_port())]
    for name in default_service_ports():
        argv += ["--service-port", f"{name}={free_port()}"]
    return argv, f"http://127.0.0.1:{gateway_port}/graphql"


async def _answered(url: str, state: Path) -> bool:
    keys_dir = state / "keys"
    if not (keys_dir / "jwks.json").exists():
        return False
    token = mint_token(generate_keypair(keys_dir), sub="HSA-BENCH-UP", roles=["nationell"])
    connection = Connection(url)
    try:
        answer = await connection.post_json({"query": PROBE}, {"authorization": f"Bearer {token}"})
    except OSError:
        return False
    finally:
        await connection.close()
    return answer.status == 200 and b'"allLan":[{' in answer.body


async def time_up(state: Path) -> float:
    """Seconds from spawning `./bosattning up` until the gateway answers; then Ctrl-C."""
    argv, url = _up_argv(state)
    with (state.parent / f"{state.name}-up.log").open("ab") as log:
        began = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            *argv, stdout=log, stderr=log, stdin=asyncio.subprocess.DEVNULL, start_new_session=True
        )
        try:
            while not await _answered(url, state):
                if process.returncode is not None:
                    raise RuntimeError(f"up exited with {process.returncode}; see {log.name}")
                await asyncio.sleep(0.05)
            return time.perf_counter() - began
        finally:
            await _interrupt(process)


async def _interrupt(process: asyncio.subprocess.Process, grace: float = 30.0) -> None:
    """Ctrl-C, as a user stops `up`; the whole group killed if it is not gone in `grace`."""
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGINT)
    try:
        await asyncio.wait_for(process.wait(), grace)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        await process.wait()


async def time_servers(state: Path) -> float:
    """Seconds from spawning `python -m benchmarks.startup DIR` until it says ready."""
    argv = [sys.executable, "-m", "benchmarks.startup", str(state)]
    began = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, cwd=REPO_ROOT, start_new_session=True
    )
    assert process.stdout is not None
    line = await process.stdout.readline()
    elapsed = time.perf_counter() - began
    await process.wait()
    if line.decode().strip() != READY:
        raise RuntimeError(f"the embedded servers did not start in {state}")
    return elapsed


async def measure(rounds: int, states: Sequence[str] = ("cold", "warm")) -> dict[str, Sample]:
    """`rounds` times each, alternating `up` and the servers alone; cold, then warm."""
    samples: dict[str, Sample] = {}
    with tempfile.TemporaryDirectory(prefix="bsu-") as tmp:
        for index in range(rounds):
            up_state, servers_state = Path(tmp, f"up{index}"), Path(tmp, f"sv{index}")
            for state in states:
                for name, timing in (("up", time_up), ("servers", time_servers)):
                    seconds = await timing(up_state if name == "up" else servers_state)
                    sample = Sample(ok=1, seconds=seconds, latencies=[seconds])
                    samples.setdefault(f"{name}, {state}", Sample()).add(sample)
    return samples


def _servers_alone(state: Path) -> None:
    """Start embedded PostgreSQL and NATS in `state` like `up` does, say ready, stop them."""
    postgres = EmbeddedPostgres(state / "pg")
    nats = NatsServer(state / "nats", port=free_port())
    try:
        postgres.start()
        nats.start()
        print(READY, flush=True)
    finally:
        nats.stop()
        postgres.stop()


if __name__ == "__main__":
    _servers_alone(Path(sys.argv[1]))
