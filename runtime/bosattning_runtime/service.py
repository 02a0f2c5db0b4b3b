"""The application factory every service uses: lifespan, health, GraphQL, relay, consumers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

import strawberry
from nats.aio.client import Client as NatsClient
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from bosattning_runtime import bus
from bosattning_runtime.auth import TokenVerifier
from bosattning_runtime.bus import raise_if_cancelling
from bosattning_runtime.clock import AdjustableClock, Clock, clock_from_environment
from bosattning_runtime.db import (
    Migration,
    Pool,
    close_pool,
    create_pool,
    migrate,
    plumbing_migrations,
)
from bosattning_runtime.graphql import SubgraphView
from bosattning_runtime.guards import MAX_BODY_BYTES
from bosattning_runtime.logs import configure_logging
from bosattning_runtime.outbox import OutboxRelay
from bosattning_runtime.settings import Settings
from bosattning_runtime.telemetry import configure_tracing

log = logging.getLogger(__name__)
DepsT = TypeVar("DepsT")


@dataclass
class Resources:
    """What the lifespan opens: the pool, the clock, the token verifier, the bus."""

    settings: Settings
    pool: Pool
    clock: Clock
    verifier: TokenVerifier
    nats: NatsClient | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    interval: timedelta
    run: Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class ServiceDefinition(Generic[DepsT]):
    """What makes one service: its schema, migrations, dependencies, consumers and timers."""

    name: str
    schema: strawberry.federation.Schema
    migrations: Sequence[Migration]
    make_deps: Callable[[Resources], DepsT]
    subscriptions: Callable[[DepsT], Sequence[bus.Subscription]] = lambda _: ()
    periodic: Callable[[DepsT], Sequence[PeriodicTask]] = lambda _: ()


def token_verifier(settings: Settings) -> TokenVerifier:
    keys = [settings.public_key_pem] if settings.public_key_pem else []
    jwks = json.loads(settings.jwks_file.read_text()) if settings.jwks_file else None
    return TokenVerifier(
        public_keys_pem=keys,
        jwks=jwks,
        jwks_url=settings.jwks_url,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
    )


def build_app(settings: Settings, definition: ServiceDefinition[DepsT]) -> Starlette:
    """The ASGI app; all I/O happens in its lifespan, none at build time."""
    configure_logging(settings.service, settings.log_level)
    configure_tracing(settings.service)
    instrumentor = AsyncPGInstrumentor()  # type: ignore[no-untyped-call]
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument()
    holder: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool = await create_pool(settings.database_url, settings.database_pool_size)
        await migrate(pool, [*plumbing_migrations(), *definition.migrations])
        clock = clock_from_environment(settings.mode, settings.clock_start)
        res = Resources(settings, pool, clock, token_verifier(settings))
        deps = definition.make_deps(res)
        holder.update(
            resources=res,
            view=SubgraphView(
                definition.schema, res.verifier, deps, development=settings.mode == "development"
            ),
        )
        res.tasks.append(asyncio.create_task(_run_bus(res, definition.subscriptions(deps))))
        for task in definition.periodic(deps):
            res.tasks.append(asyncio.create_task(_every(task)))
        app.state.resources = res
        app.state.deps = deps
        log.info("service started", extra={"port": settings.port, "mode": settings.mode})
        try:
            yield
        finally:
            await _shutdown(res)

    class GraphQLEndpoint:
        """Delegates to the view the lifespan built (an ASGI app, not a request handler)."""

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            await holder["view"](scope, receive, send)

    graphql = GraphQLEndpoint()
    routes: list[Any] = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/health", _health),
        Route("/ready", _ready),
    ]
    if settings.development_controls:
        routes.append(Route("/dev/clock", _dev_clock, methods=["GET", "POST"]))
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(BodyLimit)
    app.add_middleware(OpenTelemetryMiddleware, excluded_urls="health,ready")
    return app


async def _run_bus(res: Resources, subscriptions: Sequence[bus.Subscription]) -> None:
    """Connect (retrying while NATS is away), then run the relay and the consumers."""
    settings = res.settings
    while res.nats is None:
        try:
            res.nats = await bus.connect(settings.nats_url, settings.service)
        except Exception as error:
            raise_if_cancelling()
            log.warning("NATS not reachable yet", extra={"error": repr(error)})
            await asyncio.sleep(1.0)
    js = res.nats.jetstream()
    while True:
        try:
            await bus.ensure_streams(js, settings.stream_replicas)
            break
        except Exception as error:
            raise_if_cancelling()
            log.warning("JetStream not ready yet", extra={"error": repr(error)})
            await asyncio.sleep(1.0)
    raise_if_cancelling()
    relay = OutboxRelay(res.pool, js, batch_size=settings.outbox_batch_size)
    consumers = [
        bus.DurableConsumer(
            js,
            s,
            max_deliver=settings.consumer_max_deliver,
            backoff=settings.consumer_backoff,
            ack_wait=settings.consumer_ack_wait,
        )
        for s in subscriptions
    ]
    await asyncio.gather(relay.run(), *(c.run() for c in consumers))


async def _every(task: PeriodicTask) -> None:
    while True:
        try:
            await task.run()
        except Exception:
            log.exception("periodic task failed", extra={"task": task.name})
        await asyncio.sleep(task.interval.total_seconds())


async def _shutdown(res: Resources) -> None:
    for task in res.tasks:
        task.cancel()
    # nats-py can hold on to a cancellation while it connects: do not wait for it forever
    await asyncio.wait(res.tasks, timeout=3.0)
    if res.nats is not None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(res.nats.close(), 3.0)
    await close_pool(res.pool)


async def _health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def _ready(request: Request) -> Response:
    res: Resources = request.app.state.resources
    checks = {"database": False, "nats": bool(res.nats and res.nats.is_connected)}
    with contextlib.suppress(Exception):
        checks["database"] = await res.pool.fetchval("SELECT 1") == 1
    ready = all(checks.values())
    return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)


async def _dev_clock(request: Request) -> Response:
    """Development and test only: read, set or advance the service's clock."""
    clock = request.app.state.resources.clock
    if not isinstance(clock, AdjustableClock):
        return JSONResponse({"error": "this clock cannot be changed"}, status_code=409)
    if request.method == "POST":
        body = await request.json()
        if "set" in body:
            clock.set(datetime.fromisoformat(body["set"]))
        if "advance_seconds" in body:
            clock.advance(timedelta(seconds=float(body["advance_seconds"])))
    return JSONResponse({"now": clock.now().isoformat()})


class BodyLimit:
    """Refuses request bodies over the limit with 413 before anything reads them."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and int(declared) > self.limit:
            await _too_large(scope, receive, send)
            return
        received = 0

        async def limited() -> Any:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _BodyTooLarge:
            await _too_large(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse(
        {"errors": [{"message": "request body over 1 MB", "extensions": {"code": "BAD_REQUEST"}}]},
        status_code=413,
    )
    await response(scope, receive, send)
