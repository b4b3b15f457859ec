"""One focused test per DM rule: a change to a valid footprint that fires it, and edges that must not."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.rules import check_footprint
from conformance.rules.dm import NOT_SINGLE_FOOTPRINT
from conformance.rules.finding import Severity
from conformance.rules.registry import all_rules
from conformance.schemas.areas import split_pointer
from tests.datamodel.helpers import summary, valid

DELETE = object()
E, W = Severity.ERROR, Severity.WARNING
# A well-formed extension envelope of a non-GxD extension (Data Model Extensions spec §5).
_DME = {"specVersion": "2.0.0", "dataSchema": "https://x.example/shipment/1.0.0/schema.json",
        "documentation": "https://x.example/shipment/1.0.0/", "data": {"shipmentId": "S-1"}}


def mutated(spec: str, stem: str, changes: dict[str, Any]) -> dict[str, Any]:
    """A valid fixture with each pointer set to a value (or deleted with DELETE)."""
    doc = valid(spec, stem)
    for ptr, value in changes.items():
        *parents, last = split_pointer(ptr)
        target: Any = doc
        for token in parents:
            target = target[int(token)] if isinstance(target, list) else target[token]
        if value is DELETE:
            del target[int(last) if isinstance(target, list) else last]
        elif isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return doc


V1_UUID = "6f1c1d0e-5b1a-1c7e-9a55-3d2b8f0e9c11"
V4_UUID = "b3c7a1e2-0d4f-4a5b-8c6d-7e8f9a0b1c2d"
PP23, PP24, STEEL, POWER, FREIGHT, ETHANOL, GAS = (
    "01-pp-granulate-2023",
    "02-pp-granulate-2024",
    "03-coated-steel-sheet",
    "04-grid-electricity",
    "05-road-freight",
    "06-bioethanol",
    "07-nitrogen-gas",
)

# (rule, spec, fixture, changes, severity expected at `pointer`)
FIRING = [
    ("DM-01", "2.3", POWER, {"/id": V1_UUID}, E, "/id"),
    ("DM-01", "3.0", POWER, {"/id": "F09E5D2E-898A-43F4-8EE6-DDF15BD97E07"}, W, "/id"),
    ("DM-02", "2.3", POWER, {"/specVersion": "3.0.0"}, E, "/specVersion"),
    ("DM-02", "2.3", POWER, {"/specVersion": "2.2.0"}, W, "/specVersion"),
    ("DM-02", "3.0", POWER, {"/specVersion": "2.3"}, E, "/specVersion"),
    ("DM-03", "3.0", PP24, {"/precedingPfIds": []}, E, "/precedingPfIds"),
    ("DM-03", "2.3", PP24, {"/precedingPfIds": [V4_UUID, V4_UUID]}, E, "/precedingPfIds"),
    ("DM-03", "3.0", PP24, {"/id": V4_UUID, "/precedingPfIds": [V4_UUID]}, E, "/precedingPfIds"),
    ("DM-03", "2.3", PP24, {"/id": V4_UUID, "/precedingPfIds": [V4_UUID]}, W, "/precedingPfIds"),
    ("DM-04", "2.1", POWER, {"/version": 2**31}, E, "/version"),
    ("DM-05", "2.2", PP23, {"/updated": "2024-02-15T09:30:00Z"}, E, "/updated"),
    ("DM-06", "2.0", ETHANOL, {"/pcf/referencePeriodEnd": "2025-01-01T00:00:00-05:00"}, E, "/pcf/referencePeriodEnd"),
    ("DM-08", "2.3", POWER, {"/validityPeriodStart": "2025-03-01T00:00:00Z"}, E, "/validityPeriodEnd"),
    ("DM-08", "3.0", PP23, {"/validityPeriodEnd": "2027-01-03T00:00:00Z"}, E, "/validityPeriodEnd"),
    ("DM-08", "3.0", PP23, {"/validityPeriodEnd": "2024-02-15T00:00:00Z"}, E, "/validityPeriodEnd"),
    ("DM-09", "2.3", POWER, {"/pcf/referencePeriodStart": "2025-01-01T00:00:00Z"}, E, "/pcf/referencePeriodEnd"),
    ("DM-10", "3.0", POWER, {"/companyIds/0": "urn:a:b"}, E, "/companyIds/0"),
    ("DM-10", "2.3", ETHANOL, {"/productIds/1": "URN:GTIN:7350053000292"}, E, "/productIds/1"),
    ("DM-11", "2.3", POWER, {"/productNameCompany": "   "}, W, "/productNameCompany"),
    ("DM-11", "2.0", POWER, {"/productCategoryCpc": "17.10"}, W, "/productCategoryCpc"),
    ("DM-11", "3.0", POWER, {"/productNameCompany": ""}, E, "/productNameCompany"),
    ("DM-12", "2.3", POWER, {"/extensions": []}, E, "/extensions"),
    ("DM-12", "3.0", POWER, {"/extensions": []}, W, "/extensions"),
    (
        "DM-12",
        "3.0",
        POWER,
        {"/extensions": [{"specVersion": "2", "dataSchema": "https://x.example/s.json", "data": {}}]},
        E,
        "/extensions/0/specVersion",
    ),
    # The Data Model Extensions envelope (DME spec §5) binds every extension in PACT mode, not only GxD data.
    ("DM-12", "2.3", POWER, {"/extensions": [{**_DME, "specVersion": "1.0.0"}]}, E, "/extensions/0/specVersion"),
    ("DM-12", "3.0", POWER, {"/extensions": [{**_DME, "dataSchema": "http://x.example/s.json"}]}, E,
     "/extensions/0/dataSchema"),
    ("DM-12", "2.3", POWER, {"/extensions": [{**_DME, "documentation": "http://x.example/doc"}]}, E,
     "/extensions/0/documentation"),
    ("DM-13", "3.0", STEEL, {"/pcf/geographyCountry": "DE"}, E, "/pcf"),
    ("DM-14", "2.3", STEEL, {"/pcf/geographyCountrySubdivision": "XX-NW"}, E, "/pcf/geographyCountrySubdivision"),
    ("DM-14", "3.0", STEEL, {"/pcf/geographyCountrySubdivision": "DE-ZZ"}, W, "/pcf/geographyCountrySubdivision"),
    ("DM-15", "2.3", POWER, {"/pcf/fossilGhgEmissions": "3.125e2"}, E, "/pcf/fossilGhgEmissions"),
    ("DM-15", "2.2", POWER, {"/pcf/fossilGhgEmissions": "+312.5"}, E, "/pcf/fossilGhgEmissions"),
    ("DM-15", "2.3", POWER, {"/pcf/primaryDataShare": "100"}, E, "/pcf/primaryDataShare"),
    (
        "DM-15",
        "3.0",
        POWER,
        {"/pcf/dqi": {"technologicalDQR": 2, "geographicalDQR": "2", "temporalDQR": "2"}},
        E,
        "/pcf/dqi/technologicalDQR",
    ),
    ("DM-16", "3.0", POWER, {"/pcf/declaredUnitAmount": "-1"}, E, "/pcf/declaredUnitAmount"),
    ("DM-17", "3.0", PP24, {"/pcf/productMassPerDeclaredUnit": "2"}, W, "/pcf/productMassPerDeclaredUnit"),
    ("DM-17", "2.3", POWER, {"/pcf/productMassPerDeclaredUnit": "0.5"}, W, "/pcf/productMassPerDeclaredUnit"),
    ("DM-17", "3.0", ETHANOL, {"/pcf/productMassPerDeclaredUnit": "-0.8"}, E, "/pcf/productMassPerDeclaredUnit"),
    ("DM-18", "2.3", POWER, {"/pcf/dLucGhgEmissions": "-0.1"}, E, "/pcf/dLucGhgEmissions"),
    ("DM-19", "2.1", STEEL, {"/pcf/dqi/reliabilityDQR": DELETE}, E, "/pcf/dqi/reliabilityDQR"),
    ("DM-19", "2.3", FREIGHT, {"/pcf/biogenicAccountingMethodology": DELETE}, E, "/pcf/biogenicAccountingMethodology"),
    ("DM-20", "2.2", ETHANOL, {"/pcf/dqi": DELETE}, E, "/pcf"),
    ("DM-21", "3.0", PP24, {"/pcf/dqi/geographicalDQR": "0.5"}, E, "/pcf/dqi/geographicalDQR"),
    ("DM-21", "2.3", PP24, {"/pcf/dqi/coveragePercent": 101}, E, "/pcf/dqi/coveragePercent"),
    ("DM-22", "2.0", PP24, {"/pcf/primaryDataShare": 120}, E, "/pcf/primaryDataShare"),
    ("DM-22", "3.0", PP24, {"/pcf/exemptedEmissionsPercent": "150"}, E, "/pcf/exemptedEmissionsPercent"),
    ("DM-23", "3.0", PP24, {"/pcf/packagingGhgEmissions": DELETE}, W, "/pcf/packagingGhgEmissions"),
    ("DM-23", "2.0", PP24, {"/pcf/packagingEmissionsIncluded": False}, E, "/pcf/packagingGhgEmissions"),
    (
        "DM-24",
        "3.0",
        POWER,
        {"/pcf/secondaryEmissionFactorSources/0/version": ""},
        E,
        "/pcf/secondaryEmissionFactorSources/0/version",
    ),
    (
        "DM-24",
        "2.3",
        POWER,
        {"/pcf/secondaryEmissionFactorSources/0/version": " "},
        W,
        "/pcf/secondaryEmissionFactorSources/0/version",
    ),
    (
        "DM-25",
        "2.3",
        PP24,
        {"/pcf/productOrSectorSpecificRules/0/otherOperatorName": "TfS"},
        E,
        "/pcf/productOrSectorSpecificRules/0/otherOperatorName",
    ),
    (
        "DM-25",
        "3.0",
        ETHANOL,
        {"/pcf/productOrSectorSpecificRules/0/otherOperatorName": "PEF"},
        W,
        "/pcf/productOrSectorSpecificRules/0/otherOperatorName",
    ),
    (
        "DM-25",
        "2.3",
        ETHANOL,
        {"/pcf/productOrSectorSpecificRules/0/otherOperatorName": "EPD International"},
        E,
        "/pcf/productOrSectorSpecificRules/0/otherOperatorName",
    ),
    (
        "DM-25",
        "3.0",
        ETHANOL,
        {"/pcf/productOrSectorSpecificRules/0/otherOperatorName": DELETE},
        E,
        "/pcf/productOrSectorSpecificRules/0/otherOperatorName",
    ),
    ("DM-25", "3.0", ETHANOL, {"/pcf/productOrSectorSpecificRules": []}, W, "/pcf/productOrSectorSpecificRules"),
    ("DM-26", "2.3", PP24, {"/pcf/characterizationFactors": "AR5"}, W, "/pcf/characterizationFactors"),
    ("DM-26", "2.2", STEEL, {"/pcf/characterizationFactors": "AR6"}, W, "/pcf/characterizationFactors"),
    ("DM-26", "3.0", PP24, {"/pcf/ipccCharacterizationFactors": ["AR5"]}, W, "/pcf/ipccCharacterizationFactors"),
    ("DM-27", "2.3", PP24, {"/pcf/crossSectoralStandards": ["ISO 14067"]}, W, "/pcf/crossSectoralStandards/0"),
    ("DM-28", "2.3", STEEL, {"/pcf/assurance/level": "Limited"}, E, "/pcf/assurance/level"),
    ("DM-28", "3.0", POWER, {"/pcf/geographyRegionOrSubregion": "Western europe"}, E, "/pcf/geographyRegionOrSubregion"),
    ("DM-28", "3.0", POWER, {"/status": "active"}, E, "/status"),
    ("DM-29", "2.0", STEEL, {"/pcf/assurance/assurance": "yes"}, E, "/pcf/assurance/assurance"),
    ("DM-29", "2.3", STEEL, {"/pcf/assurance/boundary": DELETE}, W, "/pcf/assurance"),
    ("DM-29", "2.3", STEEL, {"/pcf/assurance/providerName": ""}, W, "/pcf/assurance/providerName"),  # contested C-02
    ("DM-29", "2.2", STEEL, {"/pcf/assurance/providerName": " "}, W, "/pcf/assurance/providerName"),
    ("DM-29", "2.1", STEEL, {"/pcf/assurance/providerName": DELETE}, E, "/pcf/assurance/providerName"),
    ("DM-30", "3.0", STEEL, {"/pcf/assurance": {"assurance": True, "providerName": "X"}}, W, "/pcf/assurance"),
    ("DM-31", "3.0", ETHANOL, {"/pcf/pcfExcludingBiogenicUptake": "0.5"}, W, "/pcf/pcfExcludingBiogenicUptake"),
    ("DM-32", "3.0", ETHANOL, {"/pcf/landManagementFossilGhgEmissions": "0.5"}, E, "/pcf/landManagementFossilGhgEmissions"),
    ("DM-33", "3.0", STEEL, {"/pcf/technologicalCO2CaptureOrigin": "BECCS at site"}, W, "/pcf/technologicalCO2CaptureOrigin"),
    ("DM-33", "3.0", STEEL, {"/pcf/ccsTechnologicalCO2CaptureIncluded": True}, W, "/pcf/ccsTechnologicalCO2CaptureIncluded"),
    (
        "DM-34",
        "3.0",
        POWER,
        {"/pcf/ccuCalculationApproach": "Cut-off", "/pcf/ccuCreditCertification": "https://registry.example/c/1"},
        W,
        "/pcf/ccuCreditCertification",
    ),
    ("DM-35", "3.0", POWER, {"/pcf/landManagementBiogenicCO2Removals": "0.2"}, E, "/pcf/landManagementBiogenicCO2Removals"),
    ("DM-39", "2.3", POWER, {"/pcf/exemptedEmissionsDescription": DELETE}, E, "/pcf/exemptedEmissionsDescription"),
    (
        "DM-41",
        "2.3",
        POWER,
        {"/companyIds/0": "urn:pathfinder:company:customcode:vendor-assigned:vale-stahl"},
        W,
        "/companyIds/0",
    ),
    ("DM-41", "2.1", POWER, {"/productIds/0": "urn:pathfinder:product:customcode:seller-assigned:el"}, W, "/productIds/0"),
    ("DM-42", "2.0", PP24, {"/precedingPfIds/0": V1_UUID}, E, "/precedingPfIds/0"),
    ("DM-43", "3.0", POWER, {"/pcf/declaredUnit": "kilowatt hour"}, W, "/pcf/declaredUnit"),
    ("DM-44", "2.3", POWER, {"/productCategoryCpc": DELETE}, E, "/productCategoryCpc"),
]


@pytest.mark.parametrize(
    ("rule_id", "spec", "stem", "changes", "severity", "ptr"),
    FIRING,
    ids=[f"{row[0]}-{row[1]}-{i}" for i, row in enumerate(FIRING)],
)
def test_rule_fires(rule_id: str, spec: str, stem: str, changes: dict[str, Any], severity: Severity, ptr: str) -> None:
    findings = check_footprint(mutated(spec, stem, changes), spec)
    assert (rule_id, ptr, severity.value) in summary(findings), summary(findings)


def test_every_single_footprint_rule_has_a_firing_test() -> None:
    declared = {rule.id for rule in all_rules() if rule.id.startswith("DM-")}
    assert declared == {row[0] for row in FIRING}
    assert not declared & set(NOT_SINGLE_FOOTPRINT)


# Edges where a rule must stay silent.
SILENT = [
    ("DM-08", "3.0", PP23, {"/validityPeriodEnd": "2027-01-02T00:00:00Z"}),  # +3 calendar years plus the A-14 day
    ("DM-08", "3.0", PP23, {"/validityPeriodStart": None, "/validityPeriodEnd": None}),  # null = undefined in 3.0
    ("DM-19", "2.3", POWER, {}),  # reference period ends exactly 2025-01-01: not "including 2025"
    ("DM-13", "3.0", STEEL, {"/pcf/geographyCountry": None}),
    ("DM-27", "2.3", PP24, {"/pcf/crossSectoralStandards": ["GHGP Product", "PACT Methodology 2.0", "PACT-3.0"]}),
    ("DM-18", "2.3", POWER, {"/pcf/landManagementGhgEmissions": "-0.4"}),  # any sign since 2.0.1
    ("DM-06", "2.3", POWER, {"/created": "2025-02-01T12:00:00+00:00"}),
    ("DM-10", "3.0", POWER, {"/companyIds/0": "urn:uuid:69585GB6-56T9-6958-E526-6FDGZJHU1326?=x#frag"}),
    ("DM-31", "3.0", ETHANOL, {"/pcf/pcfExcludingBiogenicUptake": "0.4465"}),  # rounding tolerance
    ("DM-12", "2.3", POWER, {"/extensions": [_DME]}),
    ("DM-12", "3.0", POWER, {"/extensions": [{k: v for k, v in _DME.items() if k != "documentation"}]}),
]


@pytest.mark.parametrize(
    ("rule_id", "spec", "stem", "changes"), SILENT, ids=[f"{row[0]}-{row[1]}-{i}" for i, row in enumerate(SILENT)]
)
def test_rule_stays_silent_on_edge(rule_id: str, spec: str, stem: str, changes: dict[str, Any]) -> None:
    findings = check_footprint(mutated(spec, stem, changes), spec)
    assert rule_id not in {finding.rule for finding in findings}, summary(findings)


def test_findings_name_the_offending_value_truncated() -> None:
    long_id = "urn:gtin:" + "9" * 500 + " x"
    findings = check_footprint(mutated("2.3", POWER, {"/productIds/0": long_id}), "2.3")
    message = next(finding.message for finding in findings if finding.rule == "DM-10")
    assert "urn:gtin:999" in message and len(message) < 250


def test_findings_carry_the_footprint_id() -> None:
    doc = mutated("2.3", POWER, {"/companyName": ""})
    assert {finding.footprint_id for finding in check_footprint(doc, "2.3")} == {doc["id"]}
