from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bosattning_contracts import generate
from bosattning_contracts.registry import EVENT_CLASSES, EVENT_TYPES

REPO_ROOT = Path(__file__).resolve().parents[3]
CONTRACTS_DIR = REPO_ROOT / "contracts"


def test_the_repository_root_is_found_from_the_test_path() -> None:
    assert (CONTRACTS_DIR / "bosattning_contracts" / "generate.py").is_file()


def test_generated_schemas_match_the_models() -> None:
    for relative, content in generate.generated_files().items():
        path = CONTRACTS_DIR / relative
        assert path.is_file(), f"{relative} missing: run python -m bosattning_contracts.generate"
        assert path.read_text(encoding="utf-8") == content, (
            f"{relative} is stale: run python -m bosattning_contracts.generate"
        )
    assert generate.stale_files(CONTRACTS_DIR) == []


def test_every_event_type_has_a_frozen_schema_for_version_1() -> None:
    frozen = generate.load_frozen(CONTRACTS_DIR)
    assert {event_type for event_type, version in frozen if version == 1} == set(EVENT_TYPES)


def test_every_frozen_schema_is_compatible_with_the_current_model_of_its_version() -> None:
    assert generate.load_frozen(CONTRACTS_DIR)
    assert generate.frozen_breaking_changes(CONTRACTS_DIR) == []


def test_the_generator_output_is_deterministic() -> None:
    first = generate.generated_files()
    assert generate.generated_files() == first
    assert all(content.endswith("}\n") for content in first.values())


def test_check_exits_1_and_lists_stale_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert generate.main(["--check", "--contracts-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "lanstal.set.json" in err
    assert "asyncapi.json" in err

    assert generate.main(["--contracts-dir", str(tmp_path)]) == 0
    assert generate.main(["--check", "--contracts-dir", str(tmp_path)]) == 0

    (tmp_path / "schemas" / "current" / "lanstal.set.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "schemas" / "current" / "removed.event.json").write_text("{}\n", encoding="utf-8")
    capsys.readouterr()
    assert generate.main(["--check", "--contracts-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "lanstal.set.json" in err
    assert "removed.event.json" in err


def test_freeze_never_overwrites_a_frozen_file(tmp_path: Path) -> None:
    written = generate.freeze(tmp_path)
    assert len(written) == len(EVENT_CLASSES)
    path = tmp_path / generate.frozen_path("lanstal.set", 1)
    path.write_text('{"title": "kept"}\n', encoding="utf-8")
    assert generate.freeze(tmp_path) == []
    assert path.read_text(encoding="utf-8") == '{"title": "kept"}\n'


def test_check_reports_a_breaking_change_to_a_frozen_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generate.write_generated(tmp_path)
    generate.freeze(tmp_path)
    path = tmp_path / generate.frozen_path("kommuntal.decided", 1)
    frozen: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    frozen["$defs"]["KommuntalDecisionPayload"]["properties"]["reason_code"] = {"type": "string"}
    path.write_text(generate.dumps(frozen), encoding="utf-8")
    assert generate.main(["--check", "--contracts-dir", str(tmp_path)]) == 1
    assert (
        "breaking: kommuntal.decided v1: payload.reason_code: property removed"
        in capsys.readouterr().err
    )


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def _resolve(document: dict[str, Any], ref: str) -> Any:
    target: Any = document
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return target


def test_asyncapi_has_one_channel_per_event_type_with_resolvable_refs() -> None:
    document = json.loads((CONTRACTS_DIR / "asyncapi.json").read_text(encoding="utf-8"))
    assert document["asyncapi"] == "3.0.0"
    assert document["info"]["title"] == "Bosättning events"
    assert document["info"]["version"] == "1"
    assert set(document["channels"]) == set(EVENT_TYPES)
    for event_type, channel in document["channels"].items():
        assert channel["address"] == f"bosattning.{{region}}.{{audience}}.{event_type}"
        assert set(channel["parameters"]) == {"region", "audience"}
        (message_ref,) = (m["$ref"] for m in channel["messages"].values())
        message = _resolve(document, message_ref)
        assert message["name"] == event_type
        schema = _resolve(document, message["payload"]["$ref"])
        assert schema["properties"]["event_type"]["const"] == event_type
    for parameter in document["components"]["parameters"].values():
        assert parameter["description"]
    for ref in _refs(document):
        assert ref.startswith("#/components/")
        _resolve(document, ref)
