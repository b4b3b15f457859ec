"""The CLI's view of the engine's progress stream: a header, one line per finished case, notices."""

from __future__ import annotations

import sys
from typing import TextIO

from conformance.engine.progress import CaseFinished, Notice, ProgressEvent, ProgressListener, RunStarted
from conformance.report.labels import case_title, labels_for
from conformance.report.messages import render_message


def terminal_progress(out: TextIO, lang: str, quiet: bool, err: TextIO | None = None) -> ProgressListener:
    """Print the run as `run` always has: warnings always, everything else unless --quiet; notices of the
    cases (heartbeats, the events host's address) on stderr, past a pipe reading stdout."""
    labels = labels_for(lang)
    notices = err or sys.stderr  # taken now: while the cases run, pytest's capture stands in for sys.stderr

    def show(event: ProgressEvent) -> None:
        if isinstance(event, Notice):
            if event.warning:
                print(event.text, file=out, flush=True)
            elif not quiet:
                print(event.text, file=notices, flush=True)
        elif quiet:
            return
        elif isinstance(event, RunStarted):
            where = labels["embedded_host"] if event.embedded else event.where
            print(labels["cli_run"].format(spec=event.spec, where=where)
                  + (f" (profiles: {', '.join(event.profiles)})" if event.profiles else ""), file=out)
            if event.insecure_tls:
                print("WARNING: TLS verification is OFF (--insecure-tls); this is recorded in the report", file=out)
        elif isinstance(event, CaseFinished):
            print(case_line(event, lang, labels), file=out, flush=True)

    return show


def case_line(event: CaseFinished, lang: str, labels: dict[str, str]) -> str:
    """'[ 12/ 79] PASSED  LIST-OK   TC3  mandatory  title', with the failure's first line under it."""
    need = labels["mandatory"] if event.mandatory else (
        labels["official_mandatory"] if event.official_mandatory else labels["optional"])
    word = event.outcome.upper() if lang == "en" else labels[event.outcome]
    title = case_title(event.case_id, event.title, lang)
    line = f"[{event.index:>3}/{event.total}] {word:<7} {event.case_id:<28} {event.official or '-':<6} {need:<9} {title}"
    if event.outcome in ("failed", "error", "skipped") and event.message:
        line += f"\n{'':>10}↳ {render_message(event.message, lang).splitlines()[0][:160]}"
    return line
