"""Japanese reports: every case has a Japanese title, every label exists in both languages, and a `--lang ja`
report shows the Japanese title and no English label."""

from __future__ import annotations

import pytest
from markupsafe import escape

from conformance.coverage import load_cases
from conformance.report.html import render_html
from conformance.report.labels import LABELS
from conformance.report.titles_ja import CASE_TITLES_JA
from conformance.results import CaseOutcome, Outcome, RunResult

# Label values that must not show up in a Japanese report (capitalised, so they cannot match markup or CSS).
ENGLISH_ONLY_KEYS = ("title", "verdict", "summary", "cases", "requirements", "details", "spec", "duration")


def test_every_case_has_a_japanese_title() -> None:
    ids = {c.id for c in load_cases()}
    missing = sorted(i for i in ids if not CASE_TITLES_JA.get(i, "").strip())
    stale = sorted(set(CASE_TITLES_JA) - ids)
    assert not missing, f"cases without a Japanese title: {missing}"
    assert not stale, f"Japanese titles of cases that no longer exist: {stale}"


def test_titles_are_sorted_by_id() -> None:
    assert list(CASE_TITLES_JA) == sorted(CASE_TITLES_JA)


def test_labels_have_the_same_keys_in_both_languages() -> None:
    assert set(LABELS["en"]) == set(LABELS["ja"])
    for lang, labels in LABELS.items():
        empty = sorted(k for k, v in labels.items() if not v.strip())
        assert not empty, f"empty {lang} labels: {empty}"


def _run(case_ids: list[str]) -> RunResult:
    specs = {c.id: c for c in load_cases()}
    return RunResult(
        tool_version="0",
        target={"base_url": "https://target.example", "spec_version": "3.0", "profiles": []},
        spec="3.0",
        profiles=[],
        started_at="2025-01-01T00:00:00Z",
        finished_at="2025-01-01T00:00:01Z",
        cases=[CaseOutcome(spec=specs[i], mandatory=True, outcome=Outcome.PASSED, notes=["a note"]) for i in case_ids],
        run_id="i18n-test",
    )


@pytest.mark.parametrize("key", ENGLISH_ONLY_KEYS)
def test_checked_labels_differ_between_languages(key: str) -> None:
    assert LABELS["en"][key] != LABELS["ja"][key]


def test_japanese_report_uses_japanese_titles_and_labels() -> None:
    case_ids = ["GET-OK", "PAGE-LINK"]  # PAGE-LINK's title has quotes: it appears escaped
    run = _run(case_ids)
    html = render_html(run, lang="ja")
    for outcome in run.cases:
        assert str(escape(CASE_TITLES_JA[outcome.spec.id])) in html
        assert str(escape(outcome.spec.title)) not in html
    for key in ENGLISH_ONLY_KEYS:
        assert LABELS["en"][key] not in html, f"English label {key!r} in a Japanese report"
        assert str(escape(LABELS["ja"][key])) in html


def test_english_report_keeps_english_titles() -> None:
    run = _run(["GET-OK"])
    html = render_html(run, lang="en")
    assert run.cases[0].spec.title in html
    assert CASE_TITLES_JA["GET-OK"] not in html


def test_every_gxd_table_and_column_has_a_label_in_both_languages() -> None:
    from dataclasses import fields

    from conformance.rules.finding import Finding
    from conformance.rules.gxd_chain import ChainResult, HotspotRow, TierRow

    columns = {f.name for row in (TierRow, HotspotRow, Finding) for f in fields(row)}
    tables = set(ChainResult().to_rows())
    for lang, labels in LABELS.items():
        missing = sorted({f"col_{c}" for c in columns} | {f"table_{t}" for t in tables} - set(labels))
        assert not [key for key in missing if key not in labels], (lang, missing)


def test_japanese_report_keeps_cjk_words_whole() -> None:
    html = render_html(_run(["GET-OK"]), lang="ja")
    assert "word-break:keep-all" in html and '<col class="c-outcome">' in html
