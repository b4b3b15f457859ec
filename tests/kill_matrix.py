"""Print the kill matrix of the faulty-server collection: case → faults that make it fail, and
requirement → faults that break it.

Usage: python -m tests.kill_matrix
Lists the cases no fault kills and the MUST requirements a case checks but no fault breaks (CI fails
on both: tests/test_faults.py, tests/test_kill_requirements.py), and the counts. This reads the
catalogue only; tests/test_faults.py proves each listed kill by running it.

A fault breaks a requirement when its name or description names the id and a case it kills cites
it (or the fault proves a finding of that rule); a fault naming no such id breaks the requirement of
a killed case that cites just one. So the attribution never claims more than the case checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from conformance.catalog import CaseSpec
from conformance.coverage import REQUIREMENT_IDS, load_cases
from tests.faults import all_faults
from tests.faults.model import Fault
from tests.must_requirements import MUST_REQUIREMENTS

REQUIREMENT_ID = re.compile(r"\b(?:GEN|TLS|AUTH|LIST|PAGE|FILT|GET|EVT|ERR|DM|GXD)-R?\d+\b")
DATA_CASE = re.compile(r"(DM|GXD)-[A-Z-]+")  # a data case fails with the rules of its findings, whatever their area
DATA_FAULT = ("data-", "rule-", "extension-", "gxd-")

# Requirements a fault breaks besides the ids its description names, each with the reason; a killed case
# must still cite the id. Keyed by fault name, or by a name prefix ending in "-".
ALSO_BREAKS: dict[str, tuple[frozenset[str], str]] = {
    "data-": (frozenset({"LIST-03", "GET-02"}), "the footprint ListFootprints and GetFootprint return is invalid"),
    "rule-": (frozenset({"LIST-03", "GET-02"}), "the footprint ListFootprints and GetFootprint return is invalid"),
    "extension-": (frozenset({"LIST-03", "GET-02"}), "the listed footprint's extension envelope is invalid"),
    "error-body-without-message": (frozenset({"ERR-09"}), "v3: the 404 of GetFootprint lacks a full Error object"),
    "unknown-grant-wrong-error": (frozenset({"ERR-06"}), "the RFC 6749 §5.2 error code is wrong"),
    "missing-grant-wrong-error": (frozenset({"ERR-06"}), "the RFC 6749 §5.2 error code is wrong"),
    "invalid-client-without-body": (frozenset({"ERR-06"}), "no RFC 6749 §5.2 error body at all"),
    "filter-no-match-404": (frozenset({"LIST-02"}), "an empty result is not answered as `data: []`"),
    "filter-v2-odata-any-wrong-collection": (frozenset({"FILT-03"}), "`any` is evaluated on the wrong collection"),
    "callback-unretrievable-footprint": (frozenset({"EVT-32"}), "delivered footprints are not available from the host"),
    **{f"filter-{name}-ignored": (frozenset({"FILT-10"}), "the host does not support a v3 filter it MUST support")
       for name in ("product-id", "company-id", "geography", "classification", "valid-on", "valid-after",
                    "valid-before", "status")},
}

# MUST requirements that a case checks but that no fault breaks, each with why (the test reads this list).
UNBROKEN_BECAUSE: dict[str, str] = {
    "AUTH-01": "every case needs the client-credentials token: a host without it fails the whole run "
               "(token-per-action shows that collateral), so no fault isolates it",
    "LIST-07": "a 1xx/3xx answer to ListFootprints: only the fuzz stage sends requests where a host might do that",
    "LIST-12": "MAY / MUST: only for hosts that support x- extension criteria, which the reference host does not",
    "EVT-20": "a rule on the request event the harness sends; the host's side (acceptance) is EVT-23",
    "EVT-22": "a rule on the request event the harness sends; the host's side (acceptance) is EVT-23",
}


def broken_by(fault: Fault, cases: Iterable[CaseSpec]) -> set[str]:
    """The requirement ids this fault breaks (see the module docstring)."""
    cited = {case.id: set(case.requirements) for case in cases}
    killed = [cited[case_id] for case_id in fault.kills if case_id in cited]
    named = set(REQUIREMENT_ID.findall(f"{fault.name} {fault.description}")) | _also(fault.name)
    data = fault.name.startswith(DATA_FAULT) and any(DATA_CASE.fullmatch(case_id) for case_id in fault.kills)
    broken = {req for req in named if any(req in requirements for requirements in killed)
              or (data and req.startswith(("DM-", "GXD-")))} | set(fault.warns)
    if not broken:
        broken = {next(iter(requirements)) for requirements in killed if len(requirements) == 1}
    return broken


def _also(name: str) -> frozenset[str]:
    ids: frozenset[str] = frozenset()
    for key, (extra, _reason) in ALSO_BREAKS.items():
        if name == key or (key.endswith("-") and name.startswith(key)):
            ids |= extra
    return ids


def requirement_killers(faults: list[Fault], cases: list[CaseSpec]) -> dict[str, list[str]]:
    killers: dict[str, list[str]] = {req: [] for req in REQUIREMENT_IDS}
    for fault in faults:
        for req in sorted(broken_by(fault, cases)):
            killers.setdefault(req, []).append(fault.name)
    return killers


def checked(cases: list[CaseSpec]) -> set[str]:
    return {req for case in cases for req in case.requirements}


def unbroken_musts(faults: list[Fault], cases: list[CaseSpec]) -> list[str]:
    """MUST requirements that a case checks but that no fault breaks and UNBROKEN_BECAUSE does not explain."""
    killers = requirement_killers(faults, cases)
    return [req for req in MUST_REQUIREMENTS
            if req in checked(cases) and not killers.get(req) and req not in UNBROKEN_BECAUSE]


def main() -> None:
    faults = all_faults()
    cases = load_cases()
    killers: dict[str, list[str]] = {case.id: [] for case in cases}
    for fault in faults:
        for case_id in sorted(fault.kills):
            killers.setdefault(case_id, []).append(fault.name)
    width = max(len(case_id) for case_id in killers)
    for case_id, names in sorted(killers.items()):
        print(f"{case_id:<{width}}  {len(names):>3}  {', '.join(names) if names else '— NO FAULT KILLS THIS CASE'}")
    unkilled = [case_id for case_id, names in killers.items() if not names]
    runs = sum(len(fault.specs) for fault in faults)
    warns = sum(1 for fault in faults if fault.warns)
    print(f"\n{len(cases)} cases, {len(faults)} faults ({runs} fault runs; {warns} prove warning-level findings), "
          f"{sum(len(f.kills) for f in faults)} kills, {len(unkilled)} cases without a kill")
    if unkilled:
        print("cases without a kill: " + ", ".join(unkilled))
    print("\nrequirement → faults that break it (M: MUST; -: no case checks it)")
    by_requirement = requirement_killers(faults, cases)
    tested, musts = checked(cases), set(MUST_REQUIREMENTS)
    for req in REQUIREMENT_IDS:
        names = by_requirement[req]
        mark = ("M" if req in musts else " ") + (" " if req in tested else "-")
        print(f"{req:<8} {mark} {len(names):>3}  {', '.join(names) if names else '—'}")
    unbroken = unbroken_musts(faults, cases)
    broken = sum(1 for names in by_requirement.values() if names)
    print(f"\n{len(REQUIREMENT_IDS)} requirements, {len(tested & set(REQUIREMENT_IDS))} checked by a case, "
          f"{broken} broken by some fault; {len(musts & tested)} MUST requirements checked, {len(unbroken)} of them broken by no fault "
          f"without a reason, {len(UNBROKEN_BECAUSE)} allowed with a reason")
    if unbroken:
        print("MUST requirements checked but broken by no fault: " + ", ".join(unbroken))
    for req, reason in UNBROKEN_BECAUSE.items():
        print(f"allowed without a fault: {req}: {reason}")


if __name__ == "__main__":
    main()
