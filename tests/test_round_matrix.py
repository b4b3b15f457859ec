"""The round matrix is compact: one column per area with the counts of its cases, each cell a <details> that lists
the cases (no script); a row of a partial run (-k, --no-fuzz, ...) is shown as partial, never as conformant."""

from __future__ import annotations

import re
from pathlib import Path

from conformance.coverage import load_cases
from conformance.rounds.commands import _row_line
from conformance.rounds.model import RoundResult, SolutionRow
from conformance.rounds.report import matrix, round_summary_markdown, write_round_reports
from tests.harness import executable_content


def _row(name: str, verdict: str, cases: dict[str, str], partial: list[str] | None = None) -> SolutionRow:
    return SolutionRow(name=name, index=0, spec="2.3", profiles=[], status="completed", verdict=verdict,
                       cases=cases, mandatory=list(cases), partial=partial or [])


def _round() -> RoundResult:
    every = {case.id: "passed" for case in load_cases() if case.applies_to("2.3", frozenset())}
    broken = {**every, "AUTH-TOKEN": "failed", "LIST-OK": "skipped"}
    rows = [_row("full", "conformant", every), _row("<i>broken</i>", "not-conformant", broken),
            _row("selected", "conformant", {"AUTH-TOKEN": "passed"}, ["selection"])]
    return RoundResult(name="r", roster_digest="d", round_id="id", started_at="s", finished_at="f", rows=rows)


def test_one_column_per_area_with_counts_and_the_cases_behind_a_details(tmp_path: Path) -> None:
    result = _round()
    shown = matrix(result)
    areas = {case.area for case in load_cases() if case.id in result.case_ids}
    assert [a["name"] for a in shown["areas"]] and {a["name"] for a in shown["areas"]} == areas
    broken = {cell["area"]: cell for cell in shown["rows"][1]["cells"]}
    assert broken["auth"]["worst"] == "failed" and broken["auth"]["counts"]["failed"] == 1
    assert broken["auth"]["mandatory_failed"] == 1 and broken["list"]["worst"] == "skipped"
    write_round_reports(result, tmp_path)
    html = (tmp_path / "round.html").read_text(encoding="utf-8")
    table = html[html.index('<table class="matrix">'):]
    header = table[:table.index("</tr>")]
    assert header.count("<th>") == len(areas) + 2  # solution, verdict, one per area: not one per case
    assert table.count("<details>") == sum(1 for row in shown["rows"] for cell in row["cells"] if cell["cases"])
    assert "AUTH-TOKEN: failed" in table and "<i>broken" not in html and executable_content(html) == []
    assert len(re.findall(r"<th class=\"case\"", html)) == 0


def test_a_partial_row_is_never_shown_as_conformant(tmp_path: Path) -> None:
    result = _round()
    assert [row.shown_verdict for row in result.rows] == ["conformant", "not-conformant", "partial"]
    write_round_reports(result, tmp_path)
    html = (tmp_path / "round.html").read_text(encoding="utf-8")
    assert "1 of 3 solutions conformant" in html and 'class="v-partial">partial' in html
    summary = round_summary_markdown(result)
    assert "1 of 3 solutions conformant" in summary and "| selected | 2.3 | partial |" in summary
    assert _row_line(result.rows[2]).startswith("PARTIAL ")
    assert (tmp_path / "round.json").read_text(encoding="utf-8").count('"selection"') == 1  # the computed verdict stays


def test_a_row_reads_the_scope_of_its_report() -> None:
    report = {"verdict": "conformant", "scope": {"partial": True, "reasons": ["selection"]},
              "cases": [{"id": "AUTH-TOKEN", "outcome": "passed", "area": "auth", "mandatory": True}]}
    row = SolutionRow.from_report(report, name="a", index=0, spec="2.3", profiles=[])
    assert row.partial == ["selection"] and row.areas == {"AUTH-TOKEN": "auth"} and row.shown_verdict == "partial"
    old = SolutionRow.from_report({"verdict": "conformant", "cases": []}, name="a", index=0, spec="2.3", profiles=[])
    assert old.partial == [] and old.shown_verdict == "conformant"
