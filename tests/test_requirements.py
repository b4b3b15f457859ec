"""The requirement catalogue (conformance/requirements/catalogue.toml): every id a case or data rule cites has an
entry with text and fix hint in English and Japanese, a known basis and a spec link; `cases --coverage` writes it
as text, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conformance.cli import main
from conformance.coverage import REQUIREMENT_IDS, cited_by
from conformance.requirements import BASES, LANGS, catalogue


def test_every_cited_requirement_has_an_entry() -> None:
    missing = {rid: who for rid, who in cited_by().items() if rid not in catalogue()}
    assert not missing, f"requirement ids cited without a catalogue entry: {missing}"


def test_every_entry_is_complete_in_both_languages() -> None:
    for entry in catalogue().values():
        assert entry.basis in BASES, entry.id
        for lang in LANGS:
            assert entry.text.get(lang, "").strip() and entry.fix.get(lang, "").strip(), (entry.id, lang)
        assert entry.text["en"] != entry.text["ja"] and entry.fix["en"] != entry.fix["ja"], entry.id
        if entry.basis == "contested":
            assert all(len(entry.sides.get(lang, [])) == 2 for lang in LANGS), entry.id
        assert entry.url("2.3").startswith("https://") and entry.url("3.0").startswith("https://")


def test_entries_name_known_requirements_only() -> None:
    unknown = sorted(set(catalogue()) - set(REQUIREMENT_IDS))
    assert not unknown, f"catalogue entries for ids the requirement list does not have: {unknown}"


def test_links_follow_the_spec_version() -> None:
    entry = catalogue()["AUTH-01"]
    assert "/v2.2.0/#" in entry.url("2.2") and "/latest/" in entry.url("3.0")
    assert "gxd-extension" in catalogue()["GXD-11"].url("2.3")


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_coverage_for_other_tools(fmt: str) -> None:
    out = io.StringIO()
    assert main(["cases", "--coverage", "--format", fmt], out=out) == 0
    rows = json.loads(out.getvalue()) if fmt == "json" else list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [row["id"] for row in rows] == list(REQUIREMENT_IDS)
    get06 = next(row for row in rows if row["id"] == "GET-06")
    assert get06["text_en"] == catalogue()["GET-06"].text["en"] and get06["text_ja"]
    assert get06["url"].startswith("https://") and "GET-NOT-FOUND" in get06["checked_by"]
    unchecked = next(row for row in rows if row["id"] == "GEN-03")
    assert unchecked["checked_by"] == "" and unchecked["not_checked_because"]
