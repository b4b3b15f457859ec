"""What every DM rule module needs: the rule decorator and defensive accessors.

Rules see untrusted documents, so every accessor here returns a neutral value
(empty mapping, None) instead of raising when the shape is wrong; the schema
already reports the shape problem.
"""

from __future__ import annotations

import decimal
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from conformance.rules.finding import Finding, Severity
from conformance.rules.registry import RuleFunc, rule
from conformance.schemas.areas import area_of
from conformance.versions import SPEC_VERSIONS, info

ERROR = Severity.ERROR
WARNING = Severity.WARNING

# Wide enough that sums of absurdly long decimal strings never overflow.
DECIMAL_CONTEXT = decimal.Context(prec=60, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
_DECIMAL = re.compile(r"[+-]?\d+(?:\.\d+)?")
_MAX_DATETIME_LENGTH = 64


@dataclass(frozen=True)
class Issue:
    """One problem a rule found; the decorator turns it into a Finding with the rule's id."""

    pointer: str
    message: str
    severity: Severity = ERROR
    located: bool = False  # True: the area follows the pointer, not the rule's declared area


def dm_rule(
    rule_id: str, *, area: str, versions: str = "all"
) -> Callable[[Callable[[Mapping[str, Any], str], Iterable[Issue]]], RuleFunc]:
    """Register a check that yields Issues as rule `rule_id` of the registry."""

    def wrap(check: Callable[[Mapping[str, Any], str], Iterable[Issue]]) -> RuleFunc:
        @functools.wraps(check)
        def run(footprint: Mapping[str, Any], spec: str) -> list[Finding]:
            issues = list(check(footprint, spec))
            if not issues:
                return []
            return [
                Finding(rule_id, issue.pointer, issue.message, issue.severity, area_of(issue.pointer) if issue.located else area)
                for issue in issues
            ]

        return rule(rule_id, area=area, versions=versions)(run)

    return wrap


_V2_SPECS = frozenset(spec for spec in SPEC_VERSIONS if info(spec).major == 2)


def is_v2(spec: str) -> bool:
    return spec in _V2_SPECS


def mapping(value: object) -> Mapping[str, Any]:
    """`value` if it is a JSON object, else an empty one (JSON objects are dicts; a Mapping check costs 5x more)."""
    return value if isinstance(value, dict) else {}


def items(value: object) -> list[Any]:
    """`value` if it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def pcf_of(footprint: Mapping[str, Any]) -> Mapping[str, Any]:
    return mapping(footprint.get("pcf"))


def defined(container: Mapping[str, Any], key: str, spec: str) -> bool:
    """Whether a property is defined: present in 2.x; present and not null in 3.0 (SPEC3 'Undefined Properties')."""
    if key not in container:
        return False
    return is_v2(spec) or container[key] is not None


def decimal_value(value: object) -> Decimal | None:
    """A dotted-decimal string as a Decimal; None for anything else (DM-15 reports the syntax)."""
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return Decimal(value)
    return None


def decimal_sign(value: object) -> int | None:
    """-1, 0 or 1 for a dotted-decimal string (no Decimal built: this runs for every emission value); None otherwise."""
    if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
        return None
    if not value.lstrip("+-").strip("0."):
        return 0
    return -1 if value[0] == "-" else 1


def number_value(value: object) -> int | float | None:
    """A JSON number (not a boolean); None otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def instant(value: object) -> datetime | None:
    """An ISO 8601 date-time with an offset; None if absent, malformed or without offset."""
    if not isinstance(value, str) or len(value) > _MAX_DATETIME_LENGTH:
        return None
    try:
        parsed = datetime.fromisoformat(value.upper())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
