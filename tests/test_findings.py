"""Findings are first-class: a new defect inside a case that already fails shows in the counts, the baseline
comparison and the regression gate. The two runs below differ by exactly one finding (DM-05 in a second
footprint); the case DM-TIME fails in both, so an outcome-only comparison saw no change."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from conformance.engine import exit_code as _exit_code
from conformance.reference.data import load_footprints
from conformance.results import Outcome
from conformance.rules.finding import finding_key
from tests.faults.model import Fault
from tests.harness import faulty_host, run_host

SPEC = "2.3"


def _broken(count: int) -> list[dict[str, Any]]:
    """The reference dataset with `updated` before `created` (DM-05, a MUST) in its first `count` footprints."""
    dataset = copy.deepcopy(load_footprints(SPEC))
    for footprint in dataset[:count]:
        footprint["updated"] = "2000-01-01T00:00:00Z"
    return dataset


def _run(count: int, report_dir: Path, **options: Any) -> Any:
    fault = Fault(f"dm-05-in-{count}", "updated before created", frozenset({"DM-TIME"}),
                  overrides={"footprints": {SPEC: _broken(count)}})
    with faulty_host(fault, SPEC) as host:
        return run_host(host, report_dir, SPEC, select="DM-TIME", no_fuzz=True, **options)


def test_one_new_finding_in_an_already_failing_case_is_new_and_a_regression(tmp_path: Path) -> None:
    before = _run(1, tmp_path / "before")
    assert {c.spec.id: c.outcome for c in before.result.cases}["DM-TIME"] is Outcome.FAILED
    now = _run(2, tmp_path / "now", baseline=tmp_path / "before" / "report.json", fail_on="regression")
    comparison = now.result.baseline
    second = load_footprints(SPEC)[1]["id"]
    assert comparison.still_failing == ["DM-TIME"] and not comparison.new_failures
    assert comparison.new_findings == [finding_key("DM-05", second, "/updated")]
    assert comparison.new_error_findings == comparison.new_findings and not comparison.fixed_findings
    assert comparison.regression and _exit_code(now.result, "regression") == 1
    case = next(c for c in now.result.cases if c.spec.id == "DM-TIME")
    assert "DM-05 in 2" in case.message  # the second footprint is in the verdict's message, not only the first
    report = json.loads((tmp_path / "now" / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["findings"]["failed"] == 2 and report["baseline"]["new_findings"] == comparison.new_findings
    summary = (tmp_path / "now" / "summary.md").read_text(encoding="utf-8")
    assert "2 failed (error level)" in summary and "New findings (1)" in summary
    html = (tmp_path / "now" / "report.html").read_text(encoding="utf-8")
    assert "New findings (1)" in html and "2 failed (error level)" in html


def test_the_same_findings_again_are_no_regression_and_a_fix_is_reported(tmp_path: Path) -> None:
    _run(2, tmp_path / "before")
    same = _run(2, tmp_path / "same", baseline=tmp_path / "before" / "report.json").result.baseline
    assert not same.new_findings and not same.regression
    fixed = _run(1, tmp_path / "fixed", baseline=tmp_path / "before" / "report.json").result.baseline
    assert fixed.fixed_findings == [finding_key("DM-05", load_footprints(SPEC)[1]["id"], "/updated")]
    assert not fixed.regression
