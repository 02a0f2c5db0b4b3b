"""Generate, check and freeze the JSON Schemas and the AsyncAPI document.

Usage: ``python -m bosattning_contracts.generate [--check | --freeze]``.
Without a flag the generated files are (re)written; ``--check`` exits 1 and
lists stale files and breaking changes to frozen schemas; ``--freeze`` writes
a frozen schema for each event type and schema version that has none yet.
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic.json_schema import models_json_schema

from bosattning_contracts.compat import breaking_changes
from bosattning_contracts.envelope import Event
from bosattning_contracts.registry import EVENT_CLASSES, EVENT_TYPES
from bosattning_contracts.scope import SUBJECT_ROOT

__all__ = [
    "ASYNCAPI_PATH",
    "CURRENT_DIR",
    "FROZEN_DIR",
    "JSON_SCHEMA_DIALECT",
    "asyncapi_document",
    "current_path",
    "default_contracts_dir",
    "dumps",
    "event_schema",
    "freeze",
    "frozen_breaking_changes",
    "frozen_path",
    "generated_files",
    "load_frozen",
    "main",
    "stale_files",
    "write_generated",
]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
CURRENT_DIR = PurePosixPath("schemas/current")
FROZEN_DIR = PurePosixPath("schemas/frozen")
ASYNCAPI_PATH = PurePosixPath("asyncapi.json")

_FROZEN_VERSION_RE = re.compile(r"^v([1-9][0-9]*)$")

_REGION_DESCRIPTION = "Two-digit county code (lanskod), or 'riket' for a national event."
_AUDIENCE_DESCRIPTION = (
    "Who may read the event: a four-digit kommunkod of that county (one municipality), "
    "'lan' (county-wide, public to the county's municipalities; with 'riket' national "
    "and public), 'lst' (the county board only) or 'mv' (with 'riket': "
    "Migrationsverket-internal)."
)


def default_contracts_dir() -> Path:
    """The ``contracts/`` directory of the source tree this module lives in."""
    return Path(__file__).resolve().parent.parent


def dumps(document: Any) -> str:
    """Deterministic JSON text: sorted keys, indent 2, UTF-8, trailing newline."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def event_schema(cls: type[Event[Any]]) -> dict[str, Any]:
    """The JSON Schema (serialization mode) of one event class."""
    return {"$schema": JSON_SCHEMA_DIALECT, **cls.model_json_schema(mode="serialization")}


def _summary(cls: type[Any]) -> str:
    doc = inspect.getdoc(cls) or ""
    return doc.splitlines()[0] if doc else ""


def asyncapi_document() -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document: one channel and one message per event type."""
    _, definitions = models_json_schema(
        [(cls, "serialization") for cls in EVENT_CLASSES],
        ref_template="#/components/schemas/{model}",
    )
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for cls in EVENT_CLASSES:
        event_type = cls.event_type_name()
        name = cls.__name__
        channels[event_type] = {
            "address": f"{SUBJECT_ROOT}.{{region}}.{{audience}}.{event_type}",
            "description": _summary(cls),
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "parameters": {
                "audience": {"$ref": "#/components/parameters/audience"},
                "region": {"$ref": "#/components/parameters/region"},
            },
            "title": event_type,
        }
        messages[name] = {
            "contentType": "application/json",
            "name": event_type,
            "payload": {"$ref": f"#/components/schemas/{name}"},
            "summary": _summary(cls),
            "title": name,
        }
    return {
        "asyncapi": "3.0.0",
        "channels": channels,
        "components": {
            "messages": messages,
            "parameters": {
                "audience": {
                    "description": _AUDIENCE_DESCRIPTION,
                    "examples": ["0680", "lan", "lst", "mv"],
                },
                "region": {"description": _REGION_DESCRIPTION, "examples": ["06", "riket"]},
            },
            "schemas": definitions["$defs"],
        },
        "defaultContentType": "application/json",
        "info": {
            "description": (
                "Events of the Bosättning suite on NATS JetStream (stream subjects "
                f"'{SUBJECT_ROOT}.>'). Each message is published with Nats-Msg-Id = event_id."
            ),
            "title": "Bosättning events",
            "version": "1",
        },
    }


def current_path(event_type: str) -> PurePosixPath:
    """Path, relative to ``contracts/``, of an event type's current schema."""
    return CURRENT_DIR / f"{event_type}.json"


def frozen_path(event_type: str, schema_version: int) -> PurePosixPath:
    """Path, relative to ``contracts/``, of a frozen schema."""
    return FROZEN_DIR / f"v{schema_version}" / f"{event_type}.json"


def generated_files() -> dict[PurePosixPath, str]:
    """Every generated file (relative to ``contracts/``) with its content."""
    files = {current_path(cls.event_type_name()): dumps(event_schema(cls)) for cls in EVENT_CLASSES}
    files[ASYNCAPI_PATH] = dumps(asyncapi_document())
    return files


def _obsolete_current_files(contracts_dir: Path, expected: set[PurePosixPath]) -> list[Path]:
    directory = contracts_dir / CURRENT_DIR
    if not directory.is_dir():
        return []
    return sorted(
        path
        for path in directory.glob("*.json")
        if PurePosixPath(path.relative_to(contracts_dir).as_posix()) not in expected
    )


def stale_files(contracts_dir: Path) -> list[Path]:
    """Generated files that are missing, differ from the models, or are obsolete."""
    files = generated_files()
    stale = [
        contracts_dir / relative
        for relative, content in files.items()
        if not (contracts_dir / relative).is_file()
        or (contracts_dir / relative).read_text(encoding="utf-8") != content
    ]
    stale += _obsolete_current_files(contracts_dir, set(files))
    return sorted(stale)


def write_generated(contracts_dir: Path) -> list[Path]:
    """Write changed generated files, delete obsolete ones; return the paths touched."""
    files = generated_files()
    touched: list[Path] = []
    for relative, content in files.items():
        path = contracts_dir / relative
        if path.is_file() and path.read_text(encoding="utf-8") == content:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8", newline="\n")
        touched.append(path)
    for path in _obsolete_current_files(contracts_dir, set(files)):
        path.unlink()
        touched.append(path)
    return sorted(touched)


def freeze(contracts_dir: Path) -> list[Path]:
    """Freeze each event type's current schema version unless already frozen."""
    written: list[Path] = []
    for cls in EVENT_CLASSES:
        path = contracts_dir / frozen_path(cls.event_type_name(), cls.current_schema_version())
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(event_schema(cls)), encoding="utf-8", newline="\n")
        written.append(path)
    return sorted(written)


def load_frozen(contracts_dir: Path) -> dict[tuple[str, int], dict[str, Any]]:
    """All frozen schemas keyed by (event_type, schema_version)."""
    frozen: dict[tuple[str, int], dict[str, Any]] = {}
    root = contracts_dir / FROZEN_DIR
    if not root.is_dir():
        return frozen
    for version_dir in sorted(root.iterdir()):
        match = _FROZEN_VERSION_RE.fullmatch(version_dir.name)
        if match is None or not version_dir.is_dir():
            continue
        for path in sorted(version_dir.glob("*.json")):
            document = json.loads(path.read_text(encoding="utf-8"))
            frozen[(path.stem, int(match.group(1)))] = document
    return frozen


def frozen_breaking_changes(contracts_dir: Path) -> list[str]:
    """Breaking changes of the current models against the frozen schemas of their version."""
    problems: list[str] = []
    for (event_type, version), schema in sorted(load_frozen(contracts_dir).items()):
        cls = EVENT_TYPES.get(event_type)
        if cls is None:
            problems.append(f"{event_type} v{version}: event type removed")
            continue
        if cls.current_schema_version() != version:
            continue
        problems += [
            f"{event_type} v{version}: {problem}"
            for problem in breaking_changes(schema, event_schema(cls))
        ]
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bosattning_contracts.generate")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if anything is stale")
    mode.add_argument("--freeze", action="store_true", help="freeze unfrozen schema versions")
    parser.add_argument(
        "--contracts-dir", type=Path, default=None, help="the contracts/ directory to use"
    )
    args = parser.parse_args(argv)
    contracts_dir: Path = args.contracts_dir or default_contracts_dir()

    if args.check:
        stale = stale_files(contracts_dir)
        problems = frozen_breaking_changes(contracts_dir)
        for path in stale:
            print(f"stale: {path}", file=sys.stderr)
        for problem in problems:
            print(f"breaking: {problem}", file=sys.stderr)
        if stale:
            print("run: python -m bosattning_contracts.generate", file=sys.stderr)
        return 1 if stale or problems else 0

    changed = freeze(contracts_dir) if args.freeze else write_generated(contracts_dir)
    for path in changed:
        print(f"wrote: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
