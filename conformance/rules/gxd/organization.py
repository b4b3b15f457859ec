"""GXD-05..08: organization-based data (calcMethod "1") and how it discloses its allocation.

An organization-based figure is a company inventory cut out for one customer;
without the allocation level, key and Scope 3 coverage a buyer cannot judge
what the number means, so these members are checked beyond the schema.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from conformance.rules.finding import Finding, Severity
from conformance.rules.gxd.model import Gxd, data_rule, non_empty_string
from conformance.schemas.values import show

_CATEGORY = re.compile(r"[1-9]|1[0-5]")
FIRST_DOWNSTREAM_CATEGORY = 9  # GHG Protocol Scope 3 categories 9-15 are downstream
# PACT v2 DeclaredUnit values plus those v3 added; a legacy declaredUnit outside this list is not compared.
PACT_DECLARED_UNITS = frozenset({
    "liter", "kilogram", "cubic meter", "kilowatt hour", "megajoule", "ton kilometer", "square meter",
    "piece", "hour", "megabit second",
})


@data_rule("GXD-05")
def organization_matches_method(gxd: Gxd) -> Iterable[Finding]:
    """calcMethod "1" needs the organization object; calcMethod "0" should not carry one."""
    method, present = gxd.data.get("calcMethod"), "organization" in gxd.data
    if method == "1" and not present:
        yield gxd.finding("GXD-05", Severity.ERROR, gxd.at("calcMethod"),
                          'calcMethod "1" (organization-based calculation) requires an organization object '
                          "disclosing the scope 1/2/3 distribution levels; none is present")
    elif method == "0" and present:
        yield gxd.finding("GXD-05", Severity.WARNING, gxd.at("organization"),
                          'calcMethod "0" (product-based calculation) carries an organization object, '
                          "which describes organization-based allocation only")


@data_rule("GXD-06")
def allocation_key_disclosed(gxd: Gxd) -> Iterable[Finding]:
    """Organization-based data names its allocation key per scope, or explains it in a comment."""
    if gxd.data.get("calcMethod") != "1" or not gxd.member("organization"):
        return
    organization = gxd.member("organization")
    missing = [name for name in (f"scope{n}DistributionIndex" for n in (1, 2, 3)) if name not in organization]
    if missing and not non_empty_string(organization.get("distributionIndexComment")):
        yield gxd.finding("GXD-06", Severity.WARNING, gxd.at("organization"),
                          f"organization-based data does not disclose its allocation key: {', '.join(missing)} "
                          "missing and no distributionIndexComment")


@data_rule("GXD-07")
def scope3_categories(gxd: Gxd) -> Iterable[Finding]:
    """scope3Category lists distinct categories "1".."15"; downstream ones (9-15) are suspicious."""
    if "scope3Category" not in gxd.member("organization"):
        return
    categories, at = gxd.member("organization")["scope3Category"], gxd.at("organization", "scope3Category")
    if not isinstance(categories, list) or not categories:
        # Not an array breaks the published schema (an error); [] it allows (no minItems), so only a hint.
        yield gxd.finding("GXD-07", Severity.WARNING if categories == [] else Severity.ERROR, at,
                          'scope3Category must be a non-empty array of category numbers "1" to "15", '
                          f"got {show(categories)}")
        return
    valid = [c for c in categories if isinstance(c, str) and _CATEGORY.fullmatch(c)]
    invalid = [c for c in categories if not (isinstance(c, str) and _CATEGORY.fullmatch(c))]
    if invalid:
        yield gxd.finding("GXD-07", Severity.ERROR, at,
                          'scope3Category items must be GHG Protocol category numbers "1" to "15" written as strings; '
                          f"invalid: {show(invalid)}")
    repeated = sorted({c for c in valid if valid.count(c) > 1}, key=int)
    if repeated:
        yield gxd.finding("GXD-07", Severity.ERROR, at, f"scope3Category lists {show(repeated)} more than once")
    downstream = sorted({c for c in valid if int(c) >= FIRST_DOWNSTREAM_CATEGORY}, key=int)
    if downstream:
        yield gxd.finding("GXD-07", Severity.WARNING, at,
                          f"scope3Category includes downstream categories {show(downstream)}; "
                          "a Cradle-to-Gate figure covers upstream categories 1 to 8 only")


@data_rule("GXD-08")
def legacy_organization_members(gxd: Gxd) -> Iterable[Finding]:
    """The legacy organization.declaredUnit agrees with the PCF's unit; crossSectoralStandardsUsed is a string list."""
    organization = gxd.member("organization")
    if "declaredUnit" in organization:
        unit, pcf_unit = organization["declaredUnit"], gxd.pcf_value("unit")
        if not non_empty_string(unit):
            yield gxd.finding("GXD-08", Severity.WARNING, gxd.at("organization", "declaredUnit"),
                              f"legacy organization.declaredUnit must be a non-empty string, got {show(unit)}")
        elif unit in PACT_DECLARED_UNITS and unit != pcf_unit:
            yield gxd.finding("GXD-08", Severity.WARNING, gxd.at("organization", "declaredUnit"),
                              f"legacy organization.declaredUnit {show(unit)} differs from pcf.{gxd.pcf_name('unit')} "
                              f"{show(pcf_unit)}; both state the unit of the same figures")
    if "crossSectoralStandardsUsed" in organization:
        standards = organization["crossSectoralStandardsUsed"]
        if not (isinstance(standards, list) and standards and all(map(non_empty_string, standards))
                and len(set(standards)) == len(standards)):
            yield gxd.finding("GXD-08", Severity.WARNING, gxd.at("organization", "crossSectoralStandardsUsed"),
                              "legacy organization.crossSectoralStandardsUsed must be a non-empty array of distinct "
                              f"non-empty strings, got {show(standards)}")
