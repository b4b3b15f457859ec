"""Every hostile scenario against the CLI as a user runs it (not a test): prints a table.

Usage: python tests/bench/hostile_bench.py [--timeout 5] [--only SCENARIO ...] [--fuzz]

Each scenario is a misbehaving target on loopback (tests/hostile.py, the faulty
reference host with a fresh `next` link on every page, a silent and a trickling
server, a flood of the harness's events host). For each one, `pact-conformance run`
runs in a fresh interpreter at `--timeout`, and the table shows:
- wall s: the whole run, start-up included;
- peak MiB: the run's own peak resident memory (VmHWM read at its exit, so a large
  parent's pages never count);
- exit: the run's exit code;
- case: the outcome of the case the scenario is about;
- secret found: whether the client secret, or any token the target issued, appears in
  any spelling in any file of the report folder.
Targets (issue: hostile targets): every peak under 300 MiB, every run under 2 minutes.
Fuzzing is off unless --fuzz: the scenarios attack the cases and the transport.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.hostile import (  # noqa: E402 - the project root is put on the path first
    NON_ASCII_TOKEN, SPELLED_TOKEN, SilentServer, TrickleServer, hostile_app, json_escaped, lower_percent,
)

SECRET = "hostile-bench-secret-0123456789"
CLIENT_ID = "hostile-bench-client"
# The child reports its own peak memory at exit: VmHWM of the process that ran the suite.
_CHILD = (
    "import atexit, runpy, sys\n"
    "def _peak(path=sys.argv[1]):\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM:'):\n"
    "            open(path, 'w').write(line.split()[1])\n"
    "atexit.register(_peak)\n"
    "sys.argv = ['pact-conformance'] + sys.argv[2:]\n"
    "runpy.run_module('conformance.cli', run_name='__main__')\n"
)


@dataclass
class Live:
    """A running hostile target: where it is, the CA it serves under, the tokens it issued, the client to use."""

    url: str
    ca_pem: Path | None
    tokens: list[str]
    client_id: str = CLIENT_ID
    client_secret: str = SECRET


@dataclass
class Scenario:
    name: str
    case_id: str  # the case whose outcome shows the scenario was judged
    target: Callable[[], Any]  # a context manager yielding a Live target


@contextmanager
def _hostile(scenario: str) -> Iterator[Live]:
    from conformance.reference.server import ThreadedServer
    from conformance.reference.tls import make_run_ca

    ca = make_run_ca()
    try:
        with ThreadedServer(hostile_app(scenario), tls=ca) as server:
            tokens = [SPELLED_TOKEN, json_escaped(SPELLED_TOKEN), lower_percent(SPELLED_TOKEN)] \
                if scenario == "spelled-token" else [NON_ASCII_TOKEN] if scenario == "non-ascii-token" else []
            yield Live(server.url, ca.ca_pem, tokens)
    finally:
        ca.remove()


@contextmanager
def _fresh_links() -> Iterator[Live]:
    from tests.faults import all_faults
    from tests.harness import faulty_host, issued_tokens

    fault = next(f for f in all_faults() if f.name == "page-fresh-link-forever")
    with faulty_host(fault, "2.3") as host:
        live = Live(host.url, host.ca.ca_pem, [], host.config.client_id, host.config.client_secret)  # its demo pair
        yield live
        live.tokens += issued_tokens(host)


@contextmanager
def _plain(server_type: type[SilentServer], scheme: str) -> Iterator[Live]:
    with server_type() as server:
        yield Live(f"{scheme}://127.0.0.1:{server.port}", None, [])


SCENARIOS = [
    Scenario("slow", "LIST-OK", lambda: _hostile("slow")),
    Scenario("huge (1 GiB)", "LIST-OK", lambda: _hostile("huge")),
    Scenario("endless body", "LIST-OK", lambda: _hostile("endless")),
    Scenario("double gzip", "LIST-OK", lambda: _hostile("double-gzip")),
    Scenario("malformed JSON", "LIST-OK", lambda: _hostile("malformed-json")),
    Scenario("invalid UTF-8", "LIST-OK", lambda: _hostile("invalid-utf8")),
    Scenario("deep JSON", "LIST-OK", lambda: _hostile("deep-json")),
    Scenario("lone surrogate", "LIST-OK", lambda: _hostile("lone-surrogate")),
    Scenario("5,000-digit integer", "LIST-OK", lambda: _hostile("huge-int")),
    Scenario("3 MB id", "LIST-OK", lambda: _hostile("huge-id")),
    Scenario("terminal escapes", "LIST-OK", lambda: _hostile("terminal-escapes")),
    Scenario("hostile strings", "LIST-OK", lambda: _hostile("hostile-strings")),
    Scenario("token in other spellings", "AUTH-TOKEN", lambda: _hostile("spelled-token")),
    Scenario("non-ASCII token", "AUTH-TOKEN", lambda: _hostile("non-ascii-token")),
    Scenario("token 'e'", "AUTH-TOKEN", lambda: _hostile("token=e")),
    Scenario("token 'incomplete'", "AUTH-TOKEN", lambda: _hostile("token=incomplete")),
    Scenario("cyclic next link", "PAGE-TERMINATES", lambda: _hostile("cyclic")),
    Scenario("offsite next link", "PAGE-TERMINATES", lambda: _hostile("offsite-next")),
    Scenario("offsite token endpoint", "AUTH-TOKEN", lambda: _hostile("offsite-token-endpoint")),
    Scenario("redirect to http", "LIST-OK", lambda: _hostile("redirect-http")),
    Scenario("fresh next link forever", "PAGE-TERMINATES", _fresh_links),
    Scenario("silent server", "AUTH-TOKEN", lambda: _plain(SilentServer, "https")),
    Scenario("trickled headers", "AUTH-TOKEN", lambda: _plain(TrickleServer, "http")),
]


def _spellings(values: list[str]) -> set[str]:
    from urllib.parse import quote, quote_plus

    found: set[str] = set()
    for value in values:
        if len(value) >= 8:
            found |= {value, quote(value, safe=""), quote(value, safe="").lower(), quote_plus(value),
                      json.dumps(value)[1:-1], json_escaped(value)}
    return found


def _secret_found(report_dir: Path, values: list[str]) -> bool:
    spellings = _spellings(values)
    for path in report_dir.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            if any(spelling in text for spelling in spellings):
                return True
    return False


def _case_outcome(report_dir: Path, case_id: str) -> str:
    try:
        report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "no report"
    for case in report.get("cases", []):
        if case.get("id") == case_id:
            return str(case.get("outcome"))
    return "not in report"


def run_scenario(scenario: Scenario, timeout_s: float, fuzz: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="hostile-bench-") as scratch:
        report_dir, peak_file = Path(scratch) / "report", Path(scratch) / "peak"
        with scenario.target() as live:
            args = ["run", "--base-url", live.url, "--client-id", live.client_id, "--timeout", str(timeout_s),
                    "--report-dir", str(report_dir), "--quiet"]
            args += ["--ca-cert", str(live.ca_pem)] if live.ca_pem else ["--insecure-tls"]
            args += [] if fuzz else ["--no-fuzz"]
            env = {**os.environ, "PACT_CLIENT_SECRET": live.client_secret, "PYTHONPATH": str(ROOT)}
            started = time.monotonic()
            done = subprocess.run([sys.executable, "-c", _CHILD, str(peak_file), *args], env=env, cwd=scratch,
                                  capture_output=True, text=True, timeout=30 * 60)
            wall = time.monotonic() - started
        peak_kib = int(peak_file.read_text()) if peak_file.is_file() else 0
        return {"scenario": scenario.name, "wall_s": wall, "peak_mib": peak_kib / 1024, "exit": done.returncode,
                "case": f"{scenario.case_id} {_case_outcome(report_dir, scenario.case_id)}",
                "secret_found": _secret_found(report_dir, [live.client_secret, *live.tokens])}


def main() -> int:
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # the hostile servers' own noise when the run hangs up
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--only", action="append", help="run only scenarios whose name contains this")
    parser.add_argument("--fuzz", action="store_true", help="fuzzing on, as a default run")
    args = parser.parse_args()
    chosen = [s for s in SCENARIOS if not args.only or any(part in s.name for part in args.only)]
    rows = []
    print(f"{'scenario':<26} {'wall s':>7} {'peak MiB':>9} {'exit':>4}  {'case':<32} secret found")
    for scenario in chosen:
        row = run_scenario(scenario, args.timeout, args.fuzz)
        rows.append(row)
        print(f"{row['scenario']:<26} {row['wall_s']:>7.1f} {row['peak_mib']:>9.0f} {row['exit']:>4}  {row['case']:<32} "
              f"{'YES' if row['secret_found'] else 'no'}", flush=True)
    worst_rss = max(rows, key=lambda r: r["peak_mib"])
    worst_wall = max(rows, key=lambda r: r["wall_s"])
    print(f"worst peak RSS: {worst_rss['peak_mib']:.0f} MiB ({worst_rss['scenario']}); "
          f"worst wall time: {worst_wall['wall_s']:.1f} s ({worst_wall['scenario']}); "
          f"secrets found: {sum(r['secret_found'] for r in rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
