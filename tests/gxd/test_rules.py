"""Edge cases of the per-footprint GxD rules: boundaries, v3 names, wording, and hostile input."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from conformance.rules.finding import Finding, Severity
from tests.gxd.support import failing, footprint, gxd_findings

Footprint = dict[str, Any]


def variant(spec: str, name: str, change: Callable[[Footprint], None]) -> Footprint:
    document = copy.deepcopy(footprint(spec, name))
    change(document)
    return document


def data(document: Footprint) -> dict[str, Any]:
    found: dict[str, Any] = document["extensions"][0]["data"]
    return found


def updated(spec: str, name: str, member: str, **values: object) -> Footprint:
    """A chain footprint whose GxD data member `member` (or data itself for "") gets `values`."""
    def change(document: Footprint) -> None:
        (data(document)[member] if member else data(document)).update(values)

    return variant(spec, name, change)


def of(rule_id: str, findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.rule == rule_id]


def test_no_gxd_among_other_extensions_is_a_gxd02_error() -> None:
    def other_extension(d: Footprint) -> None:
        d["extensions"] = [{"specVersion": "2.0.0", "dataSchema": "https://catalog.example.org/shipment/1.0.0/schema.json",
                            "data": {"shipmentId": "S1"}}]

    findings = gxd_findings(variant("2.3", "T1-CHASSIS", other_extension), "2.3")
    assert failing(findings) == {"GXD-02"}
    assert "footprint carries no GxD extension" in of("GXD-02", findings)[0].message


def test_unrelated_extensions_are_not_taken_for_gxd() -> None:
    """Only a GxD word in dataSchema or GxD members in data make an entry claim GxD."""
    def add_other(d: Footprint) -> None:
        d["extensions"].append({"specVersion": "2.0.0", "dataSchema": "https://example.org/logxdata/schema.json",
                                "data": {"volume": "1"}})

    assert failing(gxd_findings(variant("3.0", "T1-CHASSIS", add_other), "3.0")) == set()


def test_extension_inside_pcf_is_reported_as_misplaced() -> None:
    def misplace(d: Footprint) -> None:
        d["pcf"]["extensions"] = d.pop("extensions")

    findings = gxd_findings(variant("2.3", "T1-CHASSIS", misplace), "2.3")
    assert [(f.rule, f.pointer) for f in findings] == [("GXD-01", "/pcf/extensions")]


@pytest.mark.parametrize(("g2g", "fires"), [("106.53", False), ("106.531", True)])
def test_gate_to_gate_may_exceed_cradle_to_gate_by_the_tolerance_only(g2g: str, fires: bool) -> None:
    """tol(106.00) = 0.53: 106.53 passes, 106.531 fails (upstream removed so GXD-13 stays silent)."""
    def change(d: Footprint) -> None:
        gate = data(d)["gateToGate"]
        gate["gateToGateFossilGhgEmissions"] = g2g
        del gate["upstreamEmissions"]

    findings = gxd_findings(variant("2.3", "T1-PCBA", change), "2.3")
    assert bool(of("GXD-11", findings)) is fires


@pytest.mark.parametrize(("upstream", "fires"), [("13.0775", False), ("13.0776", True), ("12.9225", False)])
def test_split_identity_uses_the_half_percent_tolerance(upstream: str, fires: bool) -> None:
    """tol(15.50) = 0.0775 around 15.50 = upstream + 2.50."""
    findings = gxd_findings(updated("3.0", "T1-CHASSIS", "gateToGate", upstreamEmissions=upstream), "3.0")
    assert bool(of("GXD-13", findings)) is fires


def test_v3_messages_name_the_v3_fields() -> None:
    findings = gxd_findings(footprint("3.0", "GXD-13-split-does-not-add-up", "invalid"), "3.0")
    assert "pcf.pcfExcludingBiogenicUptake is 15.50" in of("GXD-13", findings)[0].message
    assert "16.5" in of("GXD-13", findings)[0].message


def test_a_number_instead_of_a_decimal_string_is_named() -> None:
    findings = gxd_findings(updated("2.3", "T2-AL", "gateToGate", gateToGateFossilGhgEmissions=0.62), "2.3")
    [finding] = of("GXD-10", findings)
    assert finding.severity is Severity.ERROR and "decimal string" in finding.message and "0.62" in finding.message


def test_edition_before_2_0_is_info_only() -> None:
    findings = gxd_findings(updated("2.3", "T2-AL", "", FWedition="1.0"), "2.3")
    assert [(f.rule, f.severity) for f in findings] == [("GXD-09", Severity.INFO)]


def test_unknown_edition_is_a_warning() -> None:
    findings = gxd_findings(updated("2.3", "T2-AL", "", FWedition="3.0"), "2.3")
    assert failing(findings) == {"GXD-09"}


def test_certificate_type_outside_the_vocabulary_is_a_warning() -> None:
    findings = gxd_findings(updated("2.3", "T1-PCBA", "certificate", certificateType="carbon offset"), "2.3")
    assert failing(findings) == {"GXD-17"}
    assert "recommended vocabulary" in of("GXD-17", findings)[0].message


def test_legacy_organization_keys_are_info() -> None:
    findings = gxd_findings(footprint("2.3", "T2-PCB"), "2.3")
    assert {(f.rule, f.severity, f.pointer.rsplit("/", 1)[-1]) for f in findings} == {
        ("GXD-22", Severity.INFO, "declaredUnit"), ("GXD-22", Severity.INFO, "crossSectoralStandardsUsed")}


def test_unknown_and_pact_members_are_reported_once_each() -> None:
    """An unknown member is GXD-04's, a restated PACT attribute GXD-22's, in the same object."""
    findings = gxd_findings(updated("2.3", "T1-CHASSIS", "gateToGate", fossilGhgEmissions="2.50", siteName="Plant 2"), "2.3")
    assert failing(findings) == {"GXD-04", "GXD-22"}
    assert "siteName" in of("GXD-04", findings)[0].message and "fossilGhgEmissions" not in of("GXD-04", findings)[0].message


def test_duplicate_scope3_categories_are_an_error() -> None:
    findings = gxd_findings(updated("2.3", "T2-PCB", "organization", scope3Category=["1", "1"]), "2.3")
    assert [(f.rule, f.severity) for f in findings if f.severity is not Severity.INFO] == [("GXD-07", Severity.ERROR)]


def test_findings_carry_the_footprint_id() -> None:
    findings = gxd_findings(footprint("2.3", "GXD-11-gate-exceeds-cradle", "invalid"), "2.3")
    assert {f.footprint_id for f in findings} == {"0b6f2c1e-5a3d-4e8b-9c71-2f4d8a6e1b04"}
    assert {f.area for f in findings} == {"extensions"}


GXD_URL = "https://github.com/Green-x-Digital-Consortium/data-model-extensions/blob/main/specs/GxD_schema_en.json"


def with_data(value: object, **envelope: object) -> dict[str, Any]:
    return {"id": 7, "pcf": {"pCfExcludingBiogenic": 5, "unitaryProductAmount": "x"},
            "extensions": [{"specVersion": "2.0.0", "dataSchema": GXD_URL, "data": value, **envelope}]}


DEEP: dict[str, Any] = {}
_node = DEEP
for _ in range(5000):
    _node["gateToGate"] = {}
    _node = _node["gateToGate"]

HOSTILE: list[object] = [
    None, [], "footprint", 42, {"extensions": "x"}, {"extensions": [None, 3, "GxD"]}, {"extensions": []},
    {"pcf": [], "extensions": [{"dataSchema": GXD_URL, "data": []}]},
    {"pcf": {"extensions": [{"data": {"calcMethod": "0"}}]}},
    with_data({}), with_data({"calcMethod": 1, "FWedition": 2.0}),
    with_data({"calcMethod": "1", "FWedition": "2.0", "organization": "site"}),
    with_data({"calcMethod": "1", "FWedition": "2.0", "organization": {
        "scope3Category": [1, None, {"a": 1}, "1", "1"], "declaredUnit": 3, "crossSectoralStandardsUsed": "GHG"}}),
    with_data({"calcMethod": "0", "FWedition": "x" * 100_000, "gateToGate": ["6.00"], "certificate": 3, "credit": [1]}),
    with_data({"calcMethod": "0", "FWedition": "2.0", "gateToGate": {
        "gateToGateFossilGhgEmissions": "9" * 5000, "upstreamEmissions": "1e3", "unitaryProductAmountComment": 5,
        "gateToGateBiogenicCarbonContent": None}}),
    with_data({"calcMethod": "0", "FWedition": "2.0", "certificate": {"certificateAmount": True, "certificateType": ["J"]},
               "credit": {"creditAmount": "-1", "creditType": "", 3: "x"}}),
    with_data({"calcMethod": "0", "FWedition": "2.0", 1: "non-string key", "pcf": {"pCfExcludingBiogenic": "1"}}),
    with_data({"calcMethod": "0", "FWedition": "2.0", "nested": DEEP}),
    with_data({"calcMethod": 10**5000, "FWedition": "2.0"}),
    with_data({"calcMethod": "0"}, specVersion=None, dataSchema="https://[::1", documentation=5),
]


@pytest.mark.parametrize("spec", ["2.0", "2.3", "3.0"])
@pytest.mark.parametrize("document", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_never_raises(document: object, spec: str) -> None:
    findings = gxd_findings(document, spec)
    assert all(isinstance(f, Finding) and len(f.message) < 1000 for f in findings)


def test_hostile_numbers_and_shapes_are_reported() -> None:
    findings = gxd_findings(HOSTILE[14], "2.3")
    assert {"GXD-13", "GXD-14", "GXD-15"} <= failing(findings)  # "1e3" upstream, null biogenic, numeric comment
    assert failing(gxd_findings(HOSTILE[15], "2.3")) >= {"GXD-16", "GXD-17", "GXD-20"}
