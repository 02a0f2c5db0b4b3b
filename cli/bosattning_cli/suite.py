"""The whole suite as child processes, for `bosattning up` and the end-to-end tests.

PostgreSQL and NATS (embedded unless `*_DATABASE_URL` / `NATS_URL` are given), each
installed service (`python -m bosattning_<name>`) and the gateway, each child in its
own session and process group, stopped a whole group at a time (STACK-NOTES: node).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bosattning_runtime.devkeys import JWKS_FILE, DevKeys, generate_keypair, mint_token

from bosattning_cli import gateway
from bosattning_cli.servers import EmbeddedPostgres, NatsServer

GATEWAY_PORT = 4000
NATS_PORT = 4222
STOP_SECONDS = 10.0
READY_SECONDS = 90.0
PROBE_QUERY = "query Counties { allLan { lanskod namn } }"
# Sent with its hash too, so a gateway that runs persisted documents only still answers it
# (gateway/persisted-documents.json holds it).
PROBE_HASH = hashlib.sha256(PROBE_QUERY.encode()).hexdigest()
PIDS_FILE = "pids"
# Inherited values would make a service trust other keys or start at another time.
_NOT_INHERITED = ("BOSATTNING_JWKS_URL", "BOSATTNING_JWT_PUBLIC_KEY", "BOSATTNING_CLOCK_START")
# Readiness probes go to loopback: never through an HTTP proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
# Own session and process group: a terminal's Ctrl-C reaches only `up`, which stops the group.
_DETACHED: dict[str, Any] = {
    "stdin": subprocess.DEVNULL,
    "stderr": subprocess.STDOUT,
    "start_new_session": True,
}


class SuiteError(RuntimeError):
    """The suite cannot start; the message says why and where to look."""


def default_service_ports() -> dict[str, int]:
    """Each installed service with its development port (from gateway/subgraphs.json)."""
    urls = json.loads((gateway.gateway_dir() / "subgraphs.json").read_text("utf-8"))
    ports: dict[str, int] = {}
    for name, url in urls.items():
        port = urlsplit(url).port
        if port is not None and importlib.util.find_spec(f"bosattning_{name}") is not None:
            ports[name] = port
    return ports


@dataclass(frozen=True)
class SuiteConfig:
    state_dir: Path
    service_ports: Mapping[str, int]
    gateway_port: int = GATEWAY_PORT
    nats_port: int = NATS_PORT
    database_urls: Mapping[str, str] = field(default_factory=dict)  # given: no embedded server
    nats_url: str | None = None  # given: no embedded NATS
    mode: str = "development"
    clock_start: str | None = None
    gateway_env: Mapping[str, str] = field(default_factory=dict)
    service_env: Mapping[str, str] = field(default_factory=dict)  # added to every service's


@dataclass
class Child:
    """One child process in its own session; its log is `<logs>/<name>.log`."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def spawn(cls, name: str, argv: list[str], env: Mapping[str, str], logs: Path) -> Child:
        log = logs / f"{name}.log"
        with log.open("ab") as out:
            out.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(argv)}\n".encode())
            out.flush()
            process = subprocess.Popen(argv, env=dict(env), stdout=out, **_DETACHED)
        return cls(name, process, log)

    def group_alive(self) -> bool:
        """Whether a process of the group runs (orphaned zombies wait for init: they do not)."""
        self.process.poll()  # reap the leader, or it counts as a member
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        running = not Path("/proc/self").exists() or any(_running_in(self.process.pid))
        return running or self.process.poll() is None  # reaps a leader that died meanwhile

    def kill(self) -> None:
        """SIGKILL to the whole group at once: no chance to clean up (the fault tests)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    async def stop(self, grace: float = STOP_SECONDS) -> None:
        """SIGTERM to the whole group; SIGKILL to whatever is left after `grace` seconds."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            for _ in range(int(grace / 0.05) + 1):
                if not self.group_alive():
                    return
                await asyncio.sleep(0.05)


class Suite:
    """Starts and stops the suite; `stop()` is safe at any point, also after a failed start."""

    def __init__(self, config: SuiteConfig) -> None:
        self.config = config
        self.logs = config.state_dir / "logs"
        self.keys_dir = config.state_dir / "keys"
        self.postgres: EmbeddedPostgres | None = None
        self.nats: NatsServer | None = None
        self.children: list[Child] = []
        self.database_urls: dict[str, str] = {}
        self.nats_url = ""
        self.keys: DevKeys | None = None

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.config.gateway_port}/graphql"

    def service_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.config.service_ports[name]}/graphql"

    async def start(self, progress: Callable[[str], None] = lambda _: None) -> None:
        try:
            progress("Checking ports, generating development keys")
            keys = self.keys = self._prepare()
            # Node takes longest to start and needs neither database nor bus: first.
            front = Child.spawn(
                "gateway", gateway.gateway_command(), self._gateway_env(), self.logs
            )
            self.children.append(front)
            progress("Starting PostgreSQL (the gateway is starting)")
            await self._start_postgres()
            progress("Starting NATS")
            self._start_nats()
            progress(f"Starting {', '.join(self.config.service_ports)}, waiting for the gateway")
            await self._start_services(front, keys)
            self._write_pids()
        except BaseException:
            await self.stop()
            raise

    async def add_gateway(self, name: str, port: int, extra: Mapping[str, str]) -> str:
        """One more gateway on the running subgraphs, with `extra` environment (benchmarks
        compare gateway settings side by side); stopped with the suite. Returns its URL."""
        assert self.keys is not None, "start the suite first"
        _ensure_free(name, port)
        env = {**self._gateway_env(), "GATEWAY_PORT": str(port), **extra}
        child = Child.spawn(name, gateway.gateway_command(), env, self.logs)
        self.children.append(child)
        url = f"http://127.0.0.1:{port}/graphql"
        await self._wait_answering(child, url, self.keys)
        return url

    async def _wait_answering(self, child: Child, url: str, keys: DevKeys) -> None:
        probe = mint_token(keys, sub="bosattning-up", roles=["nationell"], ttl=timedelta(minutes=5))
        await _wait_until(child, lambda: _answers(url, probe), "answering queries")

    async def stop(self) -> None:
        """Gateway, services, NATS, PostgreSQL: each whole process group, in that order."""
        children, self.children = self.children, []
        for child in reversed(children):
            await child.stop()
        if self.nats is not None:
            self.nats.stop()
            self.nats = None
        if self.postgres is not None:
            self.postgres.stop()
            self.postgres = None
        (self.config.state_dir / PIDS_FILE).unlink(missing_ok=True)

    async def watch(self, interval: float = 0.5) -> str:
        """Wait until a child exits by itself; say which and where its log is."""
        while True:
            for child in self.children:
                if child.process.poll() is not None:
                    code = child.process.returncode
                    return f"{child.name} exited with code {code}; see {child.log}"
            if self.nats and self.nats.process and self.nats.process.poll() is not None:
                return f"nats-server exited with code {self.nats.process.returncode}"
            await asyncio.sleep(interval)

    def _prepare(self) -> DevKeys:
        self.logs.mkdir(parents=True, exist_ok=True)
        wanted = {"gateway": self.config.gateway_port, **self.config.service_ports}
        if self.config.nats_url is None:
            wanted["nats"] = self.config.nats_port
        for name, port in wanted.items():
            _ensure_free(name, port)
        return generate_keypair(self.keys_dir)

    async def _start_postgres(self) -> None:
        services = self.config.service_ports
        self.database_urls = {n: u for n, u in self.config.database_urls.items() if n in services}
        missing = [name for name in services if name not in self.database_urls]
        if not missing:
            return
        self.postgres = EmbeddedPostgres(self.config.state_dir / "pg")
        self.postgres.start()
        with contextlib.suppress(FileExistsError):  # PostgreSQL writes its log into its datadir
            (self.logs / "postgres.log").symlink_to(Path("..", "pg", "log"))
        for name in missing:
            self.database_urls[name] = await self.postgres.create_database(name)

    def _start_nats(self) -> None:
        self.nats_url = self.config.nats_url or ""
        if not self.nats_url:
            self.nats = NatsServer(
                self.config.state_dir / "nats",
                port=self.config.nats_port,
                log_file=self.config.state_dir / "logs" / "nats.log",
            )
            self.nats_url = self.nats.start()

    async def _start_services(self, front: Child, keys: DevKeys) -> None:
        """The services, then wait until each is ready and the gateway answers through them.
        The gateway stays last in `children`, so that it is stopped first."""
        services = []
        for name, port in self.config.service_ports.items():
            argv = [sys.executable, "-m", f"bosattning_{name}"]
            services.append(Child.spawn(name, argv, self._service_env(name, port), self.logs))
        self.children[:0] = services
        for child in services:
            await wait_ready(child, self.config.service_ports[child.name])
        await self._wait_answering(front, self.gateway_url, keys)

    def _service_env(self, name: str, port: int) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
        env["BOSATTNING_MODE"] = self.config.mode
        env["BOSATTNING_JWKS_FILE"] = str(self.keys_dir / JWKS_FILE)
        env["NATS_URL"] = self.nats_url
        env[f"{name.upper()}_DATABASE_URL"] = self.database_urls[name]
        env[f"{name.upper()}_HOST"] = "127.0.0.1"
        env[f"{name.upper()}_PORT"] = str(port)
        env["PYTHONUNBUFFERED"] = "1"
        if self.config.clock_start:
            env["BOSATTNING_CLOCK_START"] = self.config.clock_start
        env.update(self.config.service_env)
        return env

    def _gateway_env(self) -> dict[str, str]:
        return gateway.gateway_environment(
            port=self.config.gateway_port,
            jwks_file=self.keys_dir / JWKS_FILE,
            jwks_url=None,
            subgraph_urls={name: self.service_url(name) for name in self.config.service_ports},
            mode=self.config.mode,
            extra=self.config.gateway_env,
        )

    def _write_pids(self) -> None:
        pids = {child.name: child.process.pid for child in self.children}
        if self.nats is not None and self.nats.process is not None:
            pids["nats"] = self.nats.process.pid
        if self.postgres is not None:
            postmaster = (self.postgres.datadir / "postmaster.pid").read_text("utf-8")
            pids["postgres"] = int(postmaster.split()[0])
        text = json.dumps(pids, indent=2) + "\n"
        (self.config.state_dir / PIDS_FILE).write_text(text, "utf-8")


def _running_in(pgid: int) -> Iterator[bool]:
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            state, _, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
            yield state != "Z" and int(group) == pgid


def _ensure_free(name: str, port: int) -> None:
    with socket.socket() as probe:
        # Like the servers themselves: a port in TIME_WAIT is free, a listening one is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise SuiteError(
                f"port {port} ({name}) is in use: is the suite already running? "
                "Choose other ports with --port-offset or --gateway-port/--nats-port/--service-port"
            ) from error


async def _wait_until(child: Child, check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while not await asyncio.to_thread(check):
        code = child.process.poll()
        if code is not None or time.monotonic() > deadline:
            why = f"exited with code {code}" if code is not None else "was too slow"
            raise SuiteError(f"{child.name} {why} before {what}; see {child.log}")
        await asyncio.sleep(0.1)


async def wait_ready(child: Child, port: int) -> None:
    """Until the service in `child` answers /ready on `port` (its database and NATS reached)."""
    ready = f"http://127.0.0.1:{port}/ready"
    await _wait_until(child, functools.partial(_get_ok, ready), "ready")


def _get_ok(url: str) -> bool:
    try:
        with _OPENER.open(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _answers(url: str, token: str) -> bool:
    """True once `url` answers the probe query with data (the subgraph behind it too). The probe
    goes as a document and, for a gateway that runs persisted documents only, by its hash."""
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": PROBE_HASH}}
    bodies: tuple[dict[str, object], ...] = ({"query": PROBE_QUERY}, {"extensions": persisted})
    return any(_probe(url, token, body) for body in bodies)


def _probe(url: str, token: str, payload: dict[str, object]) -> bool:
    headers = {"content-type": "application/json", "authorization": f"Bearer {token}"}
    request = urllib.request.Request(url, json.dumps(payload).encode(), headers)
    try:
        with _OPENER.open(request, timeout=2) as response:
            body = json.loads(response.read())
    except (OSError, ValueError):
        return False
    return isinstance(body, dict) and bool((body.get("data") or {}).get("allLan"))
