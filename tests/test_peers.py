"""PACT hosts of other shapes (tests/peers/) are judged conformant, full verdict and official-only, in every
version they serve: no case is tuned to the reference host. Each peer declares the optional cases its legal
choices fail (warnings, never the verdict), so a new false failure, even of an optional case, shows here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.listener import listen_ca_dir
from conformance.reference.tls import kept_ca
from conformance.results import Outcome, RunResult, Verdict
from tests.harness import failed_ids, run_target
from tests.peers import gateway_v2, solo_v3, twin
from tests.peers.hosting import Peer, running, target_for

PEERS = [
    Peer("gateway", gateway_v2.Gateway, gateway_v2.PAIR, (gateway_v2.SPEC,),
         # no OAuth error bodies, no auth error body, no discovery: only RECOMMENDED or optional
         warnings=frozenset({"AUTH-UNSUPPORTED-GRANT", "AUTH-MISSING-GRANT", "AUTH-INVALID-CLIENT-ERROR",
                             "AUTH-DISCOVERY-DOCUMENT", "ERR-AUTH-BODY", "FUZZ-CONTENT-TYPE", "FUZZ-ERROR-BODIES"}),
         # the official tool checks the callback path (/2/events) and a v2 TC16 body code BadRequest
         # its optional TC20 needs $filter, which v2 makes optional and the peer leaves out
         official_quirks=frozenset({"EVT-REQUEST-FULFILLED", "EVT-REQUEST-REJECTED", "EVT-INVALID-TOKEN",
                                    "OFFICIAL-TC16", "OFFICIAL-TC20-V2"})),
    Peer("solo", solo_v3.Solo, solo_v3.PAIR, (solo_v3.SPEC,),
         warnings=frozenset({"AUTH-LEGACY-ENDPOINT"}),  # v3: /auth/token only without discovery
         # the official TC14.A wants 200 and a later rejection, not an immediate refusal
         # and its optional TC18/TC19 call /auth/token, which the peer does not serve beside discovery
         official_quirks=frozenset({"EVT-REJECT-REQUEST-ACCEPTED", "EVT-REQUEST-REJECTED",
                                    "OFFICIAL-TC18", "OFFICIAL-TC19"})),
    Peer("twin", twin.Twin, twin.PAIR, twin.SPECS,
         official_quirks=frozenset({"OFFICIAL-TC20-V2"})),  # the official tool's optional 2.x $filter case
]
OFFICIAL_PREFIX = "OFFICIAL-"  # the official tool's own cases: they decide its predicted verdict, not the full one
RUNS = [(peer, spec) for peer in PEERS for spec in peer.specs]


@pytest.fixture
def events_ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The CA of the harness's --listen events host, which the peers trust for their callbacks."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    yield str(kept_ca(listen_ca_dir(), ("127.0.0.1",)).ca_pem)


def run_peer(peer: Peer, spec: str, events_ca: str, report_dir: Path, wrap: object = None,
             **options: object) -> RunResult:
    """A run against the peer as an external target, its callbacks to a --listen events host over HTTPS."""
    with running(peer, events_ca, wrap) as (_, url, ca_pem):  # type: ignore[arg-type]
        return run_target(target_for(peer, url, ca_pem, spec), report_dir, listen="127.0.0.1:0",
                          event_timeout_s=options.pop("event_timeout_s", 15.0), **options).result


def problems(result: RunResult) -> list[tuple[str, str, str]]:
    return [(c.spec.id, c.outcome.value, c.message[:300]) for c in result.cases
            if c.outcome in (Outcome.FAILED, Outcome.ERROR) or (c.mandatory and c.outcome is not Outcome.PASSED)]


@pytest.mark.parametrize(("peer", "spec"), RUNS, ids=[f"{p.name}@{s}" for p, s in RUNS])
@pytest.mark.parametrize("official_only", [False, True], ids=["full", "official"])
def test_peer_is_conformant(peer: Peer, spec: str, official_only: bool, events_ca: str, tmp_path: Path) -> None:
    result = run_peer(peer, spec, events_ca, tmp_path / "report", official_only=official_only)
    # What the official tool would fail (its quirks, predicted): only what the peer declares, and the predicted
    # verdict follows from its mandatory set.
    predicted = {c.spec.id for c in result.cases if c.official_outcome in (Outcome.FAILED, Outcome.ERROR)}
    assert predicted <= peer.official_quirks, problems(result)
    mandatory_predicted = any(c.official_mandatory for c in result.cases if c.spec.id in predicted)
    assert result.official_verdict is (Verdict.NOT_CONFORMANT if mandatory_predicted else Verdict.CONFORMANT)
    if official_only:
        return
    assert result.verdict is Verdict.CONFORMANT, problems(result)
    spec_failures = {case_id for case_id in failed_ids(result) if not case_id.startswith(OFFICIAL_PREFIX)}
    assert spec_failures == {c.spec.id for c in result.cases} & peer.warnings, problems(result)
