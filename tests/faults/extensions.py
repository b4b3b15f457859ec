"""Faults of the Data Model Extensions envelope in PACT mode (no profile): one footprint carries a
non-GxD extension that breaks one envelope rule (DME spec §5, DM-12), which DM-EXTENSIONS must fail."""

from __future__ import annotations

import copy
from typing import Any

from conformance.reference.data import load_footprints
from tests.faults.model import Fault

ENVELOPE = {"specVersion": "2.0.0", "dataSchema": "https://schemas.example.org/shipment/1.0.0/schema.json",
            "documentation": "https://schemas.example.org/shipment/1.0.0/", "data": {"shipmentId": "S-1"}}
BROKEN = {
    "spec-version-1.0.0": {"specVersion": "1.0.0"},
    "data-schema-http": {"dataSchema": "http://schemas.example.org/shipment/1.0.0/schema.json"},
    "documentation-http": {"documentation": "http://schemas.example.org/shipment/1.0.0/"},
}


def _with_extension(spec: str, change: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The PACT dataset whose first footprint carries one extension with `change` applied."""
    dataset = copy.deepcopy(load_footprints(spec))
    dataset[0]["extensions"] = [{**ENVELOPE, **change}]
    return {("3.0" if spec == "3.0" else "2.3"): dataset}


FAULTS = [
    Fault(f"extension-{name}@{spec}", f"a non-GxD extension in PACT mode breaks the envelope: {change} (DM-12)",
          kills=frozenset({"DM-EXTENSIONS"}), specs=(spec,), overrides={"footprints": _with_extension(spec, change)},
          collateral=frozenset({"EVT-REQUEST-FULFILLED"}))  # the callback delivers the footprint too
    for name, change in BROKEN.items() for spec in ("2.3", "3.0")
]
