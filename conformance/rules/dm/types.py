"""DM-15 (how numbers are encoded per version) and DM-28 (exact enumerations).

Both are also schema constraints; these rules exist for their messages: a vendor
sending 1.5 instead of "1.5", or "Kilogram" instead of "kilogram", is told
exactly that (A-23).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from conformance.rules.dm._support import (
    Issue,
    dm_rule,
    is_v2,
    items,
    mapping,
    number_value,
    pcf_of,
)
from conformance.rules.dm.fields import (
    V2_DECIMALS,
    V2_DQI_NUMBERS,
    V2_NUMBERS,
    V3_DECIMALS,
    V3_DQI_DECIMALS,
)
from conformance.schemas import enum_of
from conformance.schemas.areas import pointer
from conformance.schemas.values import show

_SIGNED_DECIMAL = re.compile(r"[+-]?\d+(?:\.\d+)?")  # 2.3 and 3.0
_MINUS_ONLY_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")  # 2.0-2.2


@cache
def _decimal_fields(spec: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(pcf decimal-string properties, dqi decimal-string properties) of `spec`."""
    if not is_v2(spec):
        return tuple(V3_DECIMALS), tuple(V3_DQI_DECIMALS)
    names = tuple(name for name in V2_DECIMALS if spec == "2.3" or name != "productMassPerDeclaredUnit")
    return names, ()


def _decimal_issue(value: object, where: tuple[str, ...], spec: str, shape: re.Pattern[str]) -> Issue | None:
    """An Issue when `value`, not a well-formed decimal string (the caller skips those), is a number or a string."""
    if isinstance(value, str):
        sign = "an optional '-'" if shape is _MINUS_ONLY_DECIMAL else "an optional sign"
        return Issue(
            pointer(where),
            f"{show(value)} is not a dotted decimal: {sign}, digits and an optional '.' fraction, "
            "no exponent, no thousands separator, no comma",
            located=True,
        )
    if number_value(value) is not None:
        return Issue(
            pointer(where),
            f'{show(value)} is a JSON number; {spec} decimals are JSON strings, e.g. "12.5" not 12.5',
            located=True,
        )
    return None  # another type: the schema reports it


@dm_rule("DM-15", area="emissions")
def decimal_encoding(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    pcf = pcf_of(footprint)
    dqi = mapping(pcf.get("dqi"))
    pcf_fields, dqi_fields = _decimal_fields(spec)
    shape = _MINUS_ONLY_DECIMAL if spec in ("2.0", "2.1", "2.2") else _SIGNED_DECIMAL
    located = [(pcf, ("pcf",), pcf_fields), (dqi, ("pcf", "dqi"), dqi_fields)]
    for container, prefix, names in located:
        for name in names:
            value = container.get(name)  # absent, or null: nothing to say about the encoding
            if value is None or (isinstance(value, str) and shape.fullmatch(value)):
                continue  # well formed, the common case: decided before any pointer is built
            issue = _decimal_issue(value, (*prefix, name), spec, shape)
            if issue:
                yield issue
    if is_v2(spec):
        for container, prefix, names in ((pcf, ("pcf",), V2_NUMBERS), (dqi, ("pcf", "dqi"), V2_DQI_NUMBERS)):
            for name in names:
                if isinstance(container.get(name), str):
                    yield Issue(
                        pointer((*prefix, name)),
                        f"{show(container[name])} is a string; in 2.x {name} is a JSON number",
                        located=True,
                    )


# (path of the object holding the property, $defs name ("" = root), property) per major version.
_V2_ENUMS = [
    ((), "", "status"),
    (("pcf",), "CarbonFootprint", "declaredUnit"),
    (("pcf",), "CarbonFootprint", "characterizationFactors"),
    (("pcf",), "CarbonFootprint", "biogenicAccountingMethodology"),
    (("pcf",), "CarbonFootprint", "geographyRegionOrSubregion"),
    (("pcf", "assurance"), "Assurance", "coverage"),
    (("pcf", "assurance"), "Assurance", "level"),
    (("pcf", "assurance"), "Assurance", "boundary"),
]
_V3_ENUMS = [
    ((), "", "status"),
    (("pcf",), "CarbonFootprint", "declaredUnitOfMeasurement"),
    (("pcf",), "CarbonFootprint", "geographyRegionOrSubregion"),
    (("pcf",), "CarbonFootprint", "ccuCalculationApproach"),
    (("pcf", "verification"), "Verification", "coverage"),
]


def _enum_targets(footprint: Mapping[str, Any], spec: str) -> Iterator[tuple[Mapping[str, Any], tuple[str | int, ...], str, str]]:
    for path, definition, prop in _V2_ENUMS if is_v2(spec) else _V3_ENUMS:
        container: Any = footprint
        for key in path:
            container = mapping(container).get(key)
        yield mapping(container), path, definition, prop
    for index, entry in enumerate(items(pcf_of(footprint).get("productOrSectorSpecificRules"))):
        yield mapping(entry), ("pcf", "productOrSectorSpecificRules", index), "ProductOrSectorSpecificRule", "operator"


@dm_rule("DM-28", area="identity")
def exact_enumerations(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    for container, path, definition, prop in _enum_targets(footprint, spec):
        value = container.get(prop)
        if not isinstance(value, str):
            continue
        allowed = enum_of(spec, definition, prop)
        if value in allowed:
            continue
        near = [option for option in allowed if option.casefold() == value.casefold()]
        hint = f"; values are case-sensitive, use {show(near[0])}" if near else f"; allowed: {show(list(allowed))}"
        yield Issue(pointer((*path, prop)), f"{prop} {show(value)} is not a {spec} value{hint}", located=True)
