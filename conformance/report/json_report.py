"""report.json: the machine-readable, versioned report format (see README, "Report format")."""

from __future__ import annotations

import json
from pathlib import Path

from conformance.results import RunResult


def write_json(result: RunResult, path: Path) -> None:
    path.write_text(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
