"""Registry of semantic data rules (DM-nn, GXD-nn).

Each rule is a pure function `(footprint, spec) -> Iterable[Finding]`, declared
once with its requirement id, area, versions and profile. The rule modules are
imported lazily by `rules_for`, so adding a module means adding it to
RULE_MODULES and nothing else.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from conformance.rules.finding import Finding
from conformance.versions import version_matches

RuleFunc = Callable[[Mapping[str, Any], str], Iterable[Finding]]

# Modules that register rules when imported (PACT data model first, then profiles).
RULE_MODULES: tuple[str, ...] = ("conformance.rules.dm", "conformance.rules.gxd")


@dataclass(frozen=True)
class RuleSpec:
    """A declared rule: id from the requirement catalogue, where it applies, and its check."""

    id: str
    area: str
    versions: str
    profile: str | None
    check: RuleFunc


_RULES: dict[str, RuleSpec] = {}
_loaded = False


def rule(rule_id: str, *, area: str, versions: str = "all", profile: str | None = None) -> Callable[[RuleFunc], RuleFunc]:
    """Declare a rule. `versions` is an expression for `version_matches` ('>=2.2', '3.0', '2.x')."""

    def register(func: RuleFunc) -> RuleFunc:
        key = f"{rule_id}:{func.__name__}"
        _RULES[key] = RuleSpec(rule_id, area, versions, profile, func)
        return func

    return register


def _load_modules() -> None:
    global _loaded
    if _loaded:
        return
    for name in RULE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a profile module that is not installed yet
            if exc.name != name:
                raise
    _loaded = True


def rules_for(spec: str, profiles: Iterable[str] = ()) -> list[RuleSpec]:
    """The rules that apply to `spec` with the given profiles, in declaration order."""
    _load_modules()
    wanted = set(profiles)
    return [
        spec_ for spec_ in _RULES.values()
        if version_matches(spec, spec_.versions) and (spec_.profile is None or spec_.profile in wanted)
    ]


def all_rules() -> list[RuleSpec]:
    """Every declared rule, for coverage listings."""
    _load_modules()
    return list(_RULES.values())
