"""The two GxD schemas: the published one keeps its quirks (D-1, D-3, D-4); the strict one is a refinement."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.rules.gxd.schema import official_errors, owner, strict_errors
from tests.gxd.support import SPECS, load, paths

BASE: dict[str, Any] = {"calcMethod": "0", "FWedition": "2.0"}
ORGANIZATION = {"scope1DistributionLevel": "site", "scope2DistributionLevel": "site", "scope3DistributionLevel": "site"}


def test_published_schema_requires_the_undefined_legacy_keys() -> None:
    """D-1: organization must carry declaredUnit and crossSectoralStandardsUsed, whatever their values."""
    assert [e.message for e in official_errors({**BASE, "organization": ORGANIZATION})] == [
        "'declaredUnit' is a required property", "'crossSectoralStandardsUsed' is a required property"]
    legacy = {"declaredUnit": 1, "crossSectoralStandardsUsed": 2}
    assert official_errors({**BASE, "organization": {**ORGANIZATION, **legacy}}) == []


def test_published_schema_wants_scope3_categories_as_strings() -> None:
    """D-3: the documentation says Array<Number>, the schema says strings."""
    legacy = {"declaredUnit": "kilogram", "crossSectoralStandardsUsed": ["x"]}
    assert official_errors({**BASE, "organization": {**ORGANIZATION, **legacy, "scope3Category": ["1", "99"]}}) == []
    assert official_errors({**BASE, "organization": {**ORGANIZATION, **legacy, "scope3Category": [1]}}) != []


def test_published_schema_is_open_and_unconditional() -> None:
    """D-4: no calcMethod/organization link, no decimal patterns, extra members allowed."""
    assert official_errors({"calcMethod": "1", "FWedition": "two", "gateToGate": {"gateToGateFossilGhgEmissions": "-x"},
                            "credit": {}, "anything": 1}) == []


@pytest.mark.parametrize(("data", "rule"), [
    ({**BASE, "FWedition": "v2"}, "GXD-09"),
    ({"calcMethod": "1", "FWedition": "2.0"}, "GXD-05"),
    ({**BASE, "gateToGate": {"upstreamEmissions": "1"}}, "GXD-14"),
    ({**BASE, "gateToGate": {"gateToGateFossilGhgEmissions": "-1"}}, "GXD-10"),
    ({**BASE, "certificate": {"certificateAmount": "1"}}, "GXD-17"),
    ({**BASE, "credit": {"creditAmount": "1"}}, "GXD-20"),
    ({**BASE, "gateToGate": {"siteName": "x"}}, "GXD-04"),
    ({**BASE, "gateToGate": {"fossilGhgEmissions": "1"}}, "GXD-22"),
])
def test_strict_failures_name_their_rule(data: dict[str, Any], rule: str) -> None:
    assert {owner(e) for e in strict_errors(data)} == {rule}


def _has_legacy_keys(data: dict[str, Any]) -> bool:
    organization = data.get("organization", {})
    return "organization" not in data or {"declaredUnit", "crossSectoralStandardsUsed"} <= organization.keys()


@pytest.mark.parametrize("spec", SPECS)
def test_strict_valid_data_with_legacy_keys_is_valid_under_the_published_schema(spec: str) -> None:
    strict_valid = [
        (path.name, extension["data"])
        for path in paths(spec, "valid") + paths(spec, "invalid") + paths(spec, "chain-invalid")
        for extension in load(path).get("extensions", []) if strict_errors(extension["data"]) == []
    ]
    assert len(strict_valid) > 5
    for name, data in strict_valid:
        assert (official_errors(data) == []) is _has_legacy_keys(data), name
