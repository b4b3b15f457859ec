"""A -k, --official-only, --insecure-tls or --no-fuzz run is 'partial' in badge.json, summary.md, the HTML and the
JUnit properties; never a plain 'conformant'. A failure in a subset keeps its own verdict."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conformance.catalog import CaseSpec
from conformance.cli import main
from conformance.report.badge import badge
from conformance.report.html import render_html
from conformance.report.junit import properties
from conformance.report.summary_md import summary_markdown
from conformance.results import CaseOutcome, Outcome, RunResult


def _result(outcome: str = "passed", **scope: object) -> RunResult:
    spec = CaseSpec(id="LIST-OK", title="list", requirements=("LIST-01",), mandatory="all")
    return RunResult(tool_version="0", target={"base_url": "https://t.example"}, spec="2.3", profiles=[],
                     started_at="s", finished_at="f", run_id="p",
                     cases=[CaseOutcome(spec=spec, mandatory=True, outcome=Outcome(outcome))], **scope)  # type: ignore[arg-type]


PARTIAL_RUNS = [({"selection": "auth<b>"}, "-k auth&lt;b&gt;"),
                ({"insecure_tls": True}, "--insecure-tls"), ({"fuzzed": False}, "--no-fuzz")]


@pytest.mark.parametrize(("scope", "named"), PARTIAL_RUNS)
def test_a_conformant_subset_is_partial_everywhere(scope: dict, named: str) -> None:
    result = _result(**scope)
    assert result.verdict.value == "conformant"  # the computed verdict is kept in report.json
    assert result.to_dict()["scope"]["partial"] is True
    assert badge(result)["message"] == "partial" and badge(result)["color"] == "yellow"
    summary = summary_markdown(result)
    assert summary.splitlines()[0] == "**PACT conformance 2.3: 🟡 partial**"
    assert "Partial run" in summary and named in summary and "<b>" not in summary
    html = render_html(result)
    assert 'class="verdict v-partial"' in html and 'class="verdict v-conformant"' not in html
    assert named in html
    assert properties(result)["verdict"] == "partial" and properties(result)["partial_reasons"]


def test_an_official_only_run_is_never_conformant_in_full() -> None:
    """--official-only judges the official tool's cases: its full verdict cannot be reached, and is never conformant."""
    result = _result(official_only=True)
    assert result.verdict.value == "incomplete" and "official-only" in result.partial_reasons
    assert badge(result)["message"] != "conformant" and properties(result)["verdict"] != "conformant"
    summary = summary_markdown(result)
    assert "--official-only" in summary and "✅ conformant" not in summary.splitlines()[0]
    assert 'class="verdict v-conformant"' not in render_html(result).split('<div class="verdicts">')[1].split("</p>")[0]


def test_a_full_run_is_conformant_and_a_failing_subset_keeps_its_verdict() -> None:
    assert badge(_result())["message"] == "conformant" and properties(_result())["partial_reasons"] == ""
    failing = _result("failed", selection="list")
    assert badge(failing)["message"] == "not conformant" and properties(failing)["verdict"] == "not-conformant"
    assert "Partial run" in summary_markdown(failing)  # the selection is still named


def test_a_selected_cli_run_is_partial_in_every_artefact(tmp_path: Path) -> None:
    out = io.StringIO()
    code = main(["run", "-k", "test_list_footprints", "--no-fuzz", "--report-dir", str(tmp_path)], out=out,
                err=io.StringIO())
    assert code == 0, out.getvalue()
    assert "Partial run" in out.getvalue()
    assert json.loads((tmp_path / "badge.json").read_text())["message"] == "partial"
    assert "🟡 partial" in (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "v-partial" in (tmp_path / "report.html").read_text(encoding="utf-8")
    props = {p.get("name"): p.get("value") for p in ET.parse(tmp_path / "junit.xml").getroot().iter("property")}
    assert props["verdict"] == "partial" and props["selection"] == "test_list_footprints"
    assert props["partial_reasons"] == "selection,no-fuzz"
    assert json.loads((tmp_path / "report.json").read_text())["scope"]["reasons"] == ["selection", "no-fuzz"]
