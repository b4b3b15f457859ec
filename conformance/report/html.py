"""report.html: one self-contained page, no scripts; every target-supplied string is escaped (autoescape).

Read top-down: the verdicts, then what failed and how to fix it (report/failures.py), then every case grouped
by area in a <details> per area, open where a mandatory case failed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment

from conformance.report.failures import areas, failure_cards
from conformance.report.labels import case_title, labels_for
from conformance.report.messages import render_message, render_value
from conformance.report.pictures import area_bar, gxd_chains
from conformance.report.scope import scope_texts, shown_parts, shown_verdict
from conformance.report.templates_env import report_environment
from conformance.results import RunResult


@cache
def _env() -> Environment:
    return report_environment("conformance.report")


def render_html(result: RunResult, lang: str = "en") -> str:
    report = result.to_dict()
    report["verdicts"] = shown_parts(result)
    for case in report["cases"]:
        case["title"] = case_title(case["id"], case["title"], lang)
        case["message"] = render_message(case["message"], lang)
    labels = labels_for(lang)
    chains = gxd_chains(report["cases"])
    for chain in chains:
        for segment in chain["bar"]:
            segment["key"] = render_value(segment["key"], lang)
    for case in report["cases"]:  # copies: the run's own tables stay as they are
        case["tables"] = {name: [{key: render_value(value, lang) for key, value in row.items()} for row in rows]
                          for name, rows in case["tables"].items()}
    grouped = areas(report["cases"])
    for area in grouped:
        area["bar"] = area_bar(area["counts"])
    return _env().get_template("report.html.j2").render(r=report, L=labels, lang=lang, shown=shown_verdict(result),
                                                      scope=scope_texts(result, labels),
                                                      cards=failure_cards(result, lang), areas=grouped,
                                                      chains=chains, msg=lambda text: render_message(text or "", lang))


def write_html(result: RunResult, path: Path, lang: str = "en") -> None:
    path.write_text(render_html(result, lang), encoding="utf-8")
