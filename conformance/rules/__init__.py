"""Data checks of one footprint: JSON Schema plus every applicable DM/GXD rule.

`check_footprint` is what cases, the reference host and `validate` call; it
never raises on hostile input, because a conformance tool must report a broken
document, not crash on it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from functools import cache

# A module import, not `from conformance.schemas import ...`: conformance.schemas imports
# conformance.rules.finding, which runs this file first.
from conformance import schemas
from conformance.rules.contested import apply_contested
from conformance.rules.finding import AREAS, Finding, Severity
from conformance.rules.registry import RuleSpec, rules_for

__all__ = ["AREAS", "check_footprint", "findings_by_area"]

_log = logging.getLogger(__name__)
_MAX_ID_LENGTH = 100


def check_footprint(footprint: object, spec: str, profiles: Iterable[str] = (), *, strict: bool = False) -> list[Finding]:
    """Schema findings and rule findings for one footprint of `spec`, each tagged with the footprint id.

    A SCHEMA finding at a pointer where a rule already reported an ERROR is
    dropped: the rule's message says more about the same problem. Findings of
    contested rules (rules/contested.py) are warnings unless `strict`.
    """
    findings = schemas.validate_schema(footprint, spec)
    if isinstance(footprint, dict):
        rule_findings = _run_rules(_rules(spec, frozenset(profiles)), footprint, spec)
        covered = {finding.pointer for finding in rule_findings if finding.severity is Severity.ERROR}
        findings = [finding for finding in findings if finding.pointer not in covered] + rule_findings
    findings = apply_contested(findings, spec, strict)
    footprint_id = _footprint_id(footprint)
    if footprint_id is None:
        return findings
    return [_with_id(finding, footprint_id) for finding in findings]


@cache
def _rules(spec: str, profiles: frozenset[str]) -> tuple[RuleSpec, ...]:
    """The registry's answer is fixed once the rule modules are imported; asking it per footprint costs a third of the time."""
    return tuple(rules_for(spec, profiles))


def _run_rules(rules: tuple[RuleSpec, ...], footprint: Mapping[str, object], spec: str) -> list[Finding]:
    """All rules' findings; a rule that fails on malformed data yields none (the schema reports the shape)."""
    findings: list[Finding] = []
    for rule in rules:
        try:
            findings.extend(rule.check(footprint, spec))
        except Exception:  # noqa: BLE001 - hostile input must never abort a check; logged so bugs stay visible
            _log.warning("rule %s crashed on a malformed footprint", rule.id, exc_info=True)
    return findings


def _footprint_id(footprint: object) -> str | None:
    if not isinstance(footprint, dict) or not isinstance(footprint.get("id"), str):
        return None
    return footprint["id"][:_MAX_ID_LENGTH]


def _with_id(finding: Finding, footprint_id: str) -> Finding:
    return Finding(finding.rule, finding.pointer, finding.message, finding.severity, finding.area, footprint_id)


def findings_by_area(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Findings grouped by area, every area present (possibly empty), in AREAS order."""
    grouped: dict[str, list[Finding]] = {area: [] for area in AREAS}
    for finding in findings:
        grouped.setdefault(finding.area, []).append(finding)
    return grouped
