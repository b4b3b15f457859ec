"""The CI templates in docs/ci/ run as a CI job would: their shell steps, in order, in bash.

The in-job pattern: the service under test starts in the job (the reference host through `pact-conformance
serve` stands in for it, or a faulty host in its place), the harness's events host listens on loopback over
HTTPS with --listen, and the service trusts the CA file `pact-conformance listen-ca` prints. A conformant host
must end the job green with a report folder; a faulty one red, with the report steps still succeeding.
The install step runs too: it builds the suite's wheel from a copy of this checkout and installs it into the
job's own venv. Only fetching the suite's sources (actions/checkout, git clone) is left to the copy.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance import __version__
from conformance.cli import _parser  # the templates must use options the CLI accepts
from conformance.versions import SPEC_VERSIONS
from tests.harness import copy_sources

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = ("github-actions.yml", "gitlab-ci.yml")
SUITE_CHECKOUT = "./pact-gxd-conformance"  # the templates build the suite's wheel from its checkout in the job
DEMO = {"PACT_CLIENT_ID": "pact-demo-client", "PACT_CLIENT_SECRET": "pact-demo-secret"}  # `serve` prints them
CI_PROVIDED = {"PACT_CLIENT_ID", "PACT_CLIENT_SECRET", "GITHUB_STEP_SUMMARY"}  # secrets / the runner's own
STEP_TIMEOUT_S = 420


@dataclass
class Step:
    name: str
    script: str
    always: bool  # runs whatever the earlier steps' exit codes (`if: always()`, GitLab's after_script)


def _load(name: str) -> Any:
    return yaml.safe_load((REPO / "docs" / "ci" / name).read_text(encoding="utf-8"))


def _is_install(line: str) -> bool:
    return "pip install" in line or "git clone" in line


def _is_fetch(line: str) -> bool:
    """Getting the suite's sources from its repository: the test provides them as that checkout instead."""
    return "git clone" in line


def _steps(name: str) -> tuple[list[Step], dict[str, str], list[str]]:
    """The template's shell steps (without fetching the suite's sources), the variables it names, and its
    install lines."""
    document = _load(name)
    if name == "github-actions.yml":
        job = document["jobs"]["conformance"]
        steps = [Step(s.get("name", ""), s["run"], s.get("if") == "always()") for s in job["steps"] if "run" in s]
        installs = [s.script for s in steps if _is_install(s.script)]
        return steps, dict(job["env"]), installs
    job = document["pact-conformance"]
    main = [*job["before_script"], *job["script"]]  # one shell session in GitLab: a background service lives on
    installs = [line for line in main if _is_install(line)]
    steps = [Step("before_script + script", "\n".join(line for line in main if not _is_fetch(line)), False)]
    steps += [Step("after_script", line, True) for line in job["after_script"]]
    return steps, dict(job["variables"]), installs


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Job:
    code: int
    steps: dict[str, int]
    work: Path


def _job_python(work: Path) -> Path:
    """The job's own Python: a fresh venv that sees this venv's packages (the suite's dependencies, so
    nothing is downloaded for them) but not its editable install of the suite, which the job installs."""
    venv = work / ".venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    inner = subprocess.run([str(venv / "bin" / "python"), "-c", where], capture_output=True, text=True,
                           check=True).stdout.strip()
    Path(inner, "suite-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return venv / "bin"


def _run_job(name: str, work: Path, *, faulty: bool = False, only_always: bool = False) -> Job:
    """Run the steps as the CI would: stop at the first failure, except for the steps that always run.

    The suite's checkout is a copy of this project's files; the install step builds its wheel and installs
    it into the job's own venv, whose `pact-conformance` every later step runs, as the CI would.
    """
    steps, variables, _ = _steps(name)
    bin_dir = Path(sys.executable).parent
    if not only_always:
        copy_sources(REPO, work / SUITE_CHECKOUT)
        bin_dir = _job_python(work)
    service, listen = _free_port(), _free_port()
    env = {**os.environ, **{k: str(v) for k, v in variables.items()}, **DEMO,
           "PACT_SERVICE_PORT": str(service), "PACT_BASE_URL": f"https://127.0.0.1:{service}",
           "PACT_LISTEN": f"127.0.0.1:{listen}", "PACT_FUZZ_BUDGET": "2",
           "XDG_CACHE_HOME": str(work / ".cache"), "GITHUB_STEP_SUMMARY": str(work / "step-summary.md"),
           "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    for variable in ("PACT_CALLBACK_CLIENT_SECRET", "PYTHONPATH", "VIRTUAL_ENV"):
        env.pop(variable, None)
    faulty_service = f"env PYTHONPATH={shlex.quote(str(REPO))} python -m tests.ci_faulty_host serve"
    code, results, started = 0, {}, []
    try:
        for step in steps:
            if (code != 0 or only_always) and not step.always:
                continue
            script = step.script
            if faulty:
                script = script.replace("pact-conformance serve", faulty_service)
            process = subprocess.Popen(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=work,
                                       env=env, start_new_session=True, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT)
            started.append(process.pid)
            output, _ = process.communicate(timeout=STEP_TIMEOUT_S)
            (work / f"step-{len(started)}.log").write_bytes(output)
            results[step.name] = process.returncode
            code = code or process.returncode
    finally:
        for pid in started:  # the step's session: the service it left running in the background
            try:
                os.killpg(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    return Job(code, results, work)


def _logs(job: Job) -> str:
    return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(job.work.glob("step-*.log")))


def _report(job: Job) -> dict[str, Any]:
    return json.loads((job.work / "conformance-report" / "report.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_in_job_template_goes_green_on_a_conformant_host(name: str, tmp_path: Path) -> None:
    job = _run_job(name, tmp_path)
    assert job.code == 0, _logs(job)
    report = _report(job)
    assert report["verdict"] == "conformant"
    fuzz = [case for case in report["cases"] if case["id"].startswith("FUZZ")]
    assert fuzz and all(case["outcome"] == "passed" for case in fuzz)  # fuzzed, so not incomplete
    events = [case for case in report["cases"] if case["id"].startswith("EVT") and case["mandatory"]]
    assert events and all(case["outcome"] == "passed" for case in events)  # the callbacks reached --listen
    assert (tmp_path / "conformance-report" / "junit.xml").is_file()
    assert (tmp_path / ".venv" / "bin" / "pact-conformance").is_file()  # the job ran the wheel it built
    if name == "github-actions.yml":
        assert "conformant" in (tmp_path / "step-summary.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_in_job_template_goes_red_on_a_faulty_host(name: str, tmp_path: Path) -> None:
    job = _run_job(name, tmp_path, faulty=True)
    assert job.code == 1, _logs(job)
    assert [step for step, code in job.steps.items() if code != 0] == [
        "Run the conformance cases" if name == "github-actions.yml" else "before_script + script"]
    report = _report(job)
    assert report["verdict"] == "not-conformant"
    assert {case["id"]: case["outcome"] for case in report["cases"]}["LIST-OK"] == "failed"


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_report_steps_succeed_without_a_report(name: str, tmp_path: Path) -> None:
    """Exit 2 or 3 before any report: the steps that read it must not fail the job a second time."""
    job = _run_job(name, tmp_path, only_always=True)
    assert job.steps and all(code == 0 for code in job.steps.values()), _logs(job)


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_template_installs_a_wheel_built_in_the_job(name: str) -> None:
    """Never a tag or release that does not exist: the suite's checkout, built in the job (or, in the comment,
    a published version). The jobs above run this install."""
    _, _, installs = _steps(name)
    assert any(line.strip().endswith(f"pip install {SUITE_CHECKOUT}") for line in installs), installs
    text = (REPO / "docs" / "ci" / name).read_text(encoding="utf-8")
    assert not re.search(r"pact-gxd-conformance[^\s\"]*@", text)  # no pip install of a git tag
    pins = re.findall(r"pact-gxd-conformance==([\w.]+)", text)
    assert all(pin == "X.Y.Z" or pin == __version__ for pin in pins)


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


_RUN_COMMAND = re.compile(r"pact-conformance (run --.*)$")


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_commands_are_accepted_by_the_cli_and_use_only_named_variables(name: str) -> None:
    text = (REPO / "docs" / "ci" / name).read_text(encoding="utf-8")
    active = [m.group(1) for value in _strings(_load(name)) for line in value.splitlines()
              if (m := _RUN_COMMAND.search(line))]
    assert len(active) == 1, "one run command is active, the regression gate is the commented alternative"
    steps, variables, _ = _steps(name)
    named = {**{k: str(v) for k, v in variables.items()}, **DEMO}
    expand = re.compile(r"\$\{?(\w+)\}?")
    commands = [[expand.sub(lambda v: named[v.group(1)], arg) for arg in shlex.split(m.group(1))]
                for line in text.splitlines() if (m := _RUN_COMMAND.search(line))]
    parsed = [_parser().parse_args(command) for command in commands]  # an unknown option exits
    assert len(parsed) == 2
    assert all(args.spec in SPEC_VERSIONS and args.report_dir == Path("conformance-report") for args in parsed)
    assert all(args.listen and args.fuzz_budget and not args.no_fuzz for args in parsed)
    assert [(args.fail_on, args.baseline is not None) for args in parsed] == [(None, False), ("regression", True)]
    used = {var for step in steps for var in re.findall(r"\$\{?(\w+)", step.script)}
    assert used - set(variables) - CI_PROVIDED == set()


def test_github_template_publishes_summary_junit_and_report_on_every_exit_code() -> None:
    steps = _load("github-actions.yml")["jobs"]["conformance"]["steps"]
    after = steps[next(i for i, s in enumerate(steps) if "pact-conformance run" in s.get("run", "")) + 1:]
    assert after and all(step.get("if") == "always()" for step in after)
    junit = next(step for step in after if step.get("uses", "").startswith("mikepenz/action-junit-report@"))
    assert junit["with"]["report_paths"] == "conformance-report/junit.xml"
    upload = next(step for step in after if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "conformance-report/"


def test_gitlab_job_keeps_report_and_junit_on_every_exit_code() -> None:
    artifacts = _load("gitlab-ci.yml")["pact-conformance"]["artifacts"]
    assert artifacts["when"] == "always" and "conformance-report/" in artifacts["paths"]
    assert artifacts["reports"]["junit"] == "conformance-report/junit.xml"
