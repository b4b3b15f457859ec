"""Hostile targets against the secret, transport and input-sanitizing class (issue 18): one test per finding."""

from __future__ import annotations

import base64
import io
import json
import tracemalloc
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from conformance.client import PactClient, iter_pages
from conformance.config import RunOptions, Settings, Target
from conformance.evidence import BODY_EXCERPT_CHARS, EvidenceLog, SecretBook, excerpt
from conformance.reference.server import ThreadedServer
from conformance.reference.tls import RunCA, make_run_ca
from conformance.results import Outcome, Verdict
from conformance.engine import run
from conformance.terminal_progress import terminal_progress
from tests.harness import artefact_text, run_target
from tests.hostile import (MIB, NON_ASCII_TOKEN, SPELLED_TOKEN, Recorder, gzip_layers, hostile_app, json_escaped,
                           lower_percent, unicode_escaped)

TIMEOUT_S = 1.0
SECRET = "hostile-secret-123"
FEW_CASES = "auth or list"  # enough traffic for the token and its echoes, without a whole run's time


def _target(url: str, ca: RunCA, secret: str = SECRET) -> Target:
    return Target(base_url=url, auth_url=url, client_id="hostile-client", client_secret=SecretStr(secret),
                  spec="2.3", ca_cert=ca.ca_pem)


def _spellings(secret: str) -> list[str]:
    """Every spelling the probe used, plus their case variants."""
    return [secret, json.dumps(secret)[1:-1], json_escaped(secret), unicode_escaped(secret),
            unicode_escaped(secret).upper().replace("\\U", "\\u"), quote(secret, safe=""), lower_percent(secret),
            quote_plus(secret), secret.replace(" ", "+")]


def _leaks(text: str, secret: str) -> list[str]:
    return [spelling for spelling in _spellings(secret) if spelling in text]


def _no_harness_errors(cases: list) -> None:
    errors = [(c.spec.id, c.message) for c in cases if c.outcome is Outcome.ERROR]
    assert not errors, f"harness errors instead of failed cases: {errors}"


# Finding 1: secrets in other spellings.
def test_book_redacts_every_spelling() -> None:
    book = SecretBook()
    book.add(SPELLED_TOKEN, "bearer-token")
    for spelling in _spellings(SPELLED_TOKEN):
        shown = book.redact(f"before {spelling} after")
        assert shown == f"before «redacted bearer-token, {len(SPELLED_TOKEN)} chars» after", (spelling, shown)


def test_secrets_in_other_spellings_never_reach_a_report(tmp_path: Path) -> None:
    ca = make_run_ca()
    with ThreadedServer(hostile_app("spelled-token"), tls=ca) as server:
        output = run_target(_target(server.url, ca), tmp_path, timeout_s=TIMEOUT_S, select=FEW_CASES)
    text = artefact_text(output.report_dir)
    basic = base64.b64encode(f"hostile-client:{SECRET}".encode()).decode()
    for secret in (SPELLED_TOKEN, SECRET, basic):
        assert not _leaks(text, secret), (secret, _leaks(text, secret))
    assert "«redacted bearer-token" in text
    _no_harness_errors(output.result.cases)


# Finding 2: redact, then cut.
def test_a_secret_across_any_cut_is_redacted_whole() -> None:
    book = SecretBook()
    book.add(SPELLED_TOKEN, "bearer-token")
    head = SPELLED_TOKEN[:6]
    limit = BODY_EXCERPT_CHARS
    for offset in range(limit - len(SPELLED_TOKEN), limit + 1):
        body = "x" * offset + json_escaped(SPELLED_TOKEN) + "y" * 50
        for data in (body, body.encode()):
            shown, cut = excerpt(data, book, limit)
            assert head not in (shown or ""), offset
            assert cut
    log = EvidenceLog(book)
    log.note("z" * 1990 + SPELLED_TOKEN)
    assert head not in log.notes[0] and "«redacted bearer-token" in log.notes[0]


def _echo_app(secret: str) -> Starlette:
    """Answers every request with the secret straddling the body excerpt's cut, and a link whose note is cut."""
    async def echo(request: Request) -> Response:
        body = json.dumps({"data": [], "pad": "x" * (BODY_EXCERPT_CHARS - 43), "echo": secret})  # starts 10 before
        link = f'<https://elsewhere.example/{"p" * 160}{quote(secret, safe="")}>; rel="next"'  # cut at 200
        return Response(body, media_type="application/json", headers={"Link": link})

    return Starlette(routes=[Route("/{path:path}", echo, methods=["GET", "POST"])])


def test_client_and_pagination_notes_redact_before_cutting() -> None:
    ca = make_run_ca()
    book = SecretBook()
    book.add(SPELLED_TOKEN, "bearer-token")
    log = EvidenceLog(book)
    with ThreadedServer(_echo_app(SPELLED_TOKEN), tls=ca) as server:
        client = PactClient(secrets=book, verify=ca.client_context(), timeout_s=TIMEOUT_S,
                            max_body_bytes=MIB, evidence=lambda: log)
        list(iter_pages(client, f"{server.url}/2/footprints", "t", max_pages=5, on_stop=log.note))
        client.close()
    shown = json.dumps([e.to_dict() for e in log.exchanges]) + json.dumps(log.notes)
    assert log.notes and "leaves the target's origin" in log.notes[0]
    for piece in (SPELLED_TOKEN[:6], quote(SPELLED_TOKEN, safe="")[:6]):
        assert piece not in shown, piece


# Finding 3: short secrets.
@pytest.mark.parametrize("token", ["e", "incomplete", "passed"])
def test_short_or_verdict_like_secrets_leave_the_report_intact(token: str, tmp_path: Path) -> None:
    ca = make_run_ca()
    with ThreadedServer(hostile_app(f"token={token}"), tls=ca) as server:
        output = run_target(_target(server.url, ca, secret="s"), tmp_path, timeout_s=TIMEOUT_S, select=FEW_CASES)
    report = json.loads((output.report_dir / "report.json").read_text(encoding="utf-8"))
    assert report["verdict"] == output.result.verdict.value
    assert {c["outcome"] for c in report["cases"]} <= {o.value for o in Outcome}
    ET.parse(output.report_dir / "junit.xml")  # well-formed
    assert any("secret too short to redact safely" in note for note in report["notes"])
    for case in report["cases"]:
        for exchange in case["evidence"]:
            auth = exchange["request"]["headers"].get("authorization", "")
            assert not auth or auth.startswith(("Bearer «redacted", "Basic «redacted")), auth


# Finding 4: lone surrogates.
def test_a_lone_surrogate_from_the_target_still_gives_every_report(tmp_path: Path) -> None:
    ca = make_run_ca()
    with ThreadedServer(hostile_app("lone-surrogate"), tls=ca) as server:
        output = run_target(_target(server.url, ca), tmp_path, timeout_s=TIMEOUT_S, select="not fuzz and not events")
    for name in ("report.json", "report.html", "junit.xml", "summary.md"):
        assert (output.report_dir / name).is_file(), name
    json.loads((output.report_dir / "report.json").read_text(encoding="utf-8"))
    assert list((output.report_dir / "allure-results").glob("*-result.json"))
    _no_harness_errors(output.result.cases)
    text = artefact_text(output.report_dir)
    assert "U+FFFD" in text  # the note says what the target sent


# Finding 5: a double gzip layer.
def test_a_double_gzip_bomb_is_bounded_while_it_streams() -> None:
    ca = make_run_ca()
    book = SecretBook()
    log = EvidenceLog(book)
    bomb = gzip_layers(1024 * MIB, 2)  # 1 GiB of zeros in about 2 KB

    async def serve(request: Request) -> Response:
        return Response(bomb, media_type="application/json", headers={"Content-Encoding": "gzip, gzip"})

    app = Starlette(routes=[Route("/{path:path}", serve)])
    with ThreadedServer(app, tls=ca) as server:
        client = PactClient(secrets=book, verify=ca.client_context(), timeout_s=5.0,
                            max_body_bytes=10 * MIB, evidence=lambda: log)
        tracemalloc.start()
        try:
            response = client.request("GET", f"{server.url}/2/footprints")
        except Exception as exc:  # noqa: BLE001 - a failed read is fine, it just must be bounded
            response, reason = None, str(exc)
        finally:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            client.close()
    assert peak < 64 * MIB, f"peak {peak / MIB:.0f} MiB"
    if response is not None:
        assert response.truncated and len(response.body) <= 64 * 1024
        reason = log.exchanges[-1].error or "truncated"
    assert "compression bomb" in reason or "truncated" in reason


# Finding 7 (redaction part): the cost of a redaction does not grow with the number of secrets.
def test_redaction_searches_few_automata_however_many_secrets() -> None:
    book = SecretBook()
    for i in range(20_000):
        book.add(f"issued-token-{i:08d}", "bearer-token")
    assert len(book._automata._levels) <= 15  # noqa: SLF001 - the structure that keeps redaction flat
    text = "body " * 100 + "issued-token-00012345" + " end"
    assert book.redact(text).endswith("«redacted bearer-token, 21 chars» end")


# Finding 12: target data the harness cannot use.
@pytest.mark.parametrize(("scenario", "case_id", "reason"), [
    ("non-ascii-token", "LIST-OK", "Authorization header cannot carry"),
    ("huge-int", "LIST-OK", "4300 digits"),
    ("huge-id", "GET-OK", "cannot be used in a request"),
])
def test_unusable_target_data_fails_the_case_not_the_harness(scenario: str, case_id: str, reason: str,
                                                             tmp_path: Path) -> None:
    ca = make_run_ca()
    with ThreadedServer(hostile_app(scenario), tls=ca) as server:
        output = run_target(_target(server.url, ca), tmp_path, timeout_s=TIMEOUT_S, select="not fuzz and not events")
    _no_harness_errors(output.result.cases)
    case = next(c for c in output.result.cases if c.spec.id == case_id)
    assert case.outcome is Outcome.FAILED and reason in case.message, case.message
    assert output.result.verdict is Verdict.NOT_CONFORMANT
    assert NON_ASCII_TOKEN not in artefact_text(output.report_dir)


# Minor: terminal escapes and NUL from the target.
def test_control_characters_never_reach_the_terminal_or_markdown(tmp_path: Path) -> None:
    ca = make_run_ca()
    out = io.StringIO()
    with ThreadedServer(hostile_app("terminal-escapes"), tls=ca) as server:
        settings = Settings(target=_target(server.url, ca),
                            options=RunOptions(report_dir=tmp_path, timeout_s=TIMEOUT_S,
                                               select="not fuzz and not events"),
                            spec="2.3", profiles=frozenset())
        output = run(settings, progress=terminal_progress(out, "en", quiet=False, err=out))
    assert "\x1b" not in out.getvalue() and "\x00" not in out.getvalue()
    for name in ("summary.md", "report.html"):
        raw = (output.report_dir / name).read_text(encoding="utf-8")
        assert "\x1b" not in raw and "\x00" not in raw, name
    report = (output.report_dir / "report.json").read_text(encoding="utf-8")
    shown = json.dumps(json.loads(report), ensure_ascii=False)
    assert "\x1b" not in shown and "\x00" not in shown
    assert "\ufffd[2J" in shown  # shown as U+FFFD


# Minor: a discovered token_endpoint on another https origin.
@pytest.mark.parametrize("refuse", [False, True])
def test_an_offsite_token_endpoint_is_warned_about_or_refused(refuse: bool, tmp_path: Path) -> None:
    ca = make_run_ca()
    recorder = Recorder()
    with ThreadedServer(recorder.app(), tls=ca) as elsewhere, \
            ThreadedServer(hostile_app("offsite-token-endpoint", elsewhere.url), tls=ca) as server:
        output = run_target(_target(server.url, ca), tmp_path, timeout_s=TIMEOUT_S, select=FEW_CASES,
                            same_origin_token_endpoint=refuse)
    sent = [headers for headers in recorder.requests if "authorization" in headers]
    assert bool(sent) is not refuse
    warnings = [note for note in output.result.notes if "token endpoint" in note and "another origin" in note]
    assert warnings and ("refused" in warnings[0]) is refuse, output.result.notes
    report = json.loads((output.report_dir / "report.json").read_text(encoding="utf-8"))
    assert warnings[0] in report["notes"]


@pytest.mark.parametrize("scenario", ["spelled-token", "lone-surrogate"])
def test_plain_pytest_with_alluredir_keeps_no_secret_spelling(scenario: str, tmp_path: Path) -> None:
    """Under plain pytest no report writer runs; allure-pytest's own files are scrubbed all the same.

    A lone surrogate from the target does not crash allure-pytest (INTERNALERROR) either.
    """
    import os
    import subprocess
    import sys

    ca = make_run_ca()
    alluredir = tmp_path / "allure"
    with ThreadedServer(hostile_app(scenario), tls=ca) as server:
        completed = subprocess.run(
            [sys.executable, "-m", "pytest", str(Path(__file__).resolve().parents[1] / "cases"), "-q",
             "-p", "no:cacheprovider", "--pact-base-url", server.url, "--pact-client-id", "hostile-client",
             "--pact-ca-cert", str(ca.ca_pem), "--pact-timeout", "1", "-k", FEW_CASES,
             f"--alluredir={alluredir}"],
            capture_output=True, text=True, timeout=300, env={**os.environ, "PACT_CLIENT_SECRET": SECRET})
    assert list(alluredir.glob("*-result.json")), completed.stdout[-2000:] + completed.stderr[-2000:]
    assert completed.returncode in (0, 1) and "INTERNALERROR" not in completed.stdout + completed.stderr
    text = artefact_text(alluredir) + completed.stdout + completed.stderr
    for secret in (SPELLED_TOKEN, SECRET):
        assert not _leaks(text, secret), (secret, _leaks(text, secret))


def test_a_same_origin_target_gets_no_token_endpoint_warning(tmp_path: Path) -> None:
    """The harness's own plain-HTTP probes of the token endpoint are no 'other origin' (no false warning)."""
    ca = make_run_ca()
    with ThreadedServer(hostile_app("cyclic"), tls=ca) as server:
        output = run_target(_target(server.url, ca), tmp_path, timeout_s=TIMEOUT_S, select="auth or tls",
                            same_origin_token_endpoint=True)
    assert not [note for note in output.result.notes if "another origin" in note], output.result.notes
    assert not [c for c in output.result.cases if c.message.startswith("not run: no credentials")]
