"""Every label the HTML report and CLI summary print, per language.

Keys are the same in every language; a test checks that no language misses one.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "PACT conformance report",
        "verdict": "Verdict",
        "conformant": "conformant",
        "not-conformant": "not conformant",
        "incomplete": "incomplete",
        "target": "Target",
        "spec": "Spec version",
        "profiles": "Profiles",
        "none": "none",
        "started": "Started",
        "finished": "Finished",
        "tool": "Tool",
        "insecure_tls": "TLS verification was switched OFF for this run (--insecure-tls). This result must not be used for certification.",
        "summary": "Summary",
        "mandatory": "mandatory",
        "optional": "optional",
        "cases": "Cases",
        "case": "Case",
        "official": "Official",
        "outcome": "Outcome",
        "requirements": "Requirements",
        "message": "Message",
        "duration": "Duration (s)",
        "details": "Details and evidence",
        "notes": "Notes",
        "findings": "Findings",
        "evidence": "Exchanges (secrets redacted)",
        "request": "Request",
        "response": "Response",
        "error": "Error",
        "passed": "passed",
        "failed": "failed",
        "skipped": "not run",
        "beyond_official": "beyond the official tool",
        "verdicts": "Verdict per part",
        "pact": "PACT",
        "gxd": "GxD",
        "yes": "yes",
        "no": "no",
        "rule": "Rule",
        "pointer": "Location",
        "severity": "Severity",
        "footprint": "Footprint",
        "truncated": "(truncated)",
    },
}


def labels_for(lang: str) -> dict[str, str]:
    return LABELS.get(lang, LABELS["en"])
