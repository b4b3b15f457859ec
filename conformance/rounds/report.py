"""The round report: round.json (stable), round.csv (the matrix), round.html (self-contained, escaped)
and summary.md (for CI job summaries). Reads only the plain RoundResult."""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment

from conformance.report.summary_md import inert
from conformance.report.templates_env import report_environment
from conformance.rounds.labels import round_labels
from conformance.rounds.model import RoundResult


@cache
def _env() -> Environment:
    return report_environment("conformance.rounds")


_CELL = {"passed": "pass", "failed": "FAIL", "error": "ERROR", "skipped": "skip", "blocked": "blocked"}
# A matrix cell counts its area's cases in three groups; the worst group that holds a case colours the cell.
_GROUPS = (("failed", ("failed", "error")), ("skipped", ("skipped", "blocked")), ("passed", ("passed",)))


def _catalogue_areas() -> dict[str, str]:
    """Areas of the cases by id, for rows of older round.json files that did not record them."""
    from conformance.coverage import load_cases

    return {case.id: case.area for case in load_cases()}


def matrix(result: RoundResult) -> dict[str, Any]:
    """The compact matrix: one column per area (in catalogue order), one cell per solution and area with its
    counts and, behind a <details>, each case of the area with its outcome (bold: mandatory for the solution)."""
    known: dict[str, str] = {}
    for row in result.rows:
        known.update(row.areas)
    if any(case_id not in known for case_id in result.case_ids):
        known = {**_catalogue_areas(), **known}
    columns: dict[str, list[str]] = {}
    for case_id in result.case_ids:
        columns.setdefault(known.get(case_id) or "other", []).append(case_id)
    rows = []
    for row in result.rows:
        cells = []
        for area, case_ids in columns.items():
            cases = [{"id": c, "outcome": row.cases[c], "mandatory": c in row.mandatory, "official": row.official.get(c)}
                     for c in case_ids if c in row.cases]
            counts = {group: sum(c["outcome"] in outcomes for c in cases) for group, outcomes in _GROUPS}
            mandatory_failed = sum(c["outcome"] in ("failed", "error") and c["mandatory"] for c in cases)
            worst = next((group for group, _ in _GROUPS if counts[group]), "")
            cells.append({"area": area, "cases": cases, "counts": counts, "worst": worst,
                          "mandatory_failed": mandatory_failed})
        rows.append({"name": row.name, "verdict": row.shown_verdict, "cells": cells})
    return {"areas": [{"name": area, "cases": len(ids)} for area, ids in columns.items()], "rows": rows}


def _matrix_rows(result: RoundResult) -> list[list[str]]:
    header = ["solution", "spec", "status", "verdict", "official_verdict", "duration_s", *result.case_ids]
    rows = [header]
    for row in result.rows:
        rows.append([row.name, row.spec, row.status, row.verdict, row.official_verdict or "",
                     f"{row.duration_s:.1f}", *(row.cases.get(case_id, "") for case_id in result.case_ids)])
    return rows


def _csv_safe(value: str) -> str:
    """Keep a spreadsheet from reading a target-influenced cell as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def write_round_reports(result: RoundResult, round_dir: Path, lang: str | None = None) -> None:
    """round.json and round.csv stay language-neutral; round.html and summary.md follow `lang` (default: the round's)."""
    lang = lang or result.lang
    round_dir.mkdir(parents=True, exist_ok=True)
    data = result.to_dict()
    (round_dir / "round.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    with (round_dir / "round.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([[_csv_safe(cell) for cell in row] for row in _matrix_rows(result)])
    (round_dir / "round.html").write_text(
        _env().get_template("round.html.j2").render(r=data, cell=_CELL, t=round_labels(lang), lang=lang,
                                                  m=matrix(result), shown=shown_verdicts(result)),
        encoding="utf-8")
    (round_dir / "summary.md").write_text(round_summary_markdown(result, lang), encoding="utf-8")


def shown_verdicts(result: RoundResult) -> dict[str, Any]:
    """What the round shows of each row's verdict ('partial' for a partial run) and how many are conformant."""
    return {"rows": [row.shown_verdict for row in result.rows],
            "conformant": sum(row.shown_verdict == "conformant" for row in result.rows)}


def _md(text: str) -> str:
    """Target-influenced text (messages, product ids) made inert in Markdown and HTML."""
    return inert(text, limit=200)


def round_summary_markdown(result: RoundResult, lang: str | None = None) -> str:
    t = round_labels(lang or result.lang)
    conformant = shown_verdicts(result)["conformant"]
    lines = [f"**{t['title'].format(name=_md(result.name))}: "
             f"{t['conformant_of'].format(conformant=conformant, total=len(result.rows))}**", "",
             "| " + " | ".join(t[k] for k in ("solution", "spec", "verdict", "official", "failed_mandatory",
                                               "newly_passing", "regressed", "certificate", "note")) + " |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in result.rows:
        failed = [c for c in row.mandatory if row.cases.get(c) in ("failed", "error")]
        certificate = "-"
        if row.certificate:
            certificate = row.certificate["path"] + (f" ({t['self_signed']})" if row.certificate.get("public_key") else "")
        lines.append(f"| {_md(row.name)} | {row.spec} | {t.get(row.shown_verdict, row.shown_verdict)} | "
                     f"{t.get(row.official_verdict or '-', row.official_verdict or '-')} | "
                     f"{_md(', '.join(failed)) or '-'} | {_md(', '.join(row.changes.get('newly_passing', []))) or '-'} | "
                     f"{_md(', '.join(row.changes.get('regressed', []))) or '-'} | {_md(certificate)} | "
                     f"{_md(row.message) or '-'} |")
    for chain in result.chains:
        lines += ["", f"{t['chain_line']} **{_md(chain['chain'])}**: {chain['verdict']}"
                  + (f" ({_md(chain['reason'])})" if chain["reason"] else "")]
    return "\n".join(lines) + "\n"
