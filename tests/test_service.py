"""The conformance service end to end, on the embedded default (SQLite, in-process workers polling it) and on
PostgreSQL (procrastinate's queue; a server of the tests' own, tests/postgres_kit.py): create, follow, download;
callbacks through the per-run endpoint; cancellation; restart recovery; every access rule."""

from __future__ import annotations

import io
import json
import socket
import ssl
import tarfile
import time
from datetime import timedelta
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from conformance.reference.host import ReferenceHost
from conformance.service.limits import Limits
from conformance.service.queue import conninfo
from tests.postgres_kit import postgres  # noqa: F401 - the session's PostgreSQL server (a fixture)
from tests.service_kit import Client, account, running_service

FAST = "auth and not fuzz"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return request.param


def _new_database(kind: str, request: pytest.FixtureRequest) -> str | None:
    """None: SQLite in the report root; else a new database on the session's PostgreSQL server."""
    return None if kind == "sqlite" else request.getfixturevalue("postgres").new_database()


@pytest.fixture
def database(store_kind: str, request: pytest.FixtureRequest) -> str | None:
    return _new_database(store_kind, request)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, store_kind: str,
            request: pytest.FixtureRequest) -> Iterator[tuple[object, Client, Client, Client, Client]]:
    root = tmp_path_factory.mktemp("service")
    with running_service(root, database=_new_database(store_kind, request), limits=Limits(workers=3)) as (running, admin):
        yield (running, admin, account(running, admin, "acme", "vendor"), account(running, admin, "globex", "vendor"),
               account(running, admin, "secretariat", "secretariat"))


def test_a_run_is_created_followed_and_downloaded(service: tuple) -> None:
    running, _, acme, _, _ = service
    created = acme.post("/api/v1/runs", json={"select": FAST, "no_fuzz": True, "solution": "embedded"})
    assert created.status_code == 201, created.text
    run = created.json()
    assert run["status"] in ("queued", "running") and run["callback_url"].startswith(running.public_url + "/callbacks/")
    events: list[dict] = []
    with acme.http.stream("GET", f"/api/v1/runs/{run['id']}/events", headers={"Authorization": f"Bearer {acme.token}"},
                          timeout=httpx.Timeout(10, read=120)) as stream:
        kind = None
        for line in stream.iter_lines():
            if line.startswith("event:"):
                kind = line[6:].strip()
            elif line.startswith("data:"):
                events.append({"event": kind, **json.loads(line[5:])})
                if kind == "end":
                    break
    kinds = [e["event"] for e in events]
    assert kinds[0] == "run-started" and kinds[-2:] == ["run-finished", "end"] and "case-finished" in kinds
    ended = acme.get(f"/api/v1/runs/{run['id']}").json()
    assert ended["status"] == "finished" and ended["verdict"] == "conformant" and ended["exit_code"] == 0
    assert ended["shown_verdict"] == "partial"  # -k and --no-fuzz: never shown as plain conformant
    finished_ids = [e["case_id"] for e in events if e["event"] == "case-finished"]
    report = acme.get(f"/api/v1/runs/{run['id']}/files/report.json")
    assert report.status_code == 200 and [c["id"] for c in report.json()["cases"]] == finished_ids
    for name in ("report.html", "junit.xml", "summary.md"):
        assert acme.get(f"/api/v1/runs/{run['id']}/files/{name}").status_code == 200, name
    allure = acme.get(f"/api/v1/runs/{run['id']}/allure.tar.gz")
    with tarfile.open(fileobj=io.BytesIO(allure.content)) as tar:
        assert any(m.name.endswith("-result.json") for m in tar.getmembers())
    listed = acme.get("/api/v1/runs", params={"solution": "embedded", "verdict": "conformant"}).json()
    assert run["id"] in [r["id"] for r in listed["runs"]]


def test_bad_requests_are_one_clear_line(service: tuple) -> None:
    _, _, acme, _, _ = service
    for body, code in (({"spec": "9.9"}, "invalid_request"), ({"base_url": "https://example.test"}, "invalid_settings"),
                       ({"listen": "0.0.0.0:1"}, "invalid_request")):
        answer = acme.post("/api/v1/runs", json=body)
        assert answer.status_code == 400 and answer.json()["error"] == code, answer.text
        assert "\n" not in answer.json()["message"]
    big = acme.post("/api/v1/runs", content=b"{" + b" " * 70000 + b"}")
    assert big.status_code == 413 and big.json()["error"] == "body_too_large"


def test_every_route_refuses_the_wrong_account(service: tuple) -> None:
    _, admin, acme, globex, secretariat = service
    run = acme.post("/api/v1/runs", json={"select": "AUTH-TOKEN", "no_fuzz": True}).json()
    acme.wait(run["id"])
    own = f"/api/v1/runs/{run['id']}"
    reads = [own, own + "/events", own + "/files/report.json", own + "/allure.tar.gz", own + "/report.tar.gz"]
    anonymous = httpx.Client(base_url=str(acme.http.base_url), verify=acme.http._transport._pool._ssl_context)  # type: ignore[attr-defined]
    for path in [*reads, "/api/v1/runs", "/api/v1/me", "/api/v1/accounts"]:
        assert anonymous.get(path).status_code == 401, path
        assert anonymous.get(path, headers={"Authorization": "Bearer pcs_forged"}).status_code == 401, path
    for path in reads:
        assert globex.get(path).status_code == 404, path  # another vendor's run does not exist for it
        assert secretariat.get(path).status_code == 200, path
    assert globex.post(own + "/cancel").status_code == 404
    assert secretariat.post(own + "/cancel").status_code == 403
    assert run["id"] not in [r["id"] for r in globex.get("/api/v1/runs").json()["runs"]]
    assert run["id"] in [r["id"] for r in secretariat.get("/api/v1/runs").json()["runs"]]
    for client in (acme, secretariat):
        assert client.get("/api/v1/accounts").status_code == 403
        assert client.post("/api/v1/accounts", json={"name": "x"}).status_code == 403
        assert client.post(f"/api/v1/accounts/x/rotate").status_code == 403
    assert admin.post("/api/v1/runs", json={}).status_code == 403
    # A disabled account and a rotated token no longer sign in.
    victim = account(None, admin, "victim", "vendor")  # type: ignore[arg-type]
    victim_id = victim.get("/api/v1/me").json()["id"]
    assert admin.post(f"/api/v1/accounts/{victim_id}/disable").status_code == 200
    assert victim.get("/api/v1/me").status_code == 401
    admin.post(f"/api/v1/accounts/{victim_id}/enable")
    rotated = admin.post(f"/api/v1/accounts/{victim_id}/rotate").json()["token"]
    assert victim.get("/api/v1/me").status_code == 401
    assert Client(victim.http, rotated).get("/api/v1/me").status_code == 200
    # The callback endpoint answers only a live run's token.
    assert anonymous.post("/callbacks/not-a-run-token/2/events").status_code == 404
    anonymous.close()


def test_the_secret_is_in_no_table_log_or_report(service: tuple, request: pytest.FixtureRequest) -> None:
    running, _, acme, _, _ = service
    postgres = None if running.store.is_sqlite else request.getfixturevalue("postgres")
    secret = "s3cr3t-" + "q" * 20
    with ReferenceHost("2.3") as host:
        body = {"base_url": host.url, "client_id": host.config.client_id, "client_secret": secret,
                "ca_cert_pem": host.ca.ca_pem.read_text(), "select": "AUTH-TOKEN", "no_fuzz": True}
        run = acme.post("/api/v1/runs", json=body).json()
        ended = acme.wait(run["id"])
    assert ended["verdict"] == "not-conformant"  # the wrong secret: the token case fails
    if running.store.is_sqlite:
        dump = "\n".join(running.store.engine.raw_connection().iterdump())
    else:
        dump = postgres.dump(conninfo(running.store.url))
    assert run["id"] in dump and secret not in dump
    folder = Path(running.store.run(run["id"]).report_dir)
    for path in folder.rglob("*"):
        if path.is_file():
            assert secret not in path.read_text(encoding="utf-8", errors="replace"), path


def test_limits_answer_429_with_a_json_body(tmp_path: Path, database: str | None) -> None:
    with running_service(tmp_path, database=database, limits=Limits(workers=1, concurrent_runs_per_account=1, runs_per_hour_per_account=2)) as (_, admin):
        vendor = account(None, admin, "v", "vendor")  # type: ignore[arg-type]
        first = vendor.post("/api/v1/runs", json={"select": "AUTH-TOKEN", "no_fuzz": True}).json()
        second = vendor.post("/api/v1/runs", json={"select": "AUTH-TOKEN", "no_fuzz": True})
        assert second.status_code == 429 and "queued or running" in second.json()["message"]
        vendor.wait(first["id"])
        vendor.wait(vendor.post("/api/v1/runs", json={"select": "AUTH-TOKEN", "no_fuzz": True}).json()["id"])
        third = vendor.post("/api/v1/runs", json={"select": "AUTH-TOKEN", "no_fuzz": True})
        assert third.status_code == 429 and "last hour" in third.json()["message"]


def test_a_cancelled_run_ends_interrupted_with_its_partial_report(service: tuple) -> None:
    _, _, acme, _, _ = service
    run = acme.post("/api/v1/runs", json={"lang": "en"}).json()  # a full run: fuzzing keeps it going for a while
    _wait_for_a_finished_case(acme, run["id"])
    assert acme.post(f"/api/v1/runs/{run['id']}/cancel").status_code == 202
    ended = acme.wait(run["id"])
    assert ended["status"] == "interrupted" and ended["verdict"] in ("incomplete", "not-conformant")
    report = acme.get(f"/api/v1/runs/{run['id']}/files/report.json").json()
    assert report["interrupted"] is True and "cancelled" in " ".join(report["notes"])


def _wait_for_a_finished_case(client: Client, run_id: str) -> None:
    """Until the run's first case has finished: the run is under way, its stop handling up."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if client.get(f"/api/v1/runs/{run_id}").json()["status"] != "queued" and _finished_cases(client, run_id):
            return
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} finished no case within 120 s")


def _finished_cases(client: Client, run_id: str) -> bool:
    """A case-finished event is in the run's stream (read for a second: the stream stays open while it runs)."""
    with client.http.stream("GET", f"/api/v1/runs/{run_id}/events", headers={"Authorization": f"Bearer {client.token}"},
                           timeout=httpx.Timeout(10, read=1.0)) as stream:
        try:
            for line in stream.iter_lines():
                if line.startswith("event: case-finished"):
                    return True
        except httpx.ReadTimeout:
            return False
    return False


def _trusting(ca_pem: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca_pem))


def test_a_host_reachable_only_through_the_callback_url_is_conformant(tmp_path: Path, database: str | None) -> None:
    """The vendor host calls back the service's public URL; the run, in its own process, sees the events."""
    with running_service(tmp_path, database=database) as (running, admin):
        vendor = account(running, admin, "acme", "vendor")
        with ReferenceHost("2.3", overrides={"callback_verify": _trusting(running.ca_pem)}) as host:
            body = {"base_url": host.url, "client_id": host.config.client_id, "client_secret": host.config.client_secret,
                    "restricted_client_id": host.config.restricted_client_id,
                    "restricted_client_secret": host.config.restricted_client_secret,
                    "ca_cert_pem": host.ca.ca_pem.read_text(), "select": "events and not fuzz", "no_fuzz": True}
            run = vendor.post("/api/v1/runs", json=body).json()
            ended = vendor.wait(run["id"])
        report = vendor.get(f"/api/v1/runs/{run['id']}/files/report.json").json()
    outcomes = {c["id"]: c["outcome"] for c in report["cases"]}
    assert ended["verdict"] == "conformant", (ended, outcomes)
    assert outcomes and "skipped" not in {outcomes[c["id"]] for c in report["cases"] if c["mandatory"]}
    evidence = json.dumps(report["cases"])
    assert f"/callbacks/{run['callback_url'].rstrip('/').rsplit('/', 1)[-1]}" in evidence  # answers came through it


def test_a_restart_resumes_queued_runs_and_interrupts_running_ones(tmp_path: Path, database: str | None) -> None:
    env = {"PACT_SERVICE_KEY": Fernet.generate_key().decode()}
    with running_service(tmp_path, database=database, limits=Limits(workers=1), env=env, stale_after_s=2.0) as (running, admin):
        vendor = account(running, admin, "acme", "vendor")
        done = vendor.post("/api/v1/runs", json={"select": "AUTH-TOKEN", "no_fuzz": True}).json()
        vendor.wait(done["id"])
        long = vendor.post("/api/v1/runs", json={}).json()  # a full run: fuzzing keeps it going for a while
        queued = [vendor.post("/api/v1/runs", json={"select": "AUTH-TOKEN", "no_fuzz": True}).json() for _ in range(2)]
        _wait_for_a_finished_case(vendor, long["id"])
        admin_token = admin.token
    with running_service(tmp_path, database=database, limits=Limits(workers=2), env=env,
                         stale_after_s=2.0) as (again, admin2):
        vendor = Client(admin2.http, vendor.token)
        assert again.admin_token is None and admin_token
        interrupted = vendor.get(f"/api/v1/runs/{long['id']}").json()
        assert interrupted["status"] == "interrupted"
        assert vendor.get(f"/api/v1/runs/{long['id']}/files/report.json").json()["interrupted"] is True
        for run in queued:
            assert vendor.wait(run["id"])["status"] == "finished"
        first = vendor.get(f"/api/v1/runs/{done['id']}").json()
        assert first["status"] == "finished" and first["verdict"] == "conformant"
        listed = vendor.get("/api/v1/runs").json()
        assert listed["total"] == 4 and len({r["id"] for r in listed["runs"]}) == 4


def test_the_service_serves_its_openapi_document_naming_every_route(service: tuple) -> None:
    from conformance.service.api import routes

    _, _, acme, _, _ = service
    document = acme.http.get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    for route in routes():
        path = route.path.replace("{action:str}", "{action}").replace("{path:path}", "{path}")
        assert path in paths or path == "/callbacks/{token}", path


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_run_saved_but_never_queued_is_still_executed(service: tuple) -> None:
    """The accepting instance may die between saving a run and deferring its job (PostgreSQL): a run queued
    longer than the stale time with no job is deferred again by a live instance; on SQLite the workers poll."""
    from conformance.service.requests import RunRequest, run_target
    from conformance.service.store import new_run_id, now, runs
    running, _, acme, _, _ = service
    owner = running.store.account_by_name("acme")
    values = RunRequest(select=FAST, no_fuzz=True, solution="lost").values()
    run_id = new_run_id()
    running.store.create_run(run_id, owner.id, "2.3", [], run_target(values), values, "lost", None)
    with running.store.engine.begin() as db:  # saved an hour ago, by an instance that has since died
        db.execute(runs.update().where(runs.c.id == run_id).values(created_at=now() - timedelta(hours=1)))
    deadline = time.monotonic() + 120
    while (ended := acme.get(f"/api/v1/runs/{run_id}").json())["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, f"the run saved but never queued was not executed: {ended}"
        time.sleep(0.3)
    assert ended["status"] == "finished" and ended["verdict"] == "conformant", ended
