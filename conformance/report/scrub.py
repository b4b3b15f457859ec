"""Secrets out of the reports, without touching the reports' own structure.

Why not search and replace in the written files: a short token ("e", "incomplete") then rewrites
JSON punctuation, XML tags or the verdict itself. Instead the writers get a copy of the result in
which only the strings that came from outside (messages, notes, evidence, findings' quotes, tables)
are cleaned and redacted; the files that libraries write themselves (allure-pytest's results, the
GxD footprints file) are scrubbed in the same string values only, and after that parsed again.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

from conformance.evidence import SecretBook
from conformance.redaction import MIN_SAFE_CHARS
from conformance.report.allure import EVIDENCE_SUFFIX
from conformance.results import CaseOutcome, RunResult
from conformance.sanitize import clean

# Fields of an exchange (Exchange.to_dict) and of a finding that quote the target; the rest are the harness's words.
_EXCHANGE_TEXT = ("url", "error", "note")
_FINDING_TEXT = ("pointer", "message", "footprint_id", "curl", "response", "value")
# allure-pytest's fields that can hold target text (exception messages and tracebacks, parameters).
_ALLURE_TEXT = ("statusDetails", "parameters", "steps", "description")
# Written by the report writers from the redacted result: never rewritten afterwards.
OWN_FILES = frozenset({"report.json", "report.html", "summary.md", "badge.json", "junit.xml"})


def too_short_note(secrets: SecretBook) -> str | None:
    """The run's warning when a secret is too short to be found inside text."""
    short = secrets.too_short()
    if not short:
        return None
    kinds = ", ".join(f"{kind} ({length} chars)" for kind, length in sorted(short.items()))
    return (f"secret too short to redact safely: {kinds}; under {MIN_SAFE_CHARS} characters only values equal to "
            "it are masked, so the reports may still contain it inside other text")


def redacted_result(result: RunResult, secrets: SecretBook) -> RunResult:
    """A copy of the result whose outside strings are cleaned and redacted; the verdict data untouched."""
    text = _Text(secrets)
    cases = [_case(case, text) for case in result.cases]
    notes = [text(note) for note in result.notes]
    warning = too_short_note(secrets)
    if warning and warning not in notes:
        notes.append(warning)
    return replace(result, cases=cases, notes=notes)


class _Text:
    def __init__(self, secrets: SecretBook) -> None:
        self.secrets = secrets

    def __call__(self, value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)  # 1e999999 from the target: report.json stays standard JSON
        return self.secrets.redact(clean(value)) if isinstance(value, str) else value

    def values(self, value: Any) -> Any:
        """Every string value below `value` (not the keys), as plain data from outside."""
        if isinstance(value, dict):
            return {key: self.values(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.values(item) for item in value]
        return self(value)

    def headers(self, headers: Any) -> Any:
        if not isinstance(headers, dict):
            return headers
        return {self(name): self(value) for name, value in headers.items()}


def _case(case: CaseOutcome, text: _Text) -> CaseOutcome:
    return replace(
        case,
        message=text(case.message),
        notes=[text(note) for note in case.notes],
        evidence=[_exchange(exchange, text) for exchange in case.evidence],
        findings=[_picked(finding, _FINDING_TEXT, text) for finding in case.findings],
        tables={name: text.values(rows) for name, rows in case.tables.items()},
    )


def _exchange(exchange: dict[str, Any], text: _Text) -> dict[str, Any]:
    shown = _picked(exchange, _EXCHANGE_TEXT, text)
    for side in ("request", "response"):
        part = exchange.get(side)
        if isinstance(part, dict):
            shown[side] = {**part, "headers": text.headers(part.get("headers")), "body": text(part.get("body"))}
    return shown


def _picked(data: dict[str, Any], keys: tuple[str, ...], text: _Text) -> dict[str, Any]:
    return {key: text.values(value) if key in keys else value for key, value in data.items()}


def scrub_library_files(report_dir: Path, secrets: SecretBook) -> int:
    """Redact the files the report writers did not write (allure-pytest, the GxD footprints); returns files changed."""
    text = _Text(secrets)
    changed = 0
    for path in sorted(report_dir.rglob("*")):
        own = path.name in OWN_FILES and path.parent == report_dir or path.name.endswith(EVIDENCE_SUFFIX)
        if own or not path.is_file():
            continue
        if _scrub_file(path, text):
            changed += 1
    return changed


def _scrub_file(path: Path, text: _Text) -> bool:
    raw = path.read_bytes()
    try:
        original = raw.decode("utf-8")
    except UnicodeDecodeError:
        original = raw.decode("utf-8", errors="replace")
    try:
        document = json.loads(original)
    except (ValueError, RecursionError):
        document = None
    if document is None:  # not JSON (an attachment of text): all of it is outside text
        scrubbed = text(original)
    elif path.name.endswith(("-result.json", "-container.json")) and isinstance(document, dict):
        scrubbed_doc = {key: text.values(value) if key in _ALLURE_TEXT else value for key, value in document.items()}
        scrubbed = original if scrubbed_doc == document else json.dumps(scrubbed_doc, ensure_ascii=False)
    else:  # outside data kept as JSON (attachments, gxd-footprints.json): every string value
        scrubbed_doc = text.values(document)
        scrubbed = original if scrubbed_doc == document else json.dumps(scrubbed_doc, ensure_ascii=False)
    if scrubbed == original and raw == original.encode("utf-8"):
        return False
    path.write_text(scrubbed, encoding="utf-8")
    return True
