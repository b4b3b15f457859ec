"""The GxD fixtures against the rules: the valid chain is clean, each invalid variant breaks exactly its rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.rules import check_footprint
from conformance.rules.finding import Severity
from conformance.rules.gxd.schema import official_errors, owner, strict_errors
from conformance.rules.registry import rules_for
from tests.gxd.support import (
    CHAIN,
    FIXTURES,
    SPECS,
    chain,
    failing,
    footprint,
    gxd_findings,
    load,
    paths,
    rule_of,
)

VALID = [(spec, name) for spec in SPECS for name in CHAIN]
INVALID = [(spec, path) for spec in SPECS for path in paths(spec, "invalid")]
EVERY = [(spec, path) for spec in SPECS for folder in ("valid", "invalid", "chain-invalid") for path in paths(spec, folder)]


@pytest.mark.parametrize(("spec", "name"), VALID, ids=[f"{n}@{s}" for s, n in VALID])
def test_valid_chain_footprint_has_no_gxd_error_or_warning(spec: str, name: str) -> None:
    findings = gxd_findings(footprint(spec, name), spec)
    assert not failing(findings), [(f.rule, f.message) for f in findings]


@pytest.mark.parametrize(("spec", "name"), VALID, ids=[f"{n}@{s}" for s, n in VALID])
def test_valid_chain_footprint_is_a_valid_pact_footprint(spec: str, name: str) -> None:
    findings = check_footprint(footprint(spec, name), spec, profiles={"gxd"})
    assert [f for f in findings if f.severity is Severity.ERROR] == []


@pytest.mark.parametrize(("spec", "path"), INVALID, ids=[f"{p.stem}@{s}" for s, p in INVALID])
def test_invalid_fixture_breaks_exactly_its_rule(spec: str, path: Path) -> None:
    findings = gxd_findings(load(path), spec)
    assert failing(findings) == {rule_of(path)}, [(f.rule, f.message) for f in findings]


@pytest.mark.parametrize(("spec", "path"), INVALID, ids=[f"{p.stem}@{s}" for s, p in INVALID])
def test_invalid_fixture_stays_a_valid_pact_footprint(spec: str, path: Path) -> None:
    """Except for the extension envelope: its rules (DME spec §5) bind every extension, so DM-12 shares GXD-01's."""
    findings = check_footprint(load(path), spec, profiles={"gxd"})
    shared = {"DM-12"} if rule_of(path) == "GXD-01" else set()
    assert [f for f in findings if f.severity is Severity.ERROR and not f.rule.startswith("GXD")
            and f.rule not in shared] == []


@pytest.mark.parametrize("spec", SPECS)
def test_every_gxd_rule_has_an_invalid_fixture(spec: str) -> None:
    registered = {r.id for r in rules_for(spec, {"gxd"}) if r.profile == "gxd"}
    assert {rule_of(p) for p in paths(spec, "invalid")} == registered


@pytest.mark.parametrize("spec", SPECS)
def test_error_rules_fire_as_errors(spec: str) -> None:
    """GXD-11 (X1), GXD-13 (X2), GXD-05 (X3), GXD-16 (X4) are errors, as §4.2 grades them."""
    for name in ("GXD-11-gate-exceeds-cradle", "GXD-13-split-does-not-add-up", "GXD-05-organization-missing",
                 "GXD-16-negative-certificate"):
        findings = gxd_findings(footprint(spec, name, "invalid"), spec)
        assert {f.severity for f in findings if f.rule == name[:6]} == {Severity.ERROR}, name


def test_both_versions_carry_the_same_files_and_gxd_data() -> None:
    for folder in ("valid", "invalid", "chain-invalid"):
        names = [p.name for p in paths("2.3", folder)]
        assert names == [p.name for p in paths("3.0", folder)]
        for name in names:
            v2, v3 = load(FIXTURES / "2.3" / folder / name), load(FIXTURES / "3.0" / folder / name)
            data = [[e.get("data") for e in fp.get("extensions", [])] for fp in (v2, v3)]
            for gate in (d.get("gateToGate", {}) for pair in data for d in pair):
                gate.pop("unitaryProductAmountComment", None)  # v3 wording no longer blames PACT v2 for lacking 'piece'
            assert data[0] == data[1], name
            assert v2["specVersion"].startswith("2.3.") and v3["specVersion"].startswith("3.0.")


@pytest.mark.parametrize("spec", SPECS)
def test_chain_figures_match_the_note(spec: str) -> None:
    """§5.1: C2G, G2G and UP per kilogram and the amount per piece of each tier."""
    c2g = "pCfExcludingBiogenic" if spec == "2.3" else "pcfExcludingBiogenicUptake"
    upa = "unitaryProductAmount" if spec == "2.3" else "declaredUnitAmount"
    expected = {"T2-AL": ("8.60", "0.62", "7.98", "1"), "T2-PCB": ("28.40", "6.10", "22.30", "1"),
                "T1-CHASSIS": ("15.50", "2.50", "13.00", "0.40"), "T1-PCBA": ("106.00", "6.00", "100.00", "0.25"),
                "T0-PC": ("181.80", "2.00", "179.80", "1.25")}
    for name, fp in zip(CHAIN, chain(spec), strict=True):
        gate = fp["extensions"][0]["data"]["gateToGate"]
        figures = (fp["pcf"][c2g], gate["gateToGateFossilGhgEmissions"], gate["upstreamEmissions"], fp["pcf"][upa])
        assert figures == expected[name]


@pytest.mark.parametrize(("spec", "path"), EVERY, ids=[f"{p.parent.name}/{p.stem}@{s}" for s, p in EVERY])
def test_strict_schema_failures_are_reported_by_their_owning_rule(spec: str, path: Path) -> None:
    """A strict-profile failure that names rule X (and is not a published-schema failure) makes X fire."""
    document = load(path)
    data = next((e["data"] for e in document.get("extensions", []) if isinstance(e.get("data"), dict)), None)
    if data is None:
        assert rule_of(path) == "GXD-01"
        return
    published = {(tuple(e.absolute_path), e.validator) for e in official_errors(data)}
    owners = {owner(e) for e in strict_errors(data) if (tuple(e.absolute_path), e.validator) not in published}
    fired = {f.rule for f in gxd_findings(document, spec)}
    assert owners <= fired, (owners, fired)
