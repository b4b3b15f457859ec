"""A run stays bounded whatever the target or the environment does: it ends, keeps its report and claims its folder.

Each test here failed before its bound existed: an endless pagination, a flooded events host, a
SIGTERM or SIGHUP, two runs sharing one report folder, an interrupted run shown as conformant per part.
Limits are set small through options so the tests are quick; nothing here asserts on time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.coverage import load_cases
from conformance.cli import main
from conformance.report.summary_md import summary_markdown
from conformance.report_dir import claim_report_dir
from conformance.results import CaseOutcome, Outcome, RunResult, Verdict
from tests.harness import faulty_host, run_host

ROOT = Path(__file__).resolve().parents[1]
QUICK = ["--no-fuzz", "--quiet", "--timeout", "5"]


def _cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["run", *args])
    captured = capsys.readouterr()
    return code, captured.err


# Finding 11: every per-part verdict follows the top-level rules.
def test_an_interrupted_run_is_conformant_in_no_part() -> None:
    spec = next(c for c in load_cases() if c.profile is None and c.mandatory == "all")
    result = RunResult(tool_version="t", target={"base_url": "https://h"}, spec="2.3", profiles=["gxd"],
                       started_at="", finished_at="", run_id="r", interrupted=True,
                       cases=[CaseOutcome(spec=spec, mandatory=True, outcome=Outcome.PASSED)])
    assert result.verdict is Verdict.INCOMPLETE
    assert set(result.profile_verdicts().values()) == {Verdict.INCOMPLETE}
    assert result.to_dict()["verdicts"] == {"pact": "incomplete", "gxd": "incomplete"}
    assert "✅" not in summary_markdown(result)


# Finding 8: SIGTERM and SIGHUP stop the run like Ctrl-C: partial report, exit 1, one line.
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_signal_writes_the_partial_report(signum: signal.Signals, tmp_path: Path) -> None:
    report_dir = tmp_path / "r"
    process = subprocess.Popen([sys.executable, "-m", "conformance.cli", "run", "--report-dir", str(report_dir),
                                "--no-fuzz", "--timeout", "5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=ROOT)
    assert process.stdout is not None
    progress = 0
    for line in process.stdout:  # a few cases finished: the partial report has something to hold
        progress += line.lstrip().startswith("[")
        if progress == 3:
            break
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1, err
    assert err.strip().splitlines() == [line for line in err.strip().splitlines() if "interrupted" in line]
    assert f"stopped by {signum.name}" in err and "Traceback" not in err
    report = json.loads((report_dir / "report.json").read_text())
    assert report["interrupted"] and report["cases"]
    assert "conformant" not in report["verdicts"].values()
    assert any(signum.name in note for note in report["notes"])


# Finding 6 (the run itself): --run-timeout ends the run as interrupted, with a partial report.
def test_the_run_timeout_ends_the_run_with_a_partial_report(tmp_path: Path) -> None:
    with faulty_host(None, "2.3") as host:
        output = run_host(host, tmp_path, "2.3", run_timeout_s=1.0, no_fuzz=True)
    result = output.result
    assert result.interrupted and output.stopped and "run timeout" in output.stopped
    assert result.verdict is Verdict.INCOMPLETE
    assert any("run timeout" in note for note in result.notes)
    applicable = [c for c in load_cases() if c.applies_to("2.3", frozenset()) and not c.id.startswith("FUZZ-")]
    assert len(result.cases) < len(applicable)
    assert json.loads((output.report_dir / "report.json").read_text())["interrupted"] is True


# Finding 9: one run per report folder.
def test_a_report_dir_in_use_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with claim_report_dir(tmp_path, overwrite=False):
        code, err = _cli("--report-dir", str(tmp_path), "-k", "test_pagination_link", *QUICK, capsys=capsys)
    assert code == 2 and "in use by another run" in err
    assert not (tmp_path / "report.json").exists()


def test_a_report_dir_with_a_report_needs_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, _ = _cli("--report-dir", str(tmp_path), "-k", "test_pagination_link", *QUICK, capsys=capsys)
    assert first == 0
    earlier = (tmp_path / "report.json").read_text()
    again, err = _cli("--report-dir", str(tmp_path), "-k", "test_pagination_link", *QUICK, capsys=capsys)
    assert again == 2 and "already holds a report" in err and "--overwrite" in err
    assert (tmp_path / "report.json").read_text() == earlier
    replaced, _ = _cli("--report-dir", str(tmp_path), "-k", "test_pagination_link", "--overwrite", *QUICK,
                       capsys=capsys)
    assert replaced == 0 and (tmp_path / "report.json").read_text() != earlier
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # the lock goes with the run
