"""Report writers: report.json (stable), report.html (self-contained, escaped), summary.md and badge.json
(for CI), junit.xml, allure results.

Writers read only the plain RunResult, and only a copy of it whose strings from outside are cleaned
and redacted (report/scrub.py); the files libraries wrote during the run are then scrubbed in those
strings only. No search-and-replace runs over a whole file: a short secret cannot break a report.
"""

from __future__ import annotations

from pathlib import Path

from conformance.evidence import SecretBook
from conformance.report.allure import enrich_allure_results
from conformance.report.badge import write_badge
from conformance.report.html import write_html
from conformance.report.json_report import write_json
from conformance.report.junit import write_junit
from conformance.report.scrub import redacted_result, scrub_library_files
from conformance.report.summary_md import write_summary_md
from conformance.results import RunResult


def write_reports(result: RunResult, report_dir: Path, secrets: SecretBook, lang: str = "en") -> None:
    report_dir.mkdir(parents=True, exist_ok=True)
    result = redacted_result(result, secrets)
    write_json(result, report_dir / "report.json")
    write_html(result, report_dir / "report.html", lang=lang)
    write_summary_md(result, report_dir / "summary.md", lang=lang)
    write_badge(result, report_dir / "badge.json")
    write_junit(result, report_dir / "junit.xml")
    enrich_allure_results(result, report_dir / "allure-results")
    scrub_library_files(report_dir, secrets)
