"""Contested rules (prose and published OpenAPI disagree) warn by default and fail with --strict; the report
names the rule either way (e.g. v2.3 crossSectoralStandards, C-01)."""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main
from conformance.reference.data import load_footprints
from conformance.reference.host import ReferenceHost
from conformance.results import Outcome, Verdict
from conformance.rules import check_footprint
from conformance.rules.contested import CONTESTED
from conformance.rules.finding import Severity
from tests.harness import run_host


def _without_cross_sectoral_standards() -> list[dict[str, Any]]:
    footprints = copy.deepcopy(load_footprints("2.3"))
    for footprint in footprints:
        footprint["pcf"].pop("crossSectoralStandards", None)
    return footprints


def test_each_contested_rule_quotes_both_texts() -> None:
    assert CONTESTED and all(c.prose and c.openapi and c.requirement for c in CONTESTED)
    assert len({c.id for c in CONTESTED}) == len(CONTESTED)


def test_a_contested_finding_is_a_warning_unless_strict() -> None:
    footprint = _without_cross_sectoral_standards()[0]
    relaxed = [f for f in check_footprint(footprint, "2.3") if f.pointer == "/pcf/crossSectoralStandards"]
    strict = [f for f in check_footprint(footprint, "2.3", strict=True) if f.pointer == "/pcf/crossSectoralStandards"]
    assert [f.severity for f in relaxed] == [Severity.WARNING] and [f.severity for f in strict] == [Severity.ERROR]
    assert all("contested rule C-01" in f.message for f in relaxed + strict)
    wrong_type = copy.deepcopy(footprint)
    wrong_type["pcf"]["crossSectoralStandards"] = "ISO14067"  # the type is not contested: still an error
    assert any(f.severity is Severity.ERROR for f in check_footprint(wrong_type, "2.3")
               if f.pointer.startswith("/pcf/crossSectoralStandards"))


@pytest.mark.parametrize("strict", [False, True])
def test_the_run_warns_or_fails_and_names_the_contested_rule(strict: bool, tmp_path: Path) -> None:
    with ReferenceHost("2.3", overrides={"footprints": {"2.3": _without_cross_sectoral_standards()}}) as host:
        result = run_host(host, tmp_path, "2.3", select="DM or FUZZ", strict=strict).result
    failed = {c.spec.id for c in result.cases if c.outcome is Outcome.FAILED}
    named = [f for c in result.cases for f in c.findings if "contested rule C-01" in f["message"]]
    assert named, "the report names the contested rule"
    if strict:
        assert failed and result.verdict is Verdict.NOT_CONFORMANT
    else:
        assert not failed, [(c.spec.id, c.message) for c in result.cases if c.outcome is Outcome.FAILED]


def test_coverage_lists_the_contested_rules() -> None:
    out = io.StringIO()
    assert main(["cases", "--coverage"], out=out) == 0
    assert "C-01" in out.getvalue() and "also mandatory" in out.getvalue()
