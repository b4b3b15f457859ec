"""`pact-conformance submit`: the CLI of a CI job that has the service run its target.

It sends the run (the same target flags as `run`; the secrets from the same PACT_* variables), prints
the run's progress from the event stream as `run` prints it, downloads the report folder and exits with the
run's exit code. The account's token comes from PACT_SERVICE_TOKEN.
"""

from __future__ import annotations

import argparse
import io
import json
import ssl
import tarfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

import httpx

from conformance.engine.progress import event_from_dict
from conformance.terminal_progress import terminal_progress

EXIT_FAIL, EXIT_USAGE, EXIT_UNREACHABLE = 1, 2, 3
TOKEN_VARIABLE = "PACT_SERVICE_TOKEN"
# Flags of `run` that name files or listeners on the caller's machine: the service decides those itself.
NOT_THROUGH_SERVICE = ("config", "openapi", "baseline", "callback_url", "listen", "listen_cert", "listen_key",
                       "listen_plain", "http_base_url", "http_auth_url", "certify", "signing_key", "expired_token",
                       "gxd_bom", "link_wait_s", "same_origin_token_endpoint", "callback_client_id", "fail_on",
                       "overwrite")
PASSED_FLAGS = ("base_url", "auth_url", "client_id", "restricted_client_id", "spec", "profiles", "select",
                "official_only", "no_fuzz", "fuzz_budget", "fuzz_seed", "strict", "insecure_tls", "timeout_s",
                "event_timeout_s", "max_pages", "run_timeout_s", "lang", "solution")


class SubmitError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def build_request(args: argparse.Namespace, env: Mapping[str, str]) -> dict[str, Any]:
    given = [name for name in NOT_THROUGH_SERVICE if getattr(args, name, None) not in (None, False)]
    if given:
        raise SubmitError(f"--{given[0].replace('_', '-')} is not available through the service (it decides "
                          "report folders, listeners and files itself)", EXIT_USAGE)
    body: dict[str, Any] = {name: getattr(args, name) for name in PASSED_FLAGS if getattr(args, name, None) is not None}
    body.setdefault("client_id", env.get("PACT_CLIENT_ID") or None)
    for field, variable in (("client_secret", "PACT_CLIENT_SECRET"), ("restricted_client_secret", "PACT_RESTRICTED_CLIENT_SECRET")):
        if env.get(variable):
            body[field] = env[variable]
    if args.ca_cert is not None:
        try:
            body["ca_cert_pem"] = Path(args.ca_cert).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SubmitError(f"--ca-cert {args.ca_cert}: {getattr(exc, 'strerror', None) or exc}", EXIT_USAGE) from None
    return {k: v for k, v in body.items() if v is not None}


def _client(args: argparse.Namespace, token: str) -> httpx.Client:
    verify: ssl.SSLContext | bool = True
    if args.service_ca is not None:
        if not Path(args.service_ca).is_file():
            raise SubmitError(f"--service-ca file not found: {args.service_ca}", EXIT_USAGE)
        verify = ssl.create_default_context(cafile=str(args.service_ca))
    return httpx.Client(base_url=args.service.rstrip("/"), verify=verify, timeout=httpx.Timeout(30.0, read=60.0),
                        headers={"Authorization": f"Bearer {token}"})


def _answer(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        data = {}
    if response.status_code >= 400:
        message = data.get("message") if isinstance(data, dict) else None
        raise SubmitError(f"the service refused ({response.status_code}): {message or response.reason_phrase}", EXIT_USAGE)
    return data if isinstance(data, dict) else {}


def _events(client: httpx.Client, run_id: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The run's event stream, resumed after a dropped connection, until its `end`."""
    last = 0
    while True:
        try:
            with client.stream("GET", f"/api/v1/runs/{run_id}/events", headers={"Last-Event-ID": str(last)},
                               timeout=httpx.Timeout(30.0, read=120.0)) as stream:
                _answer(stream) if stream.status_code >= 400 else None
                kind, event_id = "message", None
                for line in stream.iter_lines():
                    if line.startswith("event:"):
                        kind = line[6:].strip()
                    elif line.startswith("id:"):
                        event_id = int(line[3:].strip())
                    elif line.startswith("data:"):
                        if event_id is not None:
                            last = event_id
                        yield kind, json.loads(line[5:].strip() or "{}")
                        if kind == "end":
                            return
                        kind, event_id = "message", None
        except (httpx.TransportError, ValueError):
            time.sleep(1.0)


def _download(client: httpx.Client, run_id: str, report_dir: Path) -> bool:
    response = client.get(f"/api/v1/runs/{run_id}/report.tar.gz")
    if response.status_code != 200:
        return False
    report_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(response.content), mode="r:gz") as tar:
        for member in tar.getmembers():
            member.name = member.name.split("/", 1)[-1] if "/" in member.name else member.name
        tar.extractall(report_dir, filter="data")
    return True


def submit(args: argparse.Namespace, env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    token = env.get(TOKEN_VARIABLE)
    try:
        if not token:
            raise SubmitError(f"give the service account's API token in {TOKEN_VARIABLE}", EXIT_USAGE)
        body = build_request(args, env)
        with _client(args, token) as client:
            return _follow(client, body, args, out, err)
    except SubmitError as exc:
        print(f"pact-conformance: error: {exc}", file=err)
        return exc.code
    except httpx.TransportError as exc:
        print(f"pact-conformance: error: service unreachable: {args.service} ({type(exc).__name__})", file=err)
        return EXIT_UNREACHABLE


def _follow(client: httpx.Client, body: dict[str, Any], args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    run = _answer(client.post("/api/v1/runs", json=body))
    print(f"Run {run['id']} queued at {args.service}" + (f"; callbacks: {run['callback_url']}" if run.get("callback_url") else ""),
          file=out, flush=True)
    show = terminal_progress(out, body.get("lang", "en"), bool(args.quiet), err)
    final: dict[str, Any] = run
    try:
        for kind, data in _events(client, run["id"]):
            if kind == "end":
                final = data
            elif kind in ("run-started", "case-finished", "notice"):
                show(event_from_dict(data))
    except KeyboardInterrupt:
        print("pact-conformance: cancelling the run; its partial report follows", file=err, flush=True)
        client.post(f"/api/v1/runs/{run['id']}/cancel")
        for kind, data in _events(client, run["id"]):
            if kind == "end":
                final = data
    from conformance.engine.steps import default_report_dir

    report_dir = args.report_dir or default_report_dir()
    downloaded = _download(client, run["id"], report_dir)
    verdict = final.get("verdict") or "not-tested"
    print(f"Run {run['id']} {final.get('status')}: {verdict}" + (f" — {final['message']}" if final.get("message") else ""),
          file=out)
    if downloaded:
        print(f"Reports: {report_dir / 'report.html'} (also report.json, summary.md, junit.xml, allure-results/)", file=out)
    code = final.get("exit_code")
    if final.get("status") == "interrupted" and code in (None, 0):
        return EXIT_FAIL
    return int(code) if isinstance(code, int) else EXIT_FAIL
