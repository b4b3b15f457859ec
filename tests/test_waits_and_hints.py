"""What users hit while waiting or mistyping: "did you mean" for unknown settings, heartbeat lines
during long waits (a pagination link ageing, a round's solutions), and `round --lang ja`."""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path

import pytest

from conformance import heartbeat
from conformance.cli import main
from conformance.config import RunOptions, Settings
from conformance.engine import run
from conformance.terminal_progress import terminal_progress

HEARTBEAT = re.compile(r"waiting for (.+) (\d+) s / (\d+) s")


def _call(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("toml", "hint"), [
    ("seed = 1\n", "unknown setting 'seed'; did you mean 'fuzz_seed'?"),
    ("[options]\ntimout_s = 3\n", "unknown setting 'timout_s'; did you mean 'timeout_s'?"),
    ("base_ulr = 'https://x'\n", "did you mean 'base_url'?"),
    ("signing_key_pem = 'x'\n", "unknown setting 'signing_key_pem'"),  # secrets never come from a file
])
def test_unknown_setting_gets_a_suggestion(toml: str, hint: str, tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text(toml, encoding="utf-8")
    code, _, err = _call("run", "--config", str(config))
    assert code == 2 and hint in err and len(err.strip().splitlines()) == 1, err


def test_nothing_close_gets_no_suggestion(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text("zzzzzz = 1\n", encoding="utf-8")
    code, _, err = _call("run", "--config", str(config))
    assert code == 2 and "unknown setting 'zzzzzz'" in err and "did you mean" not in err


def test_heartbeat_sleep_says_each_interval_and_stops_early(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heartbeat, "EVERY_S", 0.05)
    said: list[str] = []
    assert heartbeat.sleep(0.28, "callback", said.append) is True
    assert 3 <= len(said) <= 5 and all(HEARTBEAT.fullmatch(line) for line in said), said
    assert heartbeat.line("callback", 12.2, 60) == "waiting for callback 12 s / 60 s"
    stop = threading.Event()
    threading.Timer(0.1, stop.set).start()
    assert heartbeat.sleep(30, "link", None, stop) is False


def test_a_run_waiting_for_a_link_to_age_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(heartbeat, "EVERY_S", 0.1)
    settings = Settings(target=None, options=RunOptions(report_dir=tmp_path / "r", select="link_lasts", link_wait_s=0.45))
    output = run(settings, progress=terminal_progress(io.StringIO(), "en", quiet=False))
    assert [c.outcome.value for c in output.result.cases] == ["passed"]
    lines = [line for line in capsys.readouterr().err.splitlines() if HEARTBEAT.fullmatch(line)]
    assert lines and all(HEARTBEAT.fullmatch(line)[1] == "the pagination link to age" for line in lines), lines


def test_round_in_japanese_with_heartbeats_while_it_waits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heartbeat, "EVERY_S", 0.5)
    roster = tmp_path / "roster.toml"
    roster.write_text('[round]\nname = "ja"\n[[solution]]\nname = "embedded"\nselect = "auth and not fuzz"\n',
                      encoding="utf-8")
    code, out, err = _call("round", str(roster), "--lang", "ja", "--report-dir", str(tmp_path / "r"),
                           "--db", str(tmp_path / "db"))
    assert code == 0, out + err
    waits = [HEARTBEAT.search(line) for line in out.splitlines() if HEARTBEAT.search(line)]
    assert waits and all(match[1] == "round solution embedded" and match[3] == "1800" for match in waits), out
    assert "ラウンド ja: 1 ソリューション中 0 が適合" in out  # a -k row is partial, never counted conformant
    html = (tmp_path / "r" / "round.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in html and "PACT 適合性試験ラウンド ja" in html and ">適合<" in html
    assert "ソリューション" in (tmp_path / "r" / "summary.md").read_text(encoding="utf-8")
    solution_summary = (tmp_path / "r" / "solutions" / "embedded" / "summary.md").read_text(encoding="utf-8")
    assert re.search(r"[\u3040-\u30ff]", solution_summary), "the solution's own report is in Japanese too"
