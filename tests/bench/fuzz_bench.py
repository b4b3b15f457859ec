"""Benchmark of the fuzz stage beside plain schemathesis (`st run`), not a test.

Usage: python tests/bench/fuzz_bench.py [--spec 3.0] [--budget 20] [--seeds 1 2 3 4 5]

Both tools fuzz the same reference host (`pact-conformance serve`, its own
process), with the same OpenAPI document, budget (examples per operation),
seeds, checks and one worker. schemathesis's time is the fuzzing phase it
reports itself (no interpreter start-up, no document loading); ours is the
whole stage (the api, events and auth parts; the document is loaded once per
process, so only the first seed's time includes it). Requests are counted on both sides:
ours by the stage, schemathesis's by an `after_call` hook. The same hook gives
generated events a `source` that cannot be called back, as the stage does, so
neither tool makes the reference host call out. The figure that matters is
seconds per request, ours over schemathesis's (target: at most 1.25).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from conformance.config import RunOptions, Target
from conformance.evidence import SecretBook
from conformance.fuzz import SAFE_EVENT_SOURCE, FuzzSettings, FuzzStage
from conformance.schemas import openapi_path
from conformance.session import TargetSession

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
HOOKS = textwrap.dedent(f"""
    import atexit, os
    import schemathesis

    calls = [0]
    atexit.register(lambda: open(os.environ["FUZZ_BENCH_COUNT"], "w").write(str(calls[0])))

    @schemathesis.hook
    def before_call(context, case, kwargs):
        if isinstance(case.body, dict) and isinstance(case.body.get("source"), str):
            case.body = {{**case.body, "source": {SAFE_EVENT_SOURCE!r}}}

    @schemathesis.hook
    def after_call(context, case, response):
        calls[0] += 1
""")


@dataclass
class Host:
    url: str
    client_id: str
    client_secret: str
    ca: Path


@dataclass
class Measure:
    requests: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@contextmanager
def reference_host(spec: str) -> Iterator[Host]:
    """`pact-conformance serve` in its own process, so neither tool shares an interpreter with the host."""
    process = subprocess.Popen([sys.executable, "-m", "conformance.cli", "serve", "--spec", spec],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        url = re.search(r"at (https://\S+)", lines[0])
        credentials = re.search(r"client id: (\S+)\s+client secret: (\S+)", lines[1])
        ca = re.search(r"CA certificate: (\S+)", lines[2])
        if not (url and credentials and ca):
            raise RuntimeError("reference host did not start: " + "".join(lines))
        yield Host(url.group(1), credentials.group(1), credentials.group(2), Path(ca.group(1)))
    finally:
        process.terminate()
        process.wait(timeout=10)


def session_for(host: Host, spec: str) -> TargetSession:
    secrets = SecretBook()
    secrets.add_client(host.client_id, host.client_secret)
    target = Target(base_url=host.url, auth_url=host.url, client_id=host.client_id,
                    client_secret=SecretStr(host.client_secret), spec=spec, ca_cert=host.ca)
    return TargetSession(target, RunOptions(), secrets)


def fuzz_stage(host: Host, spec: str, budget: int, seed: int) -> Measure:
    session = session_for(host, spec)
    session.token()  # authentication is not fuzzing: schemathesis gets its token beforehand too
    started = time.perf_counter()
    stage = FuzzStage(session, FuzzSettings(seed=seed, budget=budget))
    requests = sum(stage.part(name).requests for name in ("api", "events", "auth"))
    return Measure(requests, time.perf_counter() - started)


def schemathesis_cli(host: Host, spec: str, budget: int, seed: int) -> Measure:
    token = session_for(host, spec).token()
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "fuzz_bench_hooks.py").write_text(HOOKS)
        count = Path(folder) / "count"
        env = {**os.environ, "SCHEMATHESIS_HOOKS": "fuzz_bench_hooks", "FUZZ_BENCH_COUNT": str(count),
               "PYTHONPATH": os.pathsep.join([folder, os.environ.get("PYTHONPATH", "")])}
        command = [str(Path(sys.executable).with_name("st")), "run", str(openapi_path(spec)), "--url", host.url,
                   "-H", f"Authorization: Bearer {token}", "--tls-verify", str(host.ca), "-n", str(budget),
                   "--seed", str(seed), "-w", "1", "--phases", "fuzzing", "--checks", CHECKS,
                   "--generation-database", "none", "--generation-with-security-parameters", "false",
                   "--report-dir", folder, "--no-color"]
        completed = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        phase = re.search(r"Fuzzing \(in ([0-9.]+)s\)", completed.stdout)
        if phase is None or not count.exists():
            raise RuntimeError("st run did not report its fuzzing phase:\n" + completed.stdout[-2000:])
        return Measure(int(count.read_text()), float(phase.group(1)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default="3.0")
    parser.add_argument("--budget", type=int, default=20)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5],
                        help="one run of each tool per seed; a seed draws different data in each tool, so only the "
                             "sum over several seeds compares like with like")
    args = parser.parse_args()
    print(f"spec {args.spec}, budget {args.budget} per operation, one worker, same document and checks")
    print(f"{'seed':<8}{'fuzz stage':>26}{'st run (fuzzing)':>26}")
    totals = {"ours": Measure(0, 0.0), "theirs": Measure(0, 0.0)}
    with reference_host(args.spec) as host:
        for seed in args.seeds:
            ours = fuzz_stage(host, args.spec, args.budget, seed)
            theirs = schemathesis_cli(host, args.spec, args.budget, seed)
            print(f"{seed:<8}{_row(ours):>26}{_row(theirs):>26}")
            for name, measure in (("ours", ours), ("theirs", theirs)):
                totals[name] = Measure(totals[name].requests + measure.requests, totals[name].seconds + measure.seconds)
    print(f"{'total':<8}{_row(totals['ours']):>26}{_row(totals['theirs']):>26}")
    ratio = totals["theirs"].rate / totals["ours"].rate if totals["ours"].rate else float("inf")
    print(f"time per request, fuzz stage / st run: {ratio:.2f}x (target <= 1.25x)")
    return 0


def _row(measure: Measure) -> str:
    return f"{measure.requests} req {measure.seconds:.2f} s {measure.rate:.1f}/s"


if __name__ == "__main__":
    sys.exit(main())
