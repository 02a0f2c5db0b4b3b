"""The reception units' ASGI application."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from bosattning_contracts.anvisning import AnvisningCancelled, AnvisningDecided
from bosattning_contracts.envelope import Event
from bosattning_runtime.bus import Subscription
from bosattning_runtime.db import migrations_in
from bosattning_runtime.service import PeriodicTask, Resources, ServiceDefinition, build_app
from bosattning_runtime.settings import Settings, load_settings
from starlette.applications import Starlette

from bosattning_dialog import handlers
from bosattning_dialog.handlers import Deps
from bosattning_dialog.schema import build_schema

SERVICE = "dialog"
DEFAULT_PORT = 4003


def _deps(res: Resources) -> Deps:
    days = float(res.settings.extra.get("DIALOG_REPLY_WINDOW_DAYS", "14"))
    persons = int(res.settings.extra.get("DIALOG_TREPARTSSAMTAL_PERSONS", "10"))
    return Deps(res.pool, res.clock, timedelta(days=days), persons)


def _periodic(deps: Deps) -> Sequence[PeriodicTask]:
    seconds = 30.0
    return [
        PeriodicTask(
            "open overdue escalations",
            timedelta(seconds=seconds),
            lambda: handlers.open_overdue(deps),
        )
    ]


def _subscriptions(deps: Deps) -> Sequence[Subscription]:
    async def handle(event: Event[Any]) -> None:
        if isinstance(event, AnvisningDecided | AnvisningCancelled):
            await handlers.on_anvisning(deps, event)

    subjects = ("bosattning.*.*.anvisning.decided", "bosattning.*.*.anvisning.cancelled")
    return [Subscription(durable=SERVICE, subjects=subjects, handle=handle)]


DEFINITION = ServiceDefinition[Deps](
    name=SERVICE,
    schema=build_schema(),
    migrations=migrations_in(SERVICE, "bosattning_dialog"),
    make_deps=_deps,
    subscriptions=_subscriptions,
    periodic=_periodic,
)


def create_app(settings: Settings | None = None) -> Starlette:
    """The app for `settings`, or for the environment's settings."""
    return build_app(settings or load_settings(SERVICE, DEFAULT_PORT), DEFINITION)
