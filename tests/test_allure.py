"""Allure results follow Allure's conventions: environment, categories by whose problem it is, severity from
mandatory/optional, and the harness's own classification as the status."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conformance.catalog import CaseSpec
from conformance.report.allure import enrich_allure_results
from conformance.results import CaseOutcome, Outcome, RunResult


def _case(case_id: str, outcome: str, mandatory: bool = True) -> CaseOutcome:
    spec = CaseSpec(id=case_id, title=case_id, requirements=("LIST-01",), mandatory="all" if mandatory else "none",
                    area="list", origin=f"cases.list#test_{case_id.lower()}")
    return CaseOutcome(spec=spec, mandatory=mandatory, outcome=Outcome(outcome), message=f"why {case_id}")


def _folder(tmp_path: Path, cases: list[CaseOutcome]) -> Path:
    """What allure-pytest leaves: one result per case, with its own status and a default severity."""
    for n, case in enumerate(cases):
        document = {"name": case.spec.origin, "fullName": case.spec.origin, "status": "broken",
                    "labels": [{"name": "severity", "value": "normal"}]}
        (tmp_path / f"{n}-result.json").write_text(json.dumps(document), encoding="utf-8")
    return tmp_path


def _run(cases: list[CaseOutcome]) -> RunResult:
    return RunResult(tool_version="9.9", target={"base_url": "https://t.example\nx=y"}, spec="3.0", profiles=["gxd"],
                     started_at="s", finished_at="f", cases=cases, run_id="r1", fuzz_seed=1234)


def _results(folder: Path) -> dict[str, dict]:
    documents = [json.loads(p.read_text()) for p in folder.glob("*-result.json")]
    return {d["name"].split(":")[0]: d for d in documents}


def test_status_severity_and_categories(tmp_path: Path) -> None:
    cases = [_case("M-FAIL", "failed"), _case("O-FAIL", "failed", False), _case("M-ERR", "error"),
             _case("M-SKIP", "skipped"), _case("OK", "passed")]
    folder = _folder(tmp_path, cases)
    enrich_allure_results(_run(cases), folder)
    results = _results(folder)
    assert {k: v["status"] for k, v in results.items()} == {
        "M-FAIL": "failed", "O-FAIL": "failed", "M-ERR": "broken", "M-SKIP": "skipped", "OK": "passed"}
    severities = {k: [label["value"] for label in v["labels"] if label["name"] == "severity"] for k, v in results.items()}
    assert severities["M-FAIL"] == ["critical"] and severities["O-FAIL"] == ["minor"]
    categories = json.loads((folder / "categories.json").read_text())

    def category(document: dict) -> str:  # Allure puts a result in the first category that matches
        for entry in categories:
            regex = entry.get("messageRegex")
            message = document.get("statusDetails", {}).get("message", "")
            if document["status"] in entry["matchedStatuses"] and (regex is None or re.fullmatch(regex, message)):
                return entry["name"]
        return "none"

    assert category(results["M-FAIL"]).startswith("Product defect")
    assert category(results["O-FAIL"]).startswith("Optional warning")
    assert category(results["M-ERR"]).startswith("Harness error")
    assert category(results["M-SKIP"]).startswith("Not run")


def test_environment_names_target_spec_version_and_seed(tmp_path: Path) -> None:
    enrich_allure_results(_run([]), tmp_path)
    lines = (tmp_path / "environment.properties").read_text(encoding="utf-8").splitlines()
    environment = dict(line.split("=", 1) for line in lines)
    assert environment["target"] == "https://t.example\\nx=y"  # a newline cannot start a property of its own
    assert environment["spec"] == "3.0" and environment["tool_version"] == "9.9"
    assert environment["fuzz_seed"] == "1234" and environment["profiles"] == "gxd"
    assert "x" not in environment


def test_links_to_the_spec_section_of_each_requirement(tmp_path: Path) -> None:
    cases = [_case("M-FAIL", "failed")]
    folder = _folder(tmp_path, cases)
    enrich_allure_results(_run(cases), folder)
    links = _results(folder)["M-FAIL"]["links"]
    assert [link["type"] for link in links] == ["link"]
    assert links[0]["name"].startswith("LIST-01: ") and links[0]["url"].startswith("https://docs.carbon-transparency.org/")
