"""Benchmark of offline validation (not a test): throughput and memory of `validate` over JSON Lines.

Usage: python tests/bench/validate_bench.py [--spec 2.3] [--sizes 20000 100000]

Each size runs in a fresh process so its peak RSS is its own; a streaming
engine shows (nearly) the same peak for 20k and 100k footprints. Footprints per
CPU second is printed beside wall-clock throughput because a shared machine's
load distorts the latter.
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


def write_lines(path: Path, spec: str, count: int, seed: int = 7) -> None:
    """`count` footprints, one per line: valid fixtures with fresh ids, and every fifth one an invalid fixture."""
    valid = [json.loads(p.read_text()) for p in sorted((FIXTURES / spec / "valid").glob("*.json"))]
    invalid = [json.loads(p.read_text()) for p in sorted((FIXTURES / spec / "invalid").glob("*.json"))]
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for index in range(count):
            source = invalid if index % 5 == 4 else valid
            footprint = dict(source[index % len(source)])
            footprint["id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            out.write(json.dumps(footprint, separators=(",", ":")) + "\n")


def run_once(spec: str, count: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "footprints.jsonl"
        write_lines(path, spec, count)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with open(os.devnull, "w", encoding="utf-8") as sink:
            started, cpu_started = time.perf_counter(), time.process_time()
            validate_paths([str(path)], spec, frozenset(), "text", sink, sink, sys.stdin)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return {
        "footprints": count,
        "seconds": round(elapsed, 2),
        "per_second": round(count / elapsed),
        "per_cpu_second": round(count / cpu),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_before_validation_mib": round(rss_before / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default="2.3")
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_once(args.spec, args.child)))
        return
    print(f"offline validation, spec {args.spec}, {os.cpu_count()} CPUs")
    for size in args.sizes:
        result = subprocess.run(
            [sys.executable, __file__, "--spec", args.spec, "--child", str(size)], check=True, capture_output=True, text=True
        )
        stats = json.loads(result.stdout)
        print(
            f"{stats['footprints']:>8} footprints  {stats['seconds']:>7} s  {stats['per_second']:>7} footprints/s "
            f"({stats['per_cpu_second']} per CPU second)  "
            f"peak RSS {stats['peak_rss_mib']} MiB (before validation {stats['rss_before_validation_mib']} MiB)"
        )


if __name__ == "__main__":
    main()
