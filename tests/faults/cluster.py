"""The three services as real OS processes, on a PostgreSQL and a NATS server of their own.

Everything here can be killed for real: a service replica (SIGKILL to its process
group), the NATS server (SIGKILL, then started again on the same port and JetStream
store) and the PostgreSQL server (restarted). The databases, the stream and the ports
stay, so a restarted process finds where it left off.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bosattning_cli.servers import EmbeddedPostgres, NatsServer, free_port
from bosattning_cli.suite import Child, wait_ready
from bosattning_runtime.devkeys import DevKeys

from tests.integration.conftest import service_environment

SERVICES = ("kommuntal", "anvisning", "dialog")
# Short redeliveries, so that a killed consumer's unacknowledged events come back soon.
FAULT_ENVIRONMENT = {"BOSATTNING_CONSUMER_ACK_WAIT": "5", "BOSATTNING_LOG_LEVEL": "WARNING"}


@dataclass
class Replica:
    service: str
    index: int
    port: int
    child: Child | None = None

    @property
    def name(self) -> str:
        return f"{self.service}-{self.index}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"


@dataclass
class Cluster:
    root: Path
    keys: DevKeys
    postgres: EmbeddedPostgres
    nats: NatsServer
    database_urls: dict[str, str]
    replicas: list[Replica] = field(default_factory=list)

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def of(self, service: str) -> list[Replica]:
        return [r for r in self.replicas if r.service == service]

    def urls(self, service: str) -> list[str]:
        return [r.url for r in self.of(service)]

    async def start(self, replicas: int = 1) -> None:
        """Every service in `replicas` processes, all of them ready."""
        for service in SERVICES:
            for index in range(replicas):
                self.replicas.append(Replica(service, index, free_port()))
        await asyncio.gather(*(self.start_replica(r) for r in self.replicas))

    async def start_replica(self, replica: Replica) -> None:
        """Start (or start again, on the same port) one replica and wait until it is ready."""
        env = {
            **os.environ,
            **service_environment(
                replica.service,
                self.database_urls[replica.service],
                self.nats.url,
                self.keys,
                **FAULT_ENVIRONMENT,
            ),
            f"{replica.service.upper()}_HOST": "127.0.0.1",
            f"{replica.service.upper()}_PORT": str(replica.port),
            "PYTHONUNBUFFERED": "1",
        }
        argv = [sys.executable, "-m", f"bosattning_{replica.service}"]
        replica.child = Child.spawn(replica.name, argv, env, self.logs)
        await wait_ready(replica.child, replica.port)

    def kill(self, replica: Replica) -> None:
        """SIGKILL: no shutdown, no acknowledgement, no rollback but the database's own."""
        assert replica.child is not None
        replica.child.kill()

    def kill_nats(self) -> None:
        self.nats.stop(signal.SIGKILL)

    def restart_nats(self) -> None:
        """The same port and the same JetStream store directory: the streams survive."""
        self.nats.start()

    async def stop(self) -> None:
        for replica in self.replicas:
            if replica.child is not None:
                await replica.child.stop()
        self.nats.stop()
        self.postgres.stop()
