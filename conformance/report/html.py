"""report.html: one self-contained page, no scripts; every target-supplied string is escaped (autoescape)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from conformance.report.labels import labels_for
from conformance.results import RunResult

_ENV = Environment(
    loader=PackageLoader("conformance.report", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


def render_html(result: RunResult, lang: str = "en") -> str:
    return _ENV.get_template("report.html.j2").render(r=result.to_dict(), L=labels_for(lang), lang=lang)


def write_html(result: RunResult, path: Path, lang: str = "en") -> None:
    path.write_text(render_html(result, lang), encoding="utf-8")
