"""-k selects by case id, id prefix, official number, area and profile, in the CLI and in the plugin alike."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.catalog import selected_by
from conformance.cli import main
from conformance.coverage import load_cases
from tests.harness import faulty_host, run_host

REPO = Path(__file__).resolve().parents[1]
CASES = {c.id: c for c in load_cases()}


def _selected(name: str) -> set[str]:
    return {case_id for case_id, case in CASES.items() if selected_by(case, name)}


def test_names_select_by_id_prefix_official_number_and_area() -> None:
    assert "AUTH-TOKEN" in _selected("auth-token") and "AUTH-TOKEN-RESPONSE" in _selected("AUTH-TOKEN")
    assert "AUTH-TOKEN-RESPONSE" not in _selected("AUTH-TOK")  # prefixes end at a dash
    assert _selected("TC5") == {c.id for c in CASES.values() if c.official == "TC5"}
    assert _selected("TC1") == {c.id for c in CASES.values() if c.official == "TC1"}  # not TC12..TC19
    assert {c.official for c in CASES.values() if c.id in _selected("TC14")} == {"TC14.A", "TC14.B"}
    assert _selected("EVT") == {c.id for c in CASES.values() if c.id.startswith("EVT-")}
    assert _selected("events") >= _selected("EVT-REQUEST")


def test_the_cli_runs_what_k_names(tmp_path: Path) -> None:
    with faulty_host(None, "2.3") as host:
        result = run_host(host, tmp_path, "2.3", select="AUTH-TOKEN and not AUTH-TOKEN-ALL-ACTIONS or TC5").result
    ran = {c.spec.id for c in result.cases}
    assert ran == {"AUTH-TOKEN", "AUTH-TOKEN-RESPONSE", "AUTH-TOKEN-NO-STORE", "AUTH-TOKEN-EXPIRES-IN",
                   *(c.id for c in CASES.values() if c.official == "TC5")}


def test_a_broken_k_expression_is_one_line_and_exit_2() -> None:
    err = io.StringIO()
    assert main(["run", "-k", "EVT and ("], out=io.StringIO(), err=err) == 2
    assert err.getvalue().count("\n") == 1 and "-k" in err.getvalue()


def test_cases_prints_what_k_accepts() -> None:
    out = io.StringIO()
    assert main(["cases"], out=out) == 0
    assert "-k accepts a case id" in out.getvalue() and "official number (TC5" in out.getvalue()


@pytest.mark.parametrize("expression", ["EVT-PUBLISHED-ACCEPTED", "TC15"])
def test_the_plugin_selects_the_same_way(expression: str) -> None:
    done = subprocess.run([sys.executable, "-m", "pytest", str(REPO / "cases"), "-q", "-p", "no:cacheprovider",
                           "--pact-spec", "3.0", "-k", expression, "--pact-no-fuzz"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert "1 passed" in done.stdout, done.stdout[-2000:]
