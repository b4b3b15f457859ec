"""Load benchmark of the conformance service (not a test): 20 concurrent runs against 20 reference hosts.

Usage: python tests/bench/service_bench.py [--runs 20] [--workers 4] [--fuzz]

One `pact-conformance service` instance with the embedded default (SQLite, in-process workers) runs as a
subprocess; 20 reference hosts listen on 127.0.0.1 in this process and call back through the service's
per-run callback URL. All runs are submitted at once over the API. Prints runs/minute, p50/p95 run time
(queue wait excluded and included), the peak RSS of the service process and of its run processes, and the
callbacks lost: answers to request events that never reached their run (must be 0). Without --fuzz the
verdicts are "incomplete": the mandatory fuzz cases did not run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from conformance.reference.host import ReferenceHost  # noqa: E402

EVENT_CASES_PREFIX = "EVT-"


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    """Child processes of every thread (a worker thread starts each run process)."""
    found: list[int] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(p) for p in children.read_text().split()]
        except OSError:
            pass
    return found


class PeakMemory(threading.Thread):
    """Samples the service's RSS and the largest RSS of one run process every 50 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.service_kib, self.run_kib, self.all_kib = pid, 0, 0, 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.05):
            own = _rss_kib(self.pid)
            runs = [_rss_kib(child) for child in _children(self.pid)]
            self.service_kib = max(self.service_kib, own)
            self.run_kib = max([self.run_kib, *runs])
            self.all_kib = max(self.all_kib, own + sum(runs))


def _start_service(root: Path, workers: int, runs: int) -> tuple[subprocess.Popen[str], str, str, Path]:
    process = subprocess.Popen([sys.executable, "-m", "conformance.cli", "service", "--port", "0", "--report-root",
                                str(root), "--workers", str(workers), "--concurrent-runs-per-account", str(runs),
                                "--runs-per-hour-per-account", str(runs * 2)],
                               stdout=subprocess.PIPE, text=True)
    url = token = None
    assert process.stdout is not None
    for line in process.stdout:
        url = url or (re.search(r"service at (https://\S+)", line) or [None, None])[1]
        token = token or (re.search(r"admin token \(shown once\): (\S+)", line) or [None, None])[1]
        if line.startswith("Press Ctrl-C"):
            break
    assert url and token, "the service did not start"
    return process, url, token, root / "tls" / "ca.pem"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="the service's worker count (default: its default)")
    parser.add_argument("--fuzz", action="store_true", help="fuzzing on (default: --no-fuzz runs)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="pact-service-bench-"))
    process, url, admin, ca = _start_service(root, args.workers, args.runs)
    memory = PeakMemory(process.pid)
    memory.start()
    trust = ssl.create_default_context(cafile=str(ca))
    try:
        with ExitStack() as hosts, httpx.Client(base_url=url, verify=trust, timeout=60) as http:
            vendor = http.post("/api/v1/accounts", json={"name": "bench", "role": "vendor"},
                               headers={"Authorization": f"Bearer {admin}"}).json()["token"]
            auth = {"Authorization": f"Bearer {vendor}"}
            targets = [hosts.enter_context(ReferenceHost("2.3", overrides={"callback_verify": trust}))
                       for _ in range(args.runs)]
            started = time.monotonic()

            def submit(host: ReferenceHost) -> str:
                body: dict[str, Any] = {"base_url": host.url, "client_id": host.config.client_id,
                                        "client_secret": host.config.client_secret,
                                        "restricted_client_id": host.config.restricted_client_id,
                                        "restricted_client_secret": host.config.restricted_client_secret,
                                        "ca_cert_pem": host.ca.ca_pem.read_text(), "no_fuzz": not args.fuzz}
                answer = http.post("/api/v1/runs", json=body, headers=auth)
                answer.raise_for_status()
                return answer.json()["id"]

            with ThreadPoolExecutor(args.runs) as pool:
                ids = list(pool.map(submit, targets))
            ended: dict[str, dict[str, Any]] = {}
            while len(ended) < len(ids):
                for run_id in ids:
                    if run_id not in ended:
                        run = http.get(f"/api/v1/runs/{run_id}", headers=auth).json()
                        if run["status"] in ("finished", "interrupted"):
                            ended[run_id] = run
                time.sleep(0.5)
            wall = time.monotonic() - started
            lost, verdicts = 0, []
            for run_id in ids:
                report = http.get(f"/api/v1/runs/{run_id}/files/report.json", headers=auth).json()
                verdicts.append(report["verdict"])
                lost += sum(1 for c in report["cases"] if c["id"].startswith(EVENT_CASES_PREFIX)
                            and c["outcome"] != "passed" and "callback" in c["message"].lower())
    finally:
        memory.stop.set()
        process.terminate()
        process.wait(timeout=60)
    durations = sorted(r["duration_s"] for r in ended.values())
    turnaround = sorted((_t(r["finished_at"]) - _t(r["created_at"])) for r in ended.values())
    print(f"runs: {len(ids)} ({', '.join(f'{v}: {verdicts.count(v)}' for v in sorted(set(verdicts)))}), "
          f"workers: {args.workers}, fuzzing: {'on' if args.fuzz else 'off'}, cores: {os.cpu_count()}")
    print(f"wall time: {wall:.1f} s   runs/minute: {len(ids) / wall * 60:.1f}")
    print(f"run time p50/p95: {_pct(durations, 50):.1f} s / {_pct(durations, 95):.1f} s   "
          f"submitted-to-finished p50/p95: {_pct(turnaround, 50):.1f} s / {_pct(turnaround, 95):.1f} s")
    print(f"peak RSS: service process {memory.service_kib / 1024:.0f} MiB, one run process "
          f"{memory.run_kib / 1024:.0f} MiB, service with its runs {memory.all_kib / 1024:.0f} MiB")
    print(f"callbacks lost: {lost}")


def _t(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _pct(values: list[float], pct: int) -> float:
    if not values:
        return 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1] if len(values) > 1 else values[0]


if __name__ == "__main__":
    main()
