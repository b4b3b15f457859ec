"""pytest plugin: options, fixtures, case selection and outcome collection.

Registered through the `pytest11` entry point, so `pytest cases/ --pact-base-url ...`
works without the CLI. The CLI injects a ready RunContext instead; either way
the same hooks turn each case's result into a CaseOutcome. The plugin stays
inert for tests that are not conformance cases.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import pytest
from _pytest.mark import KeywordMatcher  # pytest's own -k semantics, kept for names that are not case ids
from _pytest.mark.expression import Expression

from conformance.auth import AuthError, CredentialsWithheld
from conformance.catalog import CaseSpec, selected_by, spec_of
from conformance.client import BadBody, TargetError, UnusableData
from conformance.config import ConfigError, RunOptions, build_settings
from conformance.evidence import SecretBook
from conformance.expect import CaseFailure
from conformance.results import CaseOutcome, Outcome, verdict_of
from conformance.sanitize import clean
from conformance.session import TargetSession
from conformance.versions import VersionInfo

CONTEXT_KEY = pytest.StashKey["RunContext"]()
# The GxD footprints a run saw (cases/gxd.py fills it); the runner writes them to gxd-footprints.json
# so that a certification round can link supply-chain tiers served by different solutions.
SHARED_GXD_FOOTPRINTS = "gxd_footprints"
GXD_FOOTPRINTS_FILE = "gxd-footprints.json"
CASES_DIR = Path(__file__).resolve().parents[1] / "cases"
MESSAGE_CHARS = 2000


@dataclass
class RunContext:
    """A run in progress: the session, what is selected, and the outcomes so far."""

    session: TargetSession
    spec: str
    profiles: frozenset[str]
    options: RunOptions
    outcomes: list[CaseOutcome] = field(default_factory=list)
    on_outcome: Callable[[CaseOutcome, int], None] | None = None
    selected: int = 0
    standalone: bool = False  # created by the plugin (plain pytest), not by the CLI
    resources: ExitStack = field(default_factory=ExitStack)
    shared: dict[str, Any] = field(default_factory=dict)  # per-run state cases share (e.g. the listener)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])  # also seeds fuzzing when no --seed

    def close(self) -> None:
        self.session.close()
        self.resources.close()

    def wants(self, case: CaseSpec) -> bool:
        if not case.applies_to(self.spec, self.profiles):
            return False
        return not (self.options.official_only and case.official is None)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pact", "PACT / GxD conformance (secret from PACT_CLIENT_SECRET)")
    group.addoption("--pact-base-url", help="base URL of the target; omit to test the embedded reference host")
    group.addoption("--pact-auth-url", help="auth base URL (default: base URL)")
    group.addoption("--pact-client-id", help="client id (or PACT_CLIENT_ID)")
    group.addoption("--pact-spec", help="spec version: 2.0, 2.1, 2.2, 2.3 or 3.0 (default 2.3)")
    group.addoption("--pact-profile", action="append", help="extra profile, e.g. gxd")
    group.addoption("--pact-ca-cert", help="PEM file of the CA that signed the target's certificate")
    group.addoption("--pact-insecure-tls", action="store_true", default=None, help="do not verify TLS (reported)")
    group.addoption("--pact-timeout", type=float, help="per-request timeout in seconds")
    group.addoption("--pact-official-only", action="store_true", default=None, help="run only official PACT cases")
    group.addoption("--pact-seed", type=int, help="fuzzing seed")
    group.addoption("--pact-fuzz-budget", type=int, help="fuzzing examples per operation")
    group.addoption("--pact-no-fuzz", action="store_true", default=None, help="skip the fuzzing stage")
    group.addoption("--pact-openapi", help="OpenAPI description to fuzz with")
    group.addoption("--pact-expired-token", help="an expired token of the target (or PACT_EXPIRED_TOKEN)")
    group.addoption("--pact-restricted-client-id", help="a second client granted nothing (secret: PACT_RESTRICTED_CLIENT_SECRET)")
    group.addoption("--pact-link-wait", type=float, help="seconds a pagination link must still work (PAGE-11)")
    group.addoption("--pact-callback-url", help="https URL where the target reaches the harness's events host")
    group.addoption("--pact-listen", help="HOST:PORT where the events host serves HTTPS")
    group.addoption("--pact-listen-cert", help="PEM certificate the events host serves")
    group.addoption("--pact-listen-key", help="PEM key of --pact-listen-cert")
    group.addoption("--pact-listen-plain", action="store_true", default=None, help="events host in plain HTTP")
    group.addoption("--pact-callback-client-id", help="the one callback client id (secret: PACT_CALLBACK_CLIENT_SECRET)")
    group.addoption("--pact-strict", action="store_true", default=None, help="contested rules fail")
    group.addoption("--pact-same-origin-token-endpoint", action="store_true", default=None,
                    help="never send credentials to a discovered token_endpoint on another origin")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "pact_case(spec): a declared PACT/GxD conformance case")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    """Case modules are named by area (auth.py, list.py), not test_*.py: collect them explicitly."""
    if file_path.parent == CASES_DIR and file_path.suffix == ".py" and not file_path.name.startswith(("_", "test_")):
        return pytest.Module.from_parent(parent, path=file_path)
    return None


def _standalone_context(config: pytest.Config) -> RunContext:
    """Build a context from --pact-* options (plain pytest use)."""
    from conformance.runner import open_context  # runner imports this module

    option = config.getoption
    cli = {
        "base_url": option("--pact-base-url"), "auth_url": option("--pact-auth-url"),
        "client_id": option("--pact-client-id"), "spec": option("--pact-spec"),
        "profiles": option("--pact-profile"), "ca_cert": option("--pact-ca-cert"),
        "insecure_tls": option("--pact-insecure-tls"), "timeout_s": option("--pact-timeout"),
        "official_only": option("--pact-official-only"), "fuzz_seed": option("--pact-seed"),
        "fuzz_budget": option("--pact-fuzz-budget"), "no_fuzz": option("--pact-no-fuzz"),
        "openapi": option("--pact-openapi"), "expired_token": option("--pact-expired-token"),
        "restricted_client_id": option("--pact-restricted-client-id"), "link_wait_s": option("--pact-link-wait"),
        "callback_url": option("--pact-callback-url"), "listen": option("--pact-listen"),
        "listen_cert": option("--pact-listen-cert"), "listen_key": option("--pact-listen-key"),
        "listen_plain": option("--pact-listen-plain"), "callback_client_id": option("--pact-callback-client-id"),
        "strict": option("--pact-strict"),
        "same_origin_token_endpoint": option("--pact-same-origin-token-endpoint"),
    }
    try:
        settings = build_settings(cli, os.environ)
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    context = open_context(settings, SecretBook())
    context.standalone = True
    _exit_when_unreachable(context)
    return context


def _exit_when_unreachable(context: RunContext) -> None:
    """Nothing answers at the target: exit 3 as the CLI does, instead of failing every case."""
    from conformance.runner import TargetUnreachable, check_reachable

    target = context.session.target
    if target.embedded:
        return
    try:
        for url in sorted({target.base_url, target.auth_url}):
            check_reachable(url, context.options.timeout_s)
    except TargetUnreachable as exc:
        context.close()
        pytest.exit(str(exc), returncode=3)


def _selection(config: pytest.Config) -> RunContext | None:
    context = config.stash.get(CONTEXT_KEY, None)
    if context is None and config.getoption("--pact-base-url", None) is not None:
        context = _standalone_context(config)
        config.stash[CONTEXT_KEY] = context
    return context


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect cases that do not apply to the selected version, profiles or official-only mode, or that -k
    leaves out. -k is judged here, before pytest's own -k, so that case ids and official numbers select too."""
    case_items = [item for item in items if spec_of(item) is not None]
    if not case_items:
        return
    context = _selection(config)
    if context is None:  # plain pytest on cases/ without a target: the embedded host
        context = _standalone_context(config)
        config.stash[CONTEXT_KEY] = context
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
        items[:] = keep


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
        context.outcomes.append(result)
        if context.on_outcome is not None:
            context.on_outcome(result, context.selected)
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
    if status is Outcome.FAILED and _lost_run_token(call) and case.id != RUN_TOKEN_CASE:
        status, blocked_by = Outcome.BLOCKED, RUN_TOKEN_CASE
        message = f"blocked by {RUN_TOKEN_CASE}: {message}"
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
    context = config.stash.get(CONTEXT_KEY, None)
    if context is not None and context.standalone and context.outcomes:
        terminalreporter.write_line(f"PACT conformance verdict: {verdict_of(context.outcomes).value}")


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under plain pytest the exit status follows the verdict: optional failures do not fail it."""
    context = session.config.stash.get(CONTEXT_KEY, None)
    if context is not None and context.standalone and context.outcomes and exitstatus in (0, 1):
        session.exitstatus = 0 if verdict_of(context.outcomes).value == "conformant" else 1
