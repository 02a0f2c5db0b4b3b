"""The settlement unit's ASGI application."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bosattning_contracts.envelope import Event
from bosattning_contracts.kommuntal import (
    KommuntalDecided,
    KommuntalRevised,
    KommuntalRevisionRejected,
    KommuntalRevisionRequested,
)
from bosattning_contracts.mottagande import MottagandeCompleted
from bosattning_contracts.needs import NeedCode
from bosattning_runtime.bus import Subscription
from bosattning_runtime.db import migrations_in
from bosattning_runtime.service import Resources, ServiceDefinition, build_app
from bosattning_runtime.settings import Settings, load_settings
from starlette.applications import Starlette

from bosattning_anvisning import handlers, planning
from bosattning_anvisning.handlers import Deps
from bosattning_anvisning.schema import build_schema

SERVICE = "anvisning"
DEFAULT_PORT = 4002


def _profile(res: Resources) -> planning.MonthlyProfile:
    """The monthly profile from ANVISNING_MONTHLY_PROFILE_FILE, or the shipped one."""
    path = res.settings.extra.get("ANVISNING_MONTHLY_PROFILE_FILE")
    if not path:
        return planning.default_profile()
    return planning.profile_from_json(Path(path).read_text("utf-8"))


def _deps(res: Resources) -> Deps:
    return Deps(res.pool, res.clock, frozenset(code.value for code in NeedCode), _profile(res))


def _subscriptions(deps: Deps) -> Sequence[Subscription]:
    async def handle(event: Event[Any]) -> None:
        if isinstance(event, KommuntalDecided | KommuntalRevised):
            await handlers.on_kommuntal(deps, event)
        elif isinstance(event, KommuntalRevisionRequested):
            await handlers.on_revision_requested(deps, event)
        elif isinstance(event, KommuntalRevisionRejected):
            await handlers.on_revision_rejected(deps, event)
        elif isinstance(event, MottagandeCompleted):
            await handlers.on_mottagande_completed(deps, event)

    subjects = (
        "bosattning.*.lan.kommuntal.decided",
        "bosattning.*.lan.kommuntal.revised",
        "bosattning.*.lan.kommuntal.revision_requested",
        "bosattning.*.lan.kommuntal.revision_rejected",
        "bosattning.*.*.mottagande.completed",
    )
    return [Subscription(durable=SERVICE, subjects=subjects, handle=handle)]


DEFINITION = ServiceDefinition[Deps](
    name=SERVICE,
    schema=build_schema(),
    migrations=migrations_in(SERVICE, "bosattning_anvisning"),
    make_deps=_deps,
    subscriptions=_subscriptions,
)


def create_app(settings: Settings | None = None) -> Starlette:
    """The app for `settings`, or for the environment's settings."""
    return build_app(settings or load_settings(SERVICE, DEFAULT_PORT), DEFINITION)
