"""The round report (round.html, summary.md) takes --lang ja like a run's report; target strings stay inert."""

from __future__ import annotations

from pathlib import Path

from conformance.cli import _parser
from conformance.rounds.model import RoundResult, SolutionRow
from conformance.rounds.report import round_summary_markdown, write_round_reports
from tests.harness import executable_content


def _round() -> RoundResult:
    row = SolutionRow(name="<b>vendor</b>", index=0, spec="2.3", profiles=[], status="completed", verdict="not-conformant",
                      official_verdict="conformant", cases={"LIST-OK": "failed"}, mandatory=["LIST-OK"],
                      summary={"mandatory": {"passed": 0, "failed": 1, "error": 0, "skipped": 0}})
    return RoundResult(name="r<1>", roster_digest="d", round_id="id", started_at="s", finished_at="f", rows=[row])


def test_japanese_round_report(tmp_path: Path) -> None:
    write_round_reports(_round(), tmp_path, "ja")
    html = (tmp_path / "round.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in html and "マトリクス: ソリューション × 区分" in html and "不適合" in html
    assert "Matrix: solutions" not in html and "word-break:keep-all" in html
    assert executable_content(html) == [] and "<b>vendor" not in html
    summary = round_summary_markdown(_round(), "ja")
    assert summary.startswith("**PACT 適合性試験ラウンド r&lt;1&gt;: 1 ソリューション中 0 件が適合**")
    assert "| 不適合 | 適合 | LIST-OK |" in summary


def test_english_round_report_is_unchanged_in_substance(tmp_path: Path) -> None:
    write_round_reports(_round(), tmp_path)
    html = (tmp_path / "round.html").read_text(encoding="utf-8")
    assert "Matrix: solutions × areas" in html and "not conformant" in html
    assert round_summary_markdown(_round()).startswith("**PACT conformance round r&lt;1&gt;: 0 of 1 solutions conformant**")


def test_round_and_merge_accept_lang() -> None:
    assert _parser().parse_args(["round", "roster.toml", "--lang", "ja"]).lang == "ja"
    assert _parser().parse_args(["merge", "a", "--lang", "ja"]).lang == "ja"
