"""The project's own JSON Schemas and OpenAPI descriptions, per PACT spec version.

Written from the specification text (see each file's description), never
copied from the official documents. Schemas are compiled once per process with
jsonschema-rs, which keeps offline validation above 5,000 footprints/s.
"""

from __future__ import annotations

import copy
import json
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from conformance.rules.finding import Finding, Severity
from conformance.schemas.areas import area_of, pointer
from conformance.schemas.openapi import build_openapi
from conformance.schemas.values import show
from conformance.versions import info

_HERE = Path(__file__).parent


def _schema_file(spec: str) -> Path:
    info(spec)  # an unknown version is a KeyError here, not a missing file later
    return _HERE / f"v{spec}" / "product-footprint.schema.json"


@cache
def _load_footprint_schema(spec: str) -> dict[str, Any]:
    return json.loads(_schema_file(spec).read_text(encoding="utf-8"))


def footprint_schema(spec: str) -> dict[str, Any]:
    """The ProductFootprint JSON Schema (draft 2020-12) of `spec`, as a fresh copy the caller may change."""
    return copy.deepcopy(_load_footprint_schema(spec))


@cache
def enum_of(spec: str, definition: str, prop: str) -> tuple[str, ...]:
    """The allowed values of an enumerated property, read from the schema so rules never restate them.

    `definition` is a $defs name, or "" for the ProductFootprint root.
    """
    schema = _load_footprint_schema(spec)
    node = (schema if not definition else schema["$defs"][definition])["properties"][prop]
    node = node.get("else", node)  # 3.0 optional properties: {"if": null, "else": ...}
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return tuple(node["enum"])


@cache
def _openapi(spec: str) -> dict[str, Any]:
    return build_openapi(spec, _load_footprint_schema(spec))


def openapi_document(spec: str) -> dict[str, Any]:
    """The OpenAPI 3.1 description of the PACT API of `spec`, footprint schema embedded."""
    return copy.deepcopy(_openapi(spec))


@cache
def openapi_path(spec: str) -> Path:
    """A file holding openapi_document(spec), for tools that load a path; written once per process."""
    folder = Path(tempfile.mkdtemp(prefix="pact-conformance-openapi-"))
    target = folder / f"openapi-{spec}.json"
    target.write_text(json.dumps(_openapi(spec), indent=2), encoding="utf-8")
    return target


@cache
def _validator(spec: str) -> jsonschema_rs.Validator:
    return jsonschema_rs.Draft202012Validator(_load_footprint_schema(spec), validate_formats=True)


def validate_schema(doc: object, spec: str) -> list[Finding]:
    """JSON Schema errors of one footprint as SCHEMA findings (ERROR), located by JSON pointer."""
    validator = _validator(spec)
    try:
        if validator.is_valid(doc):
            return []
        errors = list(validator.iter_errors(doc))
    except (ValueError, TypeError, OverflowError) as exc:  # not a JSON value at all
        return [Finding("SCHEMA", "", f"the document is not a JSON value: {exc}", Severity.ERROR, "identity")]
    return [_finding(error) for error in errors]


def _finding(error: jsonschema_rs.ValidationError) -> Finding:
    parts: list[str | int] = list(error.instance_path)
    kind = error.kind
    name = type(kind).__name__
    if name == "Required":
        parts.append(kind.property)
        message = "required property is missing"
    elif name == "Not" and kind.schema == _TWO_GEOGRAPHIES:
        message = _GEOGRAPHY_MESSAGE
    else:
        message = _MESSAGES.get(name, _generic)(error)
    where = pointer(parts)
    return Finding("SCHEMA", where, message, Severity.ERROR, area_of(where))


def _generic(error: jsonschema_rs.ValidationError) -> str:
    text = error.message
    return text if len(text) <= 200 else text[:199] + "…"


_MESSAGES = {
    "Type": lambda e: f"{show(e.instance)} is not of type {' or '.join(e.kind.types)}",
    "Enum": lambda e: f"{show(e.instance)} is not one of {show(e.kind.options)}",
    "Pattern": lambda e: f"{show(e.instance)} does not match the pattern {e.kind.pattern}",
    "Format": lambda e: f"{show(e.instance)} is not a valid {e.kind.format}",
    "MinLength": lambda e: f"{show(e.instance)} must not be empty",
    "MinItems": lambda e: "the array must not be empty",
    "UniqueItems": lambda e: f"the array has duplicate items: {show(e.instance)}",
    "Minimum": lambda e: f"{show(e.instance)} is below the minimum {e.kind.limit}",
    "Maximum": lambda e: f"{show(e.instance)} is above the maximum {e.kind.limit}",
}
_TWO_GEOGRAPHIES = {"$ref": "#/$defs/TwoGeographies"}
_GEOGRAPHY_MESSAGE = "at most one of geographyRegionOrSubregion, geographyCountry, geographyCountrySubdivision may be defined"
