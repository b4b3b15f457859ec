"""badge.json: the verdict in shields.io's endpoint format, so a README badge can follow the latest CI run.

Kept small and stable (English, one message per verdict): badge services cache it and people link to it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformance.report.scope import PARTIAL, shown_verdict
from conformance.results import RunResult, Verdict

_MESSAGE_AND_COLOR = {
    Verdict.CONFORMANT.value: ("conformant", "brightgreen"),
    Verdict.NOT_CONFORMANT.value: ("not conformant", "red"),
    Verdict.INCOMPLETE.value: ("incomplete", "orange"),
    PARTIAL: ("partial", "yellow"),  # conformant on a subset: -k, --official-only, --insecure-tls, --no-fuzz
}


def badge(result: RunResult) -> dict[str, Any]:
    message, color = _MESSAGE_AND_COLOR[shown_verdict(result)]
    return {"schemaVersion": 1, "label": f"PACT {result.spec}", "message": message, "color": color}


def write_badge(result: RunResult, path: Path) -> None:
    path.write_text(json.dumps(badge(result)) + "\n", encoding="utf-8")
