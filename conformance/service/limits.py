"""The service's limits, each configurable on `pact-conformance service`, each answered 429/413 with a JSON body."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    workers: int = 4  # runs executed at once by this instance
    concurrent_runs_per_account: int = 4  # queued or running
    runs_per_hour_per_account: int = 60
    callback_body_bytes: int = 1024 * 1024
    callback_requests_per_run: int = 500
    run_wall_time_s: float = 1800.0
    request_body_bytes: int = 64 * 1024  # a run request to the API
