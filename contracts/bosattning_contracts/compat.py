"""Backward-compatibility check between a frozen JSON Schema and the current one.

The rule is additive only: every property of the frozen schema still exists
with a type that accepts at least what it accepted; no property becomes
required; no enum value disappears; no type or constraint is narrowed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["breaking_changes"]

Schema = Mapping[str, Any]

_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_EXACT_KEYWORDS = ("pattern", "format", "multipleOf")


def breaking_changes(frozen: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """Human-readable reasons why ``current`` is not backward compatible with ``frozen``.

    An empty list means the change is additive only. ``$ref`` pointers are
    followed within each document, so ``$defs`` are compared recursively.
    """
    return _Comparison(frozen, current).compare(frozen, current, "")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _types(node: Schema) -> set[str] | None:
    """The JSON types a node accepts, or None when it accepts any type."""
    declared = node.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {str(t) for t in declared}
    values = _values(node)
    if values is not None:
        return {_json_type(v) for v in values}
    if "properties" in node:
        return {"object"}
    if "items" in node or "prefixItems" in node:
        return {"array"}
    return None


def _values(node: Schema) -> list[Any] | None:
    if "const" in node:
        return [node["const"]]
    enum = node.get("enum")
    return list(enum) if isinstance(enum, list) else None


def _covers(new_types: set[str] | None, old_type: str) -> bool:
    if new_types is None:
        return True
    return old_type in new_types or (old_type == "integer" and "number" in new_types)


def _at(path: str) -> str:
    return path or "(root)"


def _child(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


class _Comparison:
    def __init__(self, frozen_root: Schema, current_root: Schema) -> None:
        self._frozen_root = frozen_root
        self._current_root = current_root
        self._in_progress: set[tuple[object, object]] = set()

    def compare(self, old: Schema, new: Schema, path: str) -> list[str]:
        key = (_identity(old), _identity(new))
        old = _resolve(old, self._frozen_root)
        new = _resolve(new, self._current_root)
        if key in self._in_progress:
            return []
        self._in_progress.add(key)
        try:
            return self._compare_alternatives(old, new, path)
        finally:
            self._in_progress.discard(key)

    def _compare_alternatives(self, old: Schema, new: Schema, path: str) -> list[str]:
        old_alts = _alternatives(old, self._frozen_root)
        new_alts = _alternatives(new, self._current_root)
        if len(old_alts) == 1 and len(new_alts) == 1:
            return self._compare_single(old_alts[0], new_alts[0], path)
        problems: list[str] = []
        for old_alt in old_alts:
            best: list[str] | None = None
            for new_alt in new_alts:
                found = self.compare(old_alt, new_alt, path)
                if best is None or len(found) < len(best):
                    best = found
                if not found:
                    break
            problems.extend(best or [])
        return problems

    def _compare_single(self, old: Schema, new: Schema, path: str) -> list[str]:
        problems = _compare_types(old, new, path)
        problems += _compare_values(old, new, path)
        problems += _compare_constraints(old, new, path)
        problems += self._compare_object(old, new, path)
        problems += self._compare_array(old, new, path)
        return problems

    def _compare_object(self, old: Schema, new: Schema, path: str) -> list[str]:
        problems: list[str] = []
        old_props: Mapping[str, Schema] = old.get("properties", {})
        new_props: Mapping[str, Schema] = new.get("properties", {})
        for name in sorted(old_props):
            if name not in new_props:
                problems.append(f"{_child(path, name)}: property removed")
            else:
                problems += self.compare(old_props[name], new_props[name], _child(path, name))
        newly_required = set(new.get("required", ())) - set(old.get("required", ()))
        problems += [
            f"{_child(path, name)}: property is newly required" for name in sorted(newly_required)
        ]
        old_extra = old.get("additionalProperties", True)
        new_extra = new.get("additionalProperties", True)
        if new_extra is False and old_extra is not False:
            problems.append(f"{_at(path)}: additional properties no longer allowed")
        elif isinstance(old_extra, Mapping) and isinstance(new_extra, Mapping):
            problems += self.compare(old_extra, new_extra, _child(path, "*"))
        return problems

    def _compare_array(self, old: Schema, new: Schema, path: str) -> list[str]:
        problems: list[str] = []
        old_items = old.get("items")
        new_items = new.get("items")
        if isinstance(old_items, Mapping) and isinstance(new_items, Mapping):
            problems += self.compare(old_items, new_items, f"{path}[]")
        elif isinstance(new_items, Mapping) and old_items is None and "prefixItems" not in old:
            problems.append(f"{_at(path)}[]: items newly constrained")
        old_prefix: Sequence[Schema] = old.get("prefixItems", ())
        new_prefix: Sequence[Schema] = new.get("prefixItems", ())
        for index, (old_item, new_item) in enumerate(zip(old_prefix, new_prefix, strict=False)):
            problems += self.compare(old_item, new_item, f"{path}[{index}]")
        return problems


def _identity(node: Schema) -> object:
    """A key that repeats when a recursive schema comes back to the same definition."""
    ref = node.get("$ref")
    return ref if isinstance(ref, str) else id(node)


def _resolve(node: Schema, root: Schema) -> Schema:
    """Follow ``$ref`` (a local JSON pointer) and merge one-element ``allOf``."""
    seen: set[str] = set()
    while True:
        ref = node.get("$ref")
        all_of = node.get("allOf")
        if isinstance(ref, str):
            if ref in seen:
                raise ValueError(f"circular $ref {ref}")
            seen.add(ref)
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            node = {**_pointer(root, ref), **siblings}
        elif isinstance(all_of, list) and len(all_of) == 1:
            siblings = {k: v for k, v in node.items() if k != "allOf"}
            node = {**all_of[0], **siblings}
        else:
            return node


def _pointer(root: Schema, ref: str) -> Schema:
    if not ref.startswith("#"):
        raise ValueError(f"only local $ref pointers are supported, not {ref}")
    target: Any = root
    for part in ref[1:].split("/")[1:]:
        target = target[part.replace("~1", "/").replace("~0", "~")]
    if not isinstance(target, Mapping):
        raise ValueError(f"$ref {ref} does not point to a schema")
    return target


def _alternatives(node: Schema, root: Schema) -> list[Schema]:
    for keyword in ("anyOf", "oneOf"):
        alts = node.get(keyword)
        if isinstance(alts, list):
            return [_resolve(alt, root) for alt in alts]
    return [node]


def _compare_types(old: Schema, new: Schema, path: str) -> list[str]:
    old_types = _types(old)
    new_types = _types(new)
    if new_types is None:
        return []
    if old_types is None:
        return [f"{_at(path)}: type narrowed from any to {sorted(new_types)}"]
    lost = sorted(t for t in old_types if not _covers(new_types, t))
    if not lost:
        return []
    return [f"{_at(path)}: type changed from {sorted(old_types)} to {sorted(new_types)}"]


def _compare_values(old: Schema, new: Schema, path: str) -> list[str]:
    new_values = _values(new)
    if new_values is None:
        return []
    old_values = _values(old)
    if old_values is None:
        return [f"{_at(path)}: now restricted to the values {new_values!r}"]
    return [
        f"{_at(path)}: enum value {value!r} removed"
        for value in old_values
        if value not in new_values
    ]


def _compare_constraints(old: Schema, new: Schema, path: str) -> list[str]:
    problems: list[str] = []
    for keyword in _LOWER_BOUNDS:
        if keyword in new and (keyword not in old or new[keyword] > old[keyword]):
            problems.append(f"{_at(path)}: {keyword} raised to {new[keyword]!r}")
    for keyword in _UPPER_BOUNDS:
        if keyword in new and (keyword not in old or new[keyword] < old[keyword]):
            problems.append(f"{_at(path)}: {keyword} lowered to {new[keyword]!r}")
    for keyword in _EXACT_KEYWORDS:
        if keyword in new and new.get(keyword) != old.get(keyword):
            problems.append(f"{_at(path)}: {keyword} changed to {new[keyword]!r}")
    return problems
