"""A case whose precondition failed is blocked by the case that owns it, not failed a second time: with a wrong
client secret AUTH-TOKEN fails once, the cases that needed the run token are blocked by it, the verdict is still
not conformant and the CLI names the one root cause."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.reference.host import ReferenceHost
from conformance.results import Outcome, Verdict, verdict_from

SELECTION = "test_token_with_valid_credentials or test_list_footprints or test_get_footprint"


def test_blocked_alone_is_never_conformant() -> None:
    assert verdict_from([Outcome.PASSED, Outcome.BLOCKED]) is Verdict.INCOMPLETE
    assert verdict_from([Outcome.FAILED, Outcome.BLOCKED]) is Verdict.NOT_CONFORMANT


def test_a_wrong_secret_fails_auth_token_once_and_blocks_the_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with ReferenceHost("2.3") as host:
        monkeypatch.setenv("PACT_CLIENT_SECRET", "not-the-secret")
        out = io.StringIO()
        code = main(["run", "--base-url", host.url, "--client-id", host.config.client_id, "--ca-cert",
                     str(host.ca.ca_pem), "-k", SELECTION, "--no-fuzz", "--report-dir", str(tmp_path)],
                    out=out, err=io.StringIO())
    assert code == 1, out.getvalue()
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    outcomes = {c["id"]: (c["outcome"], c["blocked_by"]) for c in report["cases"]}
    assert outcomes["AUTH-TOKEN"] == ("failed", None)
    blocked = [case_id for case_id, (outcome, by) in outcomes.items() if outcome == "blocked" and by == "AUTH-TOKEN"]
    assert {"LIST-OK", "GET-OK"} <= set(blocked)
    assert report["verdict"] == "not-conformant" and report["summary"]["mandatory"]["failed"] == 1
    assert f"{len(blocked)} cases blocked by AUTH-TOKEN:" in out.getvalue() and "PACT_CLIENT_SECRET" in out.getvalue()
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "blocked by AUTH-TOKEN" in html
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    list_ok = next(t for t in suite.iter("testcase") if t.get("name", "").startswith("LIST-OK:"))
    assert list_ok.find("error").get("type") == "not-run (blocked)"


def test_an_untrusted_certificate_blocks_the_cases_with_one_root_cause(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No --ca-cert for a private CA: the preflight names the fix once; every case that fails on the untrusted
    certificate is blocked by TLS-TRUST instead of failing; the run is incomplete, never conformant."""
    with ReferenceHost("2.3") as host:
        monkeypatch.setenv("PACT_CLIENT_SECRET", host.config.client_secret)
        out = io.StringIO()
        code = main(["run", "--base-url", host.url, "--client-id", host.config.client_id, "-k", SELECTION,
                     "--no-fuzz", "--report-dir", str(tmp_path)], out=out, err=io.StringIO())
    assert code == 1, out.getvalue()
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    blocked = [c["id"] for c in report["cases"] if c["outcome"] == "blocked" and c["blocked_by"] == "TLS-TRUST"]
    failed_on_tls = [c["id"] for c in report["cases"] if c["outcome"] == "failed" and "not trusted" in c["message"]]
    assert {"AUTH-TOKEN", "LIST-OK", "GET-OK"} <= set(blocked) and not failed_on_tls
    assert report["verdict"] == "incomplete" and report["summary"]["mandatory"]["failed"] == 0
    printed = out.getvalue()
    assert printed.count("pass --ca-cert") >= 1 and f"{len(blocked)} cases blocked by TLS-TRUST:" in printed
    assert "blocked by TLS-TRUST: blocked by" not in printed


@pytest.mark.parametrize("url, names", [("https://nonexistent.invalid", "DNS: the name nonexistent.invalid"),
                                        ("https://127.0.0.1:1", "TCP: nothing listens on port 1")])
def test_an_unreachable_target_is_one_line_naming_the_layer_and_the_fix(url: str, names: str, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACT_CLIENT_SECRET", "some-secret-value")
    err = io.StringIO()
    code = main(["run", "--base-url", url, "--client-id", "c", "--no-fuzz", "--report-dir", str(tmp_path)],
                out=io.StringIO(), err=err)
    assert code == 3 and err.getvalue().count("\n") == 1 and names in err.getvalue() and "check" in err.getvalue()
