"""pytest plugin: options, fixtures, case selection and outcome collection.

Registered through the `pytest11` entry point, so `pytest cases/ --pact-base-url ...` (or `pytest --pyargs
cases` from an installed package) works without the CLI. Every `run` flag exists here as `--pact-<flag>`
(conformance/run_flags.py) and goes through the same config.build_settings; the run is prepared, checked and
reported through the same engine steps (conformance/engine/steps.py), so plain pytest writes the same reports, prints the same verdict
line and exits by the same gate as `pact-conformance run`. The CLI injects a ready RunContext instead; either
way the same hooks turn each case's result into a CaseOutcome. The plugin stays inert for other tests.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from _pytest.mark import KeywordMatcher  # pytest's own -k semantics, kept for names that are not case ids
from _pytest.mark.expression import Expression

from conformance.auth import AuthError, CredentialsWithheld
from conformance.catalog import MARKER, CaseSpec, selected_by, spec_of
from conformance.client import TLS_UNTRUSTED, BadBody, TargetError, UnusableData
from conformance.config import ConfigError, Settings, build_settings, check_writable_dir
from conformance.engine.progress import CaseFinished, CaseStarted
from conformance.evidence import SecretBook
from conformance.expect import CaseFailure
from conformance.report_dir import claim_report_dir
from conformance.results import CaseOutcome, Outcome, RunResult
from conformance.run_context import (CONTEXT_KEY, GXD_FOOTPRINTS_FILE, LATE_MARKER, PREFLIGHT_TLS,
                                     SHARED_GXD_FOOTPRINTS, TLS_TRUST_BLOCKER, EngineRun, RunContext)
from conformance.run_flags import add_run_flags, run_flag_dests
from conformance.sanitize import clean
from conformance.session import TargetSession
from conformance.stopping import RunStops, stop_guard
from conformance.versions import VersionInfo

if TYPE_CHECKING:
    from conformance.engine.steps import Prepared  # noqa: F401 - named in a string annotation

__all__ = ["CONTEXT_KEY", "GXD_FOOTPRINTS_FILE", "SHARED_GXD_FOOTPRINTS", "RunContext"]

CASES_DIR = Path(__file__).resolve().parents[1] / "cases"
MESSAGE_CHARS = 2000
RUN_DESTS = run_flag_dests()
SETTINGS_KEY = pytest.StashKey[Settings]()
HELD_KEY = pytest.StashKey[ExitStack]()  # the report folder's lock, from before configure to unconfigure
PREPARED_KEY = pytest.StashKey["Prepared"]()
STOPS_KEY = pytest.StashKey[RunStops]()
RESULT_KEY = pytest.StashKey[RunResult]()
ONE_PROCESS_KEY = pytest.StashKey[str]()
ONE_PROCESS = ("pact-conformance: the cases ran in one process ({given} ignored): they share one target session, "
               "one events host and the order of their preconditions, and the verdict needs all their outcomes")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pact", "PACT / GxD conformance: the options of `pact-conformance run` "
                                    "(secret from PACT_CLIENT_SECRET; -k selects cases as in run)")

    def add(flag: str, **kwargs: Any) -> None:
        dest = kwargs.pop("dest", None) or flag.lstrip("-").replace("-", "_")
        group.addoption("--pact-" + flag.lstrip("-"), dest="pact_" + dest, **kwargs)

    add_run_flags(add)


def _engine_run(config: pytest.Config) -> EngineRun | None:
    return next((p for p in config.pluginmanager.get_plugins() if isinstance(p, EngineRun)), None)


def _names_cases(config: pytest.Config) -> bool:
    """The command line names the cases: a path in cases/, or `--pyargs cases`."""
    for arg in config.args:
        name = arg.split("::")[0]
        if config.option.pyargs and (name == "cases" or name.startswith("cases.")):
            return True
        path = (config.invocation_params.dir / name).resolve()
        if path == CASES_DIR or CASES_DIR in path.parents:
            return True
    return False


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Before configure, for a plain-pytest conformance run: its settings, only its cases, one process, and
    its report folder claimed (before allure cleans allure-results in it)."""
    if _engine_run(config) is not None:
        return
    values = {dest: config.getoption("pact_" + dest) for dest in RUN_DESTS}
    given = any(value is not None for value in values.values())
    if not given and not _names_cases(config):
        return
    if config.args_source is not pytest.Config.ArgsSource.ARGS:
        config.args = [str(CASES_DIR)]  # not testpaths: in a checkout that is the project's own tests
    values["select"] = config.option.keyword.strip() or None
    try:
        settings = build_settings(values, os.environ)
        held = ExitStack()
        if settings.options.report_dir is not None:
            check_writable_dir(settings.options.report_dir, "--pact-report-dir")
            held.enter_context(claim_report_dir(settings.options.report_dir, overwrite=settings.options.overwrite))
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[SETTINGS_KEY] = settings
    config.stash[HELD_KEY] = held
    _one_process(config)
    _allure_into(config, settings)


def _one_process(config: pytest.Config) -> None:
    """pytest-xdist would run the cases in several processes, each with its own session, events host and
    partial outcomes: the cases run in this process instead, and the terminal summary says so."""
    option = config.option
    numprocesses, dist = getattr(option, "numprocesses", None), getattr(option, "dist", "no")
    if not numprocesses and dist == "no":
        return
    config.stash[ONE_PROCESS_KEY] = ONE_PROCESS.format(given=f"-n {numprocesses}" if numprocesses else f"--dist {dist}")
    option.numprocesses, option.dist, option.tx = 0, "no", []


def _allure_into(config: pytest.Config, settings: Settings) -> None:
    """allure results in the report folder, as `run` writes them, unless --alluredir says otherwise."""
    report_dir = settings.options.report_dir
    if report_dir is not None and hasattr(config.option, "allure_report_dir") and not config.option.allure_report_dir:
        config.option.allure_report_dir = str(report_dir / "allure-results")
        config.option.clean_alluredir = True


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "pact_case(spec): a declared PACT/GxD conformance case")
    config.addinivalue_line("markers", f"{LATE_MARKER}: a case that runs after the others (it waits for time to "
                                       "pass), reported in its declared place")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    """Case modules are named by area (auth.py, list.py), not test_*.py: collect them explicitly."""
    if file_path.parent == CASES_DIR and file_path.suffix == ".py" and not file_path.name.startswith(("_", "test_")):
        return pytest.Module.from_parent(parent, path=file_path)
    return None


def _settings(config: pytest.Config) -> Settings:
    """The settings of pytest_cmdline_main; built here for a session that came another way (a pytester run)."""
    settings = config.stash.get(SETTINGS_KEY, None)
    if settings is None:
        try:
            settings = build_settings({dest: config.getoption("pact_" + dest) for dest in RUN_DESTS}, os.environ)
        except ConfigError as exc:
            raise pytest.UsageError(str(exc)) from None
        config.stash[SETTINGS_KEY] = settings
    return settings


def _standalone_context(config: pytest.Config) -> RunContext:
    """Prepare the run as `run` does (plain pytest use): the same runner steps, in the same order."""
    from conformance.engine.steps import TargetUnreachable, prepare, preflight  # the engine; it never imports the plugin

    settings = _settings(config)
    try:
        prepared = prepare(settings)
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    context = prepared.context
    context.standalone = True
    config.stash[PREPARED_KEY] = prepared
    for warning in settings.warnings:
        _announce(config, f"pact-conformance: warning: {warning}")
    try:
        preflight(prepared, lambda line: _announce(config, line))
    except TargetUnreachable as exc:  # nothing answers: exit 3 as the CLI does, instead of failing every case
        context.close()
        pytest.exit(str(exc), returncode=3)
    config.stash[STOPS_KEY] = context.resources.enter_context(stop_guard(settings.options.run_timeout_s))
    return context


def _announce(config: pytest.Config, line: str) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(line)


def _selection(config: pytest.Config) -> RunContext | None:
    context = config.stash.get(CONTEXT_KEY, None)
    if context is None and SETTINGS_KEY in config.stash:
        context = _standalone_context(config)
        config.stash[CONTEXT_KEY] = context
    return context


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The case id in every node id (`cases/list.py::test_list_footprints[LIST-OK]`), so pytest's output,
    --lf and JUnit name the case as the reports do."""
    marker = metafunc.definition.get_closest_marker(MARKER)
    if marker is not None:
        case: CaseSpec = marker.args[0]
        metafunc.parametrize("_pact_case_evidence", [case.id], ids=[case.id], indirect=True)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect cases that do not apply to the selected version, profiles or official-only mode, or that -k
    leaves out. -k is judged here, before pytest's own -k, so that case ids and official numbers select too."""
    case_items = [item for item in items if spec_of(item) is not None]
    if not case_items:
        return
    context = _selection(config)
    if context is None:  # cases collected by a way pytest_cmdline_main did not see: the same preparation
        _settings(config)
        context = _selection(config)
        assert context is not None
    expression = _keyword_expression(config)
    keep, drop = [], []
    for item in items:
        case = spec_of(item)
        wanted = case is None or context.wants(case)
        if wanted and expression is not None:
            wanted = expression.evaluate(_CaseMatcher(item, case))
        (keep if wanted else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
    context.declared = {case.id: place for place, case in enumerate(filter(None, map(spec_of, keep)))}
    late = {item for item in keep if item.get_closest_marker(LATE_MARKER) is not None}
    items[:] = [item for item in keep if item not in late] + [item for item in keep if item in late]


class _CaseMatcher:
    """A -k name matches a case by catalogue (selected_by) or, as in pytest, as a substring of its keywords."""

    def __init__(self, item: pytest.Item, case: CaseSpec | None) -> None:
        self._keywords = KeywordMatcher.from_item(item)
        self._case = case

    def __call__(self, name: str, /, **kwargs: str | int | bool | None) -> bool:
        return (self._case is not None and not kwargs and selected_by(self._case, name)) or self._keywords(name, **kwargs)


def _keyword_expression(config: pytest.Config) -> Expression | None:
    """The -k expression, taken over from pytest (whose own -k then has nothing left to do)."""
    text = (config.option.keyword or "").strip()
    if not text:
        return None
    try:
        expression = Expression.compile(text)
    except SyntaxError as exc:  # pytest's ParseError is a SyntaxError
        raise pytest.UsageError(f"wrong -k expression {text!r}: {exc}") from None
    config.option.keyword = ""
    return expression


def pytest_collection_finish(session: pytest.Session) -> None:
    """Count the cases that will run, after every deselection (-k included), for the progress display."""
    context = session.config.stash.get(CONTEXT_KEY, None)
    if context is not None:
        context.selected = sum(1 for item in session.items if spec_of(item) is not None)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    context = config.stash.get(CONTEXT_KEY, None)
    if context is not None and context.standalone:
        context.close()
        # Under plain pytest no report writer runs: allure-pytest's files (exception texts) are scrubbed here.
        alluredir = getattr(config.option, "allure_report_dir", None)
        if alluredir and Path(alluredir).is_dir():
            from conformance.report.scrub import scrub_library_files

            scrub_library_files(Path(alluredir), context.session.secrets)
    held = config.stash.get(HELD_KEY, None)
    if held is not None:
        held.close()


@pytest.fixture(scope="session")
def pact_context(request: pytest.FixtureRequest) -> RunContext:
    context = request.config.stash.get(CONTEXT_KEY, None)
    if context is None:
        raise pytest.UsageError("no conformance run is configured")
    return context


@pytest.fixture
def session(pact_context: RunContext) -> TargetSession:
    return pact_context.session


@pytest.fixture
def version(pact_context: RunContext) -> VersionInfo:
    return pact_context.session.version


@pytest.fixture(autouse=True)
def _pact_case_evidence(request: pytest.FixtureRequest) -> None:
    """Give each conformance case its own evidence log; no effect on other tests."""
    if spec_of(request.node) is not None:
        request.getfixturevalue("pact_context").session.begin_case()


def pytest_runtest_setup(item: pytest.Item) -> None:
    case = spec_of(item)
    context = item.config.stash.get(CONTEXT_KEY, None)
    if case is not None and context is not None:
        context.emit(CaseStarted(case.id, len(context.outcomes) + 1, context.selected))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    case = spec_of(item)
    context = item.config.stash.get(CONTEXT_KEY, None)
    if case is None or context is None:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        result = _case_outcome(case, context, call, report)
        context.record(result)
        context.emit(CaseFinished(case.id, case.title, case.official, result.outcome.value, result.mandatory,
                                  result.official_mandatory, result.message, len(context.outcomes), context.selected))
    _redact_report(report, context.session.secrets)


def _redact_report(report: pytest.TestReport, secrets: SecretBook) -> None:
    """What pytest prints (and allure-pytest's trace) quotes the target: cleaned and redacted like the reports."""
    if report.passed or report.longrepr is None:
        return
    if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        path, line, reason = report.longrepr
        report.longrepr = (path, line, secrets.redact(clean(str(reason))))
    else:
        report.longrepr = secrets.redact(clean(str(report.longrepr)))


def _case_outcome(case: CaseSpec, context: RunContext, call: pytest.CallInfo[None], report: pytest.TestReport) -> CaseOutcome:
    secrets = context.session.secrets
    status, message, requirements = _classify(call, report)
    blocked_by = None
    if status is Outcome.FAILED and _lost_run_token(call) and _token_case_failed(context) and case.id != RUN_TOKEN_CASE:
        status, blocked_by = Outcome.BLOCKED, RUN_TOKEN_CASE
        message = f"blocked by {RUN_TOKEN_CASE}: {message}"
    elif status is Outcome.FAILED and PREFLIGHT_TLS in context.shared and TLS_UNTRUSTED in message:
        status, blocked_by = Outcome.BLOCKED, TLS_TRUST_BLOCKER
        message = f"blocked by {TLS_TRUST_BLOCKER}: {message}"
    log = context.session.evidence
    return CaseOutcome(
        spec=case,
        mandatory=case.is_mandatory(context.spec),
        outcome=status,
        message=_shown_message(secrets, message),
        duration_s=report.duration,
        failed_requirements=requirements,
        evidence=[exchange.to_dict() for exchange in log.exchanges],
        notes=list(log.notes),
        findings=list(log.findings),
        tables=dict(log.tables),
        official_mandatory=case.is_official_mandatory(context.spec),
        official_failure=log.official_failure,
        official_pass=log.official_pass,
        blocked_by=blocked_by,
    )


def _shown_message(secrets: SecretBook, message: str) -> str:
    """Cleaned, redacted, then cut: a secret across the cut is redacted whole."""
    shown, cut = secrets.excerpt(clean(message), MESSAGE_CHARS)
    return shown + (" …" if cut else "")


RUN_TOKEN_CASE = "AUTH-TOKEN"  # owns the precondition "the run can obtain a token"


def _token_case_failed(context: RunContext) -> bool:
    """AUTH-TOKEN ran and failed: only then is it the one root cause the other cases are blocked by. A token
    that was issued but cannot be used (AUTH-TOKEN passed, or did not run) fails each case that needs it."""
    return any(c.spec.id == RUN_TOKEN_CASE and c.outcome in (Outcome.FAILED, Outcome.ERROR) for c in context.outcomes)


def _lost_run_token(call: pytest.CallInfo[None]) -> bool:
    """The case failed because the session could not obtain its token: the precondition AUTH-TOKEN checks."""
    return call.excinfo is not None and isinstance(call.excinfo.value, AuthError)


def _classify(call: pytest.CallInfo[None], report: pytest.TestReport) -> tuple[Outcome, str, list[str]]:
    """passed / failed (the target broke a rule) / skipped (not run, with reason) / error (harness)."""
    if report.passed:
        return Outcome.PASSED, "", []
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        return Outcome.SKIPPED, str(reason).removeprefix("Skipped: "), []
    exc = call.excinfo.value if call.excinfo is not None else None
    if isinstance(exc, CaseFailure):
        return Outcome.FAILED, exc.message, exc.requirements
    if isinstance(exc, CredentialsWithheld):  # the user's choice, not the target's fault: not run
        return Outcome.SKIPPED, str(exc), []
    if isinstance(exc, TargetError):
        return Outcome.FAILED, f"target unreachable or broken: {exc}", []
    if isinstance(exc, (BadBody, AuthError, UnusableData)):
        return Outcome.FAILED, str(exc), []
    if isinstance(exc, AssertionError):
        return Outcome.FAILED, str(exc).split("\nassert ")[0], []
    name = type(exc).__name__ if exc is not None else "error"
    return Outcome.ERROR, f"harness error ({name}): {exc}", []


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """The lines `run` ends with: the verdict, the parts, the baseline changes, where the reports are."""
    from conformance.engine.steps import summary_lines

    result = config.stash.get(RESULT_KEY, None)
    if result is None:
        return
    if ONE_PROCESS_KEY in config.stash:
        terminalreporter.write_line(config.stash[ONE_PROCESS_KEY])
    settings = config.stash[SETTINGS_KEY]
    for line in summary_lines(result, settings.options.lang, settings.options.report_dir):
        terminalreporter.write_line(line)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under plain pytest the run ends as `run` ends: its reports (with --pact-report-dir) and its exit code,
    by the same gate (--pact-fail-on); optional failures do not fail it."""
    from conformance.engine.steps import close_notes, exit_code, result_of, write_run

    config = session.config
    prepared = config.stash.get(PREPARED_KEY, None)
    if prepared is None or not prepared.context.outcomes:
        return
    stops = config.stash[STOPS_KEY]
    stops.finishing()
    stopped_early = session.shouldfail or session.shouldstop  # -x / --maxfail: the cases after it never ran
    reason = stops.reason or (str(stopped_early) if stopped_early else None)
    interrupted = exitstatus == pytest.ExitCode.INTERRUPTED or reason is not None
    close_notes(prepared, interrupted, reason)
    result = result_of(prepared, interrupted, selection=_selection_words(config, prepared.settings))
    config.stash[RESULT_KEY] = result
    if prepared.settings.options.report_dir is not None:
        write_run(prepared, result)
    if exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        session.exitstatus = exit_code(result, prepared.settings.options.fail_on)


def _selection_words(config: pytest.Config, settings: Settings) -> str | None:
    """What narrowed the cases, for the report: -k, and pytest's own --lf / --deselect."""
    words = [settings.options.select] if settings.options.select else []
    if config.getoption("lf", False):
        words.append("--lf")
    if config.getoption("deselect", None):
        words.append("--deselect " + " ".join(config.getoption("deselect")))
    return " ".join(words) or None
