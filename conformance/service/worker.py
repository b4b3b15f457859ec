"""This instance's workers: claim queued runs from the store, run each in a child process, record its progress.

A bounded pool of threads, each supervising one child (`python -m conformance.service.child`): the child runs
the engine, the thread stores its progress events and its end. On SQLite a dispatch loop polls the store for
queued runs; on PostgreSQL procrastinate hands out run ids (queue.py). Claims are compare-and-set in the store,
so several instances share one queue without taking a run twice. A beat every HEARTBEAT_S marks this instance
alive; the runs of an instance that stopped beating are ended "interrupted" by whichever instance sees it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conformance.rounds.children import death_signal_setter
from conformance.service.child import CANCEL_SIGNAL
from conformance.service.limits import Limits
from conformance.service.secret_box import KEY_VARIABLE, SecretBox
from conformance.service.store import Run, Store

if TYPE_CHECKING:
    from conformance.service.queue import Queue

HEARTBEAT_S = 2.0
STALE_AFTER_S = 10.0
POLL_S = 0.3
KILL_GRACE_S = 120.0  # past the engine's own wall-time stop, which writes the partial report
REPORT_GRACE_S = 60.0  # how long an orphaned run's process may take to write its partial report


@dataclass
class Running:
    run: Run
    process: subprocess.Popen[str]
    cancelled: bool = False


@dataclass
class Workers:
    store: Store
    box: SecretBox
    instance_id: str
    report_root: Path
    public_url: str | None  # https base of /callbacks/…, when the target can reach the service
    limits: Limits = field(default_factory=Limits)
    stale_after_s: float = STALE_AFTER_S
    internal_host: str = "127.0.0.1"  # where the runs' events hosts listen: other instances forward callbacks there
    queue: Queue | None = None  # PostgreSQL: procrastinate hands out the runs; SQLite: the dispatch loop polls
    on_run_ended: Callable[[str], None] | None = None  # told after each run this instance ends (rounds)
    _running: dict[str, Running] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._orphans_seen: dict[str, float] = {}  # run id -> when this instance first saw it orphaned
        self._slots = threading.BoundedSemaphore(self.limits.workers)  # taken before a claim, freed when it ends

    def start(self) -> Workers:
        self.store.heartbeat(self.instance_id, self.public_url or "")
        loops = [(self._watch, "watch")] + ([(self._dispatch, "dispatch")] if self.queue is None else [])
        for target, name in loops:
            thread = threading.Thread(target=target, name=f"pact-service-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        if self.queue is not None:
            self.queue.start(self.execute_queued, self.limits.workers)
        return self

    def stop(self) -> None:
        """Stop claiming; running children are stopped (SIGTERM: each writes its partial report) and ended."""
        self._stop.set()
        queue_stopped = threading.Thread(target=self.queue.stop if self.queue else lambda: None, daemon=True)
        queue_stopped.start()  # the queue fetches no more jobs; it has stopped once its running jobs end
        with self._lock:
            running = list(self._running.values())
        for entry in running:
            _signal(entry.process, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while self._running and time.monotonic() < deadline:
            time.sleep(0.05)
        queue_stopped.join(timeout=30)
        for thread in self._threads:
            thread.join(timeout=5)

    def busy(self) -> int:
        with self._lock:
            return len(self._running)

    # The loops
    def _dispatch(self) -> None:
        while not self._stop.is_set():
            if not self._slots.acquire(timeout=POLL_S):
                continue
            run = None if self._stop.is_set() else self.store.claim_queued(self.instance_id)
            if run is None:
                self._slots.release()
                self._stop.wait(POLL_S)
                continue
            threading.Thread(target=self._execute, args=(run,), name=f"pact-run-{run.id}", daemon=True).start()

    def execute_queued(self, run_id: str) -> None:
        """The queue's task: execute the run if it is still queued (another job, instance or cancel may have
        ended or taken it); returns when it has ended."""
        if self._stop.is_set():  # fetched as this instance stops: back to the queue, for another instance
            assert self.queue is not None
            self.queue.enqueue(run_id)
            return
        self._slots.acquire()
        run = self.store.claim_queued(self.instance_id, run_id)
        if run is None:
            self._slots.release()
            return
        self._execute(run)

    def _watch(self) -> None:
        """Beat, pass cancels on to the children, and end the runs of instances that stopped beating."""
        last_beat = 0.0
        while not self._stop.wait(POLL_S * 3):
            now = time.monotonic()
            if now - last_beat >= HEARTBEAT_S:
                self.store.heartbeat(self.instance_id, self.public_url or "")
                last_beat = now
                self.recover_orphans()
                self.requeue_lost()
            with self._lock:
                running = dict(self._running)
            for run_id in self.store.cancel_requested(list(running)):
                entry = running[run_id]
                if not entry.cancelled:
                    entry.cancelled = True
                    _signal(entry.process, CANCEL_SIGNAL)

    def recover_orphans(self) -> None:
        """End the runs of instances that stopped beating. A run process outlives its instance long enough to
        write its partial report (it is told by the kernel when its parent dies): wait for that report, up to
        REPORT_GRACE_S after the run was first seen orphaned."""
        for run in self.store.orphaned_runs(self.stale_after_s):
            if run.instance_id == self.instance_id:
                continue
            report = _read_report(run.report_dir or str(self._report_dir(run)))
            first_seen = self._orphans_seen.setdefault(run.id, time.monotonic())
            if report is None and time.monotonic() - first_seen < REPORT_GRACE_S:
                continue
            self._orphans_seen.pop(run.id, None)
            self.store.finish_run(run.id, status="interrupted", verdict=_verdict(report, "verdict"),
                                  official_verdict=_verdict(report, "official_verdict"), exit_code=None,
                                  summary=report, report_dir=str(self._report_dir(run)) if report else None,
                                  message="interrupted: the service instance running it stopped")

    def requeue_lost(self) -> None:
        """Defer again the queued runs that have no job: an instance killed between saving a run and deferring it
        would otherwise leave the run queued for ever."""
        if self.queue is None:
            return
        for run_id in self.queue.without_job(self.store.queued_before(self.stale_after_s)):
            self.queue.enqueue(run_id)

    # One run
    def _report_dir(self, run: Run) -> Path:
        return self.report_root / "runs" / run.id

    def _execute(self, run: Run) -> None:
        try:
            self._supervise(run)
        except Exception as exc:  # noqa: BLE001 - a broken worker ends its run, never the service
            self.store.finish_run(run.id, status="interrupted", verdict=None, official_verdict=None, exit_code=1,
                                  summary=None, message=f"service error: {type(exc).__name__}: {exc}", report_dir=None)
        finally:
            self._slots.release()
            if self.on_run_ended is not None:
                self.on_run_ended(run.id)

    def _supervise(self, run: Run) -> None:
        secrets = self.box.take(run.id, self.store.take_secret(run.id))
        if secrets is None and run.request.get("base_url"):
            self.store.finish_run(run.id, status="interrupted", verdict=None, official_verdict=None, exit_code=None,
                                  summary=None, report_dir=None,
                                  message=f"the target's credentials were not kept across a restart of the service "
                                          f"(set {KEY_VARIABLE} to keep them): submit the run again")
            return
        report_dir = self._report_dir(run)
        process = subprocess.Popen([sys.executable, "-m", "conformance.service.child"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8",
                                   env=_child_env(), start_new_session=True, preexec_fn=death_signal_setter())
        with self._lock:
            self._running[run.id] = Running(run, process)
        try:
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write(json.dumps({"values": self._values(run, report_dir), "env": secrets or {}}))
            process.stdin.close()
            timer = threading.Timer(self.limits.run_wall_time_s + KILL_GRACE_S, _signal, (process, signal.SIGKILL))
            timer.daemon = True
            timer.start()
            code, message, stopped_early = self._follow(run, process)
            process.wait()
            timer.cancel()
        finally:
            with self._lock:
                self._running.pop(run.id)
        report = _read_report(str(report_dir))
        # A cancel that came as the run was writing its reports stopped nothing: the run is finished.
        interrupted = code is None or stopped_early or bool(report and report.get("interrupted"))
        if code is None:
            message = message or f"the run's process ended without a result (exit status {process.returncode})"
        self.store.finish_run(run.id, status="interrupted" if interrupted else "finished",
                              verdict=_verdict(report, "verdict"), official_verdict=_verdict(report, "official_verdict"),
                              exit_code=code if code is not None else 1, summary=report, message=message or "",
                              report_dir=str(report_dir) if report_dir.exists() else None)

    def _follow(self, run: Run, process: subprocess.Popen[str]) -> tuple[int | None, str, bool]:
        """Store each progress event; the exit line's code, message and whether the run was stopped early."""
        assert process.stdout is not None
        code: int | None = None
        message = ""
        stopped_early = False
        for line in process.stdout:
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if data.get("kind") == "exit":
                code, message = int(data.get("code", 1)), str(data.get("message") or "")
                stopped_early = bool(data.get("interrupted"))
                continue
            if data.get("kind") == "callback-listening":
                self.store.set_listener(run.id, str(data.get("bound")))
            self.store.add_event(run.id, data)
        return code, message, stopped_early

    def _values(self, run: Run, report_dir: Path) -> dict[str, Any]:
        """The run flags of the child: the request, plus what the service decides (report folder, callbacks)."""
        values = dict(run.request)
        pem = values.pop("ca_cert_pem", None)
        if pem:
            ca_file = self.report_root / "runs" / f"{run.id}.ca.pem"
            ca_file.parent.mkdir(parents=True, exist_ok=True)
            ca_file.write_text(pem, encoding="utf-8")
            values["ca_cert"] = str(ca_file)
        wall = min(float(values.get("run_timeout_s") or self.limits.run_wall_time_s), self.limits.run_wall_time_s)
        values.update(report_dir=str(report_dir), overwrite=True, quiet=True, run_timeout_s=wall)
        if values.get("base_url") and self.public_url:
            values.update(listen=f"{self.internal_host}:0", listen_plain=True,
                          callback_url=f"{self.public_url}/callbacks/{run.callback_token}")
        return values


def _child_env() -> dict[str, str]:
    """The service's environment minus its own secrets: a child gets its target's secrets on stdin only."""
    return {k: v for k, v in os.environ.items() if k != KEY_VARIABLE and not k.startswith("PACT_")}


def _signal(process: subprocess.Popen[str], signum: int) -> None:
    if process.poll() is None:
        try:
            process.send_signal(signum)
        except ProcessLookupError:
            pass


def _read_report(report_dir: str | None) -> dict[str, Any] | None:
    """The summary part of report.json (verdicts, counts), not the cases and their evidence."""
    if not report_dir:
        return None
    path = Path(report_dir) / "report.json"
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return {k: v for k, v in report.items() if k not in ("cases",)} if isinstance(report, dict) else None


def _verdict(report: dict[str, Any] | None, key: str) -> str | None:
    value = (report or {}).get(key)
    return value if isinstance(value, str) else None
