"""The child processes of a round: each solution's run in a process group of its own, tied to the round.

A stop request (Ctrl-C, SIGTERM, SIGHUP) reaches the round only; the round passes it on to every
group, so a run gets the same Ctrl-C a vendor would give it and writes its partial report. If the
round itself dies (SIGKILL), the kernel sends each child SIGTERM (Linux PR_SET_PDEATHSIG), so no
run is left orphaned and still testing a host.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable

INTERRUPT_GRACE_S = 15.0  # a stopped run gets this long after Ctrl-C to write its partial report
_PR_SET_PDEATHSIG = 1


class Cancelled(Exception):
    """The round is stopping: a run not yet started is not started."""


def death_signal_setter() -> Callable[[], None] | None:
    """A preexec function that makes the child get SIGTERM when the round dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def die_with_parent() -> None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM))
        if os.getppid() != parent:  # the round died between fork and prctl
            os._exit(1)
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # a round started with Ctrl-C ignored still stops its runs

    return die_with_parent


class ChildRuns:
    """The child runs in flight; `stop` reaches all of them, and no new one starts after it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: set[subprocess.Popen[str]] = set()
        self.stopping = threading.Event()

    def run(self, command: list[str], env: dict[str, str], timeout_s: float) -> subprocess.CompletedProcess[str]:
        """Run a child to completion; past `timeout_s`, interrupt its group (partial report), then kill it.

        Raises subprocess.TimeoutExpired after stopping it, Cancelled when the round is stopping.
        """
        with self._lock:
            if self.stopping.is_set():
                raise Cancelled
            child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     errors="replace", stdin=subprocess.DEVNULL, process_group=0,
                                     preexec_fn=death_signal_setter())
            self._live.add(child)
        try:
            with child:
                try:
                    stdout, stderr = child.communicate(timeout=timeout_s)
                except subprocess.TimeoutExpired:
                    _signal_group(child, signal.SIGINT)
                    try:
                        child.communicate(timeout=INTERRUPT_GRACE_S)
                    except subprocess.TimeoutExpired:
                        _signal_group(child, signal.SIGKILL)
                        child.communicate()
                    raise
        finally:
            with self._lock:
                self._live.discard(child)
        return subprocess.CompletedProcess(command, child.returncode, stdout, stderr)

    def stop(self) -> None:
        """No new run starts; every running one gets Ctrl-C (it writes its partial report and ends)."""
        self.stopping.set()
        self.signal_all(signal.SIGINT)

    def kill(self) -> None:
        self.signal_all(signal.SIGKILL)

    def signal_all(self, signum: int) -> None:
        with self._lock:
            for child in self._live:
                _signal_group(child, signum)


def _signal_group(child: subprocess.Popen[str], signum: int) -> None:
    try:
        os.killpg(child.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass  # already gone (its group with it)
