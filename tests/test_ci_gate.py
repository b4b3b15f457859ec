"""The CI gate: comparison with a baseline report, `--fail-on regression`, summary.md and badge.json."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conformance.baseline import Baseline, compare, load_baseline
from conformance.catalog import CaseSpec
from conformance.cli import main
from conformance.config import ConfigError
from conformance.reference.host import ReferenceHost
from conformance.report.badge import badge
from conformance.report.html import render_html
from conformance.report.summary_md import summary_markdown
from conformance.results import CaseOutcome, Outcome, RunResult
from tests.faults.listing import FAULTS as LISTING_FAULTS
from tests.faults.listing import LIST
from tests.faults.middleware import HttpReply, rewrite_response
from tests.faults.model import Fault
from tests.harness import executable_content, faulty_host, issued_tokens, run_host

SELECTION = "test_list_footprints or test_get_footprint"  # LIST-OK and GET-OK: a few seconds
KILLS_LIST_OK = next(fault for fault in LISTING_FAULTS if fault.name == "list-content-type-text")
HOSTILE = "<script>alert(1)</script>|cell"
VERDICT_LINE = "**PACT conformance 2.3: ❌ not conformant**"


def _case(case_id: str, outcome: str, mandatory: bool = True, message: str = "") -> CaseOutcome:
    spec = CaseSpec(id=case_id, title=f"title of {case_id}", requirements=("LIST-01",),
                    mandatory="all" if mandatory else "none", official="TC4")
    return CaseOutcome(spec=spec, mandatory=mandatory, outcome=Outcome(outcome), message=message)


def _baseline(outcomes: dict[str, str]) -> Baseline:
    return Baseline(path="baseline/report.json", run_id="base-run", verdict="conformant", outcomes=outcomes)


def _result(cases: list[CaseOutcome], baseline: Baseline | None = None) -> RunResult:
    return RunResult(tool_version="0", target={"base_url": "https://target.example", "client_id": "vendor-client"},
                     spec="2.3", profiles=[], started_at="2025-01-01T00:00:00Z", finished_at="2025-01-01T00:00:01Z",
                     cases=cases, run_id="ci-gate-test", baseline=compare(cases, baseline) if baseline else None)


# Comparison with a baseline


def test_new_failures_fixes_and_known_failures() -> None:
    comparison = compare([_case("A", "failed"), _case("B", "passed"), _case("C", "error"), _case("D", "passed")],
                         _baseline({"A": "passed", "B": "failed", "C": "failed", "D": "passed"}))
    assert comparison.new_failures == ["A"] and comparison.new_mandatory_failures == ["A"]
    assert comparison.fixed == ["B"] and comparison.still_failing == ["C"]
    assert comparison.regression
    assert comparison.to_dict()["regression"] is True and comparison.to_dict()["run_id"] == "base-run"


def test_cases_in_only_one_of_the_runs() -> None:
    comparison = compare([_case("NEW-PASS", "passed"), _case("NEW-FAIL", "error"), _case("NEW-SKIP", "skipped")],
                         _baseline({"GONE": "failed"}))
    assert comparison.new_cases == ["NEW-PASS", "NEW-SKIP"]
    assert comparison.new_failures == ["NEW-FAIL"]  # a failing case the baseline did not have is news
    assert comparison.removed_cases == ["GONE"]


def test_not_run_is_reported_apart_from_failures() -> None:
    comparison = compare([_case("WAS-PASSED", "skipped"), _case("STILL-SKIPPED", "skipped"), _case("NOW-FAILS", "failed")],
                         _baseline({"WAS-PASSED": "passed", "STILL-SKIPPED": "skipped", "NOW-FAILS": "skipped"}))
    assert comparison.newly_skipped == ["WAS-PASSED"]
    assert comparison.new_failures == ["NOW-FAILS"]
    assert comparison.fixed == [] and comparison.still_failing == []


def test_only_a_new_mandatory_failure_is_a_regression() -> None:
    comparison = compare([_case("OPTIONAL", "failed", mandatory=False)], _baseline({"OPTIONAL": "passed"}))
    assert comparison.new_failures == ["OPTIONAL"] and comparison.new_mandatory_failures == []
    assert not comparison.regression


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"<html>not json</html>", "Expecting value"),
        (b"\xff\xfe{}", "utf-8"),
        (b"[1, 2]", "no format_version"),
        (b'{"format_version": 1}', "no list of cases"),
        (b'{"format_version": 1, "cases": [{"id": "A", "outcome": ["passed"]}]}', "known outcome"),
    ],
)
def test_a_file_that_is_not_a_report_is_a_config_error(content: bytes, needle: str, tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=needle) as raised:
        load_baseline(path)
    assert "\n" not in str(raised.value)


def test_an_unreadable_baseline_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_baseline(tmp_path)


# summary.md and badge.json


def test_summary_md_keeps_hostile_messages_inert() -> None:
    text = summary_markdown(_result([_case("LIST-OK", "failed", message=f"{HOSTILE} [link](https://evil.example)\nnext"),
                                     _case("GET-OK", "passed")]))
    assert text.splitlines()[0] == VERDICT_LINE
    assert "<script>" not in text and "&lt;script&gt;" in text
    row = next(line for line in text.splitlines() if line.startswith("| LIST-OK"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 6, row  # five cells: the target's pipe opens none
    assert "\\[link\\]" in row and "next" not in text
    assert "vendor-client" not in text  # the target is named by its URL only


def test_summary_md_and_html_show_the_baseline_changes_escaped() -> None:
    hostile_id = '<img src=x onerror="alert(1)">'
    result = _result([_case("LIST-OK", "failed"), _case("GET-OK", "passed")],
                     _baseline({"LIST-OK": "passed", "GET-OK": "failed", hostile_id: "passed"}))
    text = summary_markdown(result)
    assert "**New failures (1):** LIST-OK (mandatory)" in text and "**Fixed (1):** GET-OK" in text
    assert "❌ regression" in text and "<img" not in text
    html = render_html(result)
    assert "Changes since the baseline" in html and "<strong>LIST-OK</strong>" in html
    assert executable_content(html) == []


@pytest.mark.parametrize(("outcome", "message", "color"),
                         [("passed", "conformant", "brightgreen"), ("failed", "not conformant", "red"),
                          ("skipped", "incomplete", "orange")])
def test_badge_is_a_shields_endpoint(outcome: str, message: str, color: str) -> None:
    assert badge(_result([_case("LIST-OK", outcome)])) == {"schemaVersion": 1, "label": "PACT 2.3",
                                                           "message": message, "color": color}


def _hostile_content_type(reply: HttpReply) -> None:
    """Content-Type carrying markup, a table pipe and the request's own bearer token, into LIST-OK's message."""
    token = reply.request_headers.get("authorization", "").removeprefix("Bearer ")
    reply.set_header("content-type", f"text/html|{HOSTILE} {token}")


def test_summary_md_of_a_hostile_run_is_escaped_and_holds_no_secret(tmp_path: Path) -> None:
    fault = Fault("hostile-content-type", "Content-Type with markup and the bearer token", kills=frozenset({"LIST-OK"}),
                  wrap=rewrite_response(LIST, _hostile_content_type))
    with faulty_host(fault, "2.3") as host:
        run_host(host, tmp_path, "2.3", select=SELECTION, no_fuzz=True)
        secrets = [host.config.client_secret, *issued_tokens(host)]
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.splitlines()[0] == VERDICT_LINE
    assert "text/html\\|&lt;script&gt;" in summary and "<script>" not in summary
    assert not [secret for secret in secrets if secret in summary]
    assert json.loads((tmp_path / "badge.json").read_text())["message"] == "not conformant"


# The gate end to end


def _cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _report(report_dir: Path) -> dict[str, Any]:
    return json.loads((report_dir / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def clean_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """report.json of a run of the selection against the clean embedded host."""
    report_dir = tmp_path_factory.mktemp("clean")
    code, out, err = _cli(["run", "-k", SELECTION, "--no-fuzz", "--report-dir", str(report_dir)])
    assert code == 0, out + err
    return report_dir / "report.json"


@pytest.fixture(scope="module")
def broken_host() -> Iterator[ReferenceHost]:
    with faulty_host(KILLS_LIST_OK, "2.3") as host:
        yield host


def _run_broken(host: ReferenceHost, report_dir: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> tuple[int, str, str]:
    monkeypatch.setenv("PACT_CLIENT_SECRET", host.config.client_secret)
    return _cli(["run", "--base-url", host.url, "--client-id", host.config.client_id, "--ca-cert", str(host.ca.ca_pem),
                 "-k", SELECTION, "--no-fuzz", "--report-dir", str(report_dir), *extra])


def test_new_mandatory_failure_fails_the_regression_gate(clean_report: Path, broken_host: ReferenceHost,
                                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = _run_broken(broken_host, tmp_path, monkeypatch, "--baseline", str(clean_report),
                                 "--fail-on", "regression")
    assert code == 1, out + err
    report = _report(tmp_path)
    assert report["format_version"] == 1
    assert report["baseline"]["path"] == str(clean_report) and report["baseline"]["verdict"] == "conformant"
    assert report["baseline"]["new_failures"] == ["LIST-OK"] and report["baseline"]["regression"] is True
    assert f"Baseline {clean_report}: 1 new failures (1 mandatory)" in out
    assert "LIST-OK (mandatory)" in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_known_failures_pass_the_regression_gate_but_not_the_default(broken_host: ReferenceHost, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    first = tmp_path / "first"
    assert _run_broken(broken_host, first, monkeypatch)[0] == 1
    config = tmp_path / "gate.toml"  # the gate set in the config file, as CI setups keep it
    config.write_text(f'baseline = "{first / "report.json"}"\nfail_on = "regression"\n', encoding="utf-8")
    code, out, err = _run_broken(broken_host, tmp_path / "again", monkeypatch, "--config", str(config))
    assert code == 0, out + err
    assert _report(tmp_path / "again")["baseline"]["still_failing"] == ["LIST-OK"]
    code, out, err = _run_broken(broken_host, tmp_path / "default", monkeypatch, "--baseline", str(first / "report.json"))
    assert code == 1, out + err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--fail-on", "regression"], "--fail-on regression needs --baseline"),
        (["--baseline", "/nonexistent/report.json"], "--baseline file not found"),
        (["--baseline", "{html}", "--fail-on", "regression"], "is not a pact-conformance report.json"),
    ],
)
def test_gate_usage_errors_are_one_line_before_any_case(args: list[str], needle: str, tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    html.write_text("<html></html>", encoding="utf-8")
    report_dir = tmp_path / "never"
    code, out, err = _cli(["run", *[a.format(html=html) for a in args], "--report-dir", str(report_dir)])
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and needle in err and "Traceback" not in err
    assert out == ""
    assert json.loads((report_dir / "report.json").read_text(encoding="utf-8"))["verdict"] == "not-tested"
    assert sorted(p.name for p in report_dir.iterdir()) == ["badge.json", "report.json", "summary.md"]


# The CI templates in docs/ci/ run as jobs in tests/test_ci_templates.py.


def test_a_mandatory_case_that_passed_and_now_cannot_run_is_a_regression() -> None:
    from conformance.coverage import load_cases

    spec = load_cases()[0]
    now = [CaseOutcome(spec=spec, mandatory=True, outcome=Outcome.SKIPPED)]
    comparison = compare(now, Baseline(path="b", run_id=None, verdict=None, outcomes={spec.id: "passed"}))
    assert comparison.new_mandatory_not_run == [spec.id] and comparison.regression
    skipped_before = compare(now, Baseline(path="b", run_id=None, verdict=None, outcomes={spec.id: "skipped"}))
    assert not skipped_before.regression
