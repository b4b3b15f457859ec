"""Every MUST requirement a case checks is broken by some fault, or the allow-list says why not.

The attribution (tests/kill_matrix.py) only counts a requirement that a killed case cites, so a fault
cannot claim a requirement its cases do not check; this keeps the extra attributions and the
allow-list honest and current.
"""

from __future__ import annotations

from conformance.coverage import REQUIREMENT_IDS, load_cases
from tests.faults import all_faults
from tests.kill_matrix import ALSO_BREAKS, UNBROKEN_BECAUSE, checked, requirement_killers, unbroken_musts
from tests.must_requirements import MUST_REQUIREMENTS

FAULTS = all_faults()
CASES = load_cases()


def test_every_checked_must_requirement_is_broken_by_some_fault() -> None:
    unbroken = unbroken_musts(FAULTS, CASES)
    assert not unbroken, f"MUST requirements a case checks but no fault breaks (add a fault, or a reason): {unbroken}"


def test_the_allow_list_holds_only_checked_musts_that_really_have_no_fault() -> None:
    killers = requirement_killers(FAULTS, CASES)
    for req in UNBROKEN_BECAUSE:
        assert req in MUST_REQUIREMENTS and req in checked(CASES), req
        assert not killers[req], f"{req} is broken by {killers[req]}: remove it from UNBROKEN_BECAUSE"


def test_every_extra_attribution_names_existing_faults_and_ids_their_cases_cite() -> None:
    cited = {case.id: set(case.requirements) for case in CASES}
    for key, (ids, _reason) in ALSO_BREAKS.items():
        matching = [f for f in FAULTS if f.name == key or (key.endswith("-") and f.name.startswith(key))]
        assert matching, f"ALSO_BREAKS names no fault: {key}"
        for fault in matching:
            if not fault.kills:
                continue  # a warning-level fault proves its finding, not these ids
            covered = set().union(*(cited.get(case_id, set()) for case_id in fault.kills))
            assert ids & covered, f"{fault.name}: no killed case cites {sorted(ids)}"


def test_must_requirements_are_catalogue_ids() -> None:
    assert set(MUST_REQUIREMENTS) <= set(REQUIREMENT_IDS)
