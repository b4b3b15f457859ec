"""report.json, summary.md and badge.json for a run that never judged the target (exit 2 or 3, or a harness stop).

A CI step that publishes `summary.md` or reads `report.json` runs after every exit code; without these files it
fails too and hides the one line that says what went wrong. The verdict is `not-tested`: no case ran, so nothing
about the target is claimed. A folder that already holds a report is left alone (the error may be about it).
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from conformance.evidence import SecretBook
from conformance.report.labels import labels_for
from conformance.report.summary_md import inert
from conformance.results import REPORT_FORMAT_VERSION, Outcome

NOT_TESTED = "not-tested"
_NONE_RAN = {outcome.value: 0 for outcome in Outcome}
# Environment variables that may hold a secret the error line could echo; scrubbed like any report.
_SECRET_ENV = ("PACT_CLIENT_SECRET", "PACT_RESTRICTED_CLIENT_SECRET", "PACT_CALLBACK_CLIENT_SECRET", "PACT_EXPIRED_TOKEN")


def not_tested_report(reason: str, exit_code: int, *, target_url: str, spec: str, profiles: list[str]) -> dict[str, Any]:
    """The report.json document: the usual top-level keys, no cases, the reason and the exit code."""
    from conformance import __version__

    now = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
    return {
        "format_version": REPORT_FORMAT_VERSION,
        "tool": {"name": "pact-gxd-conformance", "version": __version__},
        "run_id": None,
        "target": {"base_url": target_url, "spec_version": spec, "profiles": profiles},
        "started_at": now,
        "finished_at": now,
        "verdict": NOT_TESTED,
        "verdicts": {},
        "reason": reason,
        "exit_code": exit_code,
        "summary": {"total": 0, "mandatory": dict(_NONE_RAN), "optional": dict(_NONE_RAN), "warnings": 0},
        "notes": [],
        "cases": [],
    }


def not_tested_markdown(report: dict[str, Any], lang: str = "en") -> str:
    labels = labels_for(lang)
    target = report["target"]
    code = report["exit_code"]
    return "\n".join([
        f"**{labels['md_heading'].format(spec=inert(str(target['spec_version'])))}: ⛔ {labels[NOT_TESTED]}**",
        "",
        f"- {labels['reason']}: {inert(report['reason'], 500)}",
        f"- {labels['exit_code']}: {code} ({labels.get(f'exit_{code}', '')})",
        f"- {labels['target']}: {inert(str(target['base_url']))}",
    ]) + "\n"


def write_not_tested(report_dir: Path, report: dict[str, Any], lang: str = "en",
                     secrets: SecretBook | None = None) -> bool:
    """Write the three files unless the folder already holds a report; False when nothing was written.

    The reason and the target URL may echo a secret (a mistyped flag, a URL): both are redacted before
    anything is written, as every other report is (no search-and-replace over the files afterwards).
    """
    book = secrets or SecretBook()
    for name in _SECRET_ENV:
        book.add(os.environ.get(name), "secret")
    report = {**report, "reason": book.redact(str(report["reason"])),
              "target": {**report["target"], "base_url": book.redact(str(report["target"]["base_url"]))}}
    from conformance.report_dir import in_use

    try:
        if (report_dir / "report.json").exists() or in_use(report_dir):  # never into another run's folder
            return False
        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (report_dir / "summary.md").write_text(not_tested_markdown(report, lang), encoding="utf-8")
        badge = {"schemaVersion": 1, "label": f"PACT {report['target']['spec_version']}", "message": "not tested",
                 "color": "lightgrey"}
        (report_dir / "badge.json").write_text(json.dumps(badge) + "\n", encoding="utf-8")
    except OSError:
        return False  # the error being reported may be this very folder
    return True
