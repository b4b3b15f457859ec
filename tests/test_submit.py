"""`submit` against a service on loopback: the exit code is the one `run` gives for the same target —
conformant, not conformant, incomplete, unreachable — and a host that can reach only the service's public
callback URL comes out conformant."""

from __future__ import annotations

import io
import json
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.reference.host import ReferenceHost
from tests.faults import all_faults
from tests.service_kit import account, running_service

FAST = "auth and not fuzz"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, str]]:
    with running_service(tmp_path_factory.mktemp("submit")) as (running, admin):
        yield running, account(running, admin, "acme", "vendor").token


def _target_args(host: ReferenceHost) -> list[str]:
    return ["--base-url", host.url, "--client-id", host.config.client_id, "--ca-cert", str(host.ca.ca_pem)]


def _call(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _both(service: tuple[object, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, secret: str,
          args: list[str]) -> tuple[int, int, Path]:
    """The exit codes of `run` and of `submit` for the same target flags; the folder submit downloaded."""
    running, token = service
    monkeypatch.setenv("PACT_CLIENT_SECRET", secret)
    monkeypatch.setenv("PACT_SERVICE_TOKEN", token)
    ran, _, _ = _call(["run", *args, "--quiet", "--report-dir", str(tmp_path / "run")])
    submitted, out, err = _call(["submit", "--service", running.url, "--service-ca", str(running.ca_pem), *args,
                                 "--quiet", "--report-dir", str(tmp_path / "submit")])
    assert "Traceback" not in out + err
    return ran, submitted, tmp_path / "submit"


def test_conformant_exits_0_as_run_does(service: tuple, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with ReferenceHost("2.3") as host:
        ran, submitted, folder = _both(service, monkeypatch, tmp_path, host.config.client_secret,
                                       [*_target_args(host), "-k", FAST, "--no-fuzz"])
    assert ran == submitted == 0
    assert json.loads((folder / "report.json").read_text())["verdict"] == "conformant"
    assert (folder / "summary.md").is_file() and (folder / "allure-results").is_dir()


def test_not_conformant_exits_1_as_run_does(service: tuple, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fault = next(f for f in all_faults() if f.name == "token-ignores-secret")
    with ReferenceHost("2.3", wrap=fault.wrap) as host:
        ran, submitted, folder = _both(service, monkeypatch, tmp_path, host.config.client_secret,
                                       [*_target_args(host), "-k", FAST, "--no-fuzz"])
    assert ran == submitted == 1
    assert json.loads((folder / "report.json").read_text())["verdict"] == "not-conformant"


def test_incomplete_exits_1_as_run_does(service: tuple, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with ReferenceHost("2.3") as host:
        ran, submitted, folder = _both(service, monkeypatch, tmp_path, host.config.client_secret,
                                       [*_target_args(host), "-k", "not fuzz", "--run-timeout", "2"])
    assert ran == submitted == 1
    report = json.loads((folder / "report.json").read_text())
    assert report["verdict"] == "incomplete" and report["interrupted"] is True


def test_unreachable_exits_3_as_run_does(service: tuple, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    ran, submitted, folder = _both(service, monkeypatch, tmp_path, "secret-of-nobody",
                                   ["--base-url", f"https://127.0.0.1:{closed}", "--client-id", "c", "--no-fuzz"])
    assert ran == submitted == 3
    assert json.loads((folder / "report.json").read_text())["verdict"] == "not-tested"


def test_usage_errors_are_one_line_and_exit_2(service: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    running, token = service
    monkeypatch.delenv("PACT_SERVICE_TOKEN", raising=False)
    code, _, err = _call(["submit", "--service", running.url, "--service-ca", str(running.ca_pem)])
    assert code == 2 and err.count("\n") == 1 and "PACT_SERVICE_TOKEN" in err
    monkeypatch.setenv("PACT_SERVICE_TOKEN", token)
    code, _, err = _call(["submit", "--service", running.url, "--service-ca", str(running.ca_pem), "--listen", "127.0.0.1:9"])
    assert code == 2 and err.count("\n") == 1 and "--listen" in err
    code, _, err = _call(["submit", "--service", running.url, "--service-ca", str(running.ca_pem), "--spec", "9.9"])
    assert code == 2 and err.count("\n") == 1 and "refused (400)" in err


def test_a_host_reachable_only_through_the_service_is_conformant(service: tuple, monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    """A full run (fuzzing on): the host's callbacks reach the run only through the service's public URL."""
    running, token = service
    trust = ssl.create_default_context(cafile=str(running.ca_pem))
    with ReferenceHost("2.3", overrides={"callback_verify": trust}) as host:
        monkeypatch.setenv("PACT_CLIENT_SECRET", host.config.client_secret)
        monkeypatch.setenv("PACT_RESTRICTED_CLIENT_SECRET", host.config.restricted_client_secret)
        monkeypatch.setenv("PACT_SERVICE_TOKEN", token)
        code, out, err = _call(["submit", "--service", running.url, "--service-ca", str(running.ca_pem),
                                *_target_args(host), "--restricted-client-id", host.config.restricted_client_id,
                                "--report-dir", str(tmp_path / "r")])
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    not_passed = {c["id"]: c["message"][:120] for c in report["cases"] if c["mandatory"] and c["outcome"] != "passed"}
    assert code == 0 and report["verdict"] == "conformant", (not_passed, err)
    events = [c for c in report["cases"] if c["id"] == "EVT-REQUEST-FULFILLED"]
    assert events and events[0]["outcome"] == "passed"
    assert "/callbacks/" in json.dumps(events[0]["evidence"])
    assert "[  1/" in out  # progress printed as run prints it
