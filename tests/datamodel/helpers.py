"""Shared helpers of the data model tests: fixture discovery and quick finding summaries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformance.rules.finding import Finding, Severity
from conformance.versions import SPEC_VERSIONS

REPO = Path(__file__).resolve().parents[2]
FOOTPRINTS = REPO / "fixtures" / "footprints"


def fixture_files(spec: str, kind: str) -> list[Path]:
    """Sorted fixture files of one version; kind is 'valid' or 'invalid'."""
    return sorted((FOOTPRINTS / spec / kind).glob("*.json"))


def all_fixture_params(kind: str) -> list[tuple[str, Path]]:
    return [(spec, path) for spec in SPEC_VERSIONS for path in fixture_files(spec, kind)]


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def valid(spec: str, stem: str) -> dict[str, Any]:
    """A fresh copy of one valid fixture, to mutate in a test."""
    return load(FOOTPRINTS / spec / "valid" / f"{stem}.json")


def errors(findings: list[Finding]) -> set[str]:
    return {finding.rule for finding in findings if finding.severity is Severity.ERROR}


def summary(findings: list[Finding]) -> list[tuple[str, str, str]]:
    """(rule, pointer, severity) triples, for readable assertion failures."""
    return [(finding.rule, finding.pointer, finding.severity.value) for finding in findings]
