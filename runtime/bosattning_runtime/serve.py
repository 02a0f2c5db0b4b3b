"""Serving a service with uvicorn, failing fast with a clear message on bad settings."""

from __future__ import annotations

import sys
from collections.abc import Callable

import uvicorn
from starlette.applications import Starlette

from bosattning_runtime.settings import Settings, SettingsError, load_settings


def serve(service: str, default_port: int, create_app: Callable[[Settings], Starlette]) -> None:
    try:
        settings = load_settings(service, default_port)
    except SettingsError as error:
        print(f"cannot start: {error}", file=sys.stderr)
        raise SystemExit(2) from error
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        lifespan="on",
        ws="websockets",
    )
