"""junit.xml for CI systems: one testcase per conformance case, counted so that the file agrees with the exit code.

A CI system shows "0 failures" as green, so everything that keeps the run from being conformant is a
`<failure>` or an `<error>`: a failed mandatory case is a failure; a mandatory case that could not run
(or was blocked, or hit a harness error) is an error with its reason. An optional case never fails the
gate: its failure is a passing testcase with the warning in `<system-out>`; an optional case that did
not run is skipped. When the verdict is short of conformant for a reason no case carries (interrupted,
nothing mandatory ran), one extra `run verdict` testcase is an error saying so.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from conformance.report.scope import shown_verdict
from conformance.results import CaseOutcome, Outcome, RunResult, Verdict

# XML 1.0 forbids most control characters; a hostile target may send them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EVIDENCE_CHARS = 20000


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def properties(result: RunResult) -> dict[str, str]:
    """What a CI reader needs to know about the run besides the cases."""
    return {
        "verdict": shown_verdict(result),  # 'partial' for a conformant subset, never plain 'conformant'
        "partial_reasons": ",".join(result.partial_reasons),
        "spec": result.spec,
        "profiles": ",".join(result.profiles),
        "selection": result.selection or "",
        "insecure_tls": str(result.insecure_tls).lower(),
        "interrupted": str(result.interrupted).lower(),
    }


def _mark(element: ET.Element, case: CaseOutcome) -> str | None:
    """Add the child that says how the case went; returns the counter it belongs to, if any."""
    message = _clean(case.message)
    if case.outcome is Outcome.PASSED:
        return None
    if not case.mandatory:
        if case.outcome is Outcome.FAILED:
            ET.SubElement(element, "system-out").text = _clean(f"WARNING (optional case failed): {case.message}")
            return None
        ET.SubElement(element, "skipped", {"message": _clean(f"optional case {case.outcome.value}: {case.message}")})
        return "skipped"
    if case.outcome is Outcome.FAILED:
        failure = ET.SubElement(element, "failure", {"message": message,
                                                     "type": ",".join(case.failed_requirements) or "conformance"})
        failure.text = _clean(json.dumps(case.evidence, indent=1, ensure_ascii=False)[:_EVIDENCE_CHARS])
        return "failures"
    kind = "harness-error" if case.outcome is Outcome.ERROR else f"not-run ({case.outcome.value})"
    ET.SubElement(element, "error", {"message": message or f"mandatory case {case.outcome.value}", "type": kind})
    return "errors"


def _uncovered_shortfall(result: RunResult, counts: dict[str, int]) -> str | None:
    """Why the verdict is not conformant when no failure or error element says so."""
    if result.verdict is Verdict.CONFORMANT or counts["failures"] or counts["errors"]:
        return None
    if result.interrupted:
        return "run interrupted: cases that never ran cannot have passed"
    return f"verdict {result.verdict.value}: no mandatory case ran"


def build_junit(result: RunResult) -> ET.Element:
    suite = ET.Element("testsuite", {"name": f"pact-conformance {result.spec}", "timestamp": result.started_at})
    props = ET.SubElement(suite, "properties")
    for name, value in properties(result).items():
        ET.SubElement(props, "property", {"name": name, "value": _clean(value)})
    counts = {"failures": 0, "errors": 0, "skipped": 0}
    for case in result.cases:
        element = ET.SubElement(suite, "testcase", {
            "classname": f"pact.{case.spec.area or 'case'}",
            "name": _clean(f"{case.spec.id}: {case.spec.title}"),
            "time": f"{case.duration_s:.3f}",
        })
        counter = _mark(element, case)
        if counter:
            counts[counter] += 1
    tests = len(result.cases)
    shortfall = _uncovered_shortfall(result, counts)
    if shortfall:
        extra = ET.SubElement(suite, "testcase", {"classname": "pact.run", "name": "run verdict", "time": "0"})
        ET.SubElement(extra, "error", {"message": shortfall, "type": result.verdict.value})
        counts["errors"] += 1
        tests += 1
    suite.set("tests", str(tests))
    for name, value in counts.items():
        suite.set(name, str(value))
    return suite


def write_junit(result: RunResult, path: Path) -> None:
    ET.ElementTree(build_junit(result)).write(path, encoding="utf-8", xml_declaration=True)
