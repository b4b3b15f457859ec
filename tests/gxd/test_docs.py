"""The published extension (docs/gxd-extension/1.1.0) agrees with the schemas and the rules it documents."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from conformance.rules.gxd.model import KNOWN_SCHEMA_URL, PROJECT_SCHEMA_URL
from conformance.rules.gxd.schema import (
    OFFICIAL_SCHEMA,
    STRICT_SCHEMA,
    load,
    official_errors,
    strict_errors,
)

VERSION = "1.1.0"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "gxd-extension" / VERSION
READMES = [DOCS / "README.md", DOCS / "README.ja.md"]
RULE_IDS = [f"GXD-{n:02d}" for n in range(1, 25)]


def members(schema: Mapping[str, Any], node: Mapping[str, Any] | None = None) -> Iterator[str]:
    """Every property name the strict schema defines, nested objects included."""
    node = schema if node is None else node
    for name, sub in node.get("properties", {}).items():
        yield name
        ref = sub.get("$ref", "")
        if ref.startswith("#/$defs/") and "properties" in schema["$defs"][ref.rsplit("/", 1)[-1]]:
            yield from members(schema, schema["$defs"][ref.rsplit("/", 1)[-1]])


def test_docs_schema_is_the_strict_schema() -> None:
    assert (DOCS / "schema.json").read_bytes() == STRICT_SCHEMA.read_bytes()


@pytest.mark.parametrize("path", [OFFICIAL_SCHEMA, STRICT_SCHEMA])
def test_schemas_are_valid_2020_12_with_versioned_project_ids(path: Path) -> None:
    schema = load(path)
    Draft202012Validator.check_schema(schema)
    assert re.fullmatch(r"urn:pact-gxd-conformance:schema:gxd-extension(-strict)?:\d+\.\d+\.\d+", schema["$id"])


def test_extension_metadata_names_this_version_and_a_schema_the_rules_accept() -> None:
    meta = json.loads((DOCS / "extension.json").read_text(encoding="utf-8"))
    assert meta["id"]["version"] == VERSION and meta["files"] == ["schema.json"] and meta["license"] in ("MIT", "CC0")
    assert meta["specVersion"] == "2.0.0"
    assert meta["dataSchema"] == PROJECT_SCHEMA_URL and KNOWN_SCHEMA_URL.fullmatch(meta["dataSchema"])
    assert meta["documentation"].startswith("https://") and meta["documentation"].endswith(f"/{VERSION}/README.md")
    assert (DOCS / "LICENSE").is_file()


@pytest.mark.parametrize("readme", READMES, ids=lambda p: p.name)
def test_readme_mentions_every_member_and_rule(readme: Path) -> None:
    text = readme.read_text(encoding="utf-8")
    missing = [f"`{m}`" for m in members(load(STRICT_SCHEMA)) if f"`{m}`" not in text]
    missing += [rule for rule in RULE_IDS if rule not in text]
    assert missing == []
    assert f"| {VERSION} |" in text and PROJECT_SCHEMA_URL in text  # changelog row and the public schema URL


@pytest.mark.parametrize("readme", READMES, ids=lambda p: p.name)
def test_readme_example_is_valid_under_both_schemas(readme: Path) -> None:
    [block] = re.findall(r"```json\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
    data = json.loads(block)["data"]
    assert strict_errors(data) == [] and official_errors(data) == []


def test_translation_is_complete() -> None:
    """Same sections, tables of the same size and the same example in both languages."""
    english, japanese = (p.read_text(encoding="utf-8") for p in READMES)
    for pattern in (r"^#{1,3} ", r"^\|"):
        assert len(re.findall(pattern, english, re.M)) == len(re.findall(pattern, japanese, re.M)), pattern
    assert re.findall(r"```json\n(.*?)```", english, re.S) == re.findall(r"```json\n(.*?)```", japanese, re.S)
    assert re.search(r"[\u3040-\u30ff]", japanese)
