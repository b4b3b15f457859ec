"""Benchmark of the default run: wall time, request count and peak memory (not a test).

Usage: python tests/bench/run_bench.py [--spec 2.3] [--repeat 3] [extra run flags...]
Runs `pact-conformance run` against the embedded reference host in a fresh
interpreter each time, so start-up cost and memory are measured as a user sees them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import sys, time
from conformance.cli import main
started = time.perf_counter()
code = main(sys.argv[1:])
elapsed = time.perf_counter() - started
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))  # own peak, not the parent's
print("BENCH", code, elapsed, hwm.split()[1], file=sys.stderr)
"""


def measure(run_args: list[str]) -> tuple[float, float, int, int]:
    with tempfile.TemporaryDirectory() as folder:
        report_dir = Path(folder) / "report"
        args = [sys.executable, "-c", CHILD, "run", "--quiet", "--report-dir", str(report_dir), *run_args]
        started = __import__("time").perf_counter()
        completed = subprocess.run(args, capture_output=True, text=True, check=False)
        wall = __import__("time").perf_counter() - started
        line = next(l for l in completed.stderr.splitlines() if l.startswith("BENCH"))
        _, code, _inner, rss_kib = line.split()
        report = json.loads((report_dir / "report.json").read_text())
        requests = sum(len(case["evidence"]) for case in report["cases"])
        return wall, int(rss_kib) / 1024, requests, int(code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spec", default="2.3")
    parser.add_argument("--repeat", type=int, default=3)
    known, extra = parser.parse_known_args()
    results = [measure(["--spec", known.spec, *extra]) for _ in range(known.repeat)]
    walls = [r[0] for r in results]
    print(f"spec {known.spec}: {known.repeat} runs, exit codes {sorted({r[3] for r in results})}")
    print(f"  wall time   median {statistics.median(walls):.2f} s  (min {min(walls):.2f}, max {max(walls):.2f})")
    print(f"  requests    {results[0][2]} recorded exchanges per run")
    print(f"  peak memory {max(r[1] for r in results):.0f} MiB (max RSS of the run process)")


if __name__ == "__main__":
    main()
