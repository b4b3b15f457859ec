"""`pact-conformance cases [--coverage]`: what the suite checks, traced to requirement ids."""

from __future__ import annotations

import importlib
import pkgutil
from typing import TextIO

import cases
from conformance.catalog import SELECTION_HELP, CaseSpec, all_cases


def _ids(prefix: str, numbers: range | list[int], width: int = 2) -> list[str]:
    return [f"{prefix}-{n:0{width}d}" for n in numbers]


# Every requirement id of the PACT catalogue (../shared/spec/pact-requirements.md §7) and the GxD notes.
REQUIREMENT_IDS: tuple[str, ...] = tuple(
    _ids("GEN", range(1, 9)) + _ids("TLS", range(1, 7)) + _ids("AUTH", range(1, 16))
    + [f"AUTH-R{n}" for n in range(1, 5)] + _ids("LIST", range(1, 13)) + _ids("PAGE", range(1, 16))
    + _ids("FILT", list(range(1, 6)) + list(range(10, 25))) + _ids("GET", range(1, 13))
    + _ids("EVT", list(range(1, 8)) + list(range(10, 13)) + list(range(20, 28)) + list(range(30, 33)) + list(range(40, 44)))
    + _ids("ERR", range(1, 10)) + _ids("DM", range(1, 45)) + _ids("GXD", range(1, 25))
)


# Why a requirement has no case: shown by `cases --coverage`; a test keeps this in step with the catalogue.
NOT_CHECKED_BECAUSE: dict[str, str] = {
    "GEN-03": "a configuration rule: the harness is given one base URL and builds /2 or /3 paths under it",
    "GEN-04": "a MAY with no failure condition: a separate --auth-url is accepted",
    "AUTH-15": "MAY for credentials in the body; the MUST (HTTP Basic) is AUTH-01",
    "AUTH-R2": "a requirement on the data recipient (sender side), not on the host under test",
    "AUTH-R3": "a requirement on the data recipient (sender side), not on the host under test",
    "AUTH-R4": "a requirement on the data recipient (sender side), not on the host under test",
    "LIST-06": "SHOULD about deprecated footprints whose predecessors the host may have purged: not decidable "
               "from one snapshot",
    "PAGE-03": "a MAY: short pages are never failed (PAGE-LIMIT-HONOURED only checks the upper bound)",
    "PAGE-13": "a MAY for the host: no case follows a previous link after advancing",
    "FILT-22": "criteria in RequestCreated events beyond productId depend on the host's data; EVT cases send productId",
    "GET-08": "SHOULD on the error code; the expired-token case exercises ListFootprints (LIST-09)",
    "GET-10": "SHOULD for deprecated footprints the host may have purged: not decidable from one snapshot",
    "GET-12": "needs the host to publish an event to the harness on its own initiative",
    "EVT-04": "only for hosts without Events (2.0-2.3.0); the suite tests Events as implemented",
    "EVT-12": "needs the host to publish an event to the harness on its own initiative (and retry it)",
    "EVT-21": "a rule for the requester (the harness), which its requests follow",
    "EVT-25": "the harness cannot observe that a host did not call an address",
    "EVT-27": "retries over up to 72 hours cannot be observed within a run",
    "EVT-43": "needs a wait for an event that must not come; the timeout would dominate every run",
    "ERR-04": "a MAY: any string message is accepted (ERR-BODY-SHAPE checks the type)",
    "ERR-07": "2.0 only, SHOULD, removed in 2.1",
    "ERR-08": "a requirement on the data recipient, not observable on the host",
    "DM-07": "needs two observations over time (deprecated footprints never change)",
    "DM-36": "v2 lifecycle changes need two observations over time",
    "DM-37": "v3 immutability needs two observations over time",
    "DM-40": "a rule for recipients' calculations; not observable on the host",
    "GXD-24": "a round-trip rule for hosts relaying GxD data; needs data the harness first gives the host",
}


def load_cases() -> list[CaseSpec]:
    """Import every module of the cases package so all declarations are registered."""
    for module in pkgutil.iter_modules(cases.__path__):
        importlib.import_module(f"cases.{module.name}")
    return all_cases()


def print_cases(spec: str | None, out: TextIO) -> int:
    rows = [c for c in load_cases() if spec is None or c.applies_to(spec, frozenset({"gxd"}))]
    print(SELECTION_HELP + ".", file=out)
    print(f"{'id':<28} {'official':<8} {'mandatory':<10} {'area':<11} {'requirements':<30} title", file=out)
    for c in rows:
        need = c.mandatory if c.mandatory != "none" else "optional"
        print(f"{c.id:<28} {c.official or '-':<8} {need:<10} {c.area:<11} {','.join(c.requirements):<30} {c.title}",
              file=out)
    print(f"{len(rows)} cases", file=out)
    return 0


def print_coverage(out: TextIO) -> int:
    checked: dict[str, list[str]] = {}
    for c in load_cases():
        for requirement in c.requirements:
            checked.setdefault(requirement, []).append(c.id)
    from conformance.rules.registry import all_rules

    for rule in all_rules():
        checked.setdefault(rule.id, []).append(f"data rule {rule.id}")
    missing = [r for r in REQUIREMENT_IDS if r not in checked]
    for requirement in REQUIREMENT_IDS:
        by = ", ".join(sorted(set(checked.get(requirement, []))))
        print(f"{requirement:<9} {by or '— not checked: ' + NOT_CHECKED_BECAUSE.get(requirement, 'no reason recorded')}",
              file=out)
    print(f"{len(REQUIREMENT_IDS) - len(missing)} of {len(REQUIREMENT_IDS)} requirement ids checked", file=out)
    from conformance.rules.basis import BASES

    print("\nBasis of each data rule (MUST/definition: error, SHOULD: warning, contested: warning unless --strict; "
          "docs/severity-audit.md)", file=out)
    for rule_id, basis in BASES.items():
        print(f"{rule_id:<9} basis {basis.kind} ({basis.level}; {basis.source})"
              + (" — reviewed part by part" if basis.parts else ""), file=out)
    from conformance.rules.contested import CONTESTED

    print("\nContested rules (prose and published OpenAPI disagree): warnings, failures only with --strict", file=out)
    for contested in CONTESTED:
        print(f"{contested.id:<9} {contested.title} ({contested.requirement}, spec {contested.versions})\n"
              f"{'':<10}prose:   {contested.prose}\n{'':<10}OpenAPI: {contested.openapi}", file=out)
    return 0
