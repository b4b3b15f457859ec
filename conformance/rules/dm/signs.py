"""Signs and ranges of numeric properties: DM-16, DM-18, DM-35 (signs), DM-21, DM-22 (ranges).

The published sign patterns are anchored on one side only (e.g. "-5abc" passes
NegativeOrZeroDecimal), so values are parsed and compared instead.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from conformance.rules.dm._support import (
    ERROR,
    Issue,
    decimal_sign,
    decimal_value,
    defined,
    dm_rule,
    is_v2,
    mapping,
    number_value,
    pcf_of,
)
from conformance.rules.dm.fields import (
    SIGN_TEXT,
    V2_DECIMALS,
    V2_DQI_NUMBERS,
    V2_NUMBERS,
    V3_DECIMALS,
    V3_DQI_DECIMALS,
    V3_PERCENT_DECIMALS,
)
from conformance.rules.finding import Severity
from conformance.schemas.areas import pointer
from conformance.schemas.values import show

_SIGN_OK = {">0": frozenset({1}), ">=0": frozenset({0, 1}), "<=0": frozenset({-1, 0})}


def _sign_issues(pcf: Mapping[str, Any], table: Mapping[str, str], signs: set[str], spec: str) -> Iterator[Issue]:
    for name, sign in table.items():
        if sign not in signs:
            continue
        actual = decimal_sign(pcf.get(name))
        if actual is not None and actual not in _SIGN_OK[sign]:
            yield Issue(pointer(("pcf", name)), f"{name} is {show(pcf[name])}; it must be {SIGN_TEXT[sign]}")


@dm_rule("DM-16", area="emissions")
def declared_amount_positive(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    name = "unitaryProductAmount" if is_v2(spec) else "declaredUnitAmount"
    yield from _sign_issues(pcf_of(footprint), {name: ">0"}, {">0"}, spec)


@dm_rule("DM-18", area="emissions", versions="2.x")
def v2_signs(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    yield from _sign_issues(pcf_of(footprint), V2_DECIMALS, {">=0", "<=0"}, spec)


@dm_rule("DM-35", area="emissions", versions="3.0")
def v3_signs(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    yield from _sign_issues(pcf_of(footprint), V3_DECIMALS, {">=0", "<=0"}, spec)


def _out_of_range(value: int | float | Decimal, low: int, high: int) -> bool:
    if isinstance(value, float) and not math.isfinite(value):
        return True
    return not low <= value <= high


def _range_issues(
    container: Mapping[str, Any], prefix: tuple[str, ...], table: Mapping[str, tuple[int, int]], spec: str, severity: Severity
) -> Iterator[Issue]:
    """Range findings; 2.x values are JSON numbers, 3.0 values decimal strings."""
    for name, (low, high) in table.items():
        if not defined(container, name, spec):
            continue
        raw = container[name]
        value = number_value(raw) if is_v2(spec) else decimal_value(raw)
        if value is not None and _out_of_range(value, low, high):
            yield Issue(pointer((*prefix, name)), f"{name} is {show(raw)}; it must be between {low} and {high}", severity)


@dm_rule("DM-21", area="data-quality")
def dqi_ranges(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    dqi = mapping(pcf_of(footprint).get("dqi"))
    yield from _range_issues(dqi, ("pcf", "dqi"), V2_DQI_NUMBERS if is_v2(spec) else V3_DQI_DECIMALS, spec, ERROR)


@dm_rule("DM-22", area="data-quality")
def percent_ranges(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    """2.x: MUST (number ranges in the text); 3.0: 0-100 by the definition of a percentage share (the 5 % cap
    was removed, the meaning of a percentage was not), so an error too (rules/basis.py)."""
    table = V2_NUMBERS if is_v2(spec) else V3_PERCENT_DECIMALS
    yield from _range_issues(pcf_of(footprint), ("pcf",), table, spec, ERROR)
