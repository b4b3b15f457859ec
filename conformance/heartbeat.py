"""Heartbeat lines while a run waits (a callback, a pagination link ageing, a token expiring, a round's
solutions), so that a quiet terminal or CI log is never mistaken for a hung run.

EVERY_S is read at each wait, so a test can shorten it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

EVERY_S = 10.0


def line(what: str, elapsed_s: float, total_s: float) -> str:
    """'waiting for callback 12 s / 60 s'."""
    return f"waiting for {what} {elapsed_s:.0f} s / {total_s:.0f} s"


def sleep(seconds: float, what: str, say: Callable[[str], None] | None,
          stop: threading.Event | None = None) -> bool:
    """Sleep `seconds`, saying a heartbeat line every EVERY_S; False when `stop` was set first."""
    started = time.monotonic()
    deadline = started + seconds
    stop = stop or threading.Event()
    while True:
        now = time.monotonic()
        if now >= deadline:
            return True
        if stop.wait(min(EVERY_S, deadline - now)):
            return False
        now = time.monotonic()
        if say is not None and now < deadline:
            say(line(what, now - started, seconds))
