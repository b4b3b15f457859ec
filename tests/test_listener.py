"""The harness's events host: authentication, correlation, bounded waits, redaction, setup per target."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from conformance.config import RunOptions, Target
from conformance.evidence import SecretBook
from conformance.listener import (
    CALLBACK_CLIENT_ID, CALLBACK_CLIENT_SECRET, PLACEHOLDER_SOURCE, Listener, event_problems, open_callback,
)
from conformance.reference.tls import make_run_ca
from conformance.session import TargetSession
from conformance.versions import info

CREDENTIALS = (CALLBACK_CLIENT_ID, CALLBACK_CLIENT_SECRET)


@pytest.fixture
def book() -> SecretBook:
    return SecretBook()


@pytest.fixture
def listener(book: SecretBook) -> Iterator[Listener]:
    with Listener(secrets_book=book, tls=None) as running:
        yield running


def _token(listener: Listener, auth: tuple[str, str] = CREDENTIALS) -> httpx.Response:
    return httpx.post(f"{listener.url}/auth/token", data={"grant_type": "client_credentials"}, auth=auth)


def _answer(listener: Listener, request_id: str, token: str | None) -> httpx.Response:
    event = {"specversion": "1.0", "id": "answer-1", "source": "//host", "time": "2025-01-01T00:00:00Z",
             "type": info("3.0").event_types["request_fulfilled"], "data": {"requestEventId": request_id, "pfs": []}}
    headers = {"Content-Type": "application/cloudevents+json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    return httpx.post(f"{listener.url}/3/events", content=json.dumps(event), headers=headers)


def test_events_need_a_token_issued_for_the_agreed_credentials(listener: Listener) -> None:
    assert _token(listener, (CALLBACK_CLIENT_ID, "wrong")).status_code == 401
    assert httpx.post(f"{listener.url}/auth/token", data={"grant_type": "client_credentials"}).status_code == 401
    assert _answer(listener, "r-1", None).status_code == 401
    assert _answer(listener, "r-1", "made-up-token").status_code == 401
    token = _token(listener).json()["access_token"]
    assert _answer(listener, "r-1", token).status_code == 200
    events = [r for r in listener.received() if r.path == "/3/events"]
    assert [r.bearer for r in events] == ["missing", "invalid", "valid"]
    assert [r.body_text is None for r in events] == [True, True, False]  # refused before the body was read
    assert [r.bearer for r in listener.responses_to("r-1")] == ["valid"]
    assert [r.answer for r in listener.received()[:2]] == ["token refused: unknown client credentials",
                                                          "token refused: no HTTP Basic client credentials"]


def test_discovery_points_at_the_public_url(book: SecretBook) -> None:
    with Listener(secrets_book=book, tls=None, public_url="https://callback.example/pact/") as running:
        served = f"http://{running.bound}/pact/.well-known/openid-configuration"
        document = httpx.get(served).json()
    assert running.url == "https://callback.example/pact"
    assert document["token_endpoint"] == "https://callback.example/pact/auth/token"


def test_answers_are_correlated_by_request_event_id(listener: Listener) -> None:
    token = _token(listener).json()["access_token"]
    _answer(listener, "other-request", token)
    _answer(listener, "my-request", token)
    found = listener.wait_for_response("my-request", timeout_s=1.0)
    assert found is not None and found.request_event_id == "my-request" and found.path == "/3/events"
    assert listener.wait_for_response("never-sent", timeout_s=0.05) is None


def test_a_wait_ends_when_the_answer_arrives_and_is_bounded_otherwise(listener: Listener) -> None:
    token = _token(listener).json()["access_token"]
    threading.Timer(0.2, _answer, args=(listener, "late", token)).start()
    started = time.monotonic()
    assert listener.wait_for_response("late", timeout_s=30.0) is not None
    assert time.monotonic() - started < 5.0
    started = time.monotonic()
    assert listener.wait_for_response("silent", timeout_s=0.3) is None
    assert 0.3 <= time.monotonic() - started < 5.0


def test_progress_is_reported_during_long_waits(book: SecretBook, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("conformance.heartbeat.EVERY_S", 0.1)
    said: list[str] = []
    with Listener(secrets_book=book, tls=None, progress=said.append) as running:
        running.wait_for_response("silent", timeout_s=0.35)
    assert said and all(re.fullmatch(r"waiting for callback \(the answer to request event silent\) \d+ s / 0 s", line)
                        for line in said), said


def test_credentials_and_tokens_never_appear_in_records(listener: Listener, book: SecretBook) -> None:
    token = _token(listener).json()["access_token"]
    form = f"grant_type=client_credentials&client_secret={CALLBACK_CLIENT_SECRET}"  # the secret in the body too
    httpx.post(f"{listener.url}/auth/token", content=form, auth=CREDENTIALS,
               headers={"Content-Type": "application/x-www-form-urlencoded"})
    _answer(listener, "r-2", token)
    text = json.dumps([r.exchange(listener.origin).to_dict() for r in listener.received()], ensure_ascii=False)
    for secret in (CALLBACK_CLIENT_SECRET, token):
        assert secret not in text
    assert "«redacted callback-secret" in text and "«redacted basic credential" in text
    assert token in book.values()


def test_an_oversized_body_is_refused(book: SecretBook) -> None:
    with Listener(secrets_book=book, tls=None, max_body_bytes=100) as running:
        token = _token(running).json()["access_token"]
        response = httpx.post(f"{running.url}/3/events", content=b"x" * 1000, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 413


def _session(tmp_path: Path, *, embedded: bool, ca_cert: Path | None = None, **options: object) -> TargetSession:
    target = Target(base_url="https://127.0.0.1:9", auth_url="https://127.0.0.1:9", client_id="c",
                    client_secret=SecretStr("s"), spec="3.0", embedded=embedded, ca_cert=ca_cert)
    return TargetSession(target, RunOptions(report_dir=tmp_path, **options), SecretBook())  # type: ignore[arg-type]


def test_external_target_without_callback_url_has_no_listener(tmp_path: Path) -> None:
    callback = open_callback(_session(tmp_path, embedded=False), announce=print)
    assert callback.listener is None and "--callback-url" in callback.reason
    assert callback.source == PLACEHOLDER_SOURCE


def test_external_target_listens_where_told_and_announces_the_client_id(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # the events host's kept CA
    said: list[str] = []
    session = _session(tmp_path, embedded=False, callback_url="https://tunnel.example/pact", listen="127.0.0.1:0")
    callback = open_callback(session, announce=said.append)
    try:
        assert callback.source == "https://tunnel.example/pact"
        assert CALLBACK_CLIENT_ID in said[0] and "README" in said[0]
        assert CALLBACK_CLIENT_SECRET not in said[0]  # never printed: terminal output ends up in CI logs
    finally:
        callback.close()


def test_embedded_target_gets_a_tls_listener_its_run_ca_vouches_for(tmp_path: Path) -> None:
    ca = make_run_ca()
    callback = open_callback(_session(tmp_path, embedded=True, ca_cert=ca.ca_pem), announce=print)
    try:
        assert callback.listener is not None and callback.source.startswith("https://127.0.0.1:")
        document = httpx.get(f"{callback.source}/.well-known/openid-configuration", verify=ca.client_context())
        assert document.json()["issuer"] == callback.source
    finally:
        callback.close()


def test_event_problems_follow_the_version() -> None:
    v2, v3 = info("2.3"), info("3.0")
    fulfilled = {"specversion": "1.0", "id": "e", "source": "//s", "type": v2.event_types["request_fulfilled"],
                 "data": {"requestEventId": "r", "pfs": []}}
    assert event_problems(fulfilled, v2, "request_fulfilled") == []  # v2 response syntax has no time
    v3_event = {**fulfilled, "type": v3.event_types["request_fulfilled"]}
    assert event_problems(v3_event, v3, "request_fulfilled") == ["time is missing, expected an RFC 3339 date-time"]
    assert event_problems({**v3_event, "time": "2025-01-01T00:00:00Z"}, v3, "request_fulfilled") == []
    assert len(event_problems({"specversion": "0.3", "data": []}, v3, "request_rejected")) == 6
    assert event_problems([], v3, "request_rejected") == ["the body is not a JSON object"]
