"""Run a roster's solutions, each in its own `pact-conformance run` process, with bounded parallelism.

A child process per solution keeps runs independent (pytest sessions are not meant to share a
process), lets a hung or crashed run be killed without taking the round down, and gives every
solution the same report a vendor gets from `pact-conformance run`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from conformance import heartbeat
from conformance.evidence import SecretBook
from conformance.report.certificate_files import CERTIFICATE_FILE, PUBLIC_KEY_FILE
from conformance.rounds.children import INTERRUPT_GRACE_S, Cancelled, ChildRuns
from conformance.rounds.model import NOT_TESTED, RoundResult, SolutionRow, Status
from conformance.rounds.roster import Roster, Solution

# Exit codes of `pact-conformance run` (conformance/cli.py).
_EXIT_USAGE, _EXIT_UNREACHABLE = 2, 3
_INHERITED_SECRETS = ("PACT_CLIENT_ID", "PACT_CLIENT_SECRET", "PACT_EXPIRED_TOKEN", "PACT_RESTRICTED_CLIENT_ID",
                      "PACT_RESTRICTED_CLIENT_SECRET", "PACT_CALLBACK_CLIENT_SECRET")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class RoundRun:
    """What every solution's run of one round shares: its id and roster (named in certificates), the
    certificates' signing key, the report language."""

    round_id: str = ""
    roster_digest: str = ""
    signing_key: Path | None = None
    lang: str = "en"


def command_for(solution: Solution, report_dir: Path, gxd_bom: Path | None = None,
                shared: RoundRun = RoundRun()) -> list[str]:
    """The `pact-conformance run` command line for one solution (credentials go by environment)."""
    command = [sys.executable, "-m", "conformance.cli", "run", "--quiet", "--report-dir", str(report_dir),
               "--spec", solution.spec]
    flags = {"--base-url": solution.base_url, "--auth-url": solution.auth_url, "--ca-cert": solution.ca_cert,
             "--callback-url": solution.callback_url, "--listen": solution.listen, "--timeout": solution.timeout_s,
             "--event-timeout": solution.event_timeout_s, "-k": solution.select,
             "--callback-client-id": solution.callback_client_id,
             "--gxd-bom": gxd_bom if "gxd" in solution.profiles else None,
             "--seed": solution.seed, "--fuzz-budget": solution.fuzz_budget, "--link-wait": solution.link_wait,
             "--lang": shared.lang if shared.lang != "en" else None}
    if solution.certify:
        flags.update({"--round-id": shared.round_id or None, "--roster-digest": shared.roster_digest or None,
                      "--signing-key": shared.signing_key})
    for flag, value in flags.items():
        if value is not None:
            command += [flag, str(value)]
    for profile in solution.profiles:
        command += ["--profile", profile]
    if solution.insecure_tls:
        command.append("--insecure-tls")
    if solution.no_fuzz:
        command.append("--no-fuzz")
    if solution.listen_plain:
        command.append("--listen-plain")
    if solution.certify:
        command.append("--certify")
    return command


def credential_variables(roster: Roster) -> frozenset[str]:
    """Every environment variable the roster names for credentials: no child run sees another's."""
    return frozenset(name for s in roster.solutions for name in (
        s.client_id_env, s.client_secret_env, s.expired_token_env, s.restricted_client_id_env,
        s.restricted_client_secret_env, s.callback_client_secret_env) if name)


def _child_env(solution: Solution, env: Mapping[str, str], secrets: SecretBook,
               withheld: frozenset[str] = frozenset()) -> dict[str, str]:
    """The parent's environment without any credentials (its own PACT_* and the roster's), plus this solution's."""
    child = {k: v for k, v in env.items() if k not in _INHERITED_SECRETS and k not in withheld}
    return child | solution_secrets(solution, env, secrets)


def solution_secrets(solution: Solution, env: Mapping[str, str], secrets: SecretBook) -> dict[str, str]:
    """The solution's credentials, read from the variables the roster names, as the PACT_* variables a run
    reads; each is added to `secrets` for redaction. LookupError names a variable that is not set."""
    child: dict[str, str] = {}
    named = {"PACT_CLIENT_ID": solution.client_id_env, "PACT_CLIENT_SECRET": solution.client_secret_env,
             "PACT_EXPIRED_TOKEN": solution.expired_token_env,
             "PACT_RESTRICTED_CLIENT_ID": solution.restricted_client_id_env,
             "PACT_RESTRICTED_CLIENT_SECRET": solution.restricted_client_secret_env,
             "PACT_CALLBACK_CLIENT_SECRET": solution.callback_client_secret_env}
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
    if solution.callback_client_id and "PACT_CALLBACK_CLIENT_SECRET" in child:
        secrets.add_client(solution.callback_client_id, child["PACT_CALLBACK_CLIENT_SECRET"])
    if "PACT_RESTRICTED_CLIENT_ID" in child and "PACT_RESTRICTED_CLIENT_SECRET" in child:
        secrets.add_client(child["PACT_RESTRICTED_CLIENT_ID"], child["PACT_RESTRICTED_CLIENT_SECRET"])
    return child


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""


def _row_fields(solution: Solution, index: int) -> dict[str, object]:
    return {"name": solution.name, "index": index, "spec": solution.spec, "profiles": list(solution.profiles),
            "chain": solution.chain, "tier": solution.tier}


def _not_run(solution: Solution, index: int) -> SolutionRow:
    return SolutionRow(**_row_fields(solution, index), status=Status.INTERRUPTED, verdict=NOT_TESTED,
                       message="not run: the round was stopped")


def certificate_entry(path: Path, relative: Path) -> dict[str, Any] | None:
    """The round report's line for a solution's certificate: where it is and what it claims (unverified:
    `pact-conformance verify` is the check)."""
    try:
        claims = json.loads(path.read_text(encoding="utf-8"))["claims"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    public = path.with_name(PUBLIC_KEY_FILE)
    return {"path": (relative / CERTIFICATE_FILE).as_posix(),
            "public_key": (relative / PUBLIC_KEY_FILE).as_posix() if public.is_file() else None,
            "signer": claims.get("signer"), "key_id": claims.get("key_id"), "verdict": claims.get("verdict"),
            "seed": claims.get("seed"), "fuzz_budget": claims.get("fuzz_budget"),
            "report_sha256": claims.get("report_sha256"), "issued_at": claims.get("issued_at")}


def run_solution(solution: Solution, index: int, round_dir: Path, env: Mapping[str, str],
                 timeout_s: float, gxd_bom: Path | None = None, withheld: frozenset[str] = frozenset(),
                 shared: RoundRun = RoundRun(), children: ChildRuns | None = None) -> SolutionRow:
    """One solution's run; every way it can end becomes a row, never an exception."""
    children = children or ChildRuns()
    relative = Path("solutions") / solution.name
    report_dir = round_dir / relative
    row = _row_fields(solution, index)
    secrets = SecretBook()
    started = time.monotonic()
    try:
        child_env = _child_env(solution, env, secrets, withheld)
    except LookupError as exc:
        return SolutionRow(**row, status=Status.CONFIG_ERROR, verdict=NOT_TESTED, message=str(exc))
    if report_dir.exists():  # a report left from an earlier round must never pass for this run's
        shutil.rmtree(report_dir)
    try:
        completed = children.run(command_for(solution, report_dir, gxd_bom, shared), child_env, timeout_s)
    except Cancelled:
        return _not_run(solution, index)
    except subprocess.TimeoutExpired:
        partial = report_dir / "report.json"
        return SolutionRow(**row, status=Status.TIMED_OUT, verdict=NOT_TESTED, duration_s=time.monotonic() - started,
                           report_dir=relative.as_posix() if partial.is_file() else None,
                           message=f"run did not finish within {timeout_s:g} s; stopped"
                                   + (" (its partial report is linked)" if partial.is_file() else ""))
    return ended_row(solution, index, round_dir, relative, completed.returncode,
                     secrets.redact(_last_line(completed.stderr)), time.monotonic() - started, children.stopping.is_set())


def ended_row(solution: Solution, index: int, round_dir: Path, relative: Path, returncode: int | None, message: str,
              duration: float, stopping: bool = False) -> SolutionRow:
    """The row of a run that ended with `returncode` (None: no exit status), read from the report.json it
    left in round_dir/relative. `message` is its last word (redacted); `stopping`: the round is being stopped."""
    row = _row_fields(solution, index)
    report_dir = round_dir / relative
    message = message.removeprefix("pact-conformance: error: ")
    report_path = report_dir / "report.json"
    if returncode in (0, 1) and report_path.is_file():
        try:
            report = json.loads(report_path.read_text(encoding="utf-8"))
            if report.get("verdict") != NOT_TESTED:  # a run that stopped before any case writes a not-tested report
                certificate = report_dir / CERTIFICATE_FILE
                done = SolutionRow.from_report(report, **row, duration_s=duration, report_dir=relative.as_posix(),
                                               message=message, certificate=certificate_entry(certificate, relative))
                if report.get("interrupted"):
                    done.status, done.message = Status.INTERRUPTED, "stopped with the round (its partial report is linked)"
                return done
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            message = f"its report.json could not be read: {exc}"
    status = {_EXIT_UNREACHABLE: Status.UNREACHABLE, _EXIT_USAGE: Status.CONFIG_ERROR}.get(
        returncode, Status.CRASHED)  # type: ignore[arg-type]
    if status == Status.CRASHED and stopping:
        return SolutionRow(**row, status=Status.INTERRUPTED, verdict=NOT_TESTED, duration_s=duration,
                           message="stopped with the round before it wrote a report")
    if status == Status.CRASHED:
        message = f"run ended with exit code {returncode}: {message or 'no message'}"
    return SolutionRow(**row, status=status, verdict=NOT_TESTED, duration_s=duration, message=message)


def run_round(roster: Roster, round_dir: Path, *, workers: int = 1, shard: tuple[int, int] | None = None,
              env: Mapping[str, str] | None = None,
              on_row: Callable[[SolutionRow, int, int], None] | None = None,
              on_wait: Callable[[str], None] | None = None,
              signing_key: Path | None = None, lang: str = "en") -> RoundResult:
    """Run the roster (or one shard of it) with at most `workers` solutions at a time.

    on_row is called in the calling thread as each solution finishes (progress output); on_wait every
    heartbeat.EVERY_S while none finishes, with the solutions still running. A KeyboardInterrupt (Ctrl-C,
    or SIGTERM/SIGHUP through stop_signals_interrupt) stops the round: queued solutions are not run,
    running ones are interrupted and write partial reports, and the result is marked interrupted
    instead of being lost.
    """
    env = os.environ if env is None else env
    positions = {solution.name: index for index, solution in enumerate(roster.solutions)}
    chosen = roster.shard(*shard) if shard else roster.solutions
    started = _now()
    round_id = uuid.uuid4().hex[:12]  # before the runs: certified solutions name it in their certificates
    shared = RoundRun(round_id=round_id, roster_digest=roster.digest,
                      signing_key=signing_key.resolve() if signing_key else None, lang=lang)
    round_dir.mkdir(parents=True, exist_ok=True)
    rows: list[SolutionRow] = []
    withheld = credential_variables(roster)
    running: dict[str, float] = {}  # solution name -> monotonic start, for the heartbeat
    running_lock = threading.Lock()
    children = ChildRuns()
    interrupted = False

    def one(solution: Solution) -> SolutionRow:
        with running_lock:
            running[solution.name] = time.monotonic()
        try:
            return run_solution(solution, positions[solution.name], round_dir, env, roster.solution_timeout_s,
                                roster.gxd_bom, withheld, shared, children)
        finally:
            with running_lock:
                running.pop(solution.name, None)

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="round") as pool:
        futures = {pool.submit(one, s): s for s in chosen}
        pending: set[Future[SolutionRow]] = set(futures)
        try:
            while pending:
                done, pending = wait(pending, timeout=heartbeat.EVERY_S, return_when=FIRST_COMPLETED)
                with running_lock:
                    now_running = dict(running)
                if not done and on_wait is not None and now_running:
                    oldest = time.monotonic() - min(now_running.values())
                    on_wait(heartbeat.line(f"round solution {', '.join(sorted(now_running))}", oldest,
                                           roster.solution_timeout_s))
                for future in done:
                    rows.append(future.result())
                    if on_row is not None:
                        on_row(rows[-1], len(rows), len(futures))
        except KeyboardInterrupt:
            interrupted = True
            finished = {row.name for row in rows}
            rows += _stop(futures, children, finished, positions)
    return RoundResult(name=roster.name, roster_digest=roster.digest, round_id=round_id,
                       started_at=started, finished_at=_now(), rows=sorted(rows, key=lambda r: r.index),
                       shard=f"{shard[0]}/{shard[1]}" if shard else None, workers=workers,
                       gxd_bom=str(roster.gxd_bom) if roster.gxd_bom else None, interrupted=interrupted, lang=lang)


def _stop(futures: dict[Future[SolutionRow], Solution], children: ChildRuns, finished: set[str],
          positions: dict[str, int]) -> list[SolutionRow]:
    """Cancel the queued runs, interrupt the running ones, and give each of them its row.

    The running ones get INTERRUPT_GRACE_S to write their partial reports; a second stop signal
    (or the grace running out) kills their process groups.
    """
    children.stop()
    for future in futures:
        future.cancel()
    running = [f for f in futures if not f.cancelled() and futures[f].name not in finished]
    try:
        _, late = wait(running, timeout=INTERRUPT_GRACE_S)
    except KeyboardInterrupt:
        late = set(running)
    if late:
        children.kill()
        wait(late)
    rows = []
    for future, solution in futures.items():
        if solution.name in finished:
            continue
        rows.append(_not_run(solution, positions[solution.name]) if future.cancelled() else future.result())
    return rows
