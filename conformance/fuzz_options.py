"""The part of the fuzzing boundary that needs no schemathesis: what to fuzz and what a problem broke.

Case modules import this at collection; conformance/fuzz.py (schemathesis, hypothesis) is imported only when a
fuzz case runs, so a run with --no-fuzz or --official-only never loads them.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

DEFAULT_BUDGET = 6  # generated requests per operation: the stage stays within a few seconds on a small machine


class Check(str, Enum):
    """What a problem broke; each FUZZ-* case judges some of these."""

    SERVER_ERROR = "no server error"
    STATUS = "status code documented"
    BODY_SCHEMA = "2xx body valid against the schema"
    FOOTPRINT_RULES = "footprints pass the data-model rules"
    CONTENT_TYPE = "Content-Type documented"
    ERROR_BODY = "error body in the spec's shape"
    AUTH = "invalid credentials refused"
    AUTH_MISSING = "missing credentials refused"


class FuzzSetupError(Exception):
    """The document cannot be used for fuzzing (unreadable, not OpenAPI, no operation)."""


@dataclass(frozen=True)
class FuzzSettings:
    """How to fuzz; `fuzz_settings` reads it from the run options."""

    enabled: bool = True
    seed: int = 0
    seed_origin: str = "--seed"
    budget: int = DEFAULT_BUDGET
    openapi: Path | None = None


def derive_seed(text: str) -> int:
    """A 32-bit seed from a text (the run id), so an unseeded run is reproducible from its report."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def fuzz_settings(options: object, run_id: str | None = None) -> FuzzSettings:
    """Settings from the RunOptions fields fuzz_seed, fuzz_budget, no_fuzz and openapi; defaults when absent."""
    seed = getattr(options, "fuzz_seed", None)
    budget = getattr(options, "fuzz_budget", None)
    openapi = getattr(options, "openapi", None)
    origin = "--seed"
    if seed is None:
        run_id = run_id or uuid.uuid4().hex[:12]
        seed, origin = derive_seed(run_id), f"derived from run id {run_id}"
    return FuzzSettings(enabled=not getattr(options, "no_fuzz", False), seed=int(seed), seed_origin=origin,
                        budget=int(budget) if budget is not None else DEFAULT_BUDGET,
                        openapi=Path(openapi) if openapi is not None else None)
