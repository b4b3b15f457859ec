"""Rounds over the service's API on the embedded default: a roster of two solutions becomes two service runs,
the round report and the history; who may start and read rounds; a rounds.db of an earlier version imported."""

from __future__ import annotations

import io
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conformance.cli import main
from conformance.service.limits import Limits
from tests.service_kit import Client, account, running_service

FAST = "AUTH-TOKEN"
ROSTER = f'''[round]
name = "api-round"
[[solution]]
name = "ref-23"
spec = "2.3"
select = "{FAST}"
no_fuzz = true
[[solution]]
name = "ref-30"
spec = "3.0"
select = "{FAST}"
no_fuzz = true
'''


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, Client, Client, Client, Path]]:
    root = tmp_path_factory.mktemp("service-rounds")
    with running_service(root, limits=Limits(workers=2)) as (running, admin):
        yield (running, admin, account(running, admin, "acme", "vendor"),
               account(running, admin, "secretariat", "secretariat"), root)


def _wait_round(client: Client, round_id: str, timeout_s: float = 180.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = client.get(f"/api/v1/rounds/{round_id}").json()
        if found["status"] in ("finished", "interrupted"):
            return found
        time.sleep(0.3)
    raise AssertionError(f"round {round_id} did not end: {found}")


def test_a_round_runs_each_solution_as_a_service_run_and_writes_its_report(service: tuple) -> None:
    running, _, _, secretariat, root = service
    created = secretariat.post("/api/v1/rounds", json={"roster": ROSTER})
    assert created.status_code == 201, created.text
    started = created.json()
    assert started["status"] == "running" and [s["solution"] for s in started["solutions"]] == ["ref-23", "ref-30"]
    for row in started["solutions"]:  # each solution's run is a run as any other: followed to its end
        run = secretariat.wait(row["run_id"])
        assert run["solution"] == row["solution"] and run["verdict"] == "conformant", run
        assert run["started_by"] == secretariat.get("/api/v1/me").json()["id"]
    ended = _wait_round(secretariat, started["id"])
    assert ended["status"] == "finished" and not ended["interrupted"], ended
    assert {s["solution"]: (s["status"], s["verdict"]) for s in ended["solutions"]} == {
        "ref-23": ("completed", "conformant"), "ref-30": ("completed", "conformant")}
    html = secretariat.get(ended["links"]["round.html"])
    assert html.status_code == 200 and "api-round" in html.text
    for row in ended["solutions"]:  # the report links to each run's report as the API serves it
        assert f'href="../../../runs/{row["run_id"]}/files/report.html"' in html.text
        assert secretariat.get(row["links"]["report"]).status_code == 200
    round_json = secretariat.get(ended["links"]["round.json"]).json()
    assert round_json["round_id"] == started["id"] and round_json["conformant"] == 2
    listed = secretariat.get("/api/v1/rounds").json()
    assert started["id"] in [r["id"] for r in listed["rounds"]]
    by_solution = secretariat.get("/api/v1/runs", params={"solution": "ref-30"}).json()["runs"]
    assert [r["id"] for r in by_solution] == [ended["solutions"][1]["run_id"]]

    # History: a second round; the JSON holds what `history` prints, the CLI reads the same store.
    again = secretariat.post("/api/v1/rounds", json={"roster": ROSTER}).json()
    _wait_round(secretariat, again["id"])
    history = secretariat.get("/api/v1/solutions/ref-23/history").json()
    assert history["solution"] == "ref-23" and [h["round_id"] for h in history["rounds"]] == [started["id"], again["id"]]
    first = history["rounds"][0]
    assert first["verdict"] == "conformant" and first["passed"] >= 1 and first["failing"] == 0
    assert first["links"]["run"] == f"/api/v1/runs/{started['solutions'][0]['run_id']}"
    assert history["rounds"][1]["newly_passing"] == [] and history["rounds"][1]["regressed"] == []
    assert secretariat.get("/api/v1/solutions/nobody/history").json()["rounds"] == []
    out = io.StringIO()
    assert main(["history", "ref-23", "--db", str(root)], out=out) == 0
    assert out.getvalue().startswith("ref-23: 2 round(s)"), out.getvalue()


def test_a_roster_the_round_cannot_use_queues_nothing(service: tuple) -> None:
    running, _, _, secretariat, _ = service
    before = secretariat.get("/api/v1/runs").json()["total"]
    missing = ROSTER + '[[solution]]\nname = "far"\nbase_url = "https://127.0.0.1:1"\n' \
                       'client_id_env = "NO_SUCH_ID_VARIABLE"\nclient_secret_env = "NO_SUCH_SECRET_VARIABLE"\n'
    for body in ({"roster": missing}, {"roster": "[round]\nname = 'x'\n"}, {"roster": "not toml ="}, {"nothing": 1}):
        answer = secretariat.post("/api/v1/rounds", json=body)
        assert answer.status_code == 400 and "\n" not in answer.json()["message"], answer.text
    assert "NO_SUCH_ID_VARIABLE" in secretariat.post("/api/v1/rounds", json={"roster": missing}).json()["message"]
    assert secretariat.get("/api/v1/runs").json()["total"] == before


def test_rounds_are_the_secretariats(service: tuple) -> None:
    running, admin, acme, secretariat, _ = service
    anonymous = httpx.Client(base_url=str(acme.http.base_url), verify=acme.http._transport._pool._ssl_context)  # type: ignore[attr-defined]
    paths = ["/api/v1/rounds", "/api/v1/rounds/x", "/api/v1/rounds/x/files/round.html", "/api/v1/solutions/a/history"]
    for path in paths:
        assert anonymous.get(path).status_code == 401, path
        assert acme.get(path).status_code == 403, path
        assert admin.get(path).status_code in (200, 404), path  # an admin reads as the secretariat does
    assert anonymous.post("/api/v1/rounds", json={"roster": ROSTER}).status_code == 401
    assert acme.post("/api/v1/rounds", json={"roster": ROSTER}).status_code == 403
    assert admin.post("/api/v1/rounds", json={"roster": ROSTER}).status_code == 403
    assert secretariat.get("/api/v1/rounds/no-such-round").status_code == 404
    anonymous.close()


LEGACY_SCHEMA = """
CREATE TABLE rounds (id INTEGER PRIMARY KEY, round_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    roster_digest TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL,
    interrupted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE runs (id INTEGER PRIMARY KEY, round_pk INTEGER NOT NULL REFERENCES rounds(id), solution TEXT NOT NULL,
    spec TEXT NOT NULL, status TEXT NOT NULL, verdict TEXT NOT NULL, official_verdict TEXT, duration_s REAL NOT NULL,
    report_dir TEXT, message TEXT NOT NULL);
CREATE TABLE case_results (run_pk INTEGER NOT NULL REFERENCES runs(id), case_id TEXT NOT NULL, outcome TEXT NOT NULL,
    mandatory INTEGER NOT NULL, PRIMARY KEY (run_pk, case_id));
PRAGMA user_version = 2;
"""


def _legacy_rounds_db(path: Path) -> None:
    """A rounds.db as `round --db` wrote it before the history moved into the service store."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.executescript(LEGACY_SCHEMA)
        for pk, (round_id, outcome) in enumerate((("old1", "failed"), ("old2", "passed")), start=1):
            db.execute("INSERT INTO rounds VALUES (?, ?, 'q', 'd', ?, ?, 0)", (pk, round_id, f"2025-0{pk}-01", f"2025-0{pk}-02"))
            db.execute("INSERT INTO runs VALUES (?, ?, 'x', '2.3', 'completed', ?, NULL, 1.0, NULL, '')",
                       (pk, pk, "conformant" if outcome == "passed" else "not-conformant"))
            db.executemany("INSERT INTO case_results VALUES (?, ?, ?, 1)", [(pk, "AUTH-TOKEN", outcome),
                                                                            (pk, "AUTH-BAD-CREDENTIALS", "passed")])
    db.close()


def test_a_rounds_db_of_an_earlier_version_is_imported_once(tmp_path: Path) -> None:
    from conformance.rounds.model import RoundResult, SolutionRow
    from conformance.rounds.store import RoundStore

    legacy = tmp_path / "reports" / "rounds.db"
    _legacy_rounds_db(legacy)
    out = io.StringIO()
    assert main(["history", "x", "--db", str(legacy)], out=out) == 0  # the old --db value names the new store
    assert out.getvalue().startswith("x: 2 round(s)") and "newly passing: AUTH-TOKEN" in out.getvalue(), out.getvalue()
    assert (tmp_path / "reports" / "service.db").is_file()
    with RoundStore(legacy) as store:  # opened again: not imported a second time; a new round compares with the old
        result = RoundResult(name="q", roster_digest="d", round_id="new", started_at="a", finished_at="b",
                             rows=[SolutionRow(name="x", index=0, spec="2.3", profiles=[], status="completed",
                                               verdict="not-conformant", cases={"AUTH-TOKEN": "failed"},
                                               mandatory=["AUTH-TOKEN"])])
        assert store.record(result) and result.rows[0].changes["regressed"] == ["AUTH-TOKEN"]
        assert [e.round_id for e in store.history("x")] == ["old1", "old2", "new"]
    with RoundStore(tmp_path / "reports") as store:  # the folder names the same store
        assert len(store.history("x")) == 3
    # The service started on that folder serves the imported history too.
    with running_service(tmp_path / "reports") as (running, admin):
        secretariat = account(running, admin, "secretariat", "secretariat")
        history = secretariat.get("/api/v1/solutions/x/history").json()["rounds"]
        assert [h["round_id"] for h in history] == ["old1", "old2", "new"]
        assert history[1]["newly_passing"] == ["AUTH-TOKEN"]


def test_a_service_started_beside_a_rounds_db_imports_it(tmp_path: Path) -> None:
    _legacy_rounds_db(tmp_path / "rounds.db")
    with running_service(tmp_path) as (running, admin):
        secretariat = account(running, admin, "secretariat", "secretariat")
        assert [h["round_id"] for h in secretariat.get("/api/v1/solutions/x/history").json()["rounds"]] == ["old1", "old2"]
