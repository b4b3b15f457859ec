"""junit.xml agrees with the exit code: anything short of conformant is a failure or an error, optional failures
are warnings in <system-out>, and the run's verdict, spec, profiles and selection are properties."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from conformance.catalog import CaseSpec
from conformance.cli import EXIT_OK
from conformance.engine import exit_code as _exit_code
from conformance.report.junit import build_junit
from conformance.results import CaseOutcome, Outcome, RunResult


def _case(case_id: str, outcome: str, mandatory: bool = True, message: str = "") -> CaseOutcome:
    spec = CaseSpec(id=case_id, title=f"title of {case_id}", requirements=("LIST-01",),
                    mandatory="all" if mandatory else "none", area="list")
    return CaseOutcome(spec=spec, mandatory=mandatory, outcome=Outcome(outcome), message=message)


def _result(cases: list[CaseOutcome], **extra: object) -> RunResult:
    return RunResult(tool_version="0", target={"base_url": "https://t.example"}, spec="2.3", profiles=["gxd"],
                     started_at="2025-01-01T00:00:00Z", finished_at="2025-01-01T00:00:01Z", cases=cases,
                     run_id="junit-test", **extra)  # type: ignore[arg-type]


def _testcase(suite: ET.Element, case_id: str) -> ET.Element:
    return next(t for t in suite.iter("testcase") if t.get("name", "").startswith(f"{case_id}:"))


def test_each_outcome_has_its_element() -> None:
    suite = build_junit(_result([
        _case("M-FAIL", "failed", message="status 500"), _case("M-SKIP", "skipped", message="no footprint listed"),
        _case("M-ERR", "error", message="harness error (KeyError)"), _case("O-FAIL", "failed", False, "no-store missing"),
        _case("O-SKIP", "skipped", False, "no --link-wait"), _case("OK", "passed"),
    ]))
    assert _testcase(suite, "M-FAIL").find("failure").get("message") == "status 500"
    not_run = _testcase(suite, "M-SKIP").find("error")
    assert not_run.get("message") == "no footprint listed" and not_run.get("type") == "not-run (skipped)"
    assert _testcase(suite, "M-ERR").find("error").get("type") == "harness-error"
    warning = _testcase(suite, "O-FAIL")
    assert [child.tag for child in warning] == ["system-out"] and "no-store missing" in warning.find("system-out").text
    assert _testcase(suite, "O-SKIP").find("skipped") is not None
    assert list(_testcase(suite, "OK")) == []
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("6", "1", "2", "1")


def test_properties_name_verdict_spec_profiles_and_selection() -> None:
    suite = build_junit(_result([_case("OK", "passed")], selection="auth and not oidc"))
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["verdict"] == "partial" and props["spec"] == "2.3"  # a -k run is never plain conformant
    assert props["profiles"] == "gxd" and props["selection"] == "auth and not oidc"


@pytest.mark.parametrize(("cases", "extra"), [
    ([_case("OK", "passed")], {}),
    ([_case("OK", "passed")], {"interrupted": True}),
    ([_case("O-FAIL", "failed", False)], {}),  # nothing mandatory ran: incomplete
    ([_case("M", "skipped"), _case("OK", "passed")], {}),
    ([_case("M", "failed")], {}),
    ([_case("OK", "passed"), _case("O-FAIL", "failed", False)], {}),
])
def test_failures_and_errors_exactly_when_the_exit_code_is_one(cases: list[CaseOutcome], extra: dict) -> None:
    result = _result(cases, **extra)
    suite = build_junit(result)
    red = int(suite.get("failures", "0")) + int(suite.get("errors", "0")) > 0
    assert red == (_exit_code(result, "nonconformant") != EXIT_OK)
    assert int(suite.get("tests", "0")) == len(list(suite.iter("testcase")))
