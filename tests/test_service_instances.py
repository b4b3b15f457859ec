"""Two `pact-conformance service` processes on one PostgreSQL and one report root, the way it scales: one is
killed (SIGKILL) mid-run; the runs it had accepted and queued are executed by the other (their secrets come
across encrypted under PACT_SERVICE_KEY), and the run it was executing ends "interrupted" with the partial
report its child wrote when it lost its parent. The stalled procrastinate job of the killed worker is retried
and finds its run ended: nothing runs twice."""

from __future__ import annotations

import os
import queue
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
from cryptography.fernet import Fernet

from conformance.reference.host import ReferenceHost
from conformance.service.store import Store, database_url
from tests.postgres_kit import PostgresServer, postgres  # noqa: F401 - the session's PostgreSQL server (a fixture)
from tests.service_kit import Client
from tests.test_service import _wait_for_a_finished_case

CLI = "import sys; from conformance.cli import main; sys.exit(main(sys.argv[1:]))"
LONG = {"lang": "en", "fuzz_budget": 10000}  # a full run whose fuzzing outlasts the test's steps


@dataclass
class Instance:
    process: subprocess.Popen[str]
    url: str
    instance_id: str
    ca_pem: str
    admin_token: str | None
    output: list[str]


def _start(root: Path, database: str, env: dict[str, str], workers: int) -> Instance:
    process = subprocess.Popen([sys.executable, "-c", CLI, "service", "--database", database, "--report-root", str(root),
                                "--port", "0", "--workers", str(workers), "--concurrent-runs-per-account", "10"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    output: list[str] = []
    deadline = time.monotonic() + 60
    while not any(line.startswith("Press Ctrl-C") for line in output):
        line = lines.get(timeout=max(deadline - time.monotonic(), 0.1))
        if line is None:
            raise AssertionError("the service did not start:\n" + "".join(output))
        output.append(line)
    text = "".join(output)
    field = {key: next((line.split(key, 1)[1].split()[0] for line in output if key in line), "")
             for key in ("service at ", "instance: ", "CA certificate: ", "admin token (shown once): ")}
    assert field["service at "] and field["instance: "], text
    return Instance(process, field["service at "], field["instance: "], field["CA certificate: "],
                    field["admin token (shown once): "] or None, output)


def _client(instance: Instance, token: str) -> Client:
    return Client(httpx.Client(base_url=instance.url, verify=ssl.create_default_context(cafile=instance.ca_pem),
                               timeout=30.0), token)


def _kinds(store: Store, run_id: str) -> set[str]:
    return {str(data.get("kind")) for _, data in store.events_after(run_id, 0, limit=100000)}


def _until(condition, timeout_s: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout_s:.0f} s: {what}")


@pytest.fixture
def instances(postgres: PostgresServer, tmp_path: Path) -> Iterator[tuple[str, Path, dict[str, str]]]:  # noqa: F811
    env = {**os.environ, "PACT_SERVICE_KEY": Fernet.generate_key().decode()}
    yield postgres.new_database(), tmp_path, env


def test_a_killed_instance_s_queued_runs_are_taken_by_the_other(instances: tuple[str, Path, dict[str, str]]) -> None:
    database, root, env = instances
    store = Store(database_url(database, root))
    started: list[Instance] = []
    try:
        a = _start(root, database, env, workers=1)
        started.append(a)
        assert a.admin_token, "".join(a.output)
        admin_a = _client(a, a.admin_token)
        created = admin_a.post("/api/v1/accounts", json={"name": "acme", "role": "vendor"})
        vendor_a = _client(a, created.json()["token"])
        # A's one worker takes a full run (fuzzing keeps it going).
        long_a = vendor_a.post("/api/v1/runs", json=LONG).json()
        _wait_for_a_finished_case(vendor_a, long_a["id"])
        b = _start(root, database, env, workers=1)
        started.append(b)
        vendor_b = _client(b, vendor_a.token)
        # B's one worker takes the next; then both are busy, and what A accepts next waits in the queue.
        long_b = vendor_b.post("/api/v1/runs", json=LONG).json()
        _wait_for_a_finished_case(vendor_b, long_b["id"])
        assert store.run(long_a["id"]).instance_id == a.instance_id  # type: ignore[union-attr]
        assert store.run(long_b["id"]).instance_id == b.instance_id  # type: ignore[union-attr]
        with ReferenceHost("2.3") as host:
            body = {"base_url": host.url, "client_id": host.config.client_id,
                    "client_secret": host.config.client_secret, "ca_cert_pem": host.ca.ca_pem.read_text(),
                    "select": "AUTH-TOKEN", "no_fuzz": True}
            queued = [vendor_a.post("/api/v1/runs", json=body).json() for _ in range(2)]
            time.sleep(1.0)
            assert [store.run(r["id"]).status for r in queued] == ["queued", "queued"]  # type: ignore[union-attr]
            assert not _kinds(store, long_a["id"]) & {"run-finished"}  # A is mid-run
            a.process.kill()  # SIGKILL: no stop handling; its run's child gets SIGTERM from the kernel (PDEATHSIG)
            a.process.wait(10)
            killed_at = time.monotonic()
            assert vendor_b.post(f"/api/v1/runs/{long_b['id']}/cancel").status_code == 202  # B's worker frees up
            ended = [vendor_b.wait(r["id"], timeout_s=240) for r in queued]
        assert [r["status"] for r in ended] == ["finished", "finished"], ended
        assert [r["verdict"] for r in ended] == ["conformant", "conformant"], ended  # the secret came across
        assert {store.run(r["id"]).instance_id for r in queued} == {b.instance_id}  # type: ignore[union-attr]
        # A's running run: ended by B when A stopped beating, with the partial report A's child wrote.
        interrupted = vendor_b.wait(long_a["id"], timeout_s=120)
        assert interrupted["status"] == "interrupted", interrupted
        assert "instance running it stopped" in interrupted["message"]
        assert interrupted["summary"] and interrupted["verdict"] in ("incomplete", "not-conformant"), interrupted
        report = vendor_b.get(f"/api/v1/runs/{long_a['id']}/files/report.json").json()
        assert report["interrupted"] is True and report["cases"]
        # A's stalled job is retried by B, finds its run ended and does nothing: the queue ends empty.
        conninfo = database

        def queue_drained() -> bool:
            with psycopg.connect(conninfo) as connection:
                rows = connection.execute("SELECT status FROM procrastinate_jobs WHERE status IN ('todo', 'doing')")
                return not rows.fetchall()

        _until(queue_drained, 60, "A's stalled job retried and done")
        again = store.run(long_a["id"])
        assert again is not None and again.status == "interrupted" and again.instance_id == a.instance_id
        starts = [data for _, data in store.events_after(long_a["id"], 0, limit=100000) if data["kind"] == "run-started"]
        assert len(starts) == 1 and "run-finished" not in _kinds(store, long_a["id"])  # it ran once, and was cut
        print(f"\nqueued runs of the killed instance finished on the other {time.monotonic() - killed_at:.1f} s "
              f"after the kill; its running run ended interrupted with {len(report['cases'])} cases reported")
    finally:
        for instance in started:
            if instance.process.poll() is None:
                instance.process.terminate()
                try:
                    instance.process.wait(60)
                except subprocess.TimeoutExpired:
                    instance.process.kill()
        store.close()
