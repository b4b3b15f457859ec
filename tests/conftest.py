"""Project-wide pytest settings of the test suite (not of conformance runs, which configure their own pytest)."""

from __future__ import annotations

import os

import pytest

WORKERS_PER_CPU = 2


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto`: two workers per CPU, because most tests wait rather than compute.

    A faulty-server run spends about half its time waiting on its hosts (callback
    delays, the wait for a second response that must not come, timeouts of the
    hostile hosts); with one worker per CPU those waits leave the CPUs idle.
    PYTEST_XDIST_AUTO_NUM_WORKERS still decides when set (xdist's own hook reads it).
    """
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return WORKERS_PER_CPU * cpus
