"""The two GxD extension schemas, compiled once, and the rule each strict-profile failure belongs to.

The published schema (1.0) is GXD-03's yardstick; the strict profile (1.1)
feeds GXD-04 with the failures no dedicated rule owns. Ownership is written
in the strict schema itself, as the outermost `$comment` that starts with a
rule id along the failing keyword's schema path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from conformance.rules.gxd.model import PACT_ATTRIBUTES

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas" / "gxd"
OFFICIAL_SCHEMA = SCHEMA_DIR / "gxd-extension-1.0.schema.json"
STRICT_SCHEMA = SCHEMA_DIR / "gxd-extension-strict-1.1.schema.json"
DEFAULT_RULE = "GXD-04"
_RULE_ID = re.compile(r"GXD-[0-9]{2}")


@cache
def load(path: Path) -> dict[str, Any]:
    """A schema document, parsed once per process."""
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


@cache
def _validator(path: Path) -> Draft202012Validator:
    schema = load(path)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _errors(path: Path, data: Mapping[str, Any]) -> list[ValidationError]:
    try:
        found = list(_validator(path).iter_errors(data))
    except (RecursionError, ValueError):  # nesting or integers no JSON parser would have produced
        found = [ValidationError("data is nested too deeply or holds an oversize number", validator="unvalidatable")]
    return sorted(found, key=lambda e: [str(p) for p in e.absolute_path])


def official_errors(data: Mapping[str, Any]) -> list[ValidationError]:
    """Failures against the published GxD schema, in document order."""
    return _errors(OFFICIAL_SCHEMA, data)


def strict_errors(data: Mapping[str, Any]) -> list[ValidationError]:
    """Failures against the strict profile, in document order."""
    return _errors(STRICT_SCHEMA, data)


def _resolve(root: Mapping[str, Any], ref: str) -> Any:
    node: Any = root
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _schema_nodes(root: Mapping[str, Any], schema_path: list[Any]) -> Iterator[Mapping[str, Any]]:
    """The schema objects on the way to a failing keyword, outermost first.

    jsonschema leaves `$ref` out of `schema_path`, so a step that a node lacks
    is taken inside the node's (local) `$ref` target.
    """
    node: Any = root
    for step in schema_path[:-1]:
        if isinstance(node, Mapping):
            yield node
            if step not in node and isinstance(node.get("$ref"), str):
                node = _resolve(root, node["$ref"])
                yield node
        node = node[step]
    if isinstance(node, Mapping):
        yield node


def unknown_members(error: ValidationError) -> list[str]:
    """For an additionalProperties failure: the members the failing object's schema does not define."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, Mapping):
        return []
    defined = error.schema.get("properties", {})
    return sorted(str(key) for key in error.instance if key not in defined)


def owner(error: ValidationError) -> str:
    """The GXD rule a strict-profile failure is reported under (GXD-04 when no $comment names one).

    Unknown members that are all PACT attribute names belong to GXD-22 (no overriding).
    """
    unknown = unknown_members(error)
    if unknown and all(name in PACT_ATTRIBUTES for name in unknown):
        return "GXD-22"
    for node in _schema_nodes(load(STRICT_SCHEMA), list(error.schema_path)):
        comment = node.get("$comment")
        found = _RULE_ID.match(comment) if isinstance(comment, str) else None
        if found:
            return found.group()
    return DEFAULT_RULE
