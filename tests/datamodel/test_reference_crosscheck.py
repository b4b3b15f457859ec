"""Development check: our footprint schemas against the official OpenAPI schemas.

Every fixture and every footprint of the official examples is validated by
both; where the verdicts differ, the reasons must be exactly the rows of
KNOWN_DIVERGENCES.md. The official material lives in ../shared/reference beside
the checkout (present in CI); the product itself never reads it.
"""

from __future__ import annotations

import fnmatch
import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from conformance.offline import footprints_in
from conformance.schemas import validate_schema
from conformance.versions import SPEC_VERSIONS
from tests.datamodel.helpers import REPO, fixture_files, load

REFERENCE = REPO.parent / "shared" / "reference"
DIVERGENCES = Path(__file__).with_name("KNOWN_DIVERGENCES.md")
OFFICIAL = {
    "2.0": "pact-openapi/pact-openapi-2.1.0.yaml",
    "2.1": "pact-openapi/pact-openapi-2.1.0.yaml",
    "2.2": "pact-openapi/pact-openapi-2.2.0.yaml",
    "2.3": "data-exchange-protocol/v2/openapi.yaml",
    "3.0": "data-exchange-protocol/v3/openapi.yaml",
}
EXAMPLES = {"2.3": "data-exchange-protocol/v2/examples", "3.0": "data-exchange-protocol/v3/examples"}

pytestmark = pytest.mark.skipif(not REFERENCE.is_dir(), reason=f"official reference material not found at {REFERENCE}")

Reason = tuple[str, str, str, str]  # (version, rejecting side, pointer with indices as *, official keyword or "-")

_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_FORMATS = jsonschema.FormatChecker()


@_FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.upper().replace(" ", "T"))
    except ValueError:
        return False
    return True


@_FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(urlsplit(value).scheme)


@cache
def official_validator(spec: str) -> jsonschema.Draft202012Validator:
    document = yaml.safe_load((REFERENCE / OFFICIAL[spec]).read_text(encoding="utf-8"))
    registry = Registry().with_resource("urn:official", Resource.from_contents(document, default_specification=DRAFT202012))
    return jsonschema.Draft202012Validator(
        {"$ref": "urn:official#/components/schemas/ProductFootprint"}, registry=registry, format_checker=_FORMATS
    )


def documents() -> list[tuple[str, str, Any]]:
    """(version, label, footprint) for every fixture and every footprint in the official examples."""
    found = [
        (spec, f"{spec}/{kind}/{path.name}", load(path))
        for spec in SPEC_VERSIONS
        for kind in ("valid", "invalid")
        for path in fixture_files(spec, kind)
    ]
    for spec, folder in EXAMPLES.items():
        for path in sorted((REFERENCE / folder).glob("*.json")):
            for pointer, footprint in footprints_in(json.loads(path.read_text(encoding="utf-8"))):
                if isinstance(footprint, dict) and "pcf" in footprint:  # error bodies carry no footprint
                    found.append((spec, f"{folder}/{path.name}{pointer}", footprint))
    return found


def _generalise(pointer: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/*", pointer)


def observed_reasons() -> dict[Reason, list[str]]:
    reasons: dict[Reason, list[str]] = {}
    for spec, label, footprint in documents():
        ours = {_generalise(finding.pointer) for finding in validate_schema(footprint, spec)}
        theirs = {
            (_generalise("".join(f"/{part}" for part in error.absolute_path)), error.validator)
            for error in official_validator(spec).iter_errors(footprint)
        }
        if bool(ours) == bool(theirs):
            continue
        keys = [(spec, "ours", pointer, "-") for pointer in ours] or [(spec, "official", p, k) for p, k in theirs]
        for key in keys:
            reasons.setdefault(key, []).append(label)
    return reasons


def documented_rows() -> list[tuple[set[str], str, str, str]]:
    """(versions, rejecting side, pointer glob, keyword) per row of the divergence table."""
    rows = []
    table = DIVERGENCES.read_text(encoding="utf-8").split("## Divergences", 1)[1]
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 6 or cells[0] in ("versions", "---"):
            continue
        versions = {version.strip() for version in cells[0].split(",")}
        rows.append((versions, cells[1], cells[2].strip("`"), cells[3].strip("`")))
    return rows


def _matches(reason: Reason, row: tuple[set[str], str, str, str]) -> bool:
    spec, side, pointer, keyword = reason
    versions, row_side, glob, row_keyword = row
    return spec in versions and side == row_side and fnmatch.fnmatchcase(pointer, glob) and keyword == row_keyword


def test_divergence_table_is_well_formed() -> None:
    rows = documented_rows()
    assert rows, "no rows parsed from KNOWN_DIVERGENCES.md"
    for versions, side, _, keyword in rows:
        assert versions <= set(SPEC_VERSIONS) and side in ("ours", "official")
        assert (keyword == "-") == (side == "ours")


def test_every_divergence_is_documented_and_every_row_still_happens() -> None:
    observed = observed_reasons()
    rows = documented_rows()
    undocumented = {reason: labels[:3] for reason, labels in observed.items() if not any(_matches(reason, row) for row in rows)}
    assert not undocumented, f"new divergences, document them in {DIVERGENCES.name}: {undocumented}"
    stale = [row for row in rows if not any(_matches(reason, row) for reason in observed)]
    assert not stale, f"rows of {DIVERGENCES.name} that no longer happen: {stale}"


def test_official_examples_are_compared() -> None:
    labels = [label for _, label, _ in documents()]
    assert sum(label.startswith("data-exchange-protocol/v3/") for label in labels) >= 4
    assert sum(label.startswith("data-exchange-protocol/v2/") for label in labels) >= 3
