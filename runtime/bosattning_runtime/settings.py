"""Settings read once from environment variables, validated at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Mode = Literal["development", "test", "production"]
MODES: tuple[Mode, ...] = ("development", "test", "production")


class SettingsError(Exception):
    """The environment does not describe a runnable service; the message says why."""


@dataclass(frozen=True)
class Settings:
    service: str
    mode: Mode
    database_url: str
    nats_url: str
    host: str
    port: int
    clock_start: str | None
    jwks_url: str | None
    jwks_file: Path | None
    public_key_pem: str | None
    jwt_issuer: str | None
    jwt_audience: str | None
    log_level: str
    consumer_max_deliver: int
    consumer_backoff: tuple[float, ...]
    consumer_ack_wait: int
    outbox_batch_size: int
    database_pool_size: int
    stream_replicas: int
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def development_controls(self) -> bool:
        """Clock controls and other conveniences exist only outside production."""
        return self.mode != "production"


def load_settings(
    service: str, default_port: int, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read the settings of `service`; raise SettingsError naming every problem at once."""
    env = os.environ if environ is None else environ
    reader = _Reader(env)
    prefix = service.upper()
    mode = reader.choice("BOSATTNING_MODE", MODES, "production")
    settings = Settings(
        service=service,
        mode=mode,
        database_url=reader.required(f"{prefix}_DATABASE_URL"),
        nats_url=reader.required("NATS_URL"),
        host=env.get(f"{prefix}_HOST", "127.0.0.1"),
        port=reader.integer(f"{prefix}_PORT", default_port, 1, 65535),
        clock_start=env.get("BOSATTNING_CLOCK_START") or None,
        jwks_url=env.get("BOSATTNING_JWKS_URL") or None,
        jwks_file=reader.path("BOSATTNING_JWKS_FILE"),
        public_key_pem=env.get("BOSATTNING_JWT_PUBLIC_KEY") or None,
        jwt_issuer=env.get("BOSATTNING_JWT_ISSUER") or None,
        jwt_audience=env.get("BOSATTNING_JWT_AUDIENCE") or None,
        log_level=env.get("BOSATTNING_LOG_LEVEL", "INFO").upper(),
        consumer_max_deliver=reader.integer("BOSATTNING_CONSUMER_MAX_DELIVER", 5, 1, 100),
        consumer_backoff=reader.seconds_list("BOSATTNING_CONSUMER_BACKOFF", (1.0, 5.0, 30.0)),
        consumer_ack_wait=reader.integer("BOSATTNING_CONSUMER_ACK_WAIT", 30, 1, 3600),
        outbox_batch_size=reader.integer("BOSATTNING_OUTBOX_BATCH", 100, 1, 1000),
        database_pool_size=reader.integer(f"{prefix}_DATABASE_POOL_SIZE", 10, 2, 200),
        stream_replicas=reader.integer("BOSATTNING_STREAM_REPLICAS", 1, 1, 5),
        extra={k: v for k, v in env.items() if k.startswith(f"{prefix}_")},
    )
    if not (settings.jwks_url or settings.jwks_file or settings.public_key_pem):
        reader.problems.append(
            "set BOSATTNING_JWKS_URL, BOSATTNING_JWKS_FILE or BOSATTNING_JWT_PUBLIC_KEY: "
            "the service verifies every token itself"
        )
    if mode == "production" and settings.clock_start:
        reader.problems.append("BOSATTNING_CLOCK_START is refused in production mode")
    if reader.problems:
        raise SettingsError(f"{service}: " + "; ".join(reader.problems))
    return settings


class _Reader:
    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.problems: list[str] = []

    def required(self, name: str) -> str:
        value = self.env.get(name, "").strip()
        if not value:
            self.problems.append(f"{name} is not set")
        return value

    def choice(self, name: str, allowed: tuple[Mode, ...], default: Mode) -> Mode:
        value = self.env.get(name, default)
        for mode in allowed:
            if value == mode:
                return mode
        self.problems.append(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
        return default

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        raw = self.env.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            self.problems.append(f"{name} must be a whole number, not {raw!r}")
            return default
        if not low <= value <= high:
            self.problems.append(f"{name} must be between {low} and {high}, not {value}")
        return value

    def seconds_list(self, name: str, default: tuple[float, ...]) -> tuple[float, ...]:
        raw = self.env.get(name)
        if not raw:
            return default
        try:
            values = tuple(float(part) for part in raw.split(","))
        except ValueError:
            self.problems.append(f"{name} must be comma-separated seconds, not {raw!r}")
            return default
        if any(v < 0 for v in values):
            self.problems.append(f"{name} must not hold negative seconds")
        return values

    def path(self, name: str) -> Path | None:
        raw = self.env.get(name)
        if not raw:
            return None
        path = Path(raw)
        if not path.is_file():
            self.problems.append(f"{name} names {raw}, which is not a file")
        return path
