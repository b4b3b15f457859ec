"""`pact-conformance cases` from the kept index: the same list as importing the cases, rebuilt on any edit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conformance import case_index
from conformance.case_index import listed_cases, source_key
from conformance.coverage import load_cases

LIST_AND_MODULES = """
import io, json, sys
from conformance.cli import main
out = io.StringIO()
code = main(["cases"], out=out)
print(json.dumps({"code": code, "text": out.getvalue(), "pytest": "pytest" in sys.modules}))
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "pact-conformance" / "cases"


def _cases_command(cache: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", LIST_AND_MODULES], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "XDG_CACHE_HOME": str(cache.parents[1])}, check=True)
    return json.loads(done.stdout)


def test_the_second_listing_reads_the_index_and_prints_the_same(cache: Path) -> None:
    first, second = _cases_command(cache), _cases_command(cache)
    assert first["code"] == second["code"] == 0
    assert first["pytest"] and not second["pytest"]  # the first imported the cases, the second read the index
    assert first["text"] == second["text"] and str(first["text"]).rstrip().endswith(f"{len(load_cases())} cases")
    assert len(list(cache.glob("index-*.json"))) == 1


def test_the_index_holds_exactly_the_declared_cases(cache: Path) -> None:
    assert listed_cases() == load_cases()  # built by importing
    assert listed_cases() == load_cases()  # read back


def test_an_edited_source_file_changes_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for folder in case_index.SOURCES:
        (tmp_path / folder / "sub").mkdir(parents=True)
    source = tmp_path / "conformance" / "sub" / "constants.py"
    source.write_text("MANDATORY = '>=2.2'\n")
    monkeypatch.setattr(case_index, "ROOT", tmp_path)
    before = source_key()
    assert source_key() == before
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 1_000_000))
    touched = source_key()
    (tmp_path / "cases" / "new_area.py").write_text("")
    assert len({before, touched, source_key()}) == 3


@pytest.mark.parametrize("damage", ["not json", "[]", '[{"id": "X"}]', json.dumps([{"unexpected": 1}])])
def test_a_damaged_index_is_ignored_and_rebuilt(cache: Path, damage: str) -> None:
    declared = listed_cases()
    (index,) = cache.glob("index-*.json")
    index.write_text(damage, encoding="utf-8")
    assert listed_cases() == declared
    assert json.loads(index.read_text(encoding="utf-8"))[0]["id"] == declared[0].id


def test_no_usable_cache_means_importing_the_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "cache-is-a-file"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert listed_cases() == load_cases()
