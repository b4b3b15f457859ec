"""One conformance run end to end: target (embedded or given) → pytest over cases/ → RunResult → reports."""

from __future__ import annotations

import json
import socket
import ssl
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

import pytest

import cases
from conformance import __version__
from conformance.baseline import Baseline, compare, load_baseline
from conformance.config import ConfigError, Settings
from conformance.evidence import SecretBook
from conformance.plugin import CONTEXT_KEY, GXD_FOOTPRINTS_FILE, SHARED_GXD_FOOTPRINTS, RunContext
from conformance.pytest_args import case_args, case_plugins
from conformance.reference.host import ReferenceHost
from conformance.report import write_reports
from conformance.report.labels import case_title, labels_for
from conformance.results import CaseOutcome, RunResult
from conformance.report_dir import claim_report_dir
from conformance.session import TargetSession, ssl_context
from conformance.stopping import stop_guard

if TYPE_CHECKING:
    from conformance.report.certificate import Signer

CASES_DIR = Path(cases.__file__).resolve().parent


class TargetUnreachable(Exception):
    """Nothing answers at the target's address (exit code 3)."""


class RunError(Exception):
    """The run could not be carried out for a reason that is not the target's (harness problem)."""


@dataclass
class RunOutput:
    result: RunResult
    report_dir: Path
    stopped: str | None = None  # why the cases were stopped early (a signal, the run timeout), if they were


def open_context(settings: Settings, secrets: SecretBook) -> RunContext:
    """Session for the configured target, starting the embedded reference host when none is given."""
    stack = ExitStack()
    target = settings.target
    options = settings.options
    if target is None:
        host = stack.enter_context(ReferenceHost(settings.spec, settings.profiles))
        target = host.target(settings.spec, settings.profiles)
        if options.expired_token is None:
            options = options.model_copy(update={"expired_token": host.expired_token()})
    secrets.add_client(target.client_id, target.client_secret.get_secret_value())
    if target.restricted_client_id and target.restricted_client_secret:
        secrets.add_client(target.restricted_client_id, target.restricted_client_secret.get_secret_value())
    if options.expired_token is not None:
        secrets.add(options.expired_token.get_secret_value(), "bearer-token")
    session = TargetSession(target, options, secrets)
    return RunContext(session, target.spec, target.profiles, options, resources=stack)


def check_reachable(url: str, timeout_s: float) -> None:
    """A TCP connection to the URL's host and port must open; TLS and HTTP are the cases' business."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=min(timeout_s, 10.0)):
            pass
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise TargetUnreachable(f"target unreachable: {parts.scheme}://{parts.netloc} ({reason})") from None


def tls_problem(url: str, verify: ssl.SSLContext | bool, timeout_s: float) -> str | None:
    """One line describing why a TLS handshake with the URL's host fails, or None when it succeeds."""
    parts = urlsplit(url)
    if parts.scheme != "https" or verify is False:
        return None
    context = verify if isinstance(verify, ssl.SSLContext) else ssl.create_default_context()
    try:
        with socket.create_connection((parts.hostname or "", parts.port or 443), timeout=min(timeout_s, 10.0)) as raw:
            with context.wrap_socket(raw, server_hostname=parts.hostname):
                return None
    except ssl.SSLCertVerificationError as exc:
        return f"TLS certificate of {parts.netloc} not trusted: {exc.verify_message}; pass --ca-cert for a private CA"
    except (ssl.SSLError, OSError) as exc:
        return f"TLS handshake with {parts.netloc} failed: {exc.__class__.__name__}: {exc}"


def default_report_dir(root: Path = Path("reports")) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    candidate = root / stamp
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = root / f"{stamp}-{counter}"
    return candidate


def _point_latest(report_dir: Path) -> None:
    latest = report_dir.parent / "latest"
    try:
        if latest.is_symlink() or latest.exists():
            latest.unlink()
        latest.symlink_to(report_dir.name, target_is_directory=True)
    except OSError:
        pass  # a file system without symlinks still gets the report itself


class _Inject:
    """Hands the prepared RunContext to the plugin for this pytest session."""

    def __init__(self, context: RunContext) -> None:
        self.context = context
        self.os_error: OSError | None = None

    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[CONTEXT_KEY] = self.context

    def pytest_internalerror(self, excrepr: object, excinfo: pytest.ExceptionInfo[BaseException]) -> bool | None:
        """A file-system error inside pytest (a full disk under allure-results) becomes the CLI's one line."""
        if isinstance(excinfo.value, OSError):
            self.os_error = excinfo.value
            return True
        return None


def _progress(out: TextIO, lang: str) -> Any:
    labels = labels_for(lang)

    def show(outcome: CaseOutcome, total: int) -> None:
        done = show.count = getattr(show, "count", 0) + 1  # type: ignore[attr-defined]
        official = outcome.spec.official or "-"
        need = labels["mandatory"] if outcome.mandatory else (
            labels["official_mandatory"] if outcome.official_mandatory else labels["optional"])
        word = outcome.outcome.value.upper() if lang == "en" else labels[outcome.outcome.value]
        title = case_title(outcome.spec.id, outcome.spec.title, lang)
        line = f"[{done:>3}/{total}] {word:<7} {outcome.spec.id:<28} {official:<6} {need:<9} {title}"
        if outcome.outcome.value in ("failed", "error", "skipped") and outcome.message:
            line += f"\n{'':>10}↳ {outcome.message.splitlines()[0][:160]}"
        print(line, file=out, flush=True)

    return show


def _signer(settings: Settings) -> Signer:
    """The certificate's signing key, loaded before the run so a bad key costs no run (joserfc only then)."""
    from conformance.report.certificate import load_signer

    return load_signer(settings.options)


def _fuzz_seed(context: RunContext) -> int | None:
    """The seed the fuzz stage used, when it ran (read from the stage: importing fuzzing here would load schemathesis)."""
    stage = context.shared.get("fuzz_stage")
    seed = getattr(getattr(stage, "settings", None), "seed", None)
    return seed if isinstance(seed, int) else None


def run(settings: Settings, *, out: TextIO = sys.stdout) -> RunOutput:
    """Run every selected case against the target and write all reports."""
    started = datetime.now(timezone.utc)
    baseline = load_baseline(settings.options.baseline) if settings.options.baseline else None
    signer = _signer(settings) if settings.options.certify else None
    secrets = SecretBook()
    context = open_context(settings, secrets)
    target = context.session.target
    report_dir = settings.options.report_dir or default_report_dir()
    with ExitStack() as held:
        try:
            stops = held.enter_context(stop_guard(settings.options.run_timeout_s))
            run_notes: list[str] = []
            for url in sorted({target.base_url, target.auth_url}):
                check_reachable(url, settings.options.timeout_s)
                problem = tls_problem(url, ssl_context(target), settings.options.timeout_s)
                if problem:
                    run_notes.append(problem)
                    print(f"WARNING: {problem}", file=out)
            held.enter_context(claim_report_dir(report_dir, overwrite=settings.options.overwrite))
            if not settings.options.quiet:
                context.on_outcome = _progress(out, settings.options.lang)
                labels = labels_for(settings.options.lang)
                where = labels["embedded_host"] if target.embedded else target.base_url
                print(labels["cli_run"].format(spec=target.spec, where=where)
                      + (f" (profiles: {', '.join(sorted(target.profiles))})" if target.profiles else ""), file=out)
                if target.insecure_tls:
                    print("WARNING: TLS verification is OFF (--insecure-tls); this is recorded in the report", file=out)
            args = case_args(CASES_DIR, report_dir / "allure-results", settings.options.select)
            inject = _Inject(context)
            try:
                code = pytest.main(args, plugins=[*case_plugins(), inject])
                if inject.os_error is not None:
                    raise inject.os_error
            except OSError as exc:
                exc.filename = exc.filename or str(report_dir)  # the one line names where the partial reports are
                raise
            stops.finishing()
            if context.session.auth.fallback_note:
                run_notes.append(context.session.auth.fallback_note)
        finally:
            context.close()
        if code == pytest.ExitCode.NO_TESTS_COLLECTED or (code == 0 and not context.outcomes):
            raise ConfigError(f"no case matches the selection {settings.options.select!r}" if settings.options.select
                              else "no conformance case applies to this spec version and profile")
        interrupted = code == pytest.ExitCode.INTERRUPTED  # a stop that came as the last case ended stopped nothing
        if interrupted:
            why = f" ({stops.reason})" if stops.reason else ""
            run_notes.append(f"run interrupted{why}: the report holds the cases that finished before it")
        elif code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            raise RunError(f"the case runner stopped abnormally (pytest exit code {int(code)})")
        output = _report(settings, context, secrets, report_dir, started, run_notes, interrupted, baseline, signer)
        output.stopped = stops.reason if interrupted else None
        return output


def _report(settings: Settings, context: RunContext, secrets: SecretBook, report_dir: Path, started: datetime,
            run_notes: list[str], interrupted: bool, baseline: Baseline | None, signer: Signer | None = None) -> RunOutput:
    """The RunResult of the finished (or interrupted) cases, written to every report format."""
    target = context.session.target
    result = RunResult(
        tool_version=__version__,
        target={
            "base_url": "embedded reference host" if target.embedded else target.base_url,
            "auth_url": "embedded reference host" if target.embedded else target.auth_url,
            "spec_version": target.spec,
            "profiles": sorted(target.profiles),
            "client_id": target.client_id,
            "embedded": target.embedded,
        },
        spec=target.spec,
        profiles=sorted(target.profiles),
        started_at=started.isoformat().replace("+00:00", "Z"),
        finished_at=datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
        cases=context.outcomes,
        run_id=context.run_id,
        insecure_tls=target.insecure_tls,
        selection=settings.options.select,
        official_only=settings.options.official_only,
        fuzzed=not settings.options.no_fuzz,
        fuzz_seed=_fuzz_seed(context),
        notes=[*run_notes, *context.session.auth.warnings],
        interrupted=interrupted,
        baseline=compare(context.outcomes, baseline) if baseline else None,
    )
    chain_footprints = context.shared.get(SHARED_GXD_FOOTPRINTS)
    if isinstance(chain_footprints, list):  # written before write_reports, whose secret scrub covers every file
        (report_dir / GXD_FOOTPRINTS_FILE).write_text(json.dumps(chain_footprints, ensure_ascii=False), encoding="utf-8")
    try:
        write_reports(result, report_dir, secrets, lang=settings.options.lang)
    except OSError as exc:
        exc.filename = exc.filename or str(report_dir)
        raise
    if signer is not None and not interrupted:  # after the reports: it signs report.json's final hash
        from conformance.report.certificate import write_certificate

        write_certificate(result, settings.options, report_dir, signer)
    if settings.options.report_dir is None:
        _point_latest(report_dir)
    return RunOutput(result, report_dir)
