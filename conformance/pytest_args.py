"""The pytest invocation of a run: pytest over cases/ with only the plugins a run uses.

Start-up was most of a run's time: every installed pytest11 plugin (schemathesis,
hypothesis, xdist, anyio...) was imported and its package assertion-rewritten,
without caching when bytecode writing is off. A run now loads no entry point; it
registers the two plugins it needs (this suite's and allure's) as objects, so
nothing of them is rewritten, and turns off the built-in plugins that a run of
cases never uses. Outcomes and reports do not depend on any plugin turned off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Built-in plugins a run does not use: no doctests, unittest classes, tmp_path or monkeypatch in cases,
# no --pdb/--lf/--sw/--setup-plan, JUnit is written by conformance/report, and no terminal output.
UNUSED_BUILTINS = (
    "terminal", "cacheprovider", "debugging", "doctest", "junitxml", "pastebin", "unittest", "legacypath",
    "tmpdir", "monkeypatch", "recwarn", "setuponly", "setupplan", "stepwise", "faulthandler", "subtests",
    "unraisableexception",
)


def case_args(cases_dir: Path, allure_dir: Path, select: str | None) -> list[str]:
    """Command-line arguments of pytest.main for one run over `cases_dir`."""
    args = [str(cases_dir), "--disable-plugin-autoload", "--rootdir", str(cases_dir.parent),
            "-o", "addopts=", "-o", "testpaths=",
            f"--alluredir={allure_dir}", "--clean-alluredir", "--allure-no-capture"]
    for name in UNUSED_BUILTINS:
        args += ["-p", f"no:{name}"]
    if select:
        args += ["-k", select]
    return args


def case_plugins() -> list[Any]:
    """The plugin modules a run registers itself (entry-point autoloading is off)."""
    import allure_pytest.plugin

    import conformance.plugin

    return [conformance.plugin, allure_pytest.plugin]
