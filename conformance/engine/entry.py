"""The engine's one entry: settings in, progress events out, a RunResult (with its report folder) back.

`pact-conformance run`, rounds (through their child runs) and the service's workers all call `run`; the pytest
plugin, which runs inside a pytest session it does not start, uses the same steps (engine/steps.py). A run
drives pytest over cases/ in this process, so it owns the process's signals while it lasts: cancellation,
SIGTERM and the run timeout all stop it the way Ctrl-C does, and the partial report is still written.
"""

from __future__ import annotations

import threading
from contextlib import ExitStack
from pathlib import Path

import pytest

import cases
from conformance.config import ConfigError, Settings
from conformance.engine.progress import Notice, ProgressEvent, ProgressListener, RunFinished, RunStarted
from conformance.engine.steps import (Prepared, RunError, RunOutput, close_notes, prepare, preflight, result_of,
                                      write_run)
from conformance.pytest_args import case_args, case_plugins
from conformance.report_dir import claim_report_dir
from conformance.run_context import CONTEXT_KEY, EngineRun, RunContext
from conformance.stopping import RunStops, stop_guard

CASES_DIR = Path(cases.__file__).resolve().parent


def _ignore(event: ProgressEvent) -> None:
    """The listener of a caller that wants no progress."""


def run(settings: Settings, *, progress: ProgressListener | None = None,
        cancel: threading.Event | None = None) -> RunOutput:
    """Run every selected case against the target and write all reports.

    Raises ConfigError (usage), TargetUnreachable (nothing answers) or RunError (the harness failed) before
    or instead of a result; a cancelled, signalled or timed-out run returns its partial result, interrupted.
    """
    emit = progress or _ignore
    prepared = prepare(settings)
    context, report_dir = prepared.context, prepared.report_dir
    context.progress = emit
    with ExitStack() as held:
        try:
            stops = held.enter_context(stop_guard(settings.options.run_timeout_s))
            if cancel is not None:
                held.callback(_watch(cancel, stops))
            preflight(prepared, lambda line: emit(_warning(line)))
            held.enter_context(claim_report_dir(report_dir, overwrite=settings.options.overwrite))
            emit(_started(prepared))
            code = _cases(context, report_dir, settings.options.select)
            stops.finishing()
        finally:
            context.close()
        if code == pytest.ExitCode.NO_TESTS_COLLECTED or (code == 0 and not context.outcomes):
            raise ConfigError(f"no case matches the selection {settings.options.select!r}" if settings.options.select
                              else "no conformance case applies to this spec version and profile")
        interrupted = code == pytest.ExitCode.INTERRUPTED  # a stop that came as the last case ended stopped nothing
        if not interrupted and code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            raise RunError(f"the case runner stopped abnormally (pytest exit code {int(code)})")
        close_notes(prepared, interrupted, stops.reason)
        output = write_run(prepared, result_of(prepared, interrupted))
        output.stopped = stops.reason if interrupted else None
    official = output.result.official_verdict
    emit(RunFinished(output.result.verdict.value, official.value if official else None, interrupted,
                     output.stopped, str(output.report_dir)))
    return output


def _warning(line: str) -> ProgressEvent:
    return Notice(line, warning=True)


def _started(prepared: Prepared) -> RunStarted:
    target = prepared.context.session.target
    return RunStarted(prepared.context.run_id, target.spec, tuple(sorted(target.profiles)),
                      "embedded reference host" if target.embedded else target.base_url, target.embedded,
                      target.insecure_tls, str(prepared.report_dir))


def _cases(context: RunContext, report_dir: Path, select: str | None) -> int | pytest.ExitCode:
    """pytest over cases/, with the prepared context handed to the plugin."""
    inject = _Inject(context)
    try:
        code = pytest.main(case_args(CASES_DIR, report_dir / "allure-results", select), plugins=[*case_plugins(), inject])
        if inject.os_error is not None:
            raise inject.os_error
    except OSError as exc:
        exc.filename = exc.filename or str(report_dir)  # the one line names where the partial reports are
        raise
    return code


def _watch(cancel: threading.Event, stops: RunStops) -> object:
    """Stop the run when `cancel` is set; returns what ends the watch when the run is over."""
    over = threading.Event()

    def watch() -> None:
        while not over.is_set():
            if cancel.wait(0.2):
                stops.on_cancel()
                return

    threading.Thread(target=watch, name="pact-cancel-watch", daemon=True).start()
    return over.set


def _past_capture(context: RunContext, config: pytest.Config) -> None:
    """The caller's listener prints to the real terminal, not into pytest's capture of a case's output."""
    capture = config.pluginmanager.getplugin("capturemanager")
    listener = context.progress
    if capture is None or listener is None:
        return

    def progress(event: ProgressEvent) -> None:
        with capture.global_and_fixture_disabled():
            listener(event)

    context.progress = progress


class _Inject(EngineRun):
    """Hands the prepared RunContext to the plugin for this pytest session."""

    def __init__(self, context: RunContext) -> None:
        super().__init__(context)
        self.os_error: OSError | None = None

    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[CONTEXT_KEY] = self.context
        _past_capture(self.context, config)
        # Plain tracebacks (the terminal plugin, which owns --tb, is off): the verdict reads the exception, never
        # pytest's source excerpt, and building that excerpt re-parses source with `ast`, which CPython 3.11 can
        # refuse after a deep recursion in the same thread ("AST constructor recursion depth mismatch").
        config.option.tbstyle = "native"

    def pytest_internalerror(self, excrepr: object, excinfo: pytest.ExceptionInfo[BaseException]) -> bool | None:
        """A file-system error inside pytest (a full disk under allure-results) becomes the CLI's one line."""
        if isinstance(excinfo.value, OSError):
            self.os_error = excinfo.value
            return True
        return None
