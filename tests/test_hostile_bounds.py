"""A run stays bounded whatever the target or the environment does: it ends, keeps its report and claims its folder.

Each test here failed before its bound existed: an endless pagination, a flooded events host, a
SIGTERM or SIGHUP, a closed stdout, two runs sharing one report folder, an interrupted run shown
as conformant per part, a dripping listing hidden by answered token requests.
Limits are set small through options so the tests are quick; nothing here asserts on time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from conformance.cli import main
from conformance.client import SILENT_AFTER_TIMEOUTS, PactClient, TargetError, _Progress, iter_pages
from conformance.coverage import load_cases
from conformance.evidence import (
    MAX_EVIDENCE_CHARS, MAX_EXCHANGES_KEPT, MAX_FINDINGS_KEPT, MAX_NOTES_KEPT, EvidenceLog, Exchange, SecretBook,
)
from conformance.listener import (
    CALLBACK_CLIENT_ID, CALLBACK_CLIENT_SECRET, MAX_EVENT_BYTES, MAX_EVENTS, MAX_TOKENS, Listener,
)
from conformance.reference.server import ThreadedServer
from conformance.report.summary_md import summary_markdown
from conformance.report_dir import claim_report_dir
from conformance.results import CaseOutcome, Outcome, RunResult, Verdict
from conformance.session import ssl_context
from tests.faults import all_faults
from tests.faults.model import Fault
from tests.harness import faulty_host, run_host

ROOT = Path(__file__).resolve().parents[1]
QUICK = ["--no-fuzz", "--quiet", "--timeout", "5"]


def _cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["run", *args])
    captured = capsys.readouterr()
    return code, captured.err


# Finding 11: every per-part verdict follows the top-level rules.
def test_an_interrupted_run_is_conformant_in_no_part() -> None:
    spec = next(c for c in load_cases() if c.profile is None and c.mandatory == "all")
    result = RunResult(tool_version="t", target={"base_url": "https://h"}, spec="2.3", profiles=["gxd"],
                       started_at="", finished_at="", run_id="r", interrupted=True,
                       cases=[CaseOutcome(spec=spec, mandatory=True, outcome=Outcome.PASSED)])
    assert result.verdict is Verdict.INCOMPLETE
    assert set(result.profile_verdicts().values()) == {Verdict.INCOMPLETE}
    assert result.to_dict()["verdicts"] == {"pact": "incomplete", "gxd": "incomplete"}
    assert "✅" not in summary_markdown(result)


# Finding 8: SIGTERM and SIGHUP stop the run like Ctrl-C: partial report, exit 1, one line.
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_signal_writes_the_partial_report(signum: signal.Signals, tmp_path: Path) -> None:
    report_dir = tmp_path / "r"
    process = subprocess.Popen([sys.executable, "-m", "conformance.cli", "run", "--report-dir", str(report_dir),
                                "--no-fuzz", "--timeout", "5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=ROOT)
    assert process.stdout is not None
    progress = 0
    for line in process.stdout:  # a few cases finished: the partial report has something to hold
        progress += line.lstrip().startswith("[")
        if progress == 3:
            break
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1, err
    assert err.strip().splitlines() == [line for line in err.strip().splitlines() if "interrupted" in line]
    assert f"stopped by {signum.name}" in err and "Traceback" not in err
    report = json.loads((report_dir / "report.json").read_text())
    assert report["interrupted"] and report["cases"]
    assert "conformant" not in report["verdicts"].values()
    assert any(signum.name in note for note in report["notes"])


# Finding 6 (the run itself): --run-timeout ends the run as interrupted, with a partial report.
def test_the_run_timeout_ends_the_run_with_a_partial_report(tmp_path: Path) -> None:
    with faulty_host(None, "2.3") as host:
        output = run_host(host, tmp_path, "2.3", run_timeout_s=1.0, no_fuzz=True)
    result = output.result
    assert result.interrupted and output.stopped and "run timeout" in output.stopped
    assert result.verdict is Verdict.INCOMPLETE
    assert any("run timeout" in note for note in result.notes)
    applicable = [c for c in load_cases() if c.applies_to("2.3", frozenset()) and not c.id.startswith("FUZZ-")]
    assert len(result.cases) < len(applicable)
    assert json.loads((output.report_dir / "report.json").read_text())["interrupted"] is True


# Finding 9: one run per report folder.
def test_a_report_dir_in_use_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with claim_report_dir(tmp_path, overwrite=False):
        code, err = _cli("--report-dir", str(tmp_path), "-k", "test_pagination_link", *QUICK, capsys=capsys)
    assert code == 2 and "in use by another run" in err
    assert not (tmp_path / "report.json").exists()


def test_a_report_dir_with_a_report_needs_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, _ = _cli("--report-dir", str(tmp_path), "-k", "test_pagination_link", *QUICK, capsys=capsys)
    assert first == 0
    earlier = (tmp_path / "report.json").read_text()
    again, err = _cli("--report-dir", str(tmp_path), "-k", "test_pagination_link", *QUICK, capsys=capsys)
    assert again == 2 and "already holds a report" in err and "--overwrite" in err
    assert (tmp_path / "report.json").read_text() == earlier
    replaced, _ = _cli("--report-dir", str(tmp_path), "-k", "test_pagination_link", "--overwrite", *QUICK,
                       capsys=capsys)
    assert replaced == 0 and (tmp_path / "report.json").read_text() != earlier
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # the lock goes with the run


# Finding 6: a fresh `next` link on every page ends in a failed PAGE-TERMINATES, with a bounded walk.
def _counting(wrap: Callable[..., Any] | None, calls: list[str], **settings: Any) -> Callable[[Any], Any]:
    def wrapped(app: Any) -> Any:
        inner = wrap(app, **settings) if wrap else app

        async def count(scope: Any, receive: Any, send: Any) -> None:
            if scope.get("type") == "http" and scope["path"].endswith("/footprints"):
                calls.append(scope.get("query_string", b"").decode())
            await inner(scope, receive, send)

        return count

    return wrapped


def test_a_fresh_link_on_every_page_fails_termination_and_ends(tmp_path: Path) -> None:
    fault = next(f for f in all_faults() if f.name == "page-fresh-link-forever")
    calls: list[str] = []
    counted = dataclasses.replace(fault, wrap=_counting(fault.wrap, calls))
    with faulty_host(counted, "2.3") as host:
        output = run_host(host, tmp_path, "2.3", select="pagination or list or filt", no_fuzz=True)
    cases = {c.spec.id: c for c in output.result.cases}
    terminates = cases["PAGE-TERMINATES"]
    assert terminates.outcome is Outcome.FAILED and "does not end" in terminates.message
    assert "no progress" in terminates.message and terminates.evidence
    walks = sum(1 for c in output.result.cases)
    assert len([q for q in calls if "nonce=" in q]) <= walks * _Progress.STALE_PAGES  # not 1,000 per walk
    assert output.result.verdict is Verdict.NOT_CONFORMANT
    assert (output.report_dir / "report.json").stat().st_size < 2_000_000  # 81 MB before the walk ended


def test_new_footprints_on_every_page_end_at_max_pages(tmp_path: Path) -> None:
    """A host inventing footprints forever: every walk ends at --max-pages, and the completeness cases say why."""
    calls: list[str] = []
    fault = Fault("endless-footprints", "every page links to one more page of new footprints", frozenset(),
                  wrap=_counting(_endless_footprints, calls))
    with faulty_host(fault, "2.3") as host:
        output = run_host(host, tmp_path, "2.3", select="pagination", no_fuzz=True, max_pages=5)
    cases = {c.spec.id: c for c in output.result.cases}
    assert cases["PAGE-TERMINATES"].outcome is not Outcome.PASSED
    assert "page cap" in cases["PAGE-COMPLETE"].message and "--max-pages" in cases["PAGE-COMPLETE"].message
    walked = [c for c in output.result.cases if any("stopped after 5 pages" in n for n in c.notes)]
    assert walked and len(calls) <= 5 * (len(output.result.cases) + 1) + 10


def _endless_footprints(app: Any, padding: int = 0) -> Any:
    """ListFootprints answers a page of one new footprint (padded by `padding` bytes) and a link to the next, forever."""
    async def endless(scope: Any, receive: Any, send: Any) -> None:
        if not (scope.get("type") == "http" and scope["method"] == "GET" and scope["path"].endswith("/footprints")):
            await app(scope, receive, send)
            return
        page = dict(parse_qsl(scope.get("query_string", b"").decode())).get("page", "0")
        host = dict(scope["headers"]).get(b"host", b"").decode()
        link = f'<https://{host}{scope["path"]}?page={int(page) + 1}>; rel="next"'
        await JSONResponse({"data": [{"id": str(uuid.uuid4()), "specVersion": "2.3.0", "comment": " " * padding}]},
                           headers={"Link": link})(scope, receive, send)

    return endless


def test_evidence_per_case_is_capped_with_a_count() -> None:
    log = EvidenceLog(SecretBook())
    for number in range(MAX_EXCHANGES_KEPT + 500):
        exchange = log.record(Exchange("GET", f"https://h/{number}", {}, None))
        exchange.response_body = "x" * 4096  # filled in after recording, as the client does
    for number in range(MAX_NOTES_KEPT + 50):
        log.note(f"note {number}")
    assert len(log.exchanges) <= MAX_EXCHANGES_KEPT
    assert sum(len(e.response_body or "") for e in log.exchanges) <= MAX_EVIDENCE_CHARS + 4096
    assert any(n.startswith(f"{500 + MAX_EXCHANGES_KEPT - len(log.exchanges)} more exchanges not kept")
               for n in log.notes)
    assert any(n.startswith("50 more notes not kept") for n in log.notes)
    assert len(log.notes) <= MAX_NOTES_KEPT + 2


def test_evidence_is_capped_in_bytes_too() -> None:
    log = EvidenceLog(SecretBook())
    for number in range(MAX_EXCHANGES_KEPT):
        log.record(Exchange("GET", "https://h/", {"link": "x" * 100_000}, None))
    kept = sum(len(e.request_headers["link"]) for e in log.exchanges)
    assert kept <= MAX_EVIDENCE_CHARS + 100_000 and len(log.exchanges) < MAX_EXCHANGES_KEPT
    assert any("more exchanges not kept" in n for n in log.notes)


# Finding 7: the events host is bounded in body size, events, tokens and kept records.
_FLOODED_LISTENER = """
import sys
from conformance.evidence import SecretBook
from conformance.listener import Listener
with Listener(secrets_book=SecretBook(), tls=None) as listener:
    print(listener.url, flush=True)
    sys.stdin.readline()
    hwm = next(line for line in open('/proc/self/status') if line.startswith('VmHWM')).split()[1]
    print(len(listener.received()), listener.not_kept, hwm, flush=True)
"""


def _post(url: str, **kwargs: Any) -> int | None:
    """The status, or None when the host closed the connection while the body was still being sent."""
    try:
        return httpx.post(url, timeout=30, **kwargs).status_code
    except httpx.HTTPError:
        return None


def test_a_flood_of_events_and_tokens_is_bounded() -> None:
    child = subprocess.Popen([sys.executable, "-c", _FLOODED_LISTENER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True, cwd=ROOT)
    assert child.stdin is not None and child.stdout is not None
    try:
        url = child.stdout.readline().strip()
        big = b"{" + b" " * int(9.5 * 1024 * 1024) + b"}"
        assert _post(f"{url}/3/events", content=b"{}") == 401
        unauthenticated = {_post(f"{url}/3/events", content=big) for _ in range(16)}
        assert unauthenticated <= {401, None}
        statuses = [_post(f"{url}/auth/token", data={"grant_type": "client_credentials"},
                          auth=(CALLBACK_CLIENT_ID, CALLBACK_CLIENT_SECRET)) for _ in range(MAX_TOKENS + 10)]
        assert statuses == [200] * MAX_TOKENS + [429] * 10
        assert _issued_token(url) is None  # the bound holds for every later request
    finally:
        child.stdin.write("\n")
        child.stdin.flush()
        kept, not_kept, hwm_kib = (int(part) for part in child.stdout.readline().split())
        child.wait(timeout=30)
    assert kept + not_kept == 1 + 16 + MAX_TOKENS + 10 + 1
    print(f"events host peak RSS {hwm_kib / 1024:.0f} MiB")
    assert hwm_kib / 1024 < 200, f"peak RSS {hwm_kib / 1024:.0f} MiB"


def _issued_token(url: str) -> str | None:
    response = httpx.post(f"{url}/auth/token", data={"grant_type": "client_credentials"},
                          auth=(CALLBACK_CLIENT_ID, CALLBACK_CLIENT_SECRET))
    return response.json().get("access_token") if response.status_code == 200 else None


def test_authenticated_events_are_bounded_in_size_and_count() -> None:
    book = SecretBook()
    with Listener(secrets_book=book, tls=None) as listener:
        token = _issued_token(listener.url)
        headers = {"Authorization": f"Bearer {token}"}
        assert _post(f"{listener.url}/3/events", content=b"x" * (MAX_EVENT_BYTES + 1), headers=headers) in (413, None)
        statuses = [_post(f"{listener.url}/3/events", content=b"{}", headers=headers) for _ in range(MAX_EVENTS + 5)]
    assert statuses.count(200) == MAX_EVENTS - 1 and statuses[-5:] == [429] * 5
    assert len(book.values()) < 20  # the credentials, their spellings and one token


# Minor: an answered token request does not reset the "not answering" streak of a dripping listing.
def _dripping_listing() -> Starlette:
    async def token(request: Request) -> Response:
        return JSONResponse({"access_token": "t", "token_type": "bearer", "expires_in": 3600})

    async def drip() -> AsyncIterator[bytes]:
        yield b'{"data": ['
        while True:
            await asyncio.sleep(0.05)
            yield b" "

    async def listing(request: Request) -> Response:
        return StreamingResponse(drip(), media_type="application/json")

    return Starlette(routes=[Route("/auth/token", token, methods=["POST"]), Route("/2/footprints", listing)])


def test_a_dripping_path_is_not_answering_whatever_other_paths_answer() -> None:
    log = EvidenceLog(SecretBook())
    with ThreadedServer(_dripping_listing(), tls=None) as server:
        client = PactClient(secrets=log.secrets, verify=True, timeout_s=0.2, max_body_bytes=1024, evidence=lambda: log)
        for limit in range(1, SILENT_AFTER_TIMEOUTS + 1):  # each query once: only the path's streak grows
            with pytest.raises(TargetError, match="still streaming"):
                client.request("GET", f"{server.url}/2/footprints", params={"limit": str(limit)})
            assert client.request("POST", f"{server.url}/auth/token").status == 200
        with pytest.raises(TargetError, match="not sent"):
            client.request("GET", f"{server.url}/2/footprints", params={"limit": "99"})
        client.close()


def test_findings_per_case_are_capped_with_a_count() -> None:
    log = EvidenceLog(SecretBook())
    log.findings.extend({"rule": "DM-01", "n": n} for n in range(MAX_FINDINGS_KEPT + 7))
    log.findings.append({"rule": "DM-02"})
    assert len(log.findings) == MAX_FINDINGS_KEPT
    assert any(n.startswith("8 more findings not kept") for n in log.notes)


# Another stop: the reader of stdout goes away (`run | head`); the run goes on and writes its report.
def test_a_closed_stdout_does_not_end_the_run(tmp_path: Path) -> None:
    report_dir = tmp_path / "r"
    process = subprocess.Popen([sys.executable, "-m", "conformance.cli", "run", "--report-dir", str(report_dir),
                                "-k", "pagination", "--no-fuzz"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               cwd=ROOT)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # as `head -1` does
    err = process.stderr.read().decode()
    process.wait(timeout=120)
    assert "Traceback" not in err and "INTERNALERROR" not in err, err[-2000:]
    assert process.returncode == 0
    assert json.loads((report_dir / "report.json").read_text())["verdict"] == "conformant"


def test_a_walk_of_large_pages_ends_at_its_byte_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages just under the body cap, each linking on: a walk holds at most MAX_WALK_BYTES of them."""
    from conformance import client as client_module

    monkeypatch.setattr(client_module, "MAX_WALK_BYTES", 256 * 1024)
    calls: list[str] = []
    log = EvidenceLog(SecretBook())
    stops: list[str] = []
    fault = Fault("large-pages", "every page holds 100 KiB of new footprints and links on", frozenset(),
                  wrap=_counting(_endless_footprints, calls, padding=100 * 1024))
    with faulty_host(fault, "2.3") as host:
        target = host.target("2.3", frozenset())
        client = PactClient(secrets=log.secrets, verify=ssl_context(target), timeout_s=5, max_body_bytes=1024 * 1024,
                            evidence=lambda: log)
        pages = list(iter_pages(client, f"{target.base_url}/2/footprints", "t", max_pages=1000, on_stop=stops.append))
        client.close()
    assert len(pages) == 3 and "memory guard" in stops[0]
