"""Bad input from the user, second round: every mistake is one line on stderr and exit 2 (a full
disk: exit 1 with what was written kept), never a traceback, and never a quiet test of the wrong host."""

from __future__ import annotations

import errno
import io
import json
import os
import stat
from pathlib import Path

import pytest

from conformance.cli import main

FAST = "test_token_with_valid_credentials"  # one mandatory case of the embedded host: a run of ~4 s



def _not_tested(report_dir: Path) -> bool:
    """Refused before any case ran: at most the exit-2 report (verdict not-tested, no cases) was written."""
    report = report_dir / "report.json"
    if not report.exists():
        return True
    written = json.loads(report.read_text(encoding="utf-8"))
    return written["verdict"] == "not-tested" and written["cases"] == []

def _call(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _one_line(code: int, err: str, expected: int = 2) -> str:
    assert code == expected, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACT_CLIENT_ID", "someone")
    monkeypatch.setenv("PACT_CLIENT_SECRET", "pw-of-someone")


# --- finding 10: an empty value is a usage error, only an absent --base-url means "embedded" ----

@pytest.mark.parametrize("flag", ["--base-url", "--auth-url", "--client-id", "--config", "--ca-cert", "-k",
                                  "--callback-url", "--restricted-client-id", "--openapi", "--listen"])
def test_an_empty_value_given_explicitly_is_refused(flag: str, tmp_path: Path) -> None:
    base = [] if flag == "--base-url" else ["--base-url", "https://127.0.0.1:1"]
    err = _one_line(*_call(["run", *base, flag, "", "--report-dir", str(tmp_path / "r")])[::2])
    assert "empty" in err and _not_tested(tmp_path / "r")


def test_an_empty_base_url_never_tests_the_embedded_host(tmp_path: Path) -> None:
    code, out, err = _call(["run", "--base-url", "  ", "--report-dir", str(tmp_path / "r")])
    assert "embedded" not in out and "omit it to test the embedded reference host" in _one_line(code, err)


@pytest.mark.parametrize("args", [["run", "--report-dir", ""], ["run", "--baseline", ""], ["round", ""],
                                  ["history", "a", "--db", ""], ["merge", ""]])
def test_an_empty_path_is_not_the_current_folder(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code = main(args)  # argparse reports on the process's stderr
    assert "empty path" in _one_line(code, capsys.readouterr().err)


def test_a_config_that_is_not_a_settings_file_is_refused(tmp_path: Path) -> None:
    assert "not a regular file" in _one_line(*_call(["run", "--config", "/dev/null"])[::2])
    empty = tmp_path / "empty.toml"
    empty.write_text("# nothing\n")
    assert "holds no settings" in _one_line(*_call(["run", "--config", str(empty)])[::2])


@pytest.mark.parametrize("line", ['base_url = ""', 'client_id = " "', 'auth_url = ""', 'select = ""'])
def test_an_empty_value_in_the_config_file_is_refused(line: str, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'{line}\nspec = "2.3"\n')
    assert "is empty" in _one_line(*_call(["run", "--config", str(config)])[::2])


def test_an_empty_value_in_a_roster_is_refused(tmp_path: Path) -> None:
    roster = tmp_path / "r.toml"
    roster.write_text('[round]\nname = "r"\n[[solution]]\nname = "a"\nbase_url = ""\n')
    assert "base_url is empty" in _one_line(*_call(["round", str(roster), "--report-dir", str(tmp_path / "o"),
                                                     "--db", str(tmp_path / "db")])[::2])


# --- finding 15: tracebacks instead of one line -------------------------------------------------

@pytest.mark.parametrize("url", ["https://127.0.0.1:99999", "https://127.0.0.1:abc", "https://127.0.0.1:0",
                                 "https://127.0.0.1:-1"])
def test_a_bad_port_is_one_line(url: str) -> None:
    assert "invalid port" in _one_line(*_call(["run", "--base-url", url])[::2])


@pytest.mark.parametrize("port", ["99999", "-1"])
def test_serve_with_a_bad_port_is_one_line(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert "port" in _one_line(main(["serve", "--port", port]), capsys.readouterr().err)


@pytest.mark.parametrize(("content", "needle"), [
    (b"\xff\xfe = 1", "not UTF-8"),
    (b"profiles = 5", "--profile"),
    (b"profiles = [[1]]", "--profile"),
])
def test_a_config_file_of_the_wrong_kind_is_one_line(content: bytes, needle: str, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_bytes(content)
    assert needle in _one_line(*_call(["run", "--config", str(config)])[::2])


def test_a_config_directory_is_one_line(tmp_path: Path) -> None:
    assert "is a directory" in _one_line(*_call(["run", "--config", str(tmp_path)])[::2])


def test_an_unwritable_report_dir_is_one_line_before_the_run(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for report_dir in (blocker, blocker / "below"):
        code, out, err = _call(["run", "-k", FAST, "--report-dir", str(report_dir)])
        assert "--report-dir" in _one_line(code, err) and "PASSED" not in out


def test_a_round_report_dir_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    roster = tmp_path / "r.toml"
    roster.write_text('[round]\nname = "r"\n[[solution]]\nname = "a"\n')
    assert "--report-dir" in _one_line(*_call(["round", str(roster), "--report-dir", str(blocker / "x"),
                                               "--db", str(tmp_path / "db")])[::2])


@pytest.mark.parametrize("command", ["round", "history"])
def test_a_db_that_is_not_a_database_is_one_line(command: str, tmp_path: Path) -> None:
    """--db names the store: a folder holds it (service.db), an old rounds.db is imported; a file that is no
    database at all is one line, exit 2."""
    roster = tmp_path / "r.toml"
    roster.write_text('[round]\nname = "r"\n[[solution]]\nname = "a"\n')
    not_a_db = tmp_path / "history.db"
    not_a_db.write_text("not a database\n")
    args = [str(roster), "--report-dir", str(tmp_path / "o")] if command == "round" else ["a"]
    assert "is not a database" in _one_line(*_call([command, *args, "--db", str(not_a_db)])[::2])


def test_a_full_disk_is_one_line_exit_1_and_keeps_what_was_written(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import conformance.engine.steps

    def write_until_full(result: object, report_dir: Path, *args: object, **kwargs: object) -> None:
        (report_dir / "report.json").write_text('{"partial": ')
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(conformance.engine.steps, "write_reports", write_until_full)
    code, _, err = _call(["run", "-k", FAST, "--no-fuzz", "--quiet", "--report-dir", str(tmp_path / "r")])
    assert "no space left" in _one_line(code, err, expected=1) and str(tmp_path / "r") in err
    assert (tmp_path / "r" / "report.json").read_text() == '{"partial": '


def test_a_full_disk_inside_the_case_runner_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """allure writes its results from pytest hooks: a full disk there is pytest's INTERNALERROR, kept off stderr."""
    import allure_commons.logger

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(allure_commons.logger.AllureFileLogger, "_report_item", full)
    code, _, err = _call(["run", "-k", FAST, "--no-fuzz", "--quiet", "--report-dir", str(tmp_path / "r")])
    assert "no space left" in _one_line(code, err, expected=1)


def test_a_closed_stdout_is_not_a_usage_error() -> None:
    """`cases | head`: the reader going away is no error; the command ends as it would have, silently."""
    class Closed(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    err = io.StringIO()
    assert main(["cases"], out=Closed(), err=err) == 0 and err.getvalue() == ""


# --- minor: userinfo, query and fragment; a readable config holding the secret; roster names -----

@pytest.mark.parametrize("flag", ["--base-url", "--auth-url", "--callback-url"])
def test_a_url_with_a_password_is_refused_without_echoing_it(flag: str) -> None:
    base = [] if flag == "--base-url" else ["--base-url", "https://127.0.0.1:1"]
    err = _one_line(*_call(["run", *base, flag, "https://user:hunter2-pw@127.0.0.1:1/x"])[::2])
    assert "user name or password" in err and "hunter2" not in err


@pytest.mark.parametrize("url", ["https://127.0.0.1:1/api?tenant=a", "https://127.0.0.1:1/api#top",
                                 "https://127.0.0.1:1/a b", "https://127.0.0.1:1/a\nb"])
def test_a_base_url_with_a_query_fragment_or_blank_is_refused(url: str) -> None:
    _one_line(*_call(["run", "--base-url", url])[::2])


def test_a_config_others_can_read_that_holds_the_secret_is_warned_about(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('base_url = "https://127.0.0.1:1"\nclient_id = "a"\nclient_secret = "pw-in-file"\n')
    config.chmod(0o644)
    code, _, err = _call(["run", "--config", str(config), "--report-dir", str(tmp_path / "r")])
    assert code == 3 and "can be read by other users" in err and "pw-in-file" not in err
    config.chmod(stat.S_IRUSR | stat.S_IWUSR)
    code, _, err = _call(["run", "--config", str(config), "--report-dir", str(tmp_path / "r")])
    assert code == 3 and "other users" not in err


@pytest.mark.parametrize("name", ['"a\\n"', '"a\\nb"', '"ok\\u0000"'])
def test_a_roster_name_with_a_newline_is_refused(name: str, tmp_path: Path) -> None:
    roster = tmp_path / "r.toml"
    roster.write_text(f'[round]\nname = "r"\n[[solution]]\nname = {name}\n')
    assert "solution name" in _one_line(*_call(["round", str(roster), "--db", str(tmp_path / "db"),
                                                "--report-dir", str(tmp_path / "o")])[::2])
    roster.write_text(f'[round]\nname = {name}\n[[solution]]\nname = "a"\n')
    assert "round name" in _one_line(*_call(["round", str(roster), "--db", str(tmp_path / "db"),
                                             "--report-dir", str(tmp_path / "o")])[::2])


@pytest.mark.parametrize("text", ["round = 5", "solution = 5",
                                  '[round]\ngxd_bom = 5\n[[solution]]\nname = "a"',
                                  '[[solution]]\nname = "a"\nca_cert = 5'])
def test_a_roster_of_the_wrong_shape_is_one_line(text: str, tmp_path: Path) -> None:
    roster = tmp_path / "r.toml"
    roster.write_text(text)
    _one_line(*_call(["round", str(roster), "--db", str(tmp_path / "db"), "--report-dir", str(tmp_path / "o")])[::2])


def test_the_embedded_run_still_works(tmp_path: Path) -> None:
    """The checks above refuse mistakes only: an absent --base-url tests the embedded host."""
    code, out, err = _call(["run", "-k", FAST, "--no-fuzz", "--report-dir", str(tmp_path / "r")])
    assert code == 0, out + err
    assert json.loads((tmp_path / "r" / "report.json").read_text())["verdict"] == "conformant"


# --- validate: hostile files ---------------------------------------------------------------------

def _validate(*args: str) -> tuple[int, str, str]:
    return _call(["validate", *args])


def test_validate_on_json_nested_5000_deep_is_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 5000 + "]" * 5000)
    code, out, err = _validate(str(deep))
    assert "nested too deeply" in _one_line(code, err)
    deep.write_text('{"a": ' * 5000 + "1" + "}" * 5000)
    code, out, err = _validate(str(deep), "--format", "json")
    assert "nested too deeply" in _one_line(code, err) and json.loads(out)["error"]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_validate_on_a_lone_surrogate_writes_whole_output(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / "fp.json"
    path.write_text('{"id": "\\ud800", "comment": "\\udfff"}')
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    code = main(["validate", str(path), "--format", fmt], out=out, err=err)
    out.flush()
    written = out.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]
    assert code == 1 and err.getvalue() == "", err.getvalue()
    if fmt == "json":
        assert json.loads(written)["findings"][0]["footprint_id"] == "\ud800"
    else:
        assert "[\\ud800]" in written and "footprints in 1 file" in written


def test_validate_refuses_a_number_beyond_a_double_instead_of_showing_infinity(tmp_path: Path) -> None:
    path = tmp_path / "fp.json"
    path.write_text('{"id": "x", "pcf": {"pCfExcludingBiogenic": 1e999999}}')
    code, out, err = _validate(str(path), "--format", "json")
    assert "beyond the range of a double" in _one_line(code, err) and "Infinity" not in out
    json.loads(out)


def test_validate_warns_of_duplicate_keys(tmp_path: Path) -> None:
    path = tmp_path / "fp.json"
    path.write_text('[{"id": "a", "pcf": {"unit": "kg", "unit": "liter"}}, {"id": "b"}]')
    code, out, err = _validate(str(path), "--format", "json")
    duplicates = [f for f in json.loads(out)["findings"] if f["rule"] == "JSON"]
    assert [(f["footprint_id"], f["pointer"], f["severity"]) for f in duplicates] == [("a", "/pcf", "warning")]


def test_validate_reads_a_fifo_and_a_character_device(tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text('{"id": "from-a-pipe"}\n'), daemon=True)
    writer.start()
    code, out, err = _validate(str(fifo), "--format", "json")
    writer.join(5)
    if writer.is_alive():  # the pipe was never opened for reading: release the writer
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
    assert code == 1 and json.loads(out)["footprints"] == 1, err
    code, out, err = _validate("/dev/zero")
    err = _one_line(code, err)
    assert "no such file" not in err and "more than" in err


def test_validate_streams_a_large_array(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large array is read item by item: the items before a break are checked and reported, which
    a parse of the whole document could not do (and it would hold every item in memory at once)."""
    import conformance.offline

    monkeypatch.setattr(conformance.offline, "STREAM_FROM_BYTES", 64, raising=False)
    path = tmp_path / "many.json"
    path.write_text("[" + ", ".join(['{"id": "item-%d"}' % index for index in range(20)]) + ", {")
    code, out, err = _validate(str(path), "--format", "json")
    report = json.loads(out)
    assert code == 2 and report["footprints"] == 20 and "after item 19" in err, err
    assert {f["footprint_id"] for f in report["findings"]} == {f"item-{index}" for index in range(20)}


# --- leftovers and the plugin ----------------------------------------------------------------------

def test_the_tls_folders_of_a_run_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import conformance.reference.host
    from conformance.reference.tls import make_run_ca

    made: list[Path] = []

    def recording_ca() -> object:
        ca = make_run_ca()
        made.append(ca.directory)
        return ca

    monkeypatch.setattr(conformance.reference.host, "cached_run_ca", recording_ca)  # a fresh CA, as when no cache can be kept
    code, out, err = _call(["run", "-k", FAST, "--no-fuzz", "--quiet", "--report-dir", str(tmp_path / "r")])
    assert code == 0 and made, out + err
    assert not [folder for folder in made if folder.exists()], "the run CA's key and certificates stay behind"


def test_the_plugin_exits_3_for_an_unreachable_target(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cases = Path(__file__).resolve().parents[1] / "cases"
    env = {**os.environ, "PACT_CLIENT_ID": "a", "PACT_CLIENT_SECRET": "plugin-secret"}
    done = subprocess.run([sys.executable, "-m", "pytest", str(cases), "--pact-base-url", f"https://127.0.0.1:{port}",
                           "-p", "no:cacheprovider", "-q", "-p", "no:randomly"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 3, done.stdout[-2000:] + done.stderr[-2000:]
    assert "target unreachable" in done.stdout + done.stderr and " failed" not in done.stdout


# --- more of the same classes: every file a flag names is checked before the run --------------------

@pytest.mark.parametrize(("flags", "content", "needle"), [
    (["--base-url", "https://127.0.0.1:1", "--ca-cert"], b"not a certificate", "no usable PEM certificate"),
    (["--profile", "gxd", "--gxd-bom"], b"not json", "not a bill of materials"),
    (["--profile", "gxd", "--gxd-bom"], b'{"buyers": 5}', "not a bill of materials"),
    (["-k", "fuzz", "--openapi"], b"not: [an openapi", "fuzzing"),
    (["-k", "fuzz", "--openapi"], b"openapi: 3.0.0\n", "fuzzing"),
])
def test_a_file_flag_naming_an_unusable_file_is_one_line_before_the_run(flags: list[str], content: bytes, needle: str,
                                                                         tmp_path: Path) -> None:
    path = tmp_path / "given"
    path.write_bytes(content)
    code, out, err = _call(["run", *flags, str(path), "--report-dir", str(tmp_path / "r")])
    assert needle in _one_line(code, err) and _not_tested(tmp_path / "r")


@pytest.mark.parametrize("flag", ["--ca-cert", "--openapi", "--baseline"])
def test_a_device_or_directory_is_not_called_missing(flag: str, tmp_path: Path) -> None:
    base = ["--base-url", "https://127.0.0.1:1"] if flag == "--ca-cert" else []
    assert "not a regular file" in _one_line(*_call(["run", *base, flag, "/dev/null"])[::2])
    assert "is a directory" in _one_line(*_call(["run", *base, flag, str(tmp_path)])[::2])


@pytest.mark.parametrize("listen", ["abc", ":80", "127.0.0.1:99999", "127.0.0.1:"])
def test_a_bad_listen_address_is_refused_before_the_run(listen: str) -> None:
    err = _one_line(*_call(["run", "--base-url", "https://127.0.0.1:1", "--listen", listen])[::2])
    assert "--listen must be HOST:PORT" in err


def test_a_roster_bill_of_materials_that_is_not_one_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bom.json").write_text('{"buyers": []}')
    roster = tmp_path / "r.toml"
    roster.write_text('[round]\nname = "r"\ngxd_bom = "bom.json"\n[[solution]]\nname = "a"\n')
    assert "not a bill of materials" in _one_line(*_call(["round", str(roster), "--db", str(tmp_path / "db"),
                                                          "--report-dir", str(tmp_path / "o")])[::2])


def test_serve_refuses_an_unknown_profile() -> None:
    import subprocess
    import sys

    # In a process of its own: a serve that accepted the profile would serve until stopped.
    done = subprocess.run([sys.executable, "-m", "conformance.cli", "serve", "--profile", "nope"],
                          capture_output=True, text=True, timeout=60)
    assert "unknown profile" in _one_line(done.returncode, done.stderr)


def test_serve_stopped_by_sigterm_removes_its_tls_folder(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    blocked_cache = tmp_path / "cache-is-a-file"  # no CA of the day can be kept: serve makes a temporary one
    blocked_cache.write_text("")
    env = {**os.environ, "XDG_CACHE_HOME": str(blocked_cache)}
    serve = subprocess.Popen([sys.executable, "-m", "conformance.cli", "serve"], stdout=subprocess.PIPE, text=True,
                             cwd=tmp_path, env=env)
    assert serve.stdout is not None
    deadline = time.monotonic() + 30
    ca_pem = None
    while ca_pem is None and time.monotonic() < deadline:
        line = serve.stdout.readline()
        if "CA certificate:" in line:
            ca_pem = Path(line.split("CA certificate:")[1].split()[0])
    assert ca_pem is not None and ca_pem.is_file()
    serve.send_signal(signal.SIGTERM)
    serve.communicate(timeout=20)
    assert serve.returncode == 0 and not ca_pem.parent.exists()
