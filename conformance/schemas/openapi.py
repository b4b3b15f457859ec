"""Assembles the OpenAPI 3.1 document of one spec version.

The API descriptions are hand-written per major version (openapi-v2.yaml,
openapi-v3.yaml); the footprint schema of the exact version is embedded here
so every document is self-contained and the data model is written once.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from conformance.versions import info

_HERE = Path(__file__).parent
_DEFS_PREFIX = "#/$defs/"
_COMPONENTS_PREFIX = "#/components/schemas/"
_OIDC_PATH = "/.well-known/openid-configuration"


def build_openapi(spec: str, footprint: dict[str, Any]) -> dict[str, Any]:
    """The API document of `spec` with `footprint` hoisted into components/schemas."""
    version = info(spec)
    doc = yaml.safe_load((_HERE / f"openapi-v{version.major}.yaml").read_text(encoding="utf-8"))
    doc["info"]["version"] = spec
    doc["info"]["title"] = doc["info"]["title"].replace(f"{version.major}.x", spec)
    if not version.oidc_defined:
        del doc["paths"][_OIDC_PATH]
    schemas = doc["components"]["schemas"]
    embedded = _rewrite_refs(copy.deepcopy(footprint))
    for name, definition in embedded.pop("$defs").items():
        if name in schemas:
            raise ValueError(f"footprint schema definition {name!r} collides with an API component")
        schemas[name] = definition
    for keyword in ("$schema", "$id"):
        embedded.pop(keyword, None)
    schemas["ProductFootprint"] = embedded
    return doc


def _rewrite_refs(node: Any) -> Any:
    """Point the footprint schema's internal $defs references at components/schemas."""
    if isinstance(node, dict):
        return {
            key: (
                _COMPONENTS_PREFIX + value[len(_DEFS_PREFIX) :]
                if key == "$ref" and isinstance(value, str) and value.startswith(_DEFS_PREFIX)
                else _rewrite_refs(value)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    return node
