"""Methodology-related rules of the CarbonFootprint.

DM-17 (mass per declared unit), DM-23 (packaging), DM-25 (product or sector
rules), DM-26 (characterization factors), DM-27 (cross-sectoral standards),
DM-31..DM-34 (3.0 reporting rules, warnings per A-26) and DM-39 (2.x
descriptions that must be present even if empty).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from decimal import Decimal, localcontext
from typing import Any

from conformance.rules.dm._support import (
    DECIMAL_CONTEXT,
    ERROR,
    WARNING,
    Issue,
    decimal_value,
    defined,
    dm_rule,
    is_v2,
    items,
    mapping,
    pcf_of,
)
from conformance.schemas.areas import pointer
from conformance.schemas.values import show

_MASSLESS_UNITS = frozenset({"kilowatt hour", "megajoule", "ton kilometer", "hour", "megabit second"})


@dm_rule("DM-17", area="emissions", versions="2.3,3.0")
def mass_per_declared_unit(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    pcf = pcf_of(footprint)
    unit_key, amount_key = (
        ("declaredUnit", "unitaryProductAmount") if is_v2(spec) else ("declaredUnitOfMeasurement", "declaredUnitAmount")
    )
    raw = pcf.get("productMassPerDeclaredUnit")
    mass, unit = decimal_value(raw), pcf.get(unit_key)
    if mass is None or not isinstance(unit, str):
        return
    where = "/pcf/productMassPerDeclaredUnit"
    if mass < 0:
        yield Issue(where, f"productMassPerDeclaredUnit {show(raw)} is negative; a mass is never below 0")  # definition
    elif unit in _MASSLESS_UNITS and mass != 0:
        yield Issue(
            where,
            f"productMassPerDeclaredUnit is {show(raw)} for the unit {show(unit)}; it should be 0 when mass does not apply",
            WARNING,
        )
    elif unit == "kilogram":
        expected = Decimal(1) if is_v2(spec) else decimal_value(pcf.get(amount_key))
        if expected is not None and mass != expected:
            yield Issue(where, f"productMassPerDeclaredUnit is {show(raw)} for kilogram; it should be {expected}", WARNING)


@dm_rule("DM-23", area="emissions")
def packaging_emissions(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    pcf = pcf_of(footprint)
    included = pcf.get("packagingEmissionsIncluded")
    has_value = defined(pcf, "packagingGhgEmissions", spec)
    if included is False and has_value:
        yield Issue(
            "/pcf/packagingGhgEmissions",
            f"packagingGhgEmissions is {show(pcf['packagingGhgEmissions'])} "
            "but packagingEmissionsIncluded is false; it must be undefined",
        )
    if included is True and not has_value and not is_v2(spec):
        yield Issue(
            "/pcf/packagingGhgEmissions", "packagingEmissionsIncluded is true; packagingGhgEmissions should be defined", WARNING
        )


_NAMED_OPERATORS = ("pef", "epd international")


def _other_operator_issues(other: object, where: str, spec: str) -> Iterator[Issue]:
    """2.x: the name MUST NOT be a listed operator; 3.0 only says "please set Other" (also for sector guidance), a hint.
    A name of only white space is non-empty by NonEmptyString's length definition: a hint too."""
    if not isinstance(other, str) or not other:
        yield Issue(where, "operator is Other, so otherOperatorName must name the operator")
    elif not other.strip():
        yield Issue(where, f"otherOperatorName {show(other)} holds only white space; it should name the operator", WARNING)
    elif other.strip().casefold() in _NAMED_OPERATORS:
        yield Issue(
            where,
            f"otherOperatorName {show(other)} is a listed operator; use that operator instead of Other",
            ERROR if is_v2(spec) else WARNING,
        )


def _rule_issues(entry: Mapping[str, Any], base: tuple[str | int, ...], spec: str) -> Iterator[Issue]:
    operator, other = entry.get("operator"), entry.get("otherOperatorName")
    has_other = defined(entry, "otherOperatorName", spec)
    if operator == "Other":
        yield from _other_operator_issues(other, pointer((*base, "otherOperatorName")), spec)
    elif isinstance(operator, str) and has_other:
        major_v3 = spec.startswith("3.")  # 3.0 only says it must be populated for Other, not that it is forbidden
        yield Issue(
            pointer((*base, "otherOperatorName")),
            f"otherOperatorName is given but operator is {show(operator)}; "
            + ("3.0 defines it for operator Other only" if major_v3 else "it is only allowed with operator Other"),
            *((WARNING,) if major_v3 else ()),
        )
    if entry.get("ruleNames") == []:
        yield Issue(pointer((*base, "ruleNames")), "ruleNames is empty; name at least one rule")


@dm_rule("DM-25", area="emissions")
def product_or_sector_rules(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    pcf = pcf_of(footprint)
    if not defined(pcf, "productOrSectorSpecificRules", spec):
        return
    rules = pcf["productOrSectorSpecificRules"]
    if rules == []:
        yield Issue(
            "/pcf/productOrSectorSpecificRules",
            "productOrSectorSpecificRules is an empty array; leave it undefined when no rules were followed (A-20)",
            WARNING,
        )
    for index, entry in enumerate(items(rules)):
        yield from _rule_issues(mapping(entry), ("pcf", "productOrSectorSpecificRules", index), spec)


_AR = re.compile(r"AR(\d+)")


def _ar_issues(values: list[Any], where: str, name: str) -> Iterator[Issue]:
    for index, value in enumerate(values):
        if isinstance(value, str) and not _AR.fullmatch(value):
            yield Issue(f"{where}/{index}", f'{name} entry {show(value)} is not of the form AR<number>, e.g. "AR6"')
    strings = [value for value in values if isinstance(value, str)]
    if len(set(strings)) != len(strings):
        repeated = next(value for value, count in Counter(strings).items() if count > 1)
        yield Issue(where, f"{name} lists {show(repeated)} more than once")
    if values == []:
        yield Issue(where, f"{name} is empty")


@dm_rule("DM-26", area="emissions", versions=">=2.2")
def characterization_factors(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    pcf = pcf_of(footprint)
    name = "ipccCharacterizationFactorsSources" if is_v2(spec) else "ipccCharacterizationFactors"
    if not defined(pcf, name, spec) or not isinstance(pcf[name], list):
        return
    values = pcf[name]
    where = f"/pcf/{name}"
    yield from _ar_issues(values, where, name)
    versions = sorted(int(match[1]) for value in values if isinstance(value, str) and (match := _AR.fullmatch(value)))
    if not versions:
        return
    if not is_v2(spec):
        if "AR6" not in values:
            yield Issue(where, f"{name} is {show(values)}; the methodology asks for the latest factors, AR6", WARNING)
        return
    deprecated = pcf.get("characterizationFactors")
    if deprecated not in ("AR5", "AR6"):
        return  # the schema reports other values
    if deprecated not in values:
        yield Issue(
            "/pcf/characterizationFactors",
            f"characterizationFactors {show(deprecated)} is not among {name} {show(values)}",
            WARNING,
        )
        return
    earliest = min(version for version in versions if version in (5, 6))
    if int(deprecated[2:]) != earliest:
        yield Issue(
            "/pcf/characterizationFactors",
            f"characterizationFactors should name the earliest report used (AR{earliest}), not {show(deprecated)}",
            WARNING,
        )


# both the 2.3 text spellings and the OpenAPI spellings are known values.
_KNOWN_STANDARDS = frozenset(
    {
        "ISO14067",
        "ISO14083",
        "ISO14040-44",
        "GHGP Product",
        "GHGP-Product",
        "PEF",
        "PAS2050",
    }
)
_PACT_METHODOLOGY = re.compile(r"PACT[- ](Methodology )?\d+\.\d+")


@dm_rule("DM-27", area="emissions", versions=">=2.3")
def cross_sectoral_standards(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    pcf = pcf_of(footprint)
    if not defined(pcf, "crossSectoralStandards", spec) or not isinstance(pcf["crossSectoralStandards"], list):
        return
    values = pcf["crossSectoralStandards"]
    if not values:
        yield Issue("/pcf/crossSectoralStandards", "crossSectoralStandards is empty; name at least one standard")
    strings = [value for value in values if isinstance(value, str)]
    repeated = [value for value, count in Counter(strings).items() if count > 1]
    if repeated:
        yield Issue("/pcf/crossSectoralStandards", f"crossSectoralStandards lists {show(repeated[0])} more than once")
    for index, value in enumerate(values):
        if isinstance(value, str) and value not in _KNOWN_STANDARDS and not _PACT_METHODOLOGY.fullmatch(value):
            yield Issue(
                f"/pcf/crossSectoralStandards/{index}",
                f"{show(value)} is not a standard named by the {spec} specification (accepted, but check the spelling)",
                WARNING,
            )


def _sum(pcf: Mapping[str, Any], names: tuple[str, ...], spec: str) -> Decimal | None:
    """Sum of the named decimals, undefined terms as 0; None if any defined term is unreadable."""
    total = Decimal(0)
    with localcontext(DECIMAL_CONTEXT):
        for name in names:
            if not defined(pcf, name, spec):
                continue
            value = decimal_value(pcf[name])
            if value is None:
                return None
            total += value
    return total


_EXCLUDING_TERMS = (
    "fossilGhgEmissions",
    "landUseChangeGhgEmissions",
    "landManagementBiogenicCO2Emissions",
    "landManagementBiogenicCO2Removals",
    "technologicalCO2Removals",
    "ccsTechnologicalCO2Capture",
    "biogenicNonCO2Emissions",
)
# Hosts round; a difference within 0.5 % or 0.001 is not reported.
_RELATIVE_TOLERANCE, _ABSOLUTE_TOLERANCE = Decimal("0.005"), Decimal("0.001")


def _text(value: Decimal) -> str:
    with localcontext(DECIMAL_CONTEXT):
        return show(f"{value.normalize():f}")


def _close(given: Decimal, expected: Decimal) -> bool:
    with localcontext(DECIMAL_CONTEXT):
        return abs(given - expected) <= max(_ABSOLUTE_TOLERANCE, _RELATIVE_TOLERANCE * abs(expected))


@dm_rule("DM-31", area="emissions", versions="3.0")
def pcf_arithmetic(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    pcf = pcf_of(footprint)
    excluding = _sum(pcf, _EXCLUDING_TERMS, spec)
    including = _sum(pcf, (*_EXCLUDING_TERMS, "biogenicCO2Uptake"), spec)
    for name, expected in (("pcfExcludingBiogenicUptake", excluding), ("pcfIncludingBiogenicUptake", including)):
        given = decimal_value(pcf.get(name))
        if given is not None and expected is not None and not _close(given, expected):
            yield Issue(
                f"/pcf/{name}",
                f"{name} is {show(pcf[name])} but its terms add up to {_text(expected)} "
                "(reporting rule, undefined terms counted as 0)",
                WARNING,
            )


@dm_rule("DM-32", area="emissions", versions="3.0")
def land_management_fossil_within_fossil(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    pcf = pcf_of(footprint)
    part, whole = decimal_value(pcf.get("landManagementFossilGhgEmissions")), decimal_value(pcf.get("fossilGhgEmissions"))
    if part is not None and whole is not None and part > whole:
        yield Issue(
            "/pcf/landManagementFossilGhgEmissions",
            f"landManagementFossilGhgEmissions {show(pcf['landManagementFossilGhgEmissions'])} "
            f"exceeds fossilGhgEmissions {show(pcf['fossilGhgEmissions'])}, which includes it",
        )  # an error: a part never exceeds the whole it is defined as a part of (rules/basis.py)


_CCS_FIELDS = ("ccsTechnologicalCO2Capture", "technologicalCO2Removals", "technologicalCO2CaptureOrigin")


@dm_rule("DM-33", area="emissions", versions="3.0")
def ccs_consistency(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    pcf = pcf_of(footprint)
    included = pcf.get("ccsTechnologicalCO2CaptureIncluded")
    given = [name for name in _CCS_FIELDS if defined(pcf, name, spec)]
    if included is False and given:
        yield Issue(
            f"/pcf/{given[0]}", f"{', '.join(given)} defined although ccsTechnologicalCO2CaptureIncluded is false", WARNING
        )
    elif included is True and not given:
        yield Issue(
            "/pcf/ccsTechnologicalCO2CaptureIncluded", f"CCS is included but none of {', '.join(_CCS_FIELDS)} is defined", WARNING
        )


@dm_rule("DM-34", area="emissions", versions="3.0")
def ccu_certification(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    pcf = pcf_of(footprint)
    approach = pcf.get("ccuCalculationApproach")
    if defined(pcf, "ccuCreditCertification", spec) and approach != "Credit":
        yield Issue(
            "/pcf/ccuCreditCertification",
            f"ccuCreditCertification is only for the Credit approach, but ccuCalculationApproach is {show(approach)}",
            WARNING,
        )


_V2_TOP_DESCRIPTIONS = ("comment",)
_V2_PCF_DESCRIPTIONS = ("exemptedEmissionsDescription", "boundaryProcessesDescription")


@dm_rule("DM-39", area="emissions", versions="2.x")
def descriptions_present(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    located: list[tuple[Mapping[str, Any], tuple[str, ...], tuple[str, ...]]] = [(footprint, (), _V2_TOP_DESCRIPTIONS)]
    if isinstance(footprint.get("pcf"), dict):  # a missing pcf is reported once, by the schema
        located.append((footprint["pcf"], ("pcf",), _V2_PCF_DESCRIPTIONS))
    for container, prefix, names in located:
        for name in names:
            if name not in container:
                yield Issue(
                    pointer((*prefix, name)),
                    f"{name} is missing; it is mandatory in 2.x (an empty string is allowed)",
                    ERROR,
                    located=True,
                )
