"""The case list without importing the cases: `pact-conformance cases` reads an index kept in the user's cache.

Listing the cases imported every case module, and with them pytest, pydantic and httpx: two thirds of a CPU
second for a table. The index holds the fields of every declared CaseSpec. Its key is this tool's version and
the size and modification time of every source file of cases/ and conformance/ (a declaration may use a
constant of either), so an edit, an upgrade or another checkout builds it again. An index that cannot be
read, written or trusted means importing the cases, as before.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path

from conformance import __version__
from conformance.catalog import CaseSpec
from conformance.user_cache import private_dir

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("cases", "conformance")
_FIELDS = tuple(field.name for field in dataclasses.fields(CaseSpec))


def source_key() -> str:
    """What the declarations are made from: the version and every source file's name, size and mtime."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(p for folder in SOURCES for p in (ROOT / folder).rglob("*.py")):
        stat = path.stat()
        digest.update(f"\0{path.relative_to(ROOT)}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:24]


def listed_cases() -> list[CaseSpec]:
    """Every declared case, by id: from the index when it is current, else by importing the case modules."""
    folder = private_dir("cases")
    index = folder / f"index-{source_key()}.json" if folder is not None else None
    if index is not None:
        kept = _read(index)
        if kept is not None:
            return kept
    from conformance.coverage import load_cases

    declared = load_cases()
    if index is not None:
        _write(index, declared)
    return declared


def _read(index: Path) -> list[CaseSpec] | None:
    try:
        rows = json.loads(index.read_text(encoding="utf-8"))
        if not isinstance(rows, list) or not rows:
            return None
        specs = []
        for row in rows:
            if not isinstance(row, dict) or tuple(row) != _FIELDS:
                return None
            specs.append(CaseSpec(**{**row, "requirements": tuple(row["requirements"])}))
    except (OSError, ValueError, TypeError):
        return None
    return specs


def _write(index: Path, specs: list[CaseSpec]) -> None:
    """Atomically (a concurrent `cases` reads all of it or none), removing the indexes of other sources."""
    rows = [dataclasses.asdict(spec) for spec in specs]
    try:
        handle, staging = tempfile.mkstemp(prefix="index-", suffix=".tmp", dir=index.parent)
    except OSError:
        return  # not kept: the next listing imports the cases again
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(rows, out, ensure_ascii=False)
        os.replace(staging, index)
        for old in index.parent.glob("index-*.json"):
            if old != index:
                old.unlink(missing_ok=True)
    except OSError:
        Path(staging).unlink(missing_ok=True)
