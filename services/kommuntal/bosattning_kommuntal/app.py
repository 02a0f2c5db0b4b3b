"""The kommuntal service's ASGI application."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from bosattning_contracts.anvisning import AnvisningRevisionConfirmed, AnvisningRevisionRefused
from bosattning_contracts.envelope import Event
from bosattning_runtime.bus import Subscription
from bosattning_runtime.db import migrations_in
from bosattning_runtime.service import PeriodicTask, Resources, ServiceDefinition, build_app
from bosattning_runtime.settings import Settings, load_settings
from starlette.applications import Starlette

from bosattning_kommuntal import handlers
from bosattning_kommuntal.handlers import Deps
from bosattning_kommuntal.schema import build_schema

SERVICE = "kommuntal"
DEFAULT_PORT = 4001


def _deps(res: Resources) -> Deps:
    hours = float(res.settings.extra.get("KOMMUNTAL_REVISION_TIMEOUT_HOURS", "168"))
    return Deps(res.pool, res.clock, timedelta(hours=hours), lambda: res.nats)


def _subscriptions(deps: Deps) -> Sequence[Subscription]:
    async def handle(event: Event[Any]) -> None:
        if isinstance(event, AnvisningRevisionConfirmed):
            await handlers.on_revision_confirmed(deps, event)
        elif isinstance(event, AnvisningRevisionRefused):
            await handlers.on_revision_refused(deps, event)

    async def notice(event: Event[Any]) -> None:
        await handlers.on_county_notice(deps, event)

    return [
        Subscription(handlers.INBOX_CONSUMER, ("bosattning.*.lst.>",), notice),
        Subscription(
            durable=SERVICE,
            subjects=(
                "bosattning.*.lan.anvisning.revision_confirmed",
                "bosattning.*.lan.anvisning.revision_refused",
            ),
            handle=handle,
        ),
    ]


def _periodic(deps: Deps) -> Sequence[PeriodicTask]:
    return [
        PeriodicTask(
            "expire kommuntal revisions",
            timedelta(seconds=30),
            lambda: handlers.expire_revisions(deps),
        )
    ]


DEFINITION = ServiceDefinition[Deps](
    name=SERVICE,
    schema=build_schema(),
    migrations=migrations_in(SERVICE, "bosattning_kommuntal"),
    make_deps=_deps,
    subscriptions=_subscriptions,
    periodic=_periodic,
)


def create_app(settings: Settings | None = None) -> Starlette:
    """The app for `settings`, or for the environment's settings."""
    return build_app(settings or load_settings(SERVICE, DEFAULT_PORT), DEFINITION)
