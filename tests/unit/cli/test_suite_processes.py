"""The suite's children: whole process groups are stopped; busy ports stop a start early."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import time
from pathlib import Path

import pytest
from bosattning_cli.suite import Child, Suite, SuiteConfig, SuiteError

from tests.e2e.conftest import process_alive


async def printed_pids(log: Path, count: int) -> list[int]:
    for _ in range(500):
        lines = (await asyncio.to_thread(log.read_text)).splitlines()[1:]
        pids = [int(line) for line in lines if line.isdigit()]
        if len(pids) == count:
            return pids
        await asyncio.sleep(0.01)
    raise AssertionError(f"{log} shows no {count} pids")


async def test_stopping_a_child_stops_its_whole_process_group(tmp_path: Path) -> None:
    # The shell stands in for venv/bin/node, a wrapper whose own child does the work.
    argv = ["sh", "-c", "sleep 60 & echo $!; sleep 60 & echo $!; wait"]
    child = Child.spawn("wrapper", argv, os.environ, tmp_path)
    workers = await printed_pids(tmp_path / "wrapper.log", 2)
    assert all(process_alive(pid) for pid in workers)

    await child.stop(grace=5)

    assert not child.group_alive()
    assert not any(process_alive(pid) for pid in workers)
    assert child.process.returncode is not None


async def test_a_child_that_ignores_sigterm_is_killed_after_the_grace_period(
    tmp_path: Path,
) -> None:
    argv = ["sh", "-c", "trap '' TERM; echo $((6 * 7)); sleep 60 & wait"]
    child = Child.spawn("stubborn", argv, os.environ, tmp_path)
    for _ in range(500):  # the trap must be set before the signal comes
        if "42" in (tmp_path / "stubborn.log").read_text().splitlines():
            break
        await asyncio.sleep(0.01)
    started = time.monotonic()

    await child.stop(grace=0.3)  # SIGKILL follows after 0.3 s

    assert not child.group_alive()
    assert child.process.returncode == -signal.SIGKILL
    assert 0.3 <= time.monotonic() - started < 5


async def test_a_busy_port_stops_the_start_before_anything_runs(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        suite = Suite(SuiteConfig(tmp_path, {"kommuntal": 1}, gateway_port=port, nats_url="n"))

        with pytest.raises(SuiteError, match=f"port {port} \\(gateway\\) is in use"):
            await suite.start()

    assert suite.children == [] and suite.postgres is None and suite.nats is None
    assert not (tmp_path / "pids").exists()
