"""`pact-conformance cases [--coverage]`: what the suite checks, traced to requirement ids."""

from __future__ import annotations

import csv
import importlib
import json
import pkgutil
from typing import TextIO

import cases
from conformance.catalog import SELECTION_HELP, CaseSpec, all_cases
from conformance.versions import DEFAULT_SPEC


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
    from conformance.case_index import listed_cases

    rows = [c for c in listed_cases() if spec is None or c.applies_to(spec, frozenset({"gxd"}))]
    print(SELECTION_HELP + ".", file=out)
    print(f"{'id':<28} {'official':<8} {'mandatory':<10} {'area':<11} {'requirements':<30} title", file=out)
    for c in rows:
        need = c.mandatory if c.mandatory != "none" else "optional"
        print(f"{c.id:<28} {c.official or '-':<8} {need:<10} {c.area:<11} {','.join(c.requirements):<30} {c.title}",
              file=out)
    print(f"{len(rows)} cases", file=out)
    return 0


def cited_by() -> dict[str, list[str]]:
    """Every requirement id a case or data rule cites, with who cites it."""
    from conformance.rules.registry import all_rules

    checked: dict[str, list[str]] = {}
    for c in load_cases():
        for requirement_id in c.requirements:
            checked.setdefault(requirement_id, []).append(c.id)
    for rule in all_rules():
        checked.setdefault(rule.id, []).append(f"data rule {rule.id}")
    return checked


def coverage_rows(spec: str = DEFAULT_SPEC) -> list[dict[str, str]]:
    """One row per requirement id: its catalogue entry, the cases and rules that check it, or why none does."""
    from conformance.requirements import requirement

    checked = cited_by()
    rows = []
    for requirement_id in REQUIREMENT_IDS:
        entry = requirement(requirement_id)
        rows.append({
            "id": requirement_id,
            "basis": entry.basis if entry else "",
            "text_en": entry.text_in("en") if entry else "",
            "text_ja": entry.text_in("ja") if entry else "",
            "url": entry.url(spec) if entry else "",
            "fix_en": entry.fix_in("en") if entry else "",
            "checked_by": ", ".join(sorted(set(checked.get(requirement_id, [])))),
            "not_checked_because": "" if requirement_id in checked
            else NOT_CHECKED_BECAUSE.get(requirement_id, "no reason recorded"),
        })
    return rows


def print_coverage(out: TextIO, fmt: str = "text", spec: str | None = None) -> int:
    """`cases --coverage [--format text|json|csv]`: the catalogue with what checks each id, for people or tools."""
    rows = coverage_rows(spec or DEFAULT_SPEC)
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return 0
    for row in rows:
        by = row["checked_by"] or "— not checked: " + row["not_checked_because"]
        print(f"{row['id']:<9} {by}" + (f"\n{'':<10}{row['basis']}: {row['text_en']}" if row["text_en"] else ""), file=out)
    checked = sum(1 for row in rows if row["checked_by"])
    print(f"{checked} of {len(rows)} requirement ids checked", file=out)
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
