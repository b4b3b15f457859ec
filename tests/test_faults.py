"""The faulty-server collection: each fault must make exactly its cases fail; the clean host must pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.coverage import load_cases
from conformance.results import Outcome, Verdict
from tests.faults import all_faults
from tests.faults.model import Fault
from tests.harness import failed_ids, faulty_host, run_host
from tests.test_official import killed_official_cases

FAULTS = all_faults()
PAIRS = [(fault, spec) for fault in FAULTS for spec in fault.specs]


@pytest.mark.parametrize("spec", ["2.0", "2.1", "2.2", "2.3", "3.0"])
def test_clean_reference_host_is_conformant(spec: str, tmp_path: Path) -> None:
    with faulty_host(None, spec) as host:
        output = run_host(host, tmp_path, spec, link_wait_s=1.0)  # PAGE-LINK-LASTS runs only when asked
    result = output.result
    assert result.verdict is Verdict.CONFORMANT, [(c.spec.id, c.outcome.value, c.message) for c in result.cases
                                                  if c.outcome is not Outcome.PASSED]
    not_passed = {c.spec.id for c in result.cases if c.outcome is not Outcome.PASSED}
    assert not_passed == OFFICIAL_QUIRKS.get(spec, set()), "no warnings expected on the reference host"


# The official tool's 2.0/2.1 schemas require a 2.2 property (docs/divergences/official-tool.md): its TC3/TC4
# fail every correct 2.0/2.1 host, so the predicted official cases do too (optional: the full verdict stands).
OFFICIAL_QUIRKS = {"2.0": {"OFFICIAL-TC3", "OFFICIAL-TC4"}, "2.1": {"OFFICIAL-TC3", "OFFICIAL-TC4"}}


@pytest.mark.parametrize(("fault", "spec"), PAIRS, ids=[f"{f.name}@{s}" for f, s in PAIRS])
def test_fault_is_detected(fault: Fault, spec: str, tmp_path: Path) -> None:
    options = dict(fault.options)
    if not any(case_id.startswith("FUZZ-") for case_id in fault.kills):
        options.setdefault("select", "not fuzz and not official")  # fuzzing and official cases: own tests
    with faulty_host(fault, spec) as host:
        output = run_host(host, tmp_path, spec, fault.profiles, **options)
    result = output.result
    failed = failed_ids(result)
    applicable = {c.spec.id for c in result.cases}
    expected = fault.kills & applicable
    assert expected or fault.warns, f"fault {fault.name} kills no case that applies to {spec}"
    assert expected <= failed, f"expected {sorted(expected)} to fail, failed: {sorted(failed)}"
    reported = {finding["rule"] for c in result.cases for finding in c.findings}
    assert fault.warns <= reported, f"expected findings {sorted(fault.warns)}, reported: {sorted(reported)}"
    if any(c.mandatory for c in result.cases if c.spec.id in expected):
        assert result.verdict is not Verdict.CONFORMANT
    else:  # only optional cases are killed: warnings, the verdict stands unless mandatory collateral failed
        mandatory_failed = any(c.mandatory for c in result.cases if c.spec.id in failed)
        assert (result.verdict is Verdict.CONFORMANT) is not mandatory_failed, result.verdict
    # Official cases predict another tool's verdict (quirks included); tests/test_official.py pins them.
    unexpected = {i for i in failed if not i.startswith("OFFICIAL-")} - fault.kills - fault.collateral
    assert not unexpected, f"false failures under {fault.name}: " + "; ".join(
        f"{c.spec.id}: {c.message}" for c in result.cases if c.spec.id in unexpected)


# Official cases no fault of the collection can make fail, and why (the others: tests/test_official.py).
OFFICIAL_NOT_KILLED = {
    "OFFICIAL-TC1": "a host refusing valid credentials stops the official tool and the suite before any case",
    "OFFICIAL-TC9": "both tools probe plain HTTP on the TLS port, which no fault can make answer HTTP",
    "OFFICIAL-TC10": "as TC9", "OFFICIAL-TC11": "as TC9", "OFFICIAL-TC17": "as TC9",
    "OFFICIAL-TC25": "an ignored validAfter still satisfies the tool's TC25 (start > start - 1 day); TC35 catches it",
}


def test_every_case_is_killed_by_some_fault() -> None:
    killed = {case_id for fault in FAULTS for case_id in fault.kills} | killed_official_cases()
    unkilled = sorted(c.id for c in load_cases() if c.id not in killed and c.id not in OFFICIAL_NOT_KILLED)
    assert not unkilled, f"cases no fault makes fail (they could pass on a broken host): {unkilled}"
