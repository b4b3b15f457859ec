"""The fixture sets: valid ones are clean, each invalid one breaks exactly its rule.

The reference host serves the valid sets, so they are also checked for the
variety the filter and lifecycle cases rely on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.rules import check_footprint
from conformance.rules.registry import rules_for
from conformance.versions import SPEC_VERSIONS
from tests.datamodel.helpers import all_fixture_params, errors, fixture_files, load, summary

# Rules with an ERROR branch, per version; each needs an invalid fixture.
_ERROR_RULES_ALL = {
    "DM-02",
    "DM-03",
    "DM-08",
    "DM-10",
    "DM-11",
    "DM-12",
    "DM-13",
    "DM-14",
    "DM-15",
    "DM-16",
    "DM-21",
    "DM-23",
    "DM-24",
    "DM-25",
    "DM-28",
}
_ERROR_RULES_V2 = _ERROR_RULES_ALL | {
    "DM-01",
    "DM-04",
    "DM-05",
    "DM-06",
    "DM-18",
    "DM-19",
    "DM-20",
    "DM-22",
    "DM-29",
    "DM-39",
    "DM-42",
}
ERROR_RULES = {
    "2.0": _ERROR_RULES_V2,
    "2.1": _ERROR_RULES_V2,
    "2.2": _ERROR_RULES_V2 | {"DM-26"},
    "2.3": _ERROR_RULES_V2 | {"DM-26", "DM-27", "DM-44"},
    "3.0": _ERROR_RULES_ALL | {"DM-26", "DM-27", "DM-35"},
}


@pytest.mark.parametrize(("spec", "path"), all_fixture_params("valid"), ids=lambda p: getattr(p, "name", p))
def test_valid_fixture_has_no_finding(spec: str, path: Path) -> None:
    findings = check_footprint(load(path), spec)
    assert findings == [], summary(findings)


@pytest.mark.parametrize(("spec", "path"), all_fixture_params("invalid"), ids=lambda p: getattr(p, "name", p))
def test_invalid_fixture_breaks_exactly_its_rule(spec: str, path: Path) -> None:
    rule_id = path.name[:5]
    findings = check_footprint(load(path), spec)
    # No SCHEMA finding survives either: where the schema also catches the problem it reports
    # the same pointer, and check_footprint keeps only the rule's more specific message.
    assert errors(findings) == {rule_id}, summary(findings)


@pytest.mark.parametrize("spec", SPEC_VERSIONS)
def test_every_error_rule_has_an_invalid_fixture(spec: str) -> None:
    assert {path.name[:5] for path in fixture_files(spec, "invalid")} == ERROR_RULES[spec]


@pytest.mark.parametrize("spec", SPEC_VERSIONS)
def test_error_rule_table_names_only_registered_rules(spec: str) -> None:
    registered = {rule.id for rule in rules_for(spec) if rule.id.startswith("DM-")}
    assert ERROR_RULES[spec] <= registered


@pytest.mark.parametrize("spec", SPEC_VERSIONS)
def test_valid_set_supports_the_reference_host(spec: str) -> None:
    footprints = [load(path) for path in fixture_files(spec, "valid")]
    assert len(footprints) >= 6
    ids = [footprint["id"] for footprint in footprints]
    assert len(set(ids)) == len(ids)
    by_id = {footprint["id"]: footprint for footprint in footprints}
    assert {footprint["status"] for footprint in footprints} == {"Active", "Deprecated"}
    for footprint in footprints:
        for predecessor in footprint.get("precedingPfIds", []):
            assert by_id[predecessor]["status"] == "Deprecated"
    assert any("precedingPfIds" in footprint for footprint in footprints)
    assert len({footprint["companyIds"][0] for footprint in footprints}) >= 2
    geographies = {key for footprint in footprints for key in footprint["pcf"] if key.startswith("geography")}
    assert geographies == {"geographyCountry", "geographyCountrySubdivision", "geographyRegionOrSubregion"}
    assert any(not any(key.startswith("geography") for key in footprint["pcf"]) for footprint in footprints)
    validity = {(footprint.get("validityPeriodStart"), footprint.get("validityPeriodEnd")) for footprint in footprints}
    assert len(validity - {(None, None)}) >= 2
    units = {
        footprint["pcf"].get("declaredUnit") or footprint["pcf"].get("declaredUnitOfMeasurement") for footprint in footprints
    }
    assert len(units) >= 5
    assert any("dqi" in footprint["pcf"] for footprint in footprints)
    assert any("dqi" not in footprint["pcf"] for footprint in footprints)
    assert all("extensions" not in footprint for footprint in footprints)
    product_ids = [pid for footprint in footprints for pid in footprint["productIds"]]
    assert any(pid.startswith("urn:gtin:") for pid in product_ids)
    if spec in ("2.3", "3.0"):
        assert any(pid.startswith("urn:pact:") for pid in product_ids)
        assert len({tuple(footprint["productClassifications"]) for footprint in footprints}) >= 5


def test_every_version_has_a_valid_set() -> None:
    assert all(fixture_files(spec, "valid") for spec in SPEC_VERSIONS)
