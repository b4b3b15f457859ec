"""A run in progress, below both the engine (conformance/engine/) and the pytest plugin, so neither imports the other for it.

The engine prepares a RunContext and hands it to the plugin through an EngineRun registered with pytest.main;
under plain pytest the plugin prepares one itself, through the same engine functions.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import pytest

from conformance.catalog import CaseSpec
from conformance.config import RunOptions
from conformance.engine.progress import ProgressEvent
from conformance.results import CaseOutcome
from conformance.session import TargetSession

CONTEXT_KEY = pytest.StashKey["RunContext"]()
# The GxD footprints a run saw (cases/gxd.py fills it); the runner writes them to gxd-footprints.json
# so that a certification round can link supply-chain tiers served by different solutions.
SHARED_GXD_FOOTPRINTS = "gxd_footprints"
GXD_FOOTPRINTS_FILE = "gxd-footprints.json"
# The preflight found the target's certificate untrusted (shared[PREFLIGHT_TLS] = its one line): the cases that
# fail on that are blocked by TLS_TRUST_BLOCKER, the one root cause, not failed each (the fix: --ca-cert).
PREFLIGHT_TLS = "preflight_tls"
TLS_TRUST_BLOCKER = "TLS-TRUST"
# A case whose judgement needs time to pass after the requests it reads (a duplicate answer's grace period):
# it runs after every other case, so the rest of the run is that time, and is reported in its declared place.
LATE_MARKER = "pact_late"


@dataclass
class RunContext:
    """A run in progress: the session, what is selected, and the outcomes so far."""

    session: TargetSession
    spec: str
    profiles: frozenset[str]
    options: RunOptions
    outcomes: list[CaseOutcome] = field(default_factory=list)
    progress: Callable[[ProgressEvent], None] | None = None  # the engine caller's listener
    selected: int = 0
    standalone: bool = False  # created by the plugin (plain pytest), not by the CLI
    resources: ExitStack = field(default_factory=ExitStack)
    shared: dict[str, Any] = field(default_factory=dict)  # per-run state cases share (e.g. the listener)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])  # also seeds fuzzing when no --seed
    started: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    notes: list[str] = field(default_factory=list)  # run-wide notes for the report (TLS problems, fallbacks)
    declared: dict[str, int] = field(default_factory=dict)  # case id -> place in the catalogue's order

    def record(self, outcome: CaseOutcome) -> None:
        """Keep the outcome in the cases' declared order, whatever order they ran in (LATE_MARKER)."""
        place = self.declared.get(outcome.spec.id)
        if place is None:
            self.outcomes.append(outcome)
            return
        index = len(self.outcomes)
        while index and self.declared.get(self.outcomes[index - 1].spec.id, -1) > place:
            index -= 1
        self.outcomes.insert(index, outcome)

    def emit(self, event: ProgressEvent) -> None:
        if self.progress is not None:
            self.progress(event)

    def close(self) -> None:
        self.session.close()
        self.resources.close()

    def wants(self, case: CaseSpec) -> bool:
        if not case.applies_to(self.spec, self.profiles):
            return False
        return not (self.options.official_only and case.official is None)


class EngineRun:
    """Registered with the engine's pytest.main: the plugin finds the prepared context here, before configure."""

    def __init__(self, context: RunContext) -> None:
        self.context = context
