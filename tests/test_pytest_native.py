"""Plain pytest is a full front end: every `run` flag as --pact-<flag> and in the TOML file, the same reports,
verdict line and exit code as `run`, case ids in node ids and JUnit names, `--pyargs cases` from an installed
package, --lf/--ff, only the cases in a checkout, and the same result under pytest-xdist (-n 2) as serially."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _pytest.config.argparsing import Parser

from conformance import plugin
from conformance.cli import _parser
from conformance.config import RunOptions, Target, build_settings
from conformance.reference.host import ReferenceHost
from conformance.run_flags import run_flag_dests
from tests.faults.get import FAULTS as GET_FAULTS
from tests.faults.listing import FAULTS
from tests.harness import copy_sources, faulty_host

REPO = Path(__file__).resolve().parents[1]
KILLS_LIST_OK = next(fault for fault in FAULTS if fault.name == "list-content-type-text")
VERDICT = re.compile(r"^Verdict: .*$", re.MULTILINE)
FEW = "LIST-OK or GET-OK"


def _pact_parser() -> Parser:
    parser = Parser(_ispytest=True)  # the plugin's own options, without starting pytest
    plugin.pytest_addoption(parser)
    return parser


def _run_flags() -> list[str]:
    """The long options of `pact-conformance run` a user gives, as its parser has them (not the hidden ones
    that only `round` passes to its solutions' runs)."""
    commands = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
    run = commands.choices["run"]
    return [flag for action in run._actions for flag in action.option_strings  # noqa: SLF001
            if flag.startswith("--") and flag != "--help" and action.help != argparse.SUPPRESS]


def test_every_run_flag_is_a_pact_option() -> None:
    names = {name for group in _pact_parser()._groups for option in group.options for name in option.names()}
    missing = [flag for flag in _run_flags() if "--pact-" + flag[2:] not in names]
    assert not missing and len(_run_flags()) > 30


def test_every_run_flag_is_a_setting_of_the_toml_file() -> None:
    keys = set(Target.model_fields) | set(RunOptions.model_fields)
    assert [dest for dest in run_flag_dests() if dest != "config" and dest not in keys] == []


def test_pact_options_and_the_toml_file_give_the_same_settings(tmp_path: Path) -> None:
    baseline = tmp_path / "report.json"
    baseline.write_text('{"format_version": 1, "cases": []}', encoding="utf-8")
    namespace = _pact_parser().parse(["--pact-event-timeout", "5", "--pact-max-pages", "7", "--pact-run-timeout", "99",
                                      "--pact-lang", "ja", "--pact-seed", "3", "--pact-fuzz-budget", "4",
                                      "--pact-strict", "--pact-report-dir", str(tmp_path / "r"),
                                      "--pact-baseline", str(baseline), "--pact-fail-on", "regression",
                                      "--pact-listen", "127.0.0.1:8444"])
    from_options = build_settings({dest: getattr(namespace, "pact_" + dest) for dest in run_flag_dests()}, {})
    config = tmp_path / "run.toml"
    config.write_text(f'event_timeout_s = 5\nmax_pages = 7\nrun_timeout_s = 99\nlang = "ja"\nfuzz_seed = 3\n'
                      f'fuzz_budget = 4\nstrict = true\nreport_dir = "{tmp_path / "r"}"\nbaseline = "{baseline}"\n'
                      f'fail_on = "regression"\nlisten = "127.0.0.1:8444"\n', encoding="utf-8")
    assert build_settings({"config": str(config)}, {}).options == from_options.options


def _pytest(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PACT_")}
    return subprocess.run([sys.executable, "-m", "pytest", *args, "-p", "no:randomly"], cwd=cwd,
                          env={**environment, **(env or {})}, capture_output=True, text=True, timeout=600)


def _cases(report_dir: Path) -> dict[str, str]:
    report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    return {case["id"]: case["outcome"] for case in report["cases"]}


def _same_findings(report_dir: Path) -> Any:
    report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    return report["verdict"], [(c["id"], c["outcome"], c["mandatory"]) for c in report["cases"]]


def _files(report_dir: Path) -> list[str]:
    return sorted(path.name for path in report_dir.iterdir())


@pytest.fixture(scope="module")
def broken_host() -> Iterator[ReferenceHost]:
    with faulty_host(KILLS_LIST_OK, "2.3") as host:
        yield host


def _against(host: ReferenceHost) -> tuple[list[str], dict[str, str]]:
    # No events host: its cases are not run, quickly (the fault already makes the run not conformant).
    args = ["--pact-base-url", host.url, "--pact-ca-cert", str(host.ca.ca_pem)]
    return args, {"PACT_CLIENT_ID": host.config.client_id, "PACT_CLIENT_SECRET": host.config.client_secret}


@pytest.mark.parametrize("host_kind", ["clean", "faulty"])
def test_xdist_gives_the_serial_verdict_reports_and_exit_code(host_kind: str, tmp_path: Path,
                                                               broken_host: ReferenceHost) -> None:
    """-n 2 runs the cases in one process (they share a session and an events host), and says so."""
    args, env = (["--pact-spec", "2.3"], {}) if host_kind == "clean" else _against(broken_host)
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    runs = {}
    for mode, extra in (("serial", []), ("xdist", ["-n", "2"])):
        done = _pytest([*args, "--pact-seed", "1", "--pact-fuzz-budget", "2", "--pact-report-dir",
                        str(tmp_path / mode), "-q", *extra], tmp_path, env)
        runs[mode] = done
        assert done.returncode == (0 if host_kind == "clean" else 1), done.stdout[-3000:] + done.stderr[-2000:]
    assert VERDICT.findall(runs["serial"].stdout) == VERDICT.findall(runs["xdist"].stdout) != []
    assert "ran in one process (-n 2 ignored)" in runs["xdist"].stdout
    assert _same_findings(tmp_path / "serial") == _same_findings(tmp_path / "xdist")
    assert _files(tmp_path / "serial") == _files(tmp_path / "xdist")
    if host_kind == "faulty":
        assert _cases(tmp_path / "xdist")["LIST-OK"] == "failed"


def test_an_incomplete_run_under_xdist_exits_1(tmp_path: Path) -> None:
    done = _pytest(["cases", "-k", "LIST-OK or FUZZ-NO-SERVER-ERROR", "--pact-no-fuzz", "-n", "2", "-q",
                    "-o", f"cache_dir={tmp_path / 'cache'}"], REPO)  # not the checkout's own cache
    assert done.returncode == 1, done.stdout[-3000:]
    assert "Verdict: incomplete" in done.stdout


def test_plain_pytest_writes_the_reports_run_writes(tmp_path: Path) -> None:
    from conformance.cli import main

    assert main(["run", "-k", FEW, "--no-fuzz", "--quiet", "--report-dir", str(tmp_path / "cli")]) == 0
    done = _pytest(["--pyargs", "cases", "-k", FEW, "--pact-no-fuzz", "--pact-report-dir", str(tmp_path / "plain"),
                    "-v", "--junitxml", str(tmp_path / "pytest-junit.xml"), "-o", f"cache_dir={tmp_path / 'c'}"],
                   tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert _files(tmp_path / "cli") == _files(tmp_path / "plain")
    assert _same_findings(tmp_path / "cli") == _same_findings(tmp_path / "plain")
    assert list((tmp_path / "plain" / "allure-results").glob("*-result.json"))
    # --pyargs from a folder outside the checkout (this editable install); case ids in node ids and JUnit names
    assert "::test_list_footprints[LIST-OK] PASSED" in done.stdout
    names = {case.get("name") for case in ET.parse(tmp_path / "pytest-junit.xml").iter("testcase")}
    assert names == {"test_list_footprints[LIST-OK]", "test_get_footprint[GET-OK]"}


def test_last_failed_and_failed_first_work(tmp_path: Path, broken_host: ReferenceHost) -> None:
    args, env = _against(broken_host)
    common = [*args, str(REPO / "cases"), "-k", FEW, "--pact-no-fuzz", "-o", f"cache_dir={tmp_path / 'cache'}", "-v"]
    first = _pytest(common, tmp_path, env)
    assert first.returncode == 1 and "1 failed, 1 passed" in first.stdout, first.stdout[-3000:]
    again = _pytest([*common, "--lf", "--pact-report-dir", str(tmp_path / "lf")], tmp_path, env)
    assert again.returncode == 1 and "1 failed" in again.stdout and "passed" not in again.stdout.splitlines()[-1]
    assert list(_cases(tmp_path / "lf")) == ["LIST-OK"]
    assert json.loads((tmp_path / "lf" / "report.json").read_text())["selection"] == f"{FEW} --lf"
    first_first = _pytest([*common, "--ff"], tmp_path, env)
    ran = re.findall(r"\[(LIST-OK|GET-OK)\] (PASSED|FAILED)", first_first.stdout)
    assert ran == [("LIST-OK", "FAILED"), ("GET-OK", "PASSED")], first_first.stdout[-3000:]


def test_a_pact_option_in_the_checkout_collects_only_the_cases() -> None:
    done = _pytest(["--pact-spec", "2.3", "--pact-no-fuzz", "--collect-only", "-q", "-p", "no:cacheprovider"], REPO)
    ids = [line for line in done.stdout.splitlines() if "::" in line]
    assert ids and all(line.startswith("cases/") and line.endswith("]") for line in ids), done.stdout[-2000:]


def test_the_plugin_refuses_an_unusable_openapi_file_as_run_does(tmp_path: Path) -> None:
    """The same preparation: a --pact-openapi file that cannot be fuzzed with stops pytest before any case."""
    document = tmp_path / "bad.yaml"
    document.write_text("not: [an openapi", encoding="utf-8")
    done = _pytest([str(REPO / "cases"), "-k", "FUZZ-NO-SERVER-ERROR", "--pact-openapi", str(document)], tmp_path)
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    assert "cannot be loaded for fuzzing" in done.stderr and " passed" not in done.stdout


def test_the_project_keeps_pytest_cache_on_in_a_git_ignored_folder() -> None:
    """--lf and --ff need the cache provider; its folder must not dirty the checkout."""
    import tomllib

    options = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "cacheprovider" not in options.get("addopts", "")
    ignored = subprocess.run(["git", "check-ignore", "-q", options.get("cache_dir", ".pytest_cache") + "/v"], cwd=REPO)
    assert ignored.returncode == 0


@pytest.fixture(scope="module")
def installed_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built into a wheel (from a copy of its files, so the checkout stays clean) and installed,
    without its dependencies (this venv has them), into a folder of its own."""
    root = tmp_path_factory.mktemp("wheel")
    copy_sources(REPO, root / "src")
    pip = [sys.executable, "-m", "pip", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(root / "dist"), str(root / "src")], check=True, timeout=600)
    wheel = next((root / "dist").glob("*.whl"))
    subprocess.run([*pip, "install", "--no-deps", "--target", str(root / "site"), str(wheel)], check=True, timeout=600)
    return root / "site"


def test_pyargs_cases_runs_the_installed_package_outside_a_checkout(installed_copy: Path, tmp_path: Path) -> None:
    (tmp_path / "where_cases.py").write_text("def pytest_report_header(config):\n    import cases\n"
                                             "    return f'cases from {cases.__file__}'\n", encoding="utf-8")
    done = _pytest(["--pyargs", "cases", "-k", FEW, "--pact-no-fuzz", "-p", "where_cases", "-p", "no:cacheprovider",
                    "--pact-report-dir", str(tmp_path / "r")], tmp_path,
                   {"PYTHONPATH": f"{installed_copy}{os.pathsep}{tmp_path}"})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert f"cases from {installed_copy / 'cases' / '__init__.py'}" in done.stdout
    assert _cases(tmp_path / "r") == {"GET-OK": "passed", "LIST-OK": "passed"}  # footprints from the wheel's fixtures


def test_a_run_stopped_by_maxfail_is_incomplete_not_conformant(tmp_path: Path) -> None:
    """-x after an optional failure leaves mandatory cases unrun: never exit 0."""
    fault = next(f for f in GET_FAULTS if f.name == "get-malformed-id-server-error")  # GET-MALFORMED-ID: optional
    with faulty_host(fault, "2.3") as host:
        args, env = _against(host)
        done = _pytest([*args, str(REPO / "cases"), "-k", "GET-MALFORMED-ID or LIST-OK", "--pact-no-fuzz", "-x",
                        "-p", "no:cacheprovider", "--pact-report-dir", str(tmp_path / "r")], tmp_path, env)
    assert done.returncode == 1, done.stdout[-3000:]
    assert "Verdict: incomplete" in done.stdout
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert report["interrupted"] and "LIST-OK" not in _cases(tmp_path / "r")
