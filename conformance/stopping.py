"""Ending a run early but cleanly: SIGTERM, SIGHUP and the run timeout act as Ctrl-C does; a closed stdout does not end it.

pytest turns a KeyboardInterrupt into an interrupted session whose finished cases are kept, and
the fuzz stage installs its own SIGINT handler (a first press stops it at its next request). Every
stop cause is therefore handed to whatever SIGINT handler is current, so each stage stops the way
it already does for Ctrl-C and the runner still writes the partial report. While the reports are
written, a stop is only noted: the partial report is what the stop asked for.

A reader that goes away (`run | head`, a closed terminal: SIGPIPE, which Python turns into
BrokenPipeError) must not crash the run mid-case: its output is dropped and the report is still written.
"""

from __future__ import annotations

import _thread
import io
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TextIO

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class RunStops:
    """Why the cases were stopped early (None while they were not), and whether the run is finishing already."""

    def __init__(self) -> None:
        self.reason: str | None = None
        self.armed = False  # stops can interrupt the cases: the run holds the main thread's signals
        self._finishing = False
        self._lock = threading.Lock()

    def _first(self, reason: str) -> bool:
        """Record the first stop reason; True when the cases are still running (so they must stop)."""
        with self._lock:
            if self._finishing:
                return False
            self.reason = self.reason or reason
            return True

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self._first(f"stopped by {signal.Signals(signum).name}"):
            current = signal.getsignal(signal.SIGINT)
            if callable(current):
                current(signal.SIGINT, frame)  # the fuzz stage's own stop, or Python's KeyboardInterrupt
            else:
                raise KeyboardInterrupt  # SIGINT ignored (a background job): stop all the same

    def on_timeout(self, timeout_s: float) -> None:
        if self._first(f"the run timeout of {timeout_s:g} s was reached"):
            _thread.interrupt_main(signal.SIGTERM)  # runs on_signal in the main thread, whatever it waits on

    def on_cancel(self) -> None:
        """The caller cancelled the run (the service's cancel, a console button): stopped as by SIGTERM."""
        if self.armed and self._first("cancelled"):
            _thread.interrupt_main(signal.SIGTERM)

    def finishing(self) -> None:
        """The cases are over: later stops no longer interrupt (the report is being written)."""
        with self._lock:
            self._finishing = True


@contextmanager
def stop_guard(run_timeout_s: float) -> Iterator[RunStops]:
    """Within the block SIGTERM, SIGHUP and the run timeout interrupt the run like Ctrl-C.

    Signals reach only the main thread; a run on another thread gets neither, nor the timeout and a
    cancel (the service runs each run in a child process of its own, so its runs always have them).
    """
    stops = RunStops()
    if threading.current_thread() is not threading.main_thread():
        yield stops
        return
    previous = {sig: signal.signal(sig, stops.on_signal) for sig in STOP_SIGNALS}
    stops.armed = True
    timer = threading.Timer(run_timeout_s, stops.on_timeout, args=(run_timeout_s,))
    timer.daemon = True
    timer.start()
    try:
        yield stops
    finally:
        timer.cancel()
        stops.finishing()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def stop_signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP stop a long command (a round, `serve`) the way Ctrl-C does: KeyboardInterrupt
    in the main thread, so the command's own Ctrl-C handling writes what it has."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    previous = {signum: signal.signal(signum, interrupt) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class PipeSafeOutput(io.TextIOBase):
    """A terminal stream whose reader may go away: from then on output is dropped and the run goes on."""

    def __init__(self, inner: TextIO) -> None:
        super().__init__()
        self._inner = inner
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                self._inner.write(text)
            except BrokenPipeError:
                self._drop()
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self._inner.flush()
            except BrokenPipeError:
                self._drop()

    def _drop(self) -> None:
        """Point the descriptor at /dev/null so that Python's own flush at exit cannot fail either."""
        self.gone = True
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self._inner.fileno())
            os.close(null)
        except (OSError, ValueError, io.UnsupportedOperation):
            pass  # not a real descriptor (a StringIO): nothing is flushed at exit
