"""The engine's one entry: a progress listener sees the run case by case, the result is the CLI's, and a
cancel stops the run with its partial report."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from conformance.cli import main
from conformance.config import RunOptions, Settings
from conformance.engine import run
from conformance.engine.progress import (CaseFinished, CaseStarted, ProgressEvent, RunFinished, RunStarted,
                                         event_from_dict)

SELECT = "auth and not fuzz"


def _outcomes(report_dir: Path) -> dict[str, str]:
    report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    return {case["id"]: case["outcome"] for case in report["cases"]}


def test_the_engine_streams_progress_and_gives_the_clis_result(tmp_path: Path, capsys: object) -> None:
    events: list[ProgressEvent] = []
    settings = Settings(target=None, options=RunOptions(report_dir=tmp_path / "engine", select=SELECT, no_fuzz=True))
    output = run(settings, progress=events.append)

    assert isinstance(events[0], RunStarted) and events[0].embedded
    assert isinstance(events[-1], RunFinished) and events[-1].verdict == output.result.verdict.value
    started = [e.case_id for e in events if isinstance(e, CaseStarted)]
    finished = [e for e in events if isinstance(e, CaseFinished)]
    assert started == [e.case_id for e in finished] == [c.spec.id for c in output.result.cases]
    assert [e.index for e in finished] == list(range(1, len(finished) + 1))
    assert {e.total for e in finished} == {len(finished)}
    assert all(event_from_dict(json.loads(json.dumps(e.to_dict()))) == e for e in events)

    code = main(["run", "-k", SELECT, "--no-fuzz", "--quiet", "--report-dir", str(tmp_path / "cli")])
    assert code == 0
    assert _outcomes(tmp_path / "cli") == _outcomes(output.report_dir) == {
        c.spec.id: c.outcome.value for c in output.result.cases}


def test_a_cancel_stops_the_run_with_its_partial_report(tmp_path: Path) -> None:
    cancel = threading.Event()
    seen: list[ProgressEvent] = []

    def listener(event: ProgressEvent) -> None:
        seen.append(event)
        if isinstance(event, CaseFinished):
            cancel.set()  # after the first case

    settings = Settings(target=None, options=RunOptions(report_dir=tmp_path / "r", select="not fuzz"))
    output = run(settings, progress=listener, cancel=cancel)
    assert output.result.interrupted and output.stopped == "cancelled"
    assert 1 <= len(output.result.cases) < 20
    assert output.result.verdict.value == "incomplete"  # the first case passed; the mandatory rest never ran
    assert (tmp_path / "r" / "report.json").is_file()
    assert isinstance(seen[-1], RunFinished) and seen[-1].interrupted


def _declared_place(case_id: str, result_cases: list) -> tuple[str, int]:
    """Where a case is declared: its module (pytest collects them by file name), then its line."""
    import importlib

    spec = next(c.spec for c in result_cases if c.spec.id == case_id)
    module, function = spec.origin.split("#")
    return module, getattr(importlib.import_module(module), function).__code__.co_firstlineno


def test_a_late_case_runs_after_the_others_and_is_reported_in_its_declared_place(tmp_path: Path) -> None:
    """EVT-EXACTLY-ONE-RESPONSE waits for a duplicate's grace period: the rest of the run is that time."""
    events: list[ProgressEvent] = []
    settings = Settings(target=None, options=RunOptions(report_dir=tmp_path / "r", select="events", no_fuzz=True))
    output = run(settings, progress=events.append)
    started = [e.case_id for e in events if isinstance(e, CaseStarted)]
    reported = [c.spec.id for c in output.result.cases]

    assert started[-1] == "EVT-EXACTLY-ONE-RESPONSE" and len(started) > 10
    assert sorted(started) == sorted(reported) and reported != started
    assert reported == sorted(reported, key=lambda case_id: _declared_place(case_id, output.result.cases))
    late = next(c for c in output.result.cases if c.spec.id == "EVT-EXACTLY-ONE-RESPONSE")
    assert late.outcome.value == "passed"
