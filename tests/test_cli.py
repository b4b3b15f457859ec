"""Bad input from the user: one clear line on stderr, exit 2 (usage) or 3 (unreachable), no traceback."""

from __future__ import annotations

import io
import socket
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.coverage import NOT_CHECKED_BECAUSE, REQUIREMENT_IDS


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exit 2 and 3 write a not-tested report into the default folder: keep it out of the checkout."""
    monkeypatch.chdir(tmp_path)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _call(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "--spec", "9.9"], "unknown spec version"),
        (["run", "--base-url", "ftp://x", "--client-id", "a"], "absolute"),
        (["run", "--base-url", "https://127.0.0.1:9"], "client id"),
        (["run", "--profile", "nope"], "unknown profile"),
        (["run", "--config", "/nonexistent/settings.toml"], "config file not found"),
        (["run", "--client-id", "x"], "needs --base-url"),
        (["run", "--timeout", "-1"], "timeout"),
        (["validate", "x.json", "--spec", "1.0"], "unknown spec version"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(args: list[str], needle: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PACT_CLIENT_ID", raising=False)
    monkeypatch.delenv("PACT_CLIENT_SECRET", raising=False)
    code, _, err = _call(args)
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert needle in err and "Traceback" not in err


def test_missing_secret_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PACT_CLIENT_SECRET", raising=False)
    code, _, err = _call(["run", "--base-url", "https://127.0.0.1:9", "--client-id", "a"])
    assert code == 2 and "PACT_CLIENT_SECRET" in err


def test_unreachable_target_exits_3(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PACT_CLIENT_SECRET", "s3cret-value")
    port = _free_port()
    code, _, err = _call(["run", "--base-url", f"https://127.0.0.1:{port}", "--client-id", "a",
                          "--report-dir", str(tmp_path / "r")])
    assert code == 3
    assert len(err.strip().splitlines()) == 1 and "unreachable" in err
    assert "s3cret-value" not in err


def test_unknown_argument_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--no-such-flag"])
    assert code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_toml_config_supplies_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PACT_CLIENT_SECRET", raising=False)
    config = tmp_path / "target.toml"
    config.write_text(f'base_url = "https://127.0.0.1:{_free_port()}"\nclient_id = "a"\nclient_secret = "b"\nspec = "3.0"\n')
    code, _, err = _call(["run", "--config", str(config)])
    assert code == 3, err  # settings accepted; nothing listens there


def test_coverage_gives_a_reason_for_every_unchecked_requirement() -> None:
    out = io.StringIO()
    assert main(["cases", "--coverage"], out=out) == 0
    lines = out.getvalue().splitlines()
    assert len([line for line in lines if line[:1].isupper() and " " in line]) >= len(REQUIREMENT_IDS)
    unexplained = [line for line in lines if "no reason recorded" in line]
    assert not unexplained, unexplained
    checked_anyway = [rid for rid in NOT_CHECKED_BECAUSE if f"{rid:<9} — not checked" not in out.getvalue()]
    assert not checked_anyway, f"checked now; drop their reasons: {checked_anyway}"
