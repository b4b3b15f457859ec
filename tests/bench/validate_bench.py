"""Benchmark of offline validation (not a test): throughput and memory of `validate` over JSON Lines.

Usage: python tests/bench/validate_bench.py [--specs 2.3 3.0] [--sizes 20000 100000] [--layout lines|array]

--layout array writes the footprints as one JSON array document instead: a large one is read
item by item, so its peak RSS must stay flat too (before, the whole parsed array was in memory).

Target: at least 5,000 footprints/s wall clock at 100k lines on a 2-core
machine, and a peak RSS that does not grow with the number of lines. Each size
runs in a fresh process so its peaks are its own: the main process's and the
largest worker's (large files are checked by worker processes). CPU seconds of
all processes and the load average are printed beside the wall clock because
a shared machine's load distorts the latter.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from conformance.offline import validate_paths  # noqa: E402  (path set up above for direct runs)

FIXTURES = REPO / "fixtures" / "footprints"
TARGET_PER_SECOND = 5_000


def write_lines(path: Path, spec: str, count: int, seed: int = 7, array: bool = False) -> None:
    """`count` footprints, one per line: valid fixtures with fresh ids, and every fifth one an invalid fixture.

    With `array`, the same lines are the items of one JSON array."""
    valid = [json.loads(p.read_text()) for p in sorted((FIXTURES / spec / "valid").glob("*.json"))]
    invalid = [json.loads(p.read_text()) for p in sorted((FIXTURES / spec / "invalid").glob("*.json"))]
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write("[\n" if array else "")
        for index in range(count):
            source = invalid if index % 5 == 4 else valid
            footprint = dict(source[index % len(source)])
            footprint["id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            separator = ("," if index < count - 1 else "") if array else ""
            out.write(json.dumps(footprint, separators=(",", ":")) + separator + "\n")
        out.write("]\n" if array else "")


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def run_once(spec: str, count: int, layout: str = "lines") -> dict[str, float]:
    """One validation of `count` generated lines in this process; worker figures come from RUSAGE_CHILDREN."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("footprints.json" if layout == "array" else "footprints.jsonl")
        write_lines(path, spec, count, array=layout == "array")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with open(os.devnull, "w", encoding="utf-8") as sink:
            cpu_started = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            validate_paths([str(path)], spec, frozenset(), "text", sink, sink, sys.stdin)
            elapsed = time.perf_counter() - started
            cpu = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN) - cpu_started
    return {
        "footprints": count,
        "seconds": round(elapsed, 2),
        "per_second": round(count / elapsed),
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "worker_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "rss_before_validation_mib": round(rss_before / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", nargs="+", default=["2.3", "3.0"])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--layout", choices=("lines", "array"), default="lines")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)  # spec, size
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_once(args.child[0], int(args.child[1]), args.layout)))
        return
    print(f"offline validation, {os.cpu_count()} CPUs; target >= {TARGET_PER_SECOND:,} footprints/s wall clock, flat peak RSS")
    for spec in args.specs:
        for size in args.sizes:
            load = os.getloadavg()[0]
            result = subprocess.run(
                [sys.executable, __file__, "--child", spec, str(size), "--layout", args.layout], check=True,
                capture_output=True, text=True
            )
            stats = json.loads(result.stdout)
            verdict = "ok" if stats["per_second"] >= TARGET_PER_SECOND else "BELOW TARGET"
            print(
                f"spec {spec} {args.layout:<5} {stats['footprints']:>8} footprints  {stats['seconds']:>6} s  "
                f"{stats['per_second']:>6} footprints/s {verdict:<12}  "
                f"CPU {stats['cpu_seconds']} s, {round(size / stats['cpu_seconds'])} per CPU second (all processes)  "
                f"peak RSS main {stats['peak_rss_mib']} MiB (before validation {stats['rss_before_validation_mib']}), "
                f"largest worker {stats['worker_peak_rss_mib']} MiB  load {load:.1f}"
            )


if __name__ == "__main__":
    main()
