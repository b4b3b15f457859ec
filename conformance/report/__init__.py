"""Report writers: report.json (stable), report.html (self-contained, escaped), summary.md and badge.json
(for CI), junit.xml, allure results.

Writers read only the plain RunResult. After writing, every artefact in the
report folder is scrubbed of registered secrets, so a leak from any source
(a target echoing a token, a library's own output) cannot survive.
"""

from __future__ import annotations

from pathlib import Path

from conformance.evidence import SecretBook
from conformance.report.allure import enrich_allure_results
from conformance.report.badge import write_badge
from conformance.report.html import write_html
from conformance.report.json_report import write_json
from conformance.report.junit import write_junit
from conformance.report.summary_md import write_summary_md
from conformance.results import RunResult


def scrub_secrets(report_dir: Path, secrets: SecretBook) -> int:
    """Redact any registered secret in every file under report_dir; returns files changed."""
    values = [v.encode("utf-8") for v in secrets.values()]
    changed = 0
    for path in report_dir.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if any(value in data for value in values):
            text = data.decode("utf-8", errors="replace")
            path.write_text(secrets.redact(text), encoding="utf-8")
            changed += 1
    return changed


def write_reports(result: RunResult, report_dir: Path, secrets: SecretBook, lang: str = "en") -> None:
    report_dir.mkdir(parents=True, exist_ok=True)
    write_json(result, report_dir / "report.json")
    write_html(result, report_dir / "report.html", lang=lang)
    write_summary_md(result, report_dir / "summary.md", lang=lang)
    write_badge(result, report_dir / "badge.json")
    write_junit(result, report_dir / "junit.xml")
    enrich_allure_results(result, report_dir / "allure-results")
    scrub_secrets(report_dir, secrets)
