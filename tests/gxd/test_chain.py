"""GXD-18/19 on the notebook-PC chain: the valid chain closes, X5 is caught and diagnosed, §5.2 hotspots."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest

from conformance.rules.finding import Severity
from conformance.rules.gxd_chain import ChainResult, load_bom, reconcile
from tests.gxd.support import FIXTURES, SPECS, chain, footprint, load, paths

NOTEBOOK = "urn:pact:shinagawa-c.example:product-id:NB-14A"
MAIN_BOARD = "urn:pact:tama-ea.example:product-id:MB-14A"
ALUMINIUM = "urn:pact:kanto-lm.example:product-id:A5052-H32-1.0"
BOM = load_bom(load(FIXTURES / "bom.json"))


def replaced(spec: str, variant: dict[str, Any]) -> list[dict[str, Any]]:
    """The valid chain with the footprint of the same id swapped for `variant`."""
    return [variant if fp["id"] == variant["id"] else fp for fp in chain(spec)]


def findings(result: ChainResult, rule_id: str, severity: Severity) -> list[str]:
    return [f.message for f in result.findings if f.rule == rule_id and f.severity is severity]


def hotspot(result: ChainResult) -> dict[str, Decimal]:
    return {row.contribution: row.kgco2e_per_piece for row in result.hotspots}


def test_fixture_bom_is_the_note_bom() -> None:
    assert BOM.roots() == [NOTEBOOK]
    entry = BOM.entry(NOTEBOOK)
    assert entry is not None and entry.closed and entry.other == Decimal("192.05")
    assert [(link.supplier_product_id, link.quantity) for link in entry.inputs] == [
        ("urn:pact:musashi-pp.example:product-id:CH-14A", Decimal("0.40")), (MAIN_BOARD, Decimal("0.25"))]


@pytest.mark.parametrize("spec", SPECS)
def test_valid_chain_reconciles_with_the_section_5_2_hotspots(spec: str) -> None:
    result = reconcile(chain(spec), BOM, spec)
    assert [f for f in result.findings if f.rule == "GXD-18"] == []
    assert hotspot(result) == {
        "Tier 0 gate-to-gate": Decimal("2.50"),
        "Tier 1 gate-to-gate": Decimal("2.50"),
        "Tier 2 gate-to-gate": Decimal("1.104"),
        "Upstream of Tier 2": Decimal("7.464"),
        "Inputs from non-participating suppliers": Decimal("213.682"),
        "Unexplained residual": Decimal("0"),
        "Total = Tier 0 Cradle-to-Gate per piece": Decimal("227.25"),
    }
    shares = {row.contribution: format(row.share_percent, ".1f") for row in result.hotspots}
    assert shares["Inputs from non-participating suppliers"] == "94.0" and shares["Tier 0 gate-to-gate"] == "1.1"
    assert findings(result, "GXD-19", Severity.INFO) == [
        "hotspot for NB-14A notebook: 227.25 kgCO2e per piece; largest contribution "
        "Inputs from non-participating suppliers 213.682 (94.0 %)"]


@pytest.mark.parametrize("spec", SPECS)
def test_tier_table_gives_per_piece_values(spec: str) -> None:
    rows = {row.product_name: row for row in reconcile(chain(spec), BOM, spec).tiers}
    assert [(r.tier, r.product_name) for r in rows.values()][0] == (0, "NB-14A notebook")
    board = rows["Main board MB-14A"]
    assert (board.tier, board.c2g_per_piece, board.g2g_per_piece, board.company) == (
        1, Decimal("26.5"), Decimal("1.5"), "Tama Electronics Assembly Corp. (fictitious)")
    assert format(board.share_percent, ".1f") == "11.7"  # 26.50 / 227.25
    assert rows["KLM A5052 sheet 1.0t"].tier == 2 and format(rows["KLM A5052 sheet 1.0t"].share_percent, ".1f") == "2.3"


@pytest.mark.parametrize("spec", SPECS)
def test_x5_is_a_chain_error_diagnosed_as_supplier_gate_to_gate(spec: str) -> None:
    [x5] = [load(p) for p in paths(spec, "chain-invalid")]
    result = reconcile(replaced(spec, x5), BOM, spec)
    [error] = findings(result, "GXD-18", Severity.ERROR)
    assert "199.75" in error and "224.75" in error and NOTEBOOK in error
    [diagnosis] = [m for m in findings(result, "GXD-19", Severity.INFO) if m.startswith("diagnosis")]
    assert "difference 25 " in diagnosis and "used supplier G2G instead of C2G" in diagnosis and MAIN_BOARD in diagnosis
    assert hotspot(result)["Unexplained residual"] == Decimal("-25")


def test_per_kilogram_and_per_piece_mix_up_is_diagnosed() -> None:
    """T0 took the chassis' per-piece 6.20 as per kg: 0.40 x 6.20 = 2.48 instead of 6.20 (difference 3.72)."""
    def mixed_up(document: dict[str, Any]) -> dict[str, Any]:
        document = copy.deepcopy(document)
        for key in ("pCfExcludingBiogenic", "pCfIncludingBiogenic", "fossilGhgEmissions"):
            document["pcf"][key] = "178.824"
        document["extensions"][0]["data"]["gateToGate"]["upstreamEmissions"] = "176.824"
        return document

    result = reconcile(replaced("2.3", mixed_up(footprint("2.3", "T0-PC"))), BOM, "2.3")
    assert len(findings(result, "GXD-18", Severity.ERROR)) == 1
    diagnoses = findings(result, "GXD-19", Severity.INFO)
    assert any("per-kg/per-piece mix-up for supplier Bottom chassis CH-14A" in m for m in diagnoses)


@pytest.mark.parametrize("spec", SPECS)
def test_x1_skips_the_chain_check_for_its_buyer(spec: str) -> None:
    x1 = footprint(spec, "GXD-11-gate-exceeds-cradle", "invalid")
    result = reconcile(replaced(spec, x1), BOM, spec)
    assert findings(result, "GXD-18", Severity.ERROR) == []
    [skipped] = findings(result, "GXD-18", Severity.INFO)
    assert skipped.startswith("GXD-18 skipped for Main board MB-14A") and "GXD-11 fails" in skipped


def test_missing_supplier_is_a_finding_not_a_crash() -> None:
    result = reconcile([fp for fp in chain("3.0") if ALUMINIUM not in fp["productIds"]], BOM, "3.0")
    assert findings(result, "GXD-18", Severity.ERROR) == [
        f"cannot reconcile: supplier footprint for {ALUMINIUM} not found (an input of Bottom chassis CH-14A)"]
    assert findings(result, "GXD-19", Severity.INFO) == [
        f"no hotspot decomposition for NB-14A notebook: the footprint for {ALUMINIUM} has no usable Gate-to-Gate split"]
    assert result.hotspots == [] and result.tiers == []


def test_footprints_from_several_targets_link_by_product_id() -> None:
    """Order does not matter, and an Active footprint wins over a Deprecated one for the same product."""
    stale = copy.deepcopy(footprint("2.3", "GXD-13-split-does-not-add-up", "invalid"))
    stale["status"] = "Deprecated"
    result = reconcile([stale, *reversed(chain("2.3"))], BOM, "2.3")
    assert [f.rule for f in result.findings] == ["GXD-19"]


def test_open_bom_checks_only_the_lower_bound() -> None:
    open_bom = load_bom({"buyers": [{"buyer": NOTEBOOK, "inputs": [{"supplier": MAIN_BOARD, "quantity": "0.25"}]}]})
    assert findings(reconcile(chain("2.3"), open_bom, "2.3"), "GXD-18", Severity.ERROR) == []
    too_little = load_bom({"buyers": [{"buyer": NOTEBOOK, "inputs": [{"supplier": MAIN_BOARD, "quantity": "9"}]}]})
    [error] = findings(reconcile(chain("2.3"), too_little, "2.3"), "GXD-18", Severity.ERROR)
    assert "suppliers' Cradle-to-Gate alone is 954" in error


def test_rows_serialise_to_json() -> None:
    rows = reconcile(chain("2.3"), BOM, "2.3").to_rows()
    text = json.dumps(rows)
    total = rows["hotspots"][-1]
    assert (total["kgco2e_per_piece"], total["share_percent"]) == ("227.25", "100.0")
    assert rows["tiers"][0]["c2g_per_piece"] == "227.25" and "213.682" in text


@pytest.mark.parametrize("doc", [
    {}, {"buyers": []}, {"buyers": [3]}, {"buyers": [{"buyer": "a", "inputs": [{"supplier": "b", "quantity": "-1"}]}]},
    {"buyers": [{"buyer": "a", "inputs": [{"supplier": "b", "quantity": 1}]}]},
    {"buyers": [{"buyer": "a", "inputs": [{"supplier": "b", "quantity": "1"}]},
                {"buyer": "b", "inputs": [{"supplier": "a", "quantity": "1"}]}]},
])
def test_malformed_bom_is_rejected_with_a_reason(doc: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="BOM"):
        load_bom(doc)


def test_hostile_footprints_do_not_crash_reconcile() -> None:
    broken = copy.deepcopy(footprint("2.3", "T1-CHASSIS"))
    broken["pcf"]["unitaryProductAmount"] = "0"
    hostile: list[Any] = [None, 3, {"productIds": "x"}, {"productIds": [None, 5]}, broken, *chain("2.3")[:1]]
    result = reconcile(hostile, BOM, "2.3")
    assert any("has no usable pcf.pCfExcludingBiogenic and pcf.unitaryProductAmount" in m
               for m in findings(result, "GXD-18", Severity.ERROR))
