"""`serve` as an external target on loopback: callbacks over HTTPS to a --listen events host it trusts,
with the official tool's credentials, http sources when asked, one log line per answered request.
This is the README's "Testing your solution" loopback example, run as written."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from conformance.cli import main

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "conformance.cli"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(path: Path, text: str, timeout_s: float = 20.0) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        content = path.read_text(encoding="utf-8") if path.exists() else ""
        if text in content:
            return content
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not in {path}: {content[-2000:]}")


def test_serve_calls_back_a_listen_events_host_over_https(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PACT_CALLBACK_CLIENT_SECRET": "test_client_secret"}
    ca = subprocess.run([*CLI, "listen-ca"], env=env, capture_output=True, text=True, check=True).stdout.strip()
    port, listen = _free_port(), _free_port()
    log = tmp_path / "serve.log"
    with log.open("w", encoding="utf-8") as sink:
        serve = subprocess.Popen([*CLI, "serve", "--port", str(port), "--spec", "3.0", "--tls-dir", str(tmp_path / "host"),
                                  "--callback-ca", ca, "--callback-client-id", "test_client_id"],
                                 env=env, stdout=sink, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        _wait_for(log, "Press Ctrl-C")
        run_env = {**env, "PACT_CLIENT_ID": "pact-demo-client", "PACT_CLIENT_SECRET": "pact-demo-secret"}
        del run_env["PACT_CALLBACK_CLIENT_SECRET"]  # the run accepts the official pair by default
        done = subprocess.run([*CLI, "run", "--base-url", f"https://127.0.0.1:{port}", "--spec", "3.0",
                               "--ca-cert", str(tmp_path / "host" / "ca.pem"), "--listen", f"127.0.0.1:{listen}",
                               "-k", "EVT-REQUEST or EVT-CALLBACK-ENVELOPE", "--report-dir", str(tmp_path / "report"),
                               "--event-timeout", "20"],
                              env=run_env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
        assert ca in done.stderr  # the CA file the target trusts is printed
        report = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
        assert {c["id"]: c["outcome"] for c in report["cases"]}["EVT-REQUEST-FULFILLED"] == "passed"
        served = _wait_for(log, "POST /3/events → 200")
        assert "GET /3/footprints → 200" in served and "POST /auth/token → 200" in served
    finally:
        serve.terminate()
        serve.wait(timeout=10)


def test_serve_refuses_contradicting_callback_flags() -> None:
    err = io.StringIO()
    assert main(["serve", "--callback-ca", "no-such.pem", "--callback-insecure"], out=io.StringIO(), err=err) == 2
    assert "exclude each other" in err.getvalue()
    err = io.StringIO()
    env_secret = os.environ.pop("PACT_CALLBACK_CLIENT_SECRET", None)
    try:
        assert main(["serve", "--callback-client-id", "x"], out=io.StringIO(), err=err) == 2
    finally:
        if env_secret is not None:
            os.environ["PACT_CALLBACK_CLIENT_SECRET"] = env_secret
    assert "PACT_CALLBACK_CLIENT_SECRET" in err.getvalue()


def _request_event(source: str) -> dict[str, object]:
    return {"specversion": "1.0", "id": "req-http-1", "source": source, "time": "2025-01-01T00:00:00Z",
            "type": "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3",
            "data": {"productId": ["urn:pact:null"], "comment": "http source"}}


def test_http_callback_sources_on_loopback_only_when_asked() -> None:
    import httpx

    from conformance.evidence import SecretBook
    from conformance.listener import Listener
    from conformance.reference.host import ReferenceHost

    for allowed in (False, True):
        with ReferenceHost("3.0", overrides={"callback_http": allowed}) as host, \
                Listener(secrets_book=SecretBook(), tls=None) as listener:
            token = httpx.post(f"{host.url}/auth/token", data={"grant_type": "client_credentials"},
                               auth=(host.config.client_id, host.config.client_secret),
                               verify=host.ca.client_context()).json()["access_token"]
            answer = httpx.post(f"{host.url}/3/events", content=json.dumps(_request_event(listener.url)),
                                headers={"Authorization": f"Bearer {token}",
                                         "Content-Type": "application/cloudevents+json"},
                                verify=host.ca.client_context())
            assert answer.status_code == 200
            arrived = listener.wait_for_response("req-http-1", 3.0 if allowed else 1.0)
            assert (arrived is not None) is allowed
