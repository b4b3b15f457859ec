"""`pact-conformance cases [--coverage]`: what the suite checks, traced to requirement ids."""

from __future__ import annotations

import importlib
import pkgutil
from typing import TextIO

import cases
from conformance.catalog import CaseSpec, all_cases


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


def load_cases() -> list[CaseSpec]:
    """Import every module of the cases package so all declarations are registered."""
    for module in pkgutil.iter_modules(cases.__path__):
        importlib.import_module(f"cases.{module.name}")
    return all_cases()


def print_cases(spec: str | None, out: TextIO) -> int:
    rows = [c for c in load_cases() if spec is None or c.applies_to(spec, frozenset({"gxd"}))]
    for c in rows:
        need = c.mandatory if c.mandatory != "none" else "optional"
        print(f"{c.id:<28} {c.official or '-':<6} {need:<10} {','.join(c.requirements):<30} {c.title}", file=out)
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
        print(f"{requirement:<9} {', '.join(sorted(set(checked.get(requirement, [])))) or '— not checked'}", file=out)
    print(f"{len(REQUIREMENT_IDS) - len(missing)} of {len(REQUIREMENT_IDS)} requirement ids checked", file=out)
    return 0
