"""junit.xml for CI systems: one testcase per conformance case, optional failures as skipped-with-warning."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from conformance.results import Outcome, RunResult

# XML 1.0 forbids most control characters; a hostile target may send them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def write_junit(result: RunResult, path: Path) -> None:
    counts = {o: sum(1 for c in result.cases if c.outcome is o and c.mandatory) for o in Outcome}
    suite = ET.Element("testsuite", {
        "name": f"pact-conformance {result.spec}",
        "tests": str(len(result.cases)),
        "failures": str(counts[Outcome.FAILED]),
        "errors": str(counts[Outcome.ERROR]),
        "skipped": str(sum(1 for c in result.cases if c.outcome is Outcome.SKIPPED or (not c.mandatory and c.outcome is not Outcome.PASSED))),
        "timestamp": result.started_at,
    })
    properties = ET.SubElement(suite, "properties")
    for name, value in (("verdict", result.verdict.value), ("spec", result.spec),
                        ("profiles", ",".join(result.profiles)), ("insecure_tls", str(result.insecure_tls).lower())):
        ET.SubElement(properties, "property", {"name": name, "value": value})
    for case in result.cases:
        element = ET.SubElement(suite, "testcase", {
            "classname": f"pact.{case.spec.area or 'case'}",
            "name": _clean(f"{case.spec.id}: {case.spec.title}"),
            "time": f"{case.duration_s:.3f}",
        })
        message = _clean(case.message)
        if case.outcome is Outcome.PASSED:
            pass
        elif not case.mandatory:  # optional cases never fail a CI gate: reported as skipped warnings
            ET.SubElement(element, "skipped", {"message": _clean(f"optional case {case.outcome.value}: {case.message}")})
        elif case.outcome is Outcome.FAILED:
            failure = ET.SubElement(element, "failure", {"message": message, "type": ",".join(case.failed_requirements) or "conformance"})
            failure.text = _clean(json.dumps(case.evidence, indent=1, ensure_ascii=False)[:20000])
        elif case.outcome is Outcome.ERROR:
            ET.SubElement(element, "error", {"message": message})
        else:
            ET.SubElement(element, "skipped", {"message": message})
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
