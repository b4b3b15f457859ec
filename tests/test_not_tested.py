"""Exit codes 2 and 3 (and a harness stop) still leave report.json, summary.md and badge.json saying `not-tested`,
so the CI steps that publish them keep working and show the reason."""

from __future__ import annotations

import io
import json
import socket
from pathlib import Path

import pytest

from conformance.cli import main
from tests.harness import executable_content


def _cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(args, out=out, err=err), out.getvalue(), err.getvalue()


def _closed_port() -> int:
    with socket.socket() as probe:  # bound, then closed: nothing listens there
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _assert_not_tested(report_dir: Path, code: int, reason: str) -> dict:
    report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    assert report["verdict"] == "not-tested" and report["exit_code"] == code
    assert reason in report["reason"] and report["cases"] == []
    summary = (report_dir / "summary.md").read_text(encoding="utf-8")
    assert summary.splitlines()[0].endswith("⛔ not tested**")
    assert f"Exit code: {code}" in summary
    assert json.loads((report_dir / "badge.json").read_text())["message"] == "not tested"
    assert not (report_dir / "junit.xml").exists()  # no case ran: no per-case artefact pretends otherwise
    return report


@pytest.mark.parametrize(("args", "reason"), [
    (["--fail-on", "regression"], "--fail-on regression needs --baseline"),
    (["--spec", "9.9"], "unknown spec version '9.9'"),
])
def test_usage_error_writes_a_not_tested_report(args: list[str], reason: str, tmp_path: Path) -> None:
    code, out, err = _cli(["run", *args, "--report-dir", str(tmp_path / "r")])
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    _assert_not_tested(tmp_path / "r", 2, reason)


def test_unreachable_target_writes_a_not_tested_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACT_CLIENT_ID", "vendor")
    monkeypatch.setenv("PACT_CLIENT_SECRET", "s3cret-value-never-shown")
    url = f"https://127.0.0.1:{_closed_port()}"
    code, _, err = _cli(["run", "--base-url", url, "--report-dir", str(tmp_path), "--lang", "ja"])
    assert code == 3, err
    report = _assert_not_tested_ja(tmp_path, 3)
    assert report["target"]["base_url"] == url
    assert "s3cret-value-never-shown" not in "".join(p.read_text() for p in tmp_path.iterdir() if p.is_file())


def _assert_not_tested_ja(report_dir: Path, code: int) -> dict:
    report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    assert report["verdict"] == "not-tested" and report["exit_code"] == code and "unreachable" in report["reason"]
    summary = (report_dir / "summary.md").read_text(encoding="utf-8")
    assert "⛔ 未試験" in summary.splitlines()[0] and f"終了コード: {code}" in summary
    return report


def test_default_folder_and_latest_link_on_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert _cli(["run", "--spec", "<b>9</b>"])[0] == 2
    latest = tmp_path / "reports" / "latest"
    report = _assert_not_tested(latest, 2, "unknown spec version")
    assert report["target"]["spec_version"] == "2.3"  # an unknown version is named in the reason only
    summary = (latest / "summary.md").read_text(encoding="utf-8")
    assert "<b>" not in summary and executable_content(summary) == []


def test_an_existing_report_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "report.json").write_text('{"verdict": "conformant"}', encoding="utf-8")
    assert _cli(["run", "--spec", "9.9", "--report-dir", str(tmp_path)])[0] == 2
    assert json.loads((tmp_path / "report.json").read_text())["verdict"] == "conformant"
