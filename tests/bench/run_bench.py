"""Benchmark of a run against the minimal reference client (not a test): prints a table.

Usage: python tests/bench/run_bench.py [--repeat 5] [--spec 2.3] [--spec 3.0] [--work official] [--work default]

For each host, spec version and work (the official set: --official-only
--no-fuzz; the default run, fuzzing on), medians of --repeat paired runs:
- suite s: `pact-conformance run` in a fresh interpreter against the embedded
  host, host start-up included; the host records every request it receives and
  the tokens it issued;
- client s: tests/bench/minimal_client.py, a fresh interpreter sending those
  requests again, in the same order, over one httpx client, checking nothing, to
  a reference host already running that knows the run's tokens;
- ratio: suite s / client s (targets: official set 1.5×, default run 4×);
- requests: what the host received (the plain-HTTP probes, which never get past
  TLS, are not counted);
- peak RSS: the suite process's peak resident memory (target: under 120 MiB).
CPU time (user+sys) is printed beside each wall time: on a shared machine it is
the steadier figure.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conformance.reference.host import ReferenceHost

ROOT = Path(__file__).resolve().parents[2]
CLIENT = Path(__file__).resolve().parent / "minimal_client.py"
WORKS = {"official": ["--official-only", "--no-fuzz"], "default": []}


@dataclass
class Recorder:
    """ASGI middleware that keeps every HTTP request (method, path and query, headers, body) in arrival order."""

    app: Any = None
    requests: list[dict[str, Any]] = field(default_factory=list)

    def wrap(self, app: Any) -> Recorder:
        self.app = app
        return self

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        messages, body = [], b""
        while True:
            message = await receive()
            messages.append(message)
            body += message.get("body", b"")
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        query = scope.get("query_string", b"")
        path = scope.get("raw_path", scope["path"].encode())
        self.requests.append({
            "method": scope["method"],
            "path": (path + (b"?" + query if query else b"")).decode("latin-1"),
            "headers": [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]],
            "body": base64.b64encode(body).decode() if body else None,
        })
        pending = iter(messages)

        async def replayed() -> Any:
            return next(pending, None) or await receive()

        await self.app(scope, replayed, send)


# Runs the CLI in the child with the embedded host wrapped by a Recorder; writes what the host saw.
CHILD = """
import json, sys
sys.path.insert(0, {bench!r})
from run_bench import Recorder
from conformance.reference.host import ReferenceHost
recorder, hosts, init = Recorder(), [], ReferenceHost.__init__
def recording(self, *args, **kwargs):
    init(self, *args, wrap=recorder.wrap, **kwargs)
    hosts.append(self)
ReferenceHost.__init__ = recording
from conformance.cli import main
code = main(sys.argv[2:])
tokens = hosts[0].app.state.tokens
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({{"requests": recorder.requests, "tokens": [[t, tokens.state(t), tokens.client_of(t)] for t in tokens._expiry]}}, out)
sys.exit(code)
"""


def replay_host(spec: str, tokens: list[list[str]]) -> ReferenceHost:
    """A reference host for the client that accepts the run's tokens as the run's host did (valid, expired)."""
    from conformance.reference.host import ReferenceHost

    host = ReferenceHost(spec)
    store = host.app.state.tokens
    for token, state, client in tokens:  # test-only introspection of the host, as in tests/harness.py
        store._expiry[token] = time.monotonic() + (store.lifetime_s if state == "valid" else -1)  # noqa: SLF001
        store._client[token] = client  # noqa: SLF001
    return host


# Hosts to benchmark: name → extra `run` flags ([] is the embedded reference host). Hook for the hosts of other
# shapes in tests/peers/: each adds its entry here (`--base-url`, `--ca-cert`, credentials) and, as the
# requests then reach it rather than the embedded host, records them and serves the client's replay itself.
HOSTS: dict[str, list[str]] = {"reference": []}


@dataclass(frozen=True)
class Measured:
    wall_s: float
    cpu_s: float
    peak_rss_mib: float
    code: int


def measure(args: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run a child process to its end: wall time, its own CPU time and peak RSS (from wait4)."""
    started = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                             env={**os.environ, **(env or {})})
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return Measured(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, child.returncode)


def run_args(spec: str, work: str, report_dir: Path) -> list[str]:
    return ["run", "--quiet", "--spec", spec, "--report-dir", str(report_dir), *WORKS[work]]


def bench_once(host: str, spec: str, work: str) -> dict[str, Any]:
    """One paired measurement: the suite's run, then the client sending what the run sent."""
    with tempfile.TemporaryDirectory() as folder:
        seen = Path(folder) / "seen.json"
        code = CHILD.format(bench=str(Path(__file__).resolve().parent))
        suite = measure([sys.executable, "-c", code, str(seen), *run_args(spec, work, Path(folder) / "report"),
                         *HOSTS[host]])
        recorded = json.loads(seen.read_text(encoding="utf-8"))
        requests_file = Path(folder) / "requests.json"
        requests_file.write_text(json.dumps(recorded["requests"]), encoding="utf-8")
        with replay_host(spec, recorded["tokens"]) as target:
            client = measure([sys.executable, str(CLIENT), str(requests_file), target.url, str(target.ca.ca_pem)])
    return {"suite": suite, "client": client, "requests": len(recorded["requests"])}


def row(host: str, spec: str, work: str, runs: list[dict[str, Any]]) -> str:
    def median(key: str, attr: str) -> float:
        return statistics.median(getattr(r[key], attr) for r in runs)

    ratio = statistics.median(r["suite"].wall_s / r["client"].wall_s for r in runs)
    codes = ",".join(sorted({str(r["suite"].code) for r in runs}))
    return (f"| {host} | {spec} | {work} | {median('suite', 'wall_s'):.2f} ({median('suite', 'cpu_s'):.2f}) "
            f"| {median('client', 'wall_s'):.2f} ({median('client', 'cpu_s'):.2f}) | {ratio:.1f}× "
            f"| {statistics.median(r['requests'] for r in runs):.0f} "
            f"| {max(r['suite'].peak_rss_mib for r in runs):.0f} | {codes} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--spec", action="append", help="spec version (repeatable; default 2.3 and 3.0)")
    parser.add_argument("--work", action="append", choices=sorted(WORKS), help="official and/or default (both)")
    parser.add_argument("--host", action="append", choices=sorted(HOSTS), help="hosts to benchmark (all)")
    options = parser.parse_args()
    print("| host | spec | work | suite s (cpu s) | client s (cpu s) | ratio | requests | peak RSS MiB | exit |")
    print("|---|---|---|---|---|---|---|---|---|")
    for host in options.host or HOSTS:
        for work in options.work or ["official", "default"]:
            for spec in options.spec or ["2.3", "3.0"]:
                runs = [bench_once(host, spec, work) for _ in range(options.repeat)]
                print(row(host, spec, work, runs), flush=True)


if __name__ == "__main__":
    main()
