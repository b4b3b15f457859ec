"""A sample of the faulty-server collection run against the peer hosts: the faults that bend wire-level
behaviour (ASGI middleware) are caught on more than one host shape.

Faults made of HostConfig overrides (callback path, copies, credentials, data) are tied to the reference
host's configuration and have no peer counterpart. Some middleware faults are tied to it too: they read
its token store (substitute_token, per-action tokens), its demo credentials (token-ignores-secret) or its
link format (`offset`, page-drops-footprint). The sample holds faults that only bend what is on the wire.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults import all_faults
from tests.harness import failed_ids
from tests.peers.hosting import Peer
from tests.test_peers import OFFICIAL_PREFIX, PEERS, events_ca, problems, run_peer  # noqa: F401 - events_ca is a fixture

FAULTS = {fault.name: fault for fault in all_faults()}
PEER = {peer.name: peer for peer in PEERS}
SAMPLE = [  # (fault, peer, spec): spread over areas, peers and versions
    ("token-without-token-type", "twin", "3.0"),
    ("token-response-cacheable", "gateway", "2.3"),
    ("discovery-incomplete", "solo", "3.0"),
    ("get-unknown-id-found", "gateway", "2.3"),
    ("get-malformed-id-server-error", "twin", "3.0"),
    ("events-accept-non-uuid-pfids", "solo", "3.0"),
    ("events-answer-202", "twin", "3.0"),
    ("page-link-relative", "solo", "3.0"),
    ("page-no-link-header", "gateway", "2.3"),
    ("filter-status-ignored", "twin", "3.0"),
    ("error-carries-data", "gateway", "2.3"),
]


@pytest.mark.parametrize(("name", "peer_name", "spec"), SAMPLE, ids=[f"{f}@{p}-{s}" for f, p, s in SAMPLE])
def test_fault_is_detected_on_a_peer(name: str, peer_name: str, spec: str, events_ca: str,  # noqa: F811
                                     tmp_path: Path) -> None:
    fault, peer = FAULTS[name], PEER[peer_name]
    assert fault.wrap is not None and not fault.overrides, "only middleware faults carry over to a peer"
    options = {**fault.options, "select": fault.options.get("select", "not fuzz")}
    result = run_peer(peer, spec, events_ca, tmp_path / "report", wrap=fault.wrap, **options)
    failed = failed_ids(result)
    expected = fault.kills & {c.spec.id for c in result.cases}
    assert expected, f"{name} kills no case that applies to {spec}"
    assert expected <= failed, (sorted(expected - failed), problems(result))
    # The official tool's own cases predict its verdict (tests/test_official.py pins them): judged by the full rules
    # here are only the spec cases.
    spec_failures = {case_id for case_id in failed if not case_id.startswith(OFFICIAL_PREFIX)}
    unexpected = spec_failures - fault.kills - fault.collateral - peer.warnings
    assert not unexpected, problems(result)


def test_the_sample_covers_every_peer() -> None:
    assert {peer for _, peer, _ in SAMPLE} == set(PEER)
    assert all(isinstance(PEER[p], Peer) and s in PEER[p].specs and s in FAULTS[f].specs for f, p, s in SAMPLE)
