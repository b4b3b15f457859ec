"""Benchmark of the console's runs page over a large store (not a test).

Usage: python tests/bench/console_bench.py [--runs 10000] [--repeat 20]

Inserts --runs finished runs (three vendors, a dozen solutions) into a fresh SQLite store, signs in to the
console in-process (Starlette's TestClient over https://testserver: the session cookie is Secure) and times the
first page of /console/runs for the secretariat (every run) and a vendor (its own): median and worst of --repeat.
The page is one paged list_runs query (created_at is indexed) plus a count; target < 300 ms on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from starlette.testclient import TestClient  # noqa: E402

from conformance.service import accounts as acc  # noqa: E402
from conformance.service.api import Service, make_app  # noqa: E402
from conformance.service.limits import Limits  # noqa: E402
from conformance.service.secret_box import SecretBox  # noqa: E402
from conformance.service.store import Store, now, runs  # noqa: E402


def fill(store: Store, count: int) -> dict[str, str]:
    tokens = {}
    owners = []
    for name, role in (("secretariat", "secretariat"), ("acme", "vendor"), ("globex", "vendor"), ("initech", "vendor")):
        account, tokens[name] = acc.create_account(store, name, role)
        if role == "vendor":
            owners.append(account.id)
    start = now() - timedelta(days=60)
    verdicts = ("conformant", "not-conformant", "incomplete")
    rows = [{"id": f"{i:016x}", "account_id": owners[i % 3], "status": "finished", "solution": f"solution-{i % 12}",
             "spec": "2.3", "profiles": "[]", "target": json.dumps({"base_url": f"https://vendor{i % 12}.example/api"}),
             "request": json.dumps({"spec": "2.3", "base_url": f"https://vendor{i % 12}.example/api"}),
             "callback_token": f"cb{i}", "cancel_requested": False, "verdict": verdicts[i % 3],
             "official_verdict": verdicts[(i + 1) % 3], "exit_code": 0, "message": "",
             "summary": json.dumps({"summary": {"total": 40}}), "created_at": start + timedelta(minutes=5 * i),
             "started_at": start + timedelta(minutes=5 * i), "finished_at": start + timedelta(minutes=5 * i, seconds=42)}
            for i in range(count)]
    with store.engine.begin() as db:
        for chunk in range(0, len(rows), 1000):
            db.execute(runs.insert(), rows[chunk:chunk + 1000])
    return tokens


def signed_in(app: object, token: str) -> TestClient:
    client = TestClient(app, base_url="https://testserver")
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/console/signin").text).group(1)  # type: ignore[union-attr]
    answer = client.post("/console/signin", data={"csrf": csrf, "token": token, "next": "/console/runs"},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        store = Store(f"sqlite:///{Path(root) / 'service.db'}")
        store.migrate()
        tokens = fill(store, args.runs)
        app = make_app(Service(store, SecretBox({}), Limits(), None))
        for who in ("secretariat", "acme"):
            client = signed_in(app, tokens[who])
            client.get("/console/runs")  # warm: templates compiled, connections open
            times = []
            for _ in range(args.repeat):
                began = time.perf_counter()
                page = client.get("/console/runs")
                times.append((time.perf_counter() - began) * 1000)
                assert page.status_code == 200 and page.text.count("<tr>") == 26, page.status_code
            print(f"runs page, first 25 of {args.runs} runs, {who}: median {statistics.median(times):.1f} ms, "
                  f"worst {max(times):.1f} ms ({args.repeat} renders)")
        store.close()


if __name__ == "__main__":
    main()
