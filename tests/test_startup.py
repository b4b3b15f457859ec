"""What a command loads: start-up is most of a short run, so each command imports only what it uses.

Timings are the run bench's (tests/bench/run_bench.py); these tests pin the imports that the bench's figures
rest on, in a fresh interpreter each.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CHILD = """
import json, sys
from conformance.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(name for name, m in sys.modules.items() if m is not None)}))
"""


def _loaded(argv: list[str], cwd: Path) -> tuple[int, set[str]]:
    """The exit code and the top-level packages loaded by `pact-conformance ARGV` in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", CHILD, *argv], capture_output=True, text=True, timeout=120, cwd=cwd,
                          env={**os.environ, "XDG_CACHE_HOME": str(cwd / "cache")})
    last = json.loads(done.stdout.strip().splitlines()[-1])
    return last["code"], {name.split(".")[0] for name in last["modules"]}


def test_help_loads_no_pytest_pydantic_http_or_report_writer(tmp_path: Path) -> None:
    code, loaded = _loaded(["--help"], tmp_path)
    assert code == 0
    assert not loaded & {"pytest", "_pytest", "pydantic", "httpx", "jinja2", "uvicorn", "starlette", "allure_commons"}


def test_an_official_run_loads_no_fuzzer_and_no_http_cli(tmp_path: Path) -> None:
    """The second run of the day: the first made the embedded host's CA of the day (trustme) and kept it."""
    for report in ("first", "second"):
        code, loaded = _loaded(["run", "--quiet", "--official-only", "--no-fuzz", "-k", "TC1",
                                "--report-dir", str(tmp_path / report)], tmp_path)
    assert code == 0 and (tmp_path / "second" / "report.html").is_file()
    assert {"pytest", "httpx", "jinja2"} <= loaded  # it did run the cases and write the reports
    assert not loaded & {"schemathesis", "hypothesis", "rich", "trustme"}
