"""Run a roster's solutions, each in its own `pact-conformance run` process, with bounded parallelism.

A child process per solution keeps runs independent (pytest sessions are not meant to share a
process), lets a hung or crashed run be killed without taking the round down, and gives every
solution the same report a vendor gets from `pact-conformance run`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime, timezone
from pathlib import Path

from conformance.evidence import SecretBook
from conformance.rounds.model import NOT_TESTED, RoundResult, SolutionRow, Status
from conformance.rounds.roster import Roster, Solution

# Exit codes of `pact-conformance run` (conformance/cli.py).
_EXIT_USAGE, _EXIT_UNREACHABLE = 2, 3
INTERRUPT_GRACE_S = 15.0  # a timed-out run gets this long after Ctrl-C to write its partial report
_INHERITED_SECRETS = ("PACT_CLIENT_ID", "PACT_CLIENT_SECRET", "PACT_EXPIRED_TOKEN", "PACT_RESTRICTED_CLIENT_ID",
                      "PACT_RESTRICTED_CLIENT_SECRET")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def command_for(solution: Solution, report_dir: Path, gxd_bom: Path | None = None) -> list[str]:
    """The `pact-conformance run` command line for one solution (credentials go by environment)."""
    command = [sys.executable, "-m", "conformance.cli", "run", "--quiet", "--report-dir", str(report_dir),
               "--spec", solution.spec]
    flags = {"--base-url": solution.base_url, "--auth-url": solution.auth_url, "--ca-cert": solution.ca_cert,
             "--callback-url": solution.callback_url, "--listen": solution.listen, "--timeout": solution.timeout_s,
             "--event-timeout": solution.event_timeout_s, "-k": solution.select,
             "--gxd-bom": gxd_bom if "gxd" in solution.profiles else None}
    for flag, value in flags.items():
        if value is not None:
            command += [flag, str(value)]
    for profile in solution.profiles:
        command += ["--profile", profile]
    if solution.insecure_tls:
        command.append("--insecure-tls")
    if solution.no_fuzz:
        command.append("--no-fuzz")
    return command


def credential_variables(roster: Roster) -> frozenset[str]:
    """Every environment variable the roster names for credentials: no child run sees another's."""
    return frozenset(name for s in roster.solutions for name in (
        s.client_id_env, s.client_secret_env, s.expired_token_env, s.restricted_client_id_env,
        s.restricted_client_secret_env) if name)


def _child_env(solution: Solution, env: Mapping[str, str], secrets: SecretBook,
               withheld: frozenset[str] = frozenset()) -> dict[str, str]:
    """The parent's environment without any credentials (its own PACT_* and the roster's), plus this solution's."""
    child = {k: v for k, v in env.items() if k not in _INHERITED_SECRETS and k not in withheld}
    named = {"PACT_CLIENT_ID": solution.client_id_env, "PACT_CLIENT_SECRET": solution.client_secret_env,
             "PACT_EXPIRED_TOKEN": solution.expired_token_env,
             "PACT_RESTRICTED_CLIENT_ID": solution.restricted_client_id_env,
             "PACT_RESTRICTED_CLIENT_SECRET": solution.restricted_client_secret_env}
    for variable, source in named.items():
        if source is None:
            continue
        if not env.get(source):
            raise LookupError(f"environment variable {source} ({variable.removeprefix('PACT_').lower().replace('_', ' ')}"
                              f" of {solution.name}) is not set")
        child[variable] = env[source]
    if solution.client_id_env and solution.client_secret_env:
        secrets.add_client(child["PACT_CLIENT_ID"], child["PACT_CLIENT_SECRET"])
    if "PACT_EXPIRED_TOKEN" in child:
        secrets.add(child["PACT_EXPIRED_TOKEN"], "bearer-token")
    if "PACT_RESTRICTED_CLIENT_ID" in child and "PACT_RESTRICTED_CLIENT_SECRET" in child:
        secrets.add_client(child["PACT_RESTRICTED_CLIENT_ID"], child["PACT_RESTRICTED_CLIENT_SECRET"])
    return child


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""


def _run_child(command: list[str], env: dict[str, str], timeout_s: float) -> subprocess.CompletedProcess[str]:
    """Run a child to completion; past `timeout_s`, interrupt it (it writes a partial report), then kill it.

    Raises subprocess.TimeoutExpired after stopping it.
    """
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          errors="replace", stdin=subprocess.DEVNULL) as child:
        try:
            stdout, stderr = child.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGINT)
            try:
                child.communicate(timeout=INTERRUPT_GRACE_S)
            except subprocess.TimeoutExpired:
                child.kill()
                child.communicate()
            raise
    return subprocess.CompletedProcess(command, child.returncode, stdout, stderr)


def run_solution(solution: Solution, index: int, round_dir: Path, env: Mapping[str, str],
                 timeout_s: float, gxd_bom: Path | None = None, withheld: frozenset[str] = frozenset()) -> SolutionRow:
    """One solution's run; every way it can end becomes a row, never an exception."""
    relative = Path("solutions") / solution.name
    report_dir = round_dir / relative
    row = {"name": solution.name, "index": index, "spec": solution.spec, "profiles": list(solution.profiles),
           "chain": solution.chain, "tier": solution.tier}
    secrets = SecretBook()
    started = time.monotonic()
    try:
        child_env = _child_env(solution, env, secrets, withheld)
    except LookupError as exc:
        return SolutionRow(**row, status=Status.CONFIG_ERROR, verdict=NOT_TESTED, message=str(exc))
    if report_dir.exists():  # a report left from an earlier round must never pass for this run's
        shutil.rmtree(report_dir)
    try:
        completed = _run_child(command_for(solution, report_dir, gxd_bom), child_env, timeout_s)
    except subprocess.TimeoutExpired:
        partial = report_dir / "report.json"
        return SolutionRow(**row, status=Status.TIMED_OUT, verdict=NOT_TESTED, duration_s=time.monotonic() - started,
                           report_dir=relative.as_posix() if partial.is_file() else None,
                           message=f"run did not finish within {timeout_s:g} s; stopped"
                                   + (" (its partial report is linked)" if partial.is_file() else ""))
    duration = time.monotonic() - started
    message = secrets.redact(_last_line(completed.stderr)).removeprefix("pact-conformance: error: ")
    report_path = report_dir / "report.json"
    if completed.returncode in (0, 1) and report_path.is_file():
        try:
            report = json.loads(report_path.read_text(encoding="utf-8"))
            if report.get("verdict") != NOT_TESTED:  # a run that stopped before any case writes a not-tested report
                return SolutionRow.from_report(report, **row, duration_s=duration, report_dir=relative.as_posix(),
                                               message=message)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            message = f"its report.json could not be read: {exc}"
    status = {_EXIT_UNREACHABLE: Status.UNREACHABLE, _EXIT_USAGE: Status.CONFIG_ERROR}.get(
        completed.returncode, Status.CRASHED)
    if status == Status.CRASHED:
        message = f"run ended with exit code {completed.returncode}: {message or 'no message'}"
    return SolutionRow(**row, status=status, verdict=NOT_TESTED, duration_s=duration, message=message)


def run_round(roster: Roster, round_dir: Path, *, workers: int = 1, shard: tuple[int, int] | None = None,
              env: Mapping[str, str] | None = None,
              on_row: Callable[[SolutionRow, int, int], None] | None = None) -> RoundResult:
    """Run the roster (or one shard of it) with at most `workers` solutions at a time.

    on_row is called in the calling thread as each solution finishes (progress output).
    """
    env = os.environ if env is None else env
    positions = {solution.name: index for index, solution in enumerate(roster.solutions)}
    chosen = roster.shard(*shard) if shard else roster.solutions
    started = _now()
    round_dir.mkdir(parents=True, exist_ok=True)
    rows: list[SolutionRow] = []
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="round") as pool:
        withheld = credential_variables(roster)
        futures = [pool.submit(run_solution, s, positions[s.name], round_dir, env, roster.solution_timeout_s,
                               roster.gxd_bom, withheld) for s in chosen]
        for future in as_completed(futures):
            rows.append(future.result())
            if on_row is not None:
                on_row(rows[-1], len(rows), len(futures))
    return RoundResult(name=roster.name, roster_digest=roster.digest, round_id=uuid.uuid4().hex[:12],
                       started_at=started, finished_at=_now(), rows=sorted(rows, key=lambda r: r.index),
                       shard=f"{shard[0]}/{shard[1]}" if shard else None, workers=workers,
                       gxd_bom=str(roster.gxd_bom) if roster.gxd_bom else None)
