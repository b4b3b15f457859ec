"""Geometry for the report's pictures, drawn as inline SVG by the Jinja templates (no script, no library, no
external file: they work offline and under the report's strict CSP).

Hand-built SVG was chosen over a chart library: the pictures are bars and a tree of rows, a few rectangles each,
and a library would add a dependency and its own markup to escape-check for no gain. This module only computes
numbers (positions and widths in SVG user units); every text still goes through the template's autoescape.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

OUTCOME_ORDER = ("passed", "failed", "error", "blocked", "skipped")
PALETTE = ("#1b6ca8", "#2e8b57", "#c77c02", "#8e44ad", "#5d6d7e", "#16a085", "#a04000", "#2c3e50")  # no red: it means failed
AREA_BAR_WIDTH = 160.0
CHAIN_BAR_WIDTH = 600.0
TIER_BAR_WIDTH = 200.0


def _number(value: object) -> float:
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return 0.0


def stacked(parts: list[tuple[str, float]], width: float) -> list[dict[str, Any]]:
    """Segments of one bar: each part's share of the total, laid end to end; empty parts are left out."""
    total = sum(value for _, value in parts if value > 0)
    segments, x = [], 0.0
    for key, value in parts:
        if value <= 0 or total <= 0:
            continue
        w = width * value / total
        segments.append({"key": key, "x": round(x, 2), "w": round(w, 2), "value": value,
                         "share": round(100 * value / total, 1)})
        x += w
    return segments


def area_bar(counts: dict[str, int]) -> list[dict[str, Any]]:
    """Pass / fail / error / blocked / not-run counts of one area as one bar."""
    order = [o for o in OUTCOME_ORDER if o in counts] + [o for o in counts if o not in OUTCOME_ORDER]
    return stacked([(outcome, float(counts[outcome])) for outcome in order], AREA_BAR_WIDTH)


def _chain_tables(cases: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]] | None:
    for case in cases:
        tables = case.get("tables") or {}
        if tables.get("tiers") or tables.get("hotspots"):
            return tables
    return None


def gxd_chains(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per Tier-0 product: its tier tree (each footprint's Gate-to-Gate share of the Tier-0 Cradle-to-Gate)
    and its hotspot decomposition as one stacked bar. Empty when the run has no GxD chain."""
    tables = _chain_tables(cases)
    if tables is None:
        return []
    roots: dict[str, dict[str, Any]] = {}
    for row in tables.get("tiers", []):
        root = roots.setdefault(str(row.get("root_product_id")), {"root": str(row.get("root_product_id")),
                                                                  "tiers": [], "hotspots": []})
        root["tiers"].append(row)
    for row in tables.get("hotspots", []):
        root = roots.setdefault(str(row.get("root_product_id")), {"root": str(row.get("root_product_id")),
                                                                  "tiers": [], "hotspots": []})
        root["hotspots"].append(row)
    for root in roots.values():
        total = next((_number(t.get("c2g_per_piece")) for t in root["tiers"] if t.get("tier") == 0), 0.0)
        for tier in root["tiers"]:
            share = 100 * _number(tier.get("g2g_per_piece")) / total if total else 0.0
            tier["g2g_share"] = round(share, 1)
        largest = max((t["g2g_share"] for t in root["tiers"]), default=0.0)
        for tier in root["tiers"]:  # bars relative to the largest share: a few percent must still be visible
            tier["g2g_w"] = round(TIER_BAR_WIDTH * tier["g2g_share"] / largest, 2) if largest else 0.0
        parts = [(str(h.get("contribution")), _number(h.get("kgco2e_per_piece"))) for h in root["hotspots"]
                 if not str(h.get("contribution", "")).startswith("Total")]
        root["bar"] = stacked(parts, CHAIN_BAR_WIDTH)
        for index, segment in enumerate(root["bar"]):
            segment["color"] = PALETTE[index % len(PALETTE)]
    return list(roots.values())
