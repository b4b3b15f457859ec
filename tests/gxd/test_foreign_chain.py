"""GXD-CHAIN-CONSISTENT on a target that is not the embedded host and has no --gxd-bom: only what the
target's own data links is reconciled, the rest is not run, never failed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conformance.reference.data import FIXTURES_DIR, load_footprints
from conformance.reference.host import ReferenceHost
from conformance.results import Outcome
from tests.harness import run_target

SPEC = "2.3"


def _chain(*names: str) -> list[dict[str, Any]]:
    folder = FIXTURES_DIR / "gxd" / SPEC / "valid"
    return [json.loads((folder / f"{name}.json").read_text(encoding="utf-8")) for name in names]


def _chain_case(tmp_path: Path, chain: list[dict[str, Any]], **options: Any) -> tuple[Outcome, str, list[str]]:
    served = {SPEC: load_footprints(SPEC) + chain}
    with ReferenceHost(SPEC, frozenset({"gxd"}), overrides={"footprints": served}) as host:
        foreign = host.target(SPEC, frozenset({"gxd"})).model_copy(update={"embedded": False})
        result = run_target(foreign, tmp_path, select="GXD-CHAIN-CONSISTENT", **options).result
    case = next(c for c in result.cases if c.spec.id == "GXD-CHAIN-CONSISTENT")
    return case.outcome, case.message, case.notes


def test_a_foreign_host_serving_none_of_the_fixture_buyers_is_not_failed(tmp_path: Path) -> None:
    outcome, message, _ = _chain_case(tmp_path, _chain("T2-AL", "T2-PCB"))
    assert outcome is Outcome.SKIPPED and message.startswith("not run: no bill of materials (--gxd-bom)")


def test_a_foreign_host_is_reconciled_where_its_own_data_links_buyer_and_suppliers(tmp_path: Path) -> None:
    outcome, message, notes = _chain_case(tmp_path, _chain("T1-CHASSIS", "T2-AL", "T2-PCB"))
    assert outcome is Outcome.PASSED, message
    assert any("reconciled 1 buyer" in note for note in notes)
    assert sum("not run: no bill of materials (--gxd-bom)" in note for note in notes) == 2


@pytest.mark.parametrize("names", [("T0-PC", "T1-CHASSIS", "T1-PCBA", "T2-AL", "T2-PCB")])
def test_a_given_bom_is_applied_in_full(tmp_path: Path, names: tuple[str, ...]) -> None:
    bom = FIXTURES_DIR / "gxd" / "bom.json"
    outcome, message, _ = _chain_case(tmp_path, _chain(*names[1:]), gxd_bom=bom)
    assert outcome is Outcome.FAILED and "not found" in message  # T0-PC is missing: the user's BOM says it is there
