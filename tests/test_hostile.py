"""A hostile target cannot crash, hang or fool the harness, nor make it leak credentials."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import trustme
from pydantic import SecretStr

from conformance.config import Target
from conformance.reference.host import ReferenceHost
from conformance.reference.server import ThreadedServer
from conformance.reference.tls import RunCA, make_run_ca
from conformance.results import Outcome, Verdict
from tests.harness import artefact_text, executable_content, run_target
from tests.hostile import HOSTILE_TEXT, Recorder, SilentServer, TrickleServer, counted, hostile_app

TIMEOUT_S = 1.0
NEVER_ANSWERING = {"slow", "endless"}  # scenarios whose listing never completes an answer
# Requests a run may make of a resource that never answers: three in a row, then one retry per 30 s
# while the run lasts, counted per origin, path and URL (a generous margin over the few that happen).
NOT_ANSWERING_BUDGET = 24


def _target(url: str, ca: RunCA | None, spec: str = "2.3") -> Target:
    return Target(base_url=url, auth_url=url, client_id="hostile-client",
                  client_secret=SecretStr("hostile-secret-123"), spec=spec,
                  ca_cert=ca.ca_pem if ca else None)


def _assert_controlled(result_cases: list, case_id: str = "LIST-OK") -> str:
    """No harness error anywhere; the named case failed with a reason. Returns that reason."""
    errors = [(c.spec.id, c.message) for c in result_cases if c.outcome is Outcome.ERROR]
    assert not errors, f"harness errors instead of failed cases: {errors}"
    case = next(c for c in result_cases if c.spec.id == case_id)
    assert case.outcome is Outcome.FAILED and case.message
    return case.message


@pytest.mark.parametrize(
    ("scenario", "reason"),
    [
        ("slow", "timeout|not answering"),
        ("huge", "size cap"),
        ("endless", "still streaming|not answering"),
        ("malformed-json", "not valid JSON"),
        ("invalid-utf8", "not valid UTF-8"),
        ("deep-json", "nested"),
        ("html", "Content-Type"),
        ("redirect-http", "302"),
    ],
)
def test_misbehaving_target_gives_failed_cases_not_crashes(scenario: str, reason: str, tmp_path: Path) -> None:
    ca = make_run_ca()
    seen: list[str] = []
    with ThreadedServer(counted(hostile_app(scenario), seen), tls=ca) as server:
        output = run_target(_target(server.url, ca), tmp_path, timeout_s=TIMEOUT_S)
    message = _assert_controlled(output.result.cases)
    assert re.search(reason, message), message
    assert output.result.verdict is Verdict.NOT_CONFORMANT
    # Bound: a target that never completes an answer is given up after a few requests per resource (not one
    # per case): counted in requests, not seconds, so the bound holds on a loaded machine too.
    if scenario in NEVER_ANSWERING:
        listings = [path for path in seen if path.endswith("/footprints")]
        assert len(listings) <= NOT_ANSWERING_BUDGET, f"{len(listings)} listing requests to a target that never answers"


def test_silent_server_times_out_everywhere(tmp_path: Path) -> None:
    with SilentServer() as silent:
        url = f"https://127.0.0.1:{silent.port}"
        output = run_target(_target(url, None), tmp_path, timeout_s=TIMEOUT_S)
        connections = len(silent._held)  # noqa: SLF001 - test-only count of what the run tried
    cases = output.result.cases
    # After three timeouts the target counts as not answering: a silent target costs a few connections, not
    # one timeout per request of every case.
    assert connections <= NOT_ANSWERING_BUDGET, f"{connections} connections to a silent target"
    assert output.result.verdict is Verdict.NOT_CONFORMANT
    assert not [c for c in cases if c.outcome is Outcome.ERROR]
    core = [c for c in cases if c.spec.id in ("AUTH-TOKEN", "LIST-OK", "GET-OK")]
    assert core and all(c.outcome is Outcome.FAILED for c in core)
    assert any("timeout" in c.message for c in cases)
    assert any("not answering" in c.message for c in cases)


@pytest.mark.parametrize("scenario", ["offsite-next", "redirect-offsite"])
def test_credentials_never_reach_another_origin(scenario: str, tmp_path: Path) -> None:
    ca = make_run_ca()
    recorder = Recorder()
    with ThreadedServer(recorder.app(), tls=ca) as elsewhere, \
            ThreadedServer(hostile_app(scenario, elsewhere.url), tls=ca) as server:
        output = run_target(_target(server.url, ca), tmp_path, timeout_s=TIMEOUT_S)
    assert not any("authorization" in headers for headers in recorder.requests)
    assert not [c for c in output.result.cases if c.outcome is Outcome.ERROR]


def test_cyclic_pagination_is_stopped(tmp_path: Path) -> None:
    from conformance.client import PactClient, iter_pages
    from conformance.evidence import EvidenceLog, SecretBook

    ca = make_run_ca()
    book = SecretBook()
    log = EvidenceLog(book)
    stops: list[str] = []
    with ThreadedServer(hostile_app("cyclic"), tls=ca) as server:
        client = PactClient(secrets=book, verify=ca.client_context(), timeout_s=TIMEOUT_S,
                            max_body_bytes=1024, evidence=lambda: log)
        pages = list(iter_pages(client, f"{server.url}/2/footprints", "t", max_pages=50, on_stop=stops.append))
        client.close()
    assert len(pages) <= 2 and stops and "cycle" in stops[0]


def test_trickled_headers_end_at_the_request_deadline() -> None:
    """httpx times out per read; a target sending a header byte every 0.1 s must still end at 3 x timeout."""
    from conformance.client import PactClient, TargetError
    from conformance.evidence import EvidenceLog, SecretBook

    book = SecretBook()
    log = EvidenceLog(book)
    with TrickleServer() as server:
        client = PactClient(secrets=book, verify=True, timeout_s=0.5, max_body_bytes=1024, evidence=lambda: log)
        with pytest.raises(TargetError, match="headers still incomplete"):  # the overall deadline, not a read timeout
            client.request("GET", f"http://127.0.0.1:{server.port}/2/footprints")
        client.close()


def test_hostile_strings_never_become_markup(tmp_path: Path) -> None:
    ca = make_run_ca()
    with ThreadedServer(hostile_app("hostile-strings"), tls=ca) as server:
        output = run_target(_target(server.url, ca), tmp_path, timeout_s=TIMEOUT_S)
    html = (output.report_dir / "report.html").read_text()
    assert executable_content(html) == []
    assert HOSTILE_TEXT not in html and "&lt;script&gt;" in html


def test_one_gib_body_keeps_memory_bounded(tmp_path: Path) -> None:
    """Peak memory of a whole CLI run against a 1 GiB body stays under 300 MiB."""
    ca = make_run_ca()
    with ThreadedServer(hostile_app("huge"), tls=ca) as server:
        script = (
            "from conformance.cli import main\n"
            f"code = main(['run', '--base-url', {server.url!r}, '--client-id', 'c', '--ca-cert', {str(ca.ca_pem)!r},"
            f" '--report-dir', {str(tmp_path / 'r')!r}, '--timeout', '5', '--quiet'])\n"
            # VmHWM is this process's own peak; ru_maxrss would carry the parent's peak over the exec.
            "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
            "print('MAXRSS_KIB', hwm.split()[1])\n"
        )
        completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                                   env={**os.environ, "PACT_CLIENT_SECRET": "s"})
    line = next(l for l in completed.stdout.splitlines() if l.startswith("MAXRSS_KIB"))
    peak_mib = int(line.split()[1]) / 1024
    assert peak_mib < 300, f"peak RSS {peak_mib:.0f} MiB"


def _cert_host(tmp_path: Path, **issue: object) -> tuple[ThreadedServer, RunCA]:
    ca = trustme.CA()
    leaf = ca.issue_cert(*issue.pop("names", ("127.0.0.1",)), **issue)  # type: ignore[arg-type]
    cert, key, ca_pem = tmp_path / "c.pem", tmp_path / "k.pem", tmp_path / "ca.pem"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    ca.cert_pem.write_to_path(str(ca_pem))
    run_ca = RunCA(ca, tmp_path, ca_pem, cert, key)
    return ThreadedServer(ReferenceHost("2.3").app, tls=run_ca), run_ca


@pytest.mark.parametrize(
    ("case", "trust", "issue", "needle"),
    [
        ("self-signed-without-ca", False, {}, "not trusted"),
        ("expired", True, {"not_after": dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc),
                           "not_before": dt.datetime(2019, 1, 1, tzinfo=dt.timezone.utc)}, "expired"),
        ("wrong-hostname", True, {"names": ("wrong.example",)}, "not trusted"),
    ],
)
def test_tls_problems_fail_clearly_without_downgrade(case: str, trust: bool, issue: dict, needle: str,
                                                     tmp_path: Path) -> None:
    server, ca = _cert_host(tmp_path, **issue)
    with server:
        target = Target(base_url=server.url, auth_url=server.url, client_id="pact-demo-client",
                        client_secret=SecretStr("pact-demo-secret"), spec="2.3", ca_cert=ca.ca_pem if trust else None)
        output = run_target(target, tmp_path / "r", timeout_s=TIMEOUT_S)
    cases = output.result.cases
    # A CA nobody was told to trust is the user's to fix (--ca-cert): one root cause blocks the cases. An expired
    # certificate or a wrong host name is the target's defect: the cases fail.
    expected = (Outcome.BLOCKED, "TLS-TRUST") if not trust else (Outcome.FAILED, None)
    assert all((c.outcome, c.blocked_by) == expected for c in cases if c.spec.id in ("AUTH-TOKEN", "LIST-OK", "GET-OK"))
    messages = " ".join(c.message for c in cases)
    assert needle in messages, messages
    assert output.result.notes and "TLS" in output.result.notes[0]  # one clear line in the report
    assert "pact-demo-secret" not in artefact_text(output.report_dir)


def test_a_target_that_recovers_is_heard_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocking after three unanswered requests lasts RETRY_AFTER_S; then one request goes through again."""
    from conformance import client

    monkeypatch.setattr(client, "RETRY_AFTER_S", 0.2)
    guard = client._NotAnswering()  # noqa: SLF001 - the guard's timing, without waiting 30 s
    for _ in range(client.SILENT_AFTER_TIMEOUTS):
        assert not guard.blocked("https://h")
        guard.record("https://h", unanswered=True)
    assert guard.blocked("https://h")
    time.sleep(0.25)
    assert not guard.blocked("https://h")
    guard.record("https://h", unanswered=False)
    assert not guard.blocked("https://h")
