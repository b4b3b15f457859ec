"""Inline SVG pictures: a bar per area and, for a GxD run, the supply chain section with the tier tree and the
hotspot decomposition as a stacked bar, shown in passing runs too; no script, every text escaped."""

from __future__ import annotations

from conformance.catalog import CaseSpec
from conformance.report.html import render_html
from conformance.report.pictures import area_bar, gxd_chains, stacked
from conformance.results import CaseOutcome, Outcome, RunResult
from tests.harness import executable_content

ROOT = "urn:pact:example:product-id:<b>NB</b>"
TIERS = [{"root_product_id": ROOT, "tier": 0, "product_name": "Notebook", "company": "A", "c2g_per_piece": "200",
          "g2g_per_piece": "4"},
         {"root_product_id": ROOT, "tier": 1, "product_name": "Board<script>", "company": "B", "c2g_per_piece": "50",
          "g2g_per_piece": "2"}]
HOTSPOTS = [{"root_product_id": ROOT, "contribution": "Tier 0 gate-to-gate", "kgco2e_per_piece": "4"},
            {"root_product_id": ROOT, "contribution": "Tier 1 gate-to-gate", "kgco2e_per_piece": "2"},
            {"root_product_id": ROOT, "contribution": "Inputs from non-participating suppliers", "kgco2e_per_piece": "194"},
            {"root_product_id": ROOT, "contribution": "Total = Tier 0 Cradle-to-Gate per piece", "kgco2e_per_piece": "200"}]


def test_stacked_bars_add_up_to_the_width() -> None:
    segments = stacked([("a", 1), ("b", 0), ("c", 3)], 100)
    assert [(s["key"], s["x"], s["w"]) for s in segments] == [("a", 0.0, 25.0), ("c", 25.0, 75.0)]
    assert sum(s["w"] for s in area_bar({"failed": 1, "passed": 3})) == 160.0
    assert [s["key"] for s in area_bar({"skipped": 1, "failed": 1, "passed": 3})] == ["passed", "failed", "skipped"]


def test_chain_tiers_and_hotspots_without_the_total_row() -> None:
    chain = gxd_chains([{"tables": {"tiers": TIERS, "hotspots": HOTSPOTS}}])[0]
    assert [t["g2g_share"] for t in chain["tiers"]] == [2.0, 1.0]
    assert [t["g2g_w"] for t in chain["tiers"]] == [200.0, 100.0]
    assert [s["key"] for s in chain["bar"]] == [h["contribution"] for h in HOTSPOTS[:3]]
    assert gxd_chains([{"tables": {}}]) == []


def _run() -> RunResult:
    spec = CaseSpec(id="GXD-CHAIN-CONSISTENT", title="chain", requirements=("GXD-18",), mandatory="all", area="gxd",
                    profile="gxd")
    case = CaseOutcome(spec=spec, mandatory=True, outcome=Outcome.PASSED,
                       tables={"tiers": TIERS, "hotspots": HOTSPOTS, "findings": []})
    return RunResult(tool_version="0", target={"base_url": "https://t.example"}, spec="2.3", profiles=["gxd"],
                     started_at="s", finished_at="f", cases=[case], run_id="svg")


def test_a_passing_gxd_run_shows_the_supply_chain_section() -> None:
    html = render_html(_run())
    assert '<h2 id="gxd-chain">GxD supply chain</h2>' in html and html.count("<svg") >= 4
    assert "Board&lt;script&gt;" in html and "<b>NB" not in html and executable_content(html) == []
    assert 'class="s-passed"' in html  # the area bar
    ja = render_html(_run(), lang="ja")
    assert "GxD サプライチェーン" in ja and "ホットスポット分解" in ja
