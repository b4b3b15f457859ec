"""Shared helpers of the GxD tests: fixture access and a direct run of the gxd-profile rules.

Rules are called directly (not through check_footprint, which swallows a
crashing rule) so a rule that raises fails the test instead of going quiet.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformance.rules.finding import Finding, Severity
from conformance.rules.registry import rules_for

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "gxd"
SPECS = ("2.3", "3.0")
CHAIN = ("T2-AL", "T2-PCB", "T1-CHASSIS", "T1-PCBA", "T0-PC")


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def paths(spec: str, folder: str) -> list[Path]:
    return sorted((FIXTURES / spec / folder).glob("*.json"))


def footprint(spec: str, name: str, folder: str = "valid") -> dict[str, Any]:
    document: dict[str, Any] = load(FIXTURES / spec / folder / f"{name}.json")
    return document


def chain(spec: str) -> list[dict[str, Any]]:
    return [footprint(spec, name) for name in CHAIN]


def gxd_findings(document: object, spec: str) -> list[Finding]:
    """Every gxd-profile rule on `document`, exceptions propagating."""
    return [f for r in rules_for(spec, {"gxd"}) if r.profile == "gxd" for f in r.check(document, spec)]  # type: ignore[arg-type]


def failing(findings: list[Finding]) -> set[str]:
    """Rule ids with an ERROR or WARNING finding."""
    return {f.rule for f in findings if f.severity in (Severity.ERROR, Severity.WARNING)}


def rule_of(path: Path) -> str:
    """'GXD-11' for fixtures/gxd/2.3/invalid/GXD-11-gate-exceeds-cradle.json."""
    return path.name[:6]
