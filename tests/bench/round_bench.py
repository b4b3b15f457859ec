"""Benchmark of a certification round: wall time per worker count and the speed-up (not a test).

Usage: python tests/bench/round_bench.py [--solutions 20] [--workers 1 4] [--latency-ms 80] [--fuzz]

Starts --solutions reference-host variants on 127.0.0.1 (every fourth one faulty) behind a
middleware that delays each response by --latency-ms, standing in for the network between the
consortium and a vendor's solution, then runs the same roster once per worker count through
`pact-conformance round`. Without --fuzz the solutions run with --no-fuzz.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from conformance.cli import main as cli_main  # noqa: E402
from conformance.reference.host import ReferenceHost  # noqa: E402
from tests.faults import all_faults  # noqa: E402

FAULTY = ["token-ignores-secret", "list-accepts-unknown-token", "get-accepts-unknown-token", "page-exceeds-limit"]


def latency(milliseconds: int) -> Any:
    """ASGI middleware factory: each request waits `milliseconds` before it is served."""
    def wrap(app: Any) -> Any:
        async def delayed(scope: dict, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                await asyncio.sleep(milliseconds / 1000)
            await app(scope, receive, send)
        return delayed
    return wrap


def start_hosts(stack: ExitStack, count: int, delay_ms: int, fuzz: bool) -> str:
    faults = {fault.name: fault for fault in all_faults()}
    entries = ['[round]\nname = "bench"\n']
    for index in range(count):
        spec = "3.0" if index % 2 else "2.3"
        fault = faults[FAULTY[(index // 4) % len(FAULTY)]] if index % 4 == 3 else None

        def wrapped(app: Any, fault: Any = fault) -> Any:
            return latency(delay_ms)(fault.wrap(app) if fault and fault.wrap else app)

        host = stack.enter_context(ReferenceHost(spec, frozenset(), wrap=wrapped,
                                                 overrides=dict(fault.overrides) if fault else None))
        env = f"BENCH_{index}"
        os.environ[f"{env}_ID"] = host.config.client_id
        os.environ[f"{env}_SECRET"] = host.config.client_secret
        os.environ[f"{env}_EXPIRED"] = host.expired_token().get_secret_value()
        entries.append(f'[[solution]]\nname = "s{index:02d}"\nbase_url = "{host.url}"\nspec = "{spec}"\n'
                       f'client_id_env = "{env}_ID"\nclient_secret_env = "{env}_SECRET"\n'
                       f'expired_token_env = "{env}_EXPIRED"\nca_cert = "{host.ca.ca_pem}"\n'
                       f'no_fuzz = {"false" if fuzz else "true"}\n')
    return "\n".join(entries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--solutions", type=int, default=20)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--latency-ms", type=int, default=80)
    parser.add_argument("--fuzz", action="store_true")
    args = parser.parse_args()
    walls: dict[int, float] = {}
    with ExitStack() as stack, tempfile.TemporaryDirectory() as folder:
        roster = Path(folder) / "roster.toml"
        roster.write_text(start_hosts(stack, args.solutions, args.latency_ms, args.fuzz), encoding="utf-8")
        for workers in args.workers:
            started = time.perf_counter()
            out = io.StringIO()
            code = cli_main(["round", str(roster), "--workers", str(workers), "--report-dir",
                             str(Path(folder) / f"w{workers}"), "--db", str(Path(folder) / "rounds.db")], out=out)
            walls[workers] = time.perf_counter() - started
            print(f"workers {workers}: {walls[workers]:.1f} s (exit {code}); {out.getvalue().splitlines()[-2]}")
    base = walls[args.workers[0]]
    for workers, wall in walls.items():
        print(f"  {args.solutions} solutions, latency {args.latency_ms} ms, workers {workers}: {wall:.1f} s, "
              f"speed-up {base / wall:.2f}x over workers={args.workers[0]}")


if __name__ == "__main__":
    main()
