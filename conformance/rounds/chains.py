"""GxD supply chains across the solutions of a round: tiers marked in the roster are linked by
productIds and reconciled with the bill of materials (GXD-18, GXD-19), as one target's chain is.

Each solution's run leaves the GxD footprints it saw in gxd-footprints.json; a chain is
reconciled only when all its tiers completed and speak the same spec version (the extension
is read per version).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from conformance.rounds.model import RoundResult, SolutionRow, Status
from conformance.rules.finding import Severity
from conformance.rules.gxd_chain import load_bom, reconcile
from conformance.run_context import GXD_FOOTPRINTS_FILE


def _not_linked(name: str, tiers: list[dict[str, Any]], reason: str) -> dict[str, Any]:
    return {"chain": name, "tiers": tiers, "verdict": "not-linked", "reason": reason, "findings": [],
            "tier_table": [], "hotspots": []}


def _tier_footprints(row: SolutionRow, round_dir: Path) -> list[dict[str, Any]] | None:
    if row.status != Status.COMPLETED or not row.report_dir:
        return None
    path = round_dir / row.report_dir / GXD_FOOTPRINTS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return [fp for fp in data if isinstance(fp, dict)] if isinstance(data, list) else None


def link_chains(result: RoundResult, round_dir: Path, bom_path: Path) -> list[dict[str, Any]]:
    """One entry per chain named in the roster: its tiers, verdict, findings and tables."""
    members: dict[str, list[SolutionRow]] = defaultdict(list)
    for row in result.rows:
        if row.chain:
            members[row.chain].append(row)
    chains = []
    for name, rows in sorted(members.items()):
        rows.sort(key=lambda row: (row.tier if row.tier is not None else 0, row.index))
        footprints = {row.name: _tier_footprints(row, round_dir) for row in rows}
        tiers = [{"solution": row.name, "tier": row.tier, "spec": row.spec,
                  "footprints": len(footprints[row.name] or [])} for row in rows]
        missing = [row.name for row in rows if footprints[row.name] is None]
        specs = sorted({row.spec for row in rows})
        if missing:
            chains.append(_not_linked(name, tiers, f"no GxD footprints from {', '.join(missing)} (run not completed "
                                                    "or run without the gxd profile)"))
            continue
        if len(specs) > 1:
            chains.append(_not_linked(name, tiers, f"tiers use different spec versions ({', '.join(specs)})"))
            continue
        try:
            bom = load_bom(json.loads(bom_path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError) as exc:
            chains.append(_not_linked(name, tiers, f"bill of materials {bom_path} cannot be used: {exc}"))
            continue
        linked = reconcile([fp for row in rows for fp in footprints[row.name] or []], bom, specs[0])
        errors = [f for f in linked.findings if f.severity is Severity.ERROR]
        tables = linked.to_rows()
        chains.append({"chain": name, "tiers": tiers, "verdict": "inconsistent" if errors else "consistent",
                       "reason": errors[0].message if errors else "", "findings": tables["findings"],
                       "tier_table": tables["tiers"], "hotspots": tables["hotspots"]})
    return chains
