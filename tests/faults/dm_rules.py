"""One fault per DM rule that no invalid fixture breaks: the rule's firing change from
tests/datamodel/test_rules.py (FIRING) served by the host, so the kill matrix sees each rule broken.

An error-level rule must fail its area's case; a warning-level one must be reported as a finding.
Only the area's case runs: the data swap cannot touch any other case (datamodel.py's full runs show that).
"""

from __future__ import annotations

from conformance.rules import check_footprint
from conformance.rules.finding import Severity
from conformance.rules.registry import all_rules
from tests.datamodel.test_rules import FIRING, mutated
from tests.faults.datamodel import AREA_CASES, FAULTS as FIXTURE_FAULTS, _swap_in
from tests.faults.model import Fault

SPECS = ("2.3", "3.0")


def _faults() -> list[Fault]:
    area = {rule.id: rule.area for rule in all_rules()}  # rules of no area case (e.g. profile rules) are left out
    covered = {f"DM-{fault.name.split('-')[2]}" for fault in FIXTURE_FAULTS if fault.name.startswith("data-dm-")}
    faults: list[Fault] = []
    for rule_id, spec, stem, changes, severity, _pointer in FIRING:
        if rule_id in covered or spec not in SPECS or area.get(rule_id) not in AREA_CASES:
            continue
        footprint = mutated(spec, stem, changes)
        findings = check_footprint(footprint, spec)
        found = [f for f in findings if f.severity is Severity.ERROR]
        own = {f.area for f in findings if f.rule == rule_id}
        if len(own) != 1 or (severity is Severity.ERROR and {f.area for f in found} != own):
            continue  # the change breaks more than one area: not a one-rule fault
        if severity is Severity.WARNING and found:
            continue
        case = AREA_CASES[next(iter(own))]
        error = severity is Severity.ERROR
        faults.append(Fault(
            f"rule-{rule_id.lower()}@{spec}", f"the host serves a footprint breaking {rule_id} ({stem}, {changes})",
            kills=frozenset({case}) if error else frozenset(), warns=frozenset() if error else frozenset({rule_id}),
            specs=(spec,), overrides={"footprints": {spec: _swap_in(spec, footprint)}}, options={"select": case},
        ))
        covered.add(rule_id)
    return faults


FAULTS = _faults()
