"""End-to-end: the CLI against the embedded host, report artefacts, secrets, hostile strings, plain pytest."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.reference.host import ReferenceHost
from conformance.results import Verdict
from tests.faults.middleware import HttpReply, rewrite_response, route
from tests.harness import artefact_text, executable_content, issued_tokens, run_host

REPO = Path(__file__).resolve().parents[1]
HOSTILE = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'


def test_cli_run_against_embedded_host_is_conformant(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(["run", "--report-dir", str(tmp_path)], out=out, err=err)
    assert code == 0, out.getvalue() + err.getvalue()
    assert "Verdict: conformant" in out.getvalue()
    for name in ("report.json", "report.html", "junit.xml"):
        assert (tmp_path / name).is_file()
    assert list((tmp_path / "allure-results").glob("*-result.json"))
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["verdict"] == "conformant"
    assert {"tool", "target", "started_at", "finished_at", "summary", "cases"} <= set(report)
    case = report["cases"][0]
    assert {"id", "title", "requirements", "official", "mandatory", "outcome", "message", "duration_s", "evidence"} <= set(case)
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    assert suite.get("failures") == "0" and int(suite.get("tests", "0")) == len(report["cases"])


def test_no_secret_or_token_in_any_artefact(tmp_path: Path) -> None:
    with ReferenceHost("2.3") as host:
        output = run_host(host, tmp_path, "2.3")
        tokens = issued_tokens(host)
    assert tokens, "the run must have obtained tokens"
    text = artefact_text(output.report_dir)
    for secret in [host.config.client_secret, *tokens]:
        assert secret not in text
    assert "«redacted bearer" in text  # evidence keeps a marker with the token's kind and length


def _hostile_error(reply: HttpReply) -> None:
    reply.status = 500
    reply.set_json({"code": HOSTILE, "message": HOSTILE, "token": "x"})
    reply.set_header("x-hostile", HOSTILE.replace("\n", ""))


def test_hostile_strings_are_inert_in_html_and_valid_in_junit(tmp_path: Path) -> None:
    wrap = rewrite_response(route("GET", r"/2/footprints"), _hostile_error)
    with ReferenceHost("2.3", wrap=wrap) as host:
        output = run_host(host, tmp_path, "2.3")
    assert output.result.verdict is Verdict.NOT_CONFORMANT
    html = (tmp_path / "report.html").read_text()
    assert executable_content(html) == []
    assert "&lt;script&gt;" in html  # shown, but escaped
    ET.parse(tmp_path / "junit.xml")  # still well-formed


def test_plain_pytest_reaches_the_same_verdict(tmp_path: Path) -> None:
    """`pytest cases/` with the plugin from the entry point, against the embedded host."""
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", str(REPO / "cases"), "-q", "-p", "no:cacheprovider", "--pact-spec", "3.0"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Verdict: conformant — mandatory" in completed.stdout  # the line `run` ends with


@pytest.mark.parametrize("spec", ["2.3", "3.0"])
def test_default_report_dir_and_latest_link(spec: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(["run", "--spec", spec, "--quiet"], out=io.StringIO(), err=io.StringIO())
    assert code == 0
    latest = tmp_path / "reports" / "latest"
    assert latest.is_symlink() and (latest / "report.json").is_file()
