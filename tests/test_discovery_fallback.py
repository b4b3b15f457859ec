"""A broken discovered token endpoint is reported once; the run token comes from {auth-url}/auth/token, noted."""

from __future__ import annotations

from pathlib import Path

from conformance.results import Outcome
from tests.faults.discovery import FAULTS
from tests.harness import faulty_host, run_host


def test_the_run_token_falls_back_to_auth_token_with_a_note(tmp_path: Path) -> None:
    with faulty_host(FAULTS[0], "3.0") as host:
        result = run_host(host, tmp_path, "3.0", select="AUTH-OIDC-TOKEN or TC18 or TC3 or TC4 or LIST").result
    outcomes = {c.spec.id: c.outcome for c in result.cases}
    assert outcomes.pop("AUTH-OIDC-TOKEN") is Outcome.FAILED
    assert outcomes and all(outcome is Outcome.PASSED for outcome in outcomes.values()), outcomes
    assert any("run token was taken from" in note and "/auth/token" in note for note in result.notes)
