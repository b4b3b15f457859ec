"""Data-model faults: the reference host serves one invalid footprint (a data swap), per area and major version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformance.reference.data import FIXTURES_DIR, load_footprints
from conformance.rules import check_footprint
from conformance.rules.finding import Severity
from tests.faults.model import Fault

AREA_CASES = {
    "identity": "DM-IDENTITY", "time": "DM-TIME", "emissions": "DM-EMISSIONS",
    "data-quality": "DM-DATA-QUALITY", "assurance": "DM-ASSURANCE", "extensions": "DM-EXTENSIONS",
}


def _swap_in(spec: str, invalid: dict[str, Any]) -> list[dict[str, Any]]:
    """The valid dataset with the invalid footprint in place of its valid twin (same id), else appended."""
    dataset = load_footprints(spec)
    for index, footprint in enumerate(dataset):
        if footprint.get("id") == invalid.get("id"):
            dataset[index] = invalid
            return dataset
    return [*dataset, invalid]


def _faults_for(spec: str) -> list[Fault]:
    """Every invalid fixture breaking one area's MUST rules becomes a fault killing that area's case.

    The first of each area runs the whole suite (no false failure elsewhere); the others run only the
    area's case, so each DM rule is proven broken without a full run per rule (tests.kill_matrix).
    """
    faults: list[Fault] = []
    areas_seen: set[str] = set()
    for path in sorted(Path(FIXTURES_DIR / "footprints" / spec / "invalid").glob("*.json")):
        invalid = json.loads(path.read_text(encoding="utf-8"))
        areas = {f.area for f in check_footprint(invalid, spec) if f.severity is Severity.ERROR}
        if len(areas) != 1:
            continue
        area = next(iter(areas))
        key = "3.0" if spec == "3.0" else "2.3"
        faults.append(Fault(
            f"data-{path.stem.lower()}@{spec}",
            f"the host serves a footprint breaking {path.stem[:5]} ({path.name})",
            kills=frozenset({AREA_CASES[area]}),
            specs=(spec,),
            overrides={"footprints": {key: _swap_in(spec, invalid)}},
            collateral=frozenset({"EVT-REQUEST-FULFILLED"}),  # the callback delivers the broken footprint too
            options={} if area not in areas_seen else {"select": AREA_CASES[area]},
        ))
        areas_seen.add(area)
    return faults


FAULTS = _faults_for("2.3") + _faults_for("3.0")
