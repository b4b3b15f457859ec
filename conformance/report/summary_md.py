"""summary.md: the run in a few lines of Markdown for CI job summaries (e.g. GitHub's $GITHUB_STEP_SUMMARY).

A job summary is rendered as Markdown with HTML, so every string that may come from the target is
made inert: HTML characters become entities, and the characters that could open a link, code span,
emphasis or a new table cell are backslash-escaped; control characters become U+FFFD. Credentials never appear (only the base URL).
"""

from __future__ import annotations

import html
from pathlib import Path

from conformance.report.labels import labels_for
from conformance.report.messages import render_message
from conformance.report.scope import PARTIAL, scope_texts, shown_parts, shown_verdict
from conformance.results import Outcome, RunResult, Verdict
from conformance.sanitize import one_line

_ICON = {Verdict.CONFORMANT: "✅", Verdict.NOT_CONFORMANT: "❌", Verdict.INCOMPLETE: "⚠️"}
_PARTIAL_ICON = "🟡"


def _icon(shown: str) -> str:
    return _PARTIAL_ICON if shown == PARTIAL else _ICON[Verdict(shown)]
_MARKDOWN_SPECIAL = str.maketrans({char: "\\" + char for char in "\\`*_[]|"})
_MESSAGE_CHARS = 200
_NONE = "—"
_KEYS_SHOWN = 20  # finding keys listed per baseline group; report.json holds them all


def inert(text: str, limit: int = _MESSAGE_CHARS) -> str:
    """The first line of `text`, shortened, as Markdown that renders literally (also inside a table cell)."""
    line = " ".join(one_line((text.splitlines() or [""])[0]).split())  # no terminal escape, NUL or surrogate
    if len(line) > limit:
        line = line[: limit - 1] + "…"
    return html.escape(line.translate(_MARKDOWN_SPECIAL), quote=True)


def _ids(case_ids: list[str], marked: list[str], mark: str) -> str:
    shown = [inert(case_id) + (f" ({mark})" if case_id in marked else "") for case_id in case_ids]
    return ", ".join(shown) or _NONE


def _failed_mandatory_table(result: RunResult, labels: dict[str, str], lang: str) -> list[str]:
    failing = [c for c in result.cases if c.mandatory and c.outcome in (Outcome.FAILED, Outcome.ERROR)]
    if not failing:
        return []
    lines = ["", f"### {labels['failed_mandatory']}", "",
             f"| {labels['case']} | {labels['official']} | {labels['outcome']} | {labels['requirements']} | {labels['message']} |",
             "|---|---|---|---|---|"]
    for case in failing:
        requirements = ", ".join(case.failed_requirements or case.spec.requirements)
        lines.append(f"| {inert(case.spec.id)} | {inert(case.spec.official or _NONE)} | {labels[case.outcome.value]} | "
                     f"{inert(requirements) or _NONE} | {inert(render_message(case.message, lang)) or _NONE} |")
    return lines


def _baseline_section(result: RunResult, labels: dict[str, str]) -> list[str]:
    comparison = result.baseline
    if comparison is None:
        return []
    icon, status = ("❌", labels["regression"]) if comparison.regression else ("✅", labels["no_regression"])
    verdict = labels[comparison.verdict] if comparison.verdict else _NONE
    lines = ["", f"### {labels['baseline']}", "", f"{icon} {status}", "",
             f"- {labels['baseline_run']}: {inert(comparison.path)} ({inert(comparison.run_id or _NONE)}, {verdict})"]
    for group, case_ids in comparison.groups().items():
        shown = _ids(case_ids, comparison.new_mandatory_failures, labels["mandatory"])
        lines.append(f"- **{labels[group]} ({len(case_ids)}):** {shown}")
    for group, keys in comparison.finding_groups().items():
        shown = _ids(keys[:_KEYS_SHOWN], comparison.new_error_findings, "error")
        more = f" … (+{len(keys) - _KEYS_SHOWN})" if len(keys) > _KEYS_SHOWN else ""
        lines.append(f"- **{labels[group]} ({len(keys)}):** {shown}{more}")
    return lines


def verdict_pair(result: RunResult, labels: dict[str, str], *, icons: bool = False) -> str:
    """"Official tool (predicted): … · full: …", the two verdicts every report shows side by side."""
    def shown(verdict: Verdict | None) -> str:
        if verdict is None:
            return labels["not_predicted"]
        return (f"{_ICON[verdict]} " if icons else "") + labels[verdict.value]
    return labels["verdict_pair"].format(official=shown(result.official_verdict), full=shown(result.verdict))


def summary_markdown(result: RunResult, lang: str = "en") -> str:
    labels = labels_for(lang)
    counts = result.summary()
    parts = ", ".join(f"{labels.get(part, part)}: {_icon(v)} {labels[v]}" for part, v in shown_parts(result).items())
    shown = shown_verdict(result)
    lines = [
        f"**{labels['md_heading'].format(spec=result.spec)}: {_icon(shown)} {labels[shown]}**",
        "",
        f"- {labels['target']}: {inert(str(result.target.get('base_url', '')))} · {labels['spec']}: {result.spec}"
        f" · {labels['profiles']}: {', '.join(result.profiles) or labels['none']}",
        f"- {labels['md_counts'].format(warnings=counts['warnings'], **counts['mandatory'])}",
        f"- {verdict_pair(result, labels, icons=True)}",
        f"- {labels['findings_line'].format(**counts['findings'])}",
        f"- {labels['verdicts']}: {parts}",
    ]
    if result.partial_reasons:
        lines += ["", f"> {_PARTIAL_ICON} {labels['partial_note']}: "
                      + "; ".join(inert(text) for text in scope_texts(result, labels))]
    if result.insecure_tls:
        lines += ["", f"> ⚠️ {labels['insecure_tls']}"]
    lines += _failed_mandatory_table(result, labels, lang) + _baseline_section(result, labels)
    return "\n".join(lines) + "\n"


def write_summary_md(result: RunResult, path: Path, lang: str = "en") -> None:
    path.write_text(summary_markdown(result, lang), encoding="utf-8")
