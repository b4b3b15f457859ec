"""Data model: every footprint the harness sees is checked against the spec version's schema and DM rules.

The footprints are those of a full ListFootprints traversal, their GetFootprint
documents, and any footprint other cases recorded (e.g. from events). Findings
are grouped into one case per area so a report shows which area failed; MUST
violations (ERROR) fail the case, SHOULD violations are listed as warnings.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from conformance.catalog import case
from conformance.client import BadBody
from conformance.expect import fail
from conformance.run_context import RunContext
from conformance.rules import check_footprint, findings_by_area
from conformance.rules.finding import Finding, Severity
from conformance.rules.registry import all_rules

MAX_GETS = 25  # GetFootprint documents fetched for validation; larger datasets are sampled
OBSERVED_KEY = "observed_footprints"  # other cases append (source, footprint) pairs here


@dataclass
class Observation:
    """All findings of all seen footprints, computed once per run."""

    footprints: int = 0
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _fingerprint(footprint: Any) -> str:
    return hashlib.sha256(json.dumps(footprint, sort_keys=True, default=str).encode()).hexdigest()


def _observe(context: RunContext) -> Observation:
    """Traverse, fetch and check once; later area cases reuse the result."""
    cached = context.shared.get("datamodel")
    if isinstance(cached, Observation):
        context.session.evidence.note("footprints and findings collected by the first data-model case of this run")
        return cached
    session = context.session
    observation = Observation()
    seen: list[tuple[str, Any]] = [("ListFootprints", f) for f in session.walk()]
    ids = [f["id"] for _, f in seen if isinstance(f, dict) and isinstance(f.get("id"), str)]
    for footprint_id in list(dict.fromkeys(ids))[:MAX_GETS]:
        response = session.client.request("GET", session.footprint_url(footprint_id), token=session.token(),
                                          note="GetFootprint (data model)")
        try:
            body = response.json() if response.status == 200 else None
        except BadBody:
            body = None
        if isinstance(body, dict) and "data" in body:
            seen.append(("GetFootprint", body["data"]))
    if len(set(ids)) > MAX_GETS:
        observation.notes.append(f"GetFootprint checked for the first {MAX_GETS} of {len(set(ids))} listed footprints")
    seen += [(str(source), f) for source, f in context.shared.get(OBSERVED_KEY, [])]
    checked: set[str] = set()
    for _, footprint in seen:
        digest = _fingerprint(footprint)
        if digest in checked:
            continue
        checked.add(digest)
        observation.findings += check_footprint(footprint, context.spec, strict=context.options.strict)
    observation.footprints = len(checked)
    context.shared["datamodel"] = observation
    return observation


def _check_area(context: RunContext, area: str) -> None:
    observation = _observe(context)
    log = context.session.evidence
    for note in observation.notes:
        log.note(note)
    findings = findings_by_area(observation.findings).get(area, [])
    # Errors first: the evidence keeps a capped number of findings, and no defect may hide behind warnings.
    log.findings.extend(f.to_dict() for f in sorted(findings, key=lambda f: f.severity is not Severity.ERROR))
    log.note(f"{observation.footprints} distinct footprint documents checked")
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        first = errors[0]
        footprints = len({f.footprint_id for f in errors})
        fail(f"{len(errors)} MUST violation(s) in {footprints} footprint(s) ({_per_rule(errors)}); first: "
             f"{first.rule} at {first.pointer or '/'} of {first.footprint_id}: {first.message}",
             sorted({"LIST-03", "GET-02", *(f.rule for f in errors if f.rule != "SCHEMA")}))


def _per_rule(errors: list[Finding]) -> str:
    """Each broken rule with its footprint count, so a second defect shows beside the first in the message."""
    footprints: dict[str, set[str | None]] = {}
    for finding in errors:
        footprints.setdefault(finding.rule, set()).add(finding.footprint_id)
    return ", ".join(f"{rule} in {len(ids)}" for rule, ids in sorted(footprints.items()))


def _rule_ids(area: str) -> list[str]:
    return sorted({rule.id for rule in all_rules() if rule.area == area and rule.profile is None})


_BASE = ["LIST-03", "GET-02", "GEN-08"]


@case("DM-IDENTITY", title="Footprint identity data is valid (ids, names, product and company ids, geography)",
      requirements=_BASE + _rule_ids("identity"), mandatory="all")
def test_identity(pact_context: RunContext) -> None:
    _check_area(pact_context, "identity")


@case("DM-TIME", title="Footprint time data is valid (timestamps, reference and validity periods)",
      requirements=_BASE + _rule_ids("time"), mandatory="all")
def test_time(pact_context: RunContext) -> None:
    _check_area(pact_context, "time")


@case("DM-EMISSIONS", title="Emission figures are valid (units, decimals, signs, characterisation factors)",
      requirements=_BASE + _rule_ids("emissions"), mandatory="all")
def test_emissions(pact_context: RunContext) -> None:
    _check_area(pact_context, "emissions")


@case("DM-DATA-QUALITY", title="Data quality information is valid (DQI, primary data share, exemptions)",
      requirements=_BASE + _rule_ids("data-quality"), mandatory="all")
def test_data_quality(pact_context: RunContext) -> None:
    _check_area(pact_context, "data-quality")


@case("DM-ASSURANCE", title="Assurance / verification information is valid",
      requirements=_BASE + _rule_ids("assurance"), mandatory="all")
def test_assurance(pact_context: RunContext) -> None:
    _check_area(pact_context, "assurance")


@case("DM-EXTENSIONS", title="Data model extensions are well-formed",
      requirements=_BASE + _rule_ids("extensions"), mandatory="all")
def test_extensions(pact_context: RunContext) -> None:
    _check_area(pact_context, "extensions")
