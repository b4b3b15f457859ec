"""Allure results: allure-pytest writes them during the run; this adds what it cannot know.

Each case's result gets the case id, requirement ids and official test-case
number as labels, the verdict-relevant message, and the redacted evidence as a
JSON attachment. Allure's own conventions are filled in too: the status is the
harness's classification (a target failure is `failed`, a harness error `broken`,
a case that could not run `skipped`), so the categories product defect / harness
error / not run (categories.json) say whose problem it is; severity is critical
for a mandatory case and minor for an optional one; environment.properties names
the target, spec, tool version and fuzzing seed; each requirement a case cites is
a link to its spec section (from the requirement catalogue).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from conformance.requirements import requirement
from conformance.results import Outcome, RunResult

_STATUS = {Outcome.PASSED: "passed", Outcome.FAILED: "failed", Outcome.ERROR: "broken", Outcome.SKIPPED: "skipped",
           Outcome.BLOCKED: "skipped"}
OPTIONAL_PREFIX = "[optional] "
CATEGORIES = [
    {"name": "Optional warning (does not change the verdict)", "matchedStatuses": ["failed"],
     "messageRegex": r"^\[optional\].*"},
    {"name": "Product defect (the target broke a requirement)", "matchedStatuses": ["failed"]},
    {"name": "Harness error (the suite could not judge the case)", "matchedStatuses": ["broken"]},
    {"name": "Not run (precondition, option or selection)", "matchedStatuses": ["skipped"]},
]


def _property(value: str) -> str:
    """A value in Java properties syntax (what Allure reads): one line, backslashes escaped."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def environment(result: RunResult) -> dict[str, str]:
    """What the Allure 'Environment' widget shows for the run."""
    return {
        "target": str(result.target.get("base_url", "")),
        "spec": result.spec,
        "profiles": ",".join(result.profiles) or "none",
        "tool_version": result.tool_version,
        "fuzz_seed": str(result.fuzz_seed) if result.fuzz_seed is not None else "not fuzzed",
        "run_id": result.run_id,
        "selection": result.selection or "all cases",
        "verdict": result.verdict.value,
        "insecure_tls": str(result.insecure_tls).lower(),
    }


def write_allure_conventions(result: RunResult, folder: Path) -> None:
    lines = [f"{key}={_property(value)}" for key, value in environment(result).items()]
    (folder / "environment.properties").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "categories.json").write_text(json.dumps(CATEGORIES, indent=2), encoding="utf-8")

EVIDENCE_SUFFIX = "-evidence-attachment.json"


def enrich_allure_results(result: RunResult, folder: Path) -> None:
    if not folder.is_dir():
        return
    write_allure_conventions(result, folder)
    by_origin = {case.spec.origin: case for case in result.cases}
    for path in folder.glob("*-result.json"):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        case = by_origin.get(str(document.get("fullName", "")))
        if case is None:
            continue
        document["name"] = f"{case.spec.id}: {case.spec.title}"
        document["status"] = _STATUS.get(case.outcome, document.get("status", "unknown"))
        labels = [label for label in document.get("labels", []) if label.get("name") != "severity"]
        document["labels"] = labels
        labels.append({"name": "severity", "value": "critical" if case.mandatory else "minor"})
        labels.append({"name": "tag", "value": "mandatory" if case.mandatory else "optional"})
        labels.append({"name": "feature", "value": case.spec.area})
        labels.append({"name": "story", "value": case.spec.id})
        if case.spec.official:
            labels.append({"name": "tag", "value": f"official {case.spec.official}"})
        links = document.setdefault("links", [])
        for requirement_id in case.spec.requirements:
            labels.append({"name": "tag", "value": requirement_id})
            entry = requirement(requirement_id)
            if entry is not None:
                links.append({"name": f"{requirement_id}: {entry.text_in('en')}", "url": entry.url(result.spec),
                              "type": "link"})
        if case.message:
            details = document.setdefault("statusDetails", {})
            optional_failure = not case.mandatory and case.outcome is Outcome.FAILED
            details["message"] = (OPTIONAL_PREFIX if optional_failure else "") + case.message
        if case.evidence or case.findings or case.notes:
            source = f"{uuid.uuid4()}{EVIDENCE_SUFFIX}"  # written from the redacted result: not scrubbed again
            payload = {"notes": case.notes, "findings": case.findings, "exchanges": case.evidence}
            (folder / source).write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
            document.setdefault("attachments", []).append(
                {"name": "evidence (redacted)", "source": source, "type": "application/json"})
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
