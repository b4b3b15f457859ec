"""Every data rule has a basis in the spec text; reviewed rules grade each part as their basis says;
docs/severity-audit.md and `cases --coverage` show the bases."""

from __future__ import annotations

import io
from pathlib import Path

from conformance.coverage import load_cases, print_coverage
from conformance.rules import check_footprint
from conformance.rules.basis import BASES, CASE_GRADING, REVIEWED, audit_markdown, parts_for, severity_of
from conformance.rules.registry import all_rules
from tests.datamodel.test_rules import FIRING, mutated

DOC = Path(__file__).resolve().parents[1] / "docs" / "severity-audit.md"


def test_every_rule_has_a_basis() -> None:
    missing = sorted({rule.id for rule in all_rules()} - set(BASES))
    assert not missing, f"rules without a basis in conformance/rules/basis.py: {missing}"


def test_each_reviewed_part_is_graded_as_its_basis_says_or_says_why_not() -> None:
    for rule_id, parts in REVIEWED.items():
        for part in parts:
            assert part.new == severity_of(part.kind).value or part.because, (rule_id, part.what)


def test_reviewed_rules_fire_with_a_severity_their_parts_allow() -> None:
    for rule_id, spec, stem, changes, severity, pointer in FIRING:
        if rule_id not in REVIEWED:
            continue
        allowed = {part.new for part in parts_for(rule_id, spec)}
        fired = {f.severity.value for f in check_footprint(mutated(spec, stem, changes), spec)
                 if f.rule == rule_id and f.pointer == pointer}
        assert fired == {severity.value} and fired <= allowed, (rule_id, spec, fired, allowed)


def test_the_audit_table_in_docs_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == audit_markdown(), "run: python -m conformance.rules.basis > " + str(DOC)


def test_coverage_shows_the_basis_of_each_rule() -> None:
    out = io.StringIO()
    print_coverage(out)
    text = out.getvalue()
    assert all(f"{rule_id:<9} basis {basis.kind}" in text for rule_id, basis in BASES.items())


def test_every_rule_is_reviewed_part_by_part() -> None:
    assert set(REVIEWED) == set(BASES)


def test_each_case_grading_names_cases_that_exist_with_that_grading() -> None:
    cases = {spec.id: spec for spec in load_cases()}
    for grading in CASE_GRADING:
        named = [name for name in grading.case.split(", ") if "*" not in name and ".." not in name]
        assert all(name in cases and cases[name].mandatory == grading.mandatory for name in named), grading.case
