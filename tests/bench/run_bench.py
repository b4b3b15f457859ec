"""Benchmark of a run against the minimal reference client (not a test): prints a table.

Usage: python tests/bench/run_bench.py [--repeat 5] [--host reference|twin] [--spec 2.3] [--work official]

For each host, spec version and work (the official set: --official-only
--no-fuzz; the default run, fuzzing on), medians of --repeat paired runs:
- suite s: `pact-conformance run` in a fresh interpreter. Host "reference": the
  embedded host, its start-up included, which records every request it receives
  and the tokens it issued. Host "twin": the peer tests/peers/twin.py (v2.2 and
  3.0), already running on loopback in this process, which records the requests;
  the run's events host listens on --listen 127.0.0.1:0;
- client s: tests/bench/minimal_client.py, a fresh interpreter sending those
  requests again, in the same order, over one httpx client, checking nothing, to
  a host already running that knows the run's tokens (the same peer; for the
  embedded host a new reference host given them);
- ratio: suite s / client s (targets: official set 1.5× against a host on
  loopback, default run 4×);
- requests: what the host received (the plain-HTTP probes, which never get past
  TLS, are not counted);
- peak RSS: the suite process's peak resident memory (target: under 120 MiB).
CPU time (user+sys) is printed beside each wall time: on a shared machine it is
the steadier figure. Before measuring, the project's modules are compiled to
bytecode once, as installing the tool does (a machine with PYTHONDONTWRITEBYTECODE
set would otherwise compile them in every run). The reference host's recorder runs
inside the measured process and adds its own small cost there.
"""

from __future__ import annotations

import argparse
import base64
import compileall
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conformance.reference.host import ReferenceHost

ROOT = Path(__file__).resolve().parents[2]
CLIENT = Path(__file__).resolve().parent / "minimal_client.py"
WORKS = {"official": ["--official-only", "--no-fuzz"], "default": []}
COMPILED = ("conformance", "cases", "tests/peers", "tests/bench")


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


@dataclass(frozen=True)
class Paired:
    """One run's figures and the client's on the same requests."""

    suite: Measured
    client: Measured
    requests: int


def bench_reference(spec: str, work: str, folder: Path) -> Paired:
    """The embedded host, started by the run itself and recorded in the run's process."""
    seen = folder / "seen.json"
    code = CHILD.format(bench=str(Path(__file__).resolve().parent))
    suite = measure([sys.executable, "-c", code, str(seen), *run_args(spec, work, folder / "report")])
    recorded = json.loads(seen.read_text(encoding="utf-8"))
    requests_file = folder / "requests.json"
    requests_file.write_text(json.dumps(recorded["requests"]), encoding="utf-8")
    with replay_host(spec, recorded["tokens"]) as target:
        client = measure([sys.executable, str(CLIENT), str(requests_file), target.url, str(target.ca.ca_pem)])
    return Paired(suite, client, len(recorded["requests"]))


@contextmanager
def twin_peer() -> Iterator[tuple[Recorder, str, str, tuple[str, str]]]:
    """The peer tests/peers/twin.py on loopback TLS, recorded; its callbacks trust the --listen events host."""
    sys.path.insert(0, str(ROOT))
    from conformance.listener import listen_ca_dir
    from conformance.reference.tls import kept_ca
    from tests.peers import twin
    from tests.peers.hosting import Peer, running

    # The client's replay makes the peer call back an events host that is gone: expected, not worth a traceback.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    peer = Peer("twin", twin.Twin, twin.PAIR, twin.SPECS)
    recorder = Recorder()
    events_ca = str(kept_ca(listen_ca_dir(), ("127.0.0.1",)).ca_pem)
    with running(peer, events_ca, recorder.wrap) as (_, url, ca_pem):
        yield recorder, url, ca_pem, peer.client


def bench_twin(spec: str, work: str, folder: Path) -> Paired:
    """A run against the twin peer as an external target: no host start-up in the measured process."""
    with twin_peer() as (recorder, url, ca_pem, (client_id, secret)):
        flags = ["--base-url", url, "--ca-cert", ca_pem, "--client-id", client_id, "--listen", "127.0.0.1:0"]
        suite = measure([sys.executable, "-m", "conformance.cli", *run_args(spec, work, folder / "report"), *flags],
                        env={"PACT_CLIENT_SECRET": secret})
        sent, recorder.requests = recorder.requests, []
        requests_file = folder / "requests.json"
        requests_file.write_text(json.dumps(sent), encoding="utf-8")
        client = measure([sys.executable, str(CLIENT), str(requests_file), url, ca_pem])
    return Paired(suite, client, len(sent))


@dataclass(frozen=True)
class Host:
    """A host to benchmark: the spec versions it serves and one paired measurement against it."""

    specs: tuple[str, ...]
    bench: Callable[[str, str, Path], Paired]


HOSTS: dict[str, Host] = {
    "reference": Host(("2.3", "3.0"), bench_reference),
    "twin": Host(("2.2", "3.0"), bench_twin),  # tests/peers/twin.py: another shape, on loopback
}


def bench_once(host: str, spec: str, work: str) -> Paired:
    with tempfile.TemporaryDirectory() as folder:
        return HOSTS[host].bench(spec, work, Path(folder))


def row(host: str, spec: str, work: str, runs: list[Paired]) -> str:
    def median(pick: Callable[[Paired], float]) -> float:
        return statistics.median(pick(r) for r in runs)

    ratio = median(lambda r: r.suite.wall_s / r.client.wall_s)
    codes = ",".join(sorted({str(r.suite.code) for r in runs}))
    return (f"| {host} | {spec} | {work} | {median(lambda r: r.suite.wall_s):.2f} ({median(lambda r: r.suite.cpu_s):.2f}) "
            f"| {median(lambda r: r.client.wall_s):.2f} ({median(lambda r: r.client.cpu_s):.2f}) | {ratio:.1f}× "
            f"| {median(lambda r: r.requests):.0f} | {max(r.suite.peak_rss_mib for r in runs):.0f} | {codes} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--spec", action="append", help="spec version (repeatable; default: each the host serves)")
    parser.add_argument("--work", action="append", choices=sorted(WORKS), help="official and/or default (both)")
    parser.add_argument("--host", action="append", choices=sorted(HOSTS), help="hosts to benchmark (all)")
    options = parser.parse_args()
    for folder in COMPILED:  # as an install leaves them: compiled once, not in every measured run
        compileall.compile_dir(str(ROOT / folder), quiet=1)
    print("| host | spec | work | suite s (cpu s) | client s (cpu s) | ratio | requests | peak RSS MiB | exit |")
    print("|---|---|---|---|---|---|---|---|---|")
    for host in options.host or HOSTS:
        for work in options.work or ["official", "default"]:
            for spec in [s for s in HOSTS[host].specs if not options.spec or s in options.spec]:
                runs = [bench_once(host, spec, work) for _ in range(options.repeat)]
                print(row(host, spec, work, runs), flush=True)


if __name__ == "__main__":
    main()
