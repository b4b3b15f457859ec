"""Allure results: allure-pytest writes them during the run; this adds what it cannot know.

Each case's result gets the case id, requirement ids and official test-case
number as labels, the verdict-relevant message, and the redacted evidence as a
JSON attachment.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from conformance.results import RunResult

EVIDENCE_SUFFIX = "-evidence-attachment.json"


def enrich_allure_results(result: RunResult, folder: Path) -> None:
    if not folder.is_dir():
        return
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
        labels = document.setdefault("labels", [])
        labels.append({"name": "tag", "value": "mandatory" if case.mandatory else "optional"})
        labels.append({"name": "feature", "value": case.spec.area})
        labels.append({"name": "story", "value": case.spec.id})
        if case.spec.official:
            labels.append({"name": "tag", "value": f"official {case.spec.official}"})
        for requirement in case.spec.requirements:
            labels.append({"name": "tag", "value": requirement})
        if case.message:
            details = document.setdefault("statusDetails", {})
            details["message"] = case.message
        if case.evidence or case.findings or case.notes:
            source = f"{uuid.uuid4()}{EVIDENCE_SUFFIX}"  # written from the redacted result: not scrubbed again
            payload = {"notes": case.notes, "findings": case.findings, "exchanges": case.evidence}
            (folder / source).write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
            document.setdefault("attachments", []).append(
                {"name": "evidence (redacted)", "source": source, "type": "application/json"})
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
