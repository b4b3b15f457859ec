"""The steps of one conformance run, shared by the engine entry (engine/entry.py) and the pytest plugin:
prepare the target session, preflight it, turn the outcomes into a RunResult, write the reports, gate the exit."""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from conformance import __version__
from conformance.baseline import Baseline, compare, load_baseline
from conformance.config import ConfigError, Settings
from conformance.evidence import SecretBook
from conformance.reference.host import ReferenceHost
from conformance.report import write_reports
from conformance.report.labels import labels_for
from conformance.report.messages import render_message
from conformance.report.summary_md import verdict_pair
from conformance.results import RunResult
from conformance.run_context import GXD_FOOTPRINTS_FILE, PREFLIGHT_TLS, SHARED_GXD_FOOTPRINTS, RunContext
from conformance.session import TargetSession, ssl_context

if TYPE_CHECKING:
    from conformance.report.certificate import Signer

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
    where = f"{parts.scheme}://{parts.netloc}"
    wait_s = min(timeout_s, 10.0)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=wait_s):
            pass
    except socket.gaierror as exc:
        raise TargetUnreachable(f"target unreachable: {where} ({exc.strerror}) — DNS: the name {parts.hostname} does "
                                "not resolve; check --base-url / --auth-url") from None
    except ConnectionRefusedError as exc:
        raise TargetUnreachable(f"target unreachable: {where} ({exc.strerror}) — TCP: nothing listens on port {port}; "
                                "check that the host is up and the port is right") from None
    except TimeoutError:
        raise TargetUnreachable(f"target unreachable: {where} (no answer within {wait_s:g} s) — TCP: a firewall, or "
                                "a wrong address?") from None
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise TargetUnreachable(f"target unreachable: {where} ({reason})") from None


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


def _signer(settings: Settings) -> Signer:
    """The certificate's signing key, loaded before the run so a bad key costs no run (joserfc only then)."""
    from conformance.report.certificate import load_signer

    return load_signer(settings.options)


def _fuzz_seed(context: RunContext) -> int | None:
    """The seed the fuzz stage used, when it ran (read from the stage: importing fuzzing here would load schemathesis)."""
    stage = context.shared.get("fuzz_stage")
    seed = getattr(getattr(stage, "settings", None), "seed", None)
    return seed if isinstance(seed, int) else None


@dataclass
class Prepared:
    """A run about to start: its settings, the open target session, the secrets to scrub, the baseline."""

    settings: Settings
    context: RunContext
    secrets: SecretBook
    baseline: Baseline | None
    report_dir: Path
    signer: Signer | None = None  # signs the certificate of a certified run


def prepare(settings: Settings) -> Prepared:
    """Check the --openapi file, read the baseline and open the target session (starting the embedded host
    when no target is given)."""
    check_openapi(settings)
    baseline = load_baseline(settings.options.baseline) if settings.options.baseline else None
    signer = _signer(settings) if settings.options.certify else None
    secrets = SecretBook()
    context = open_context(settings, secrets)
    return Prepared(settings, context, secrets, baseline, settings.options.report_dir or default_report_dir(), signer)


def check_openapi(settings: Settings) -> None:
    """A --openapi file that cannot be fuzzed with is a usage error before the run, not "not run" cases in it."""
    if settings.options.openapi is None or settings.options.no_fuzz:
        return
    from conformance.fuzz import FuzzSetupError, load_schema

    path = settings.options.openapi
    try:
        schema = load_schema(settings.target.spec if settings.target else settings.spec, path)
    except FuzzSetupError as exc:
        raise ConfigError(str(exc)) from None
    try:  # the document is checked lazily, when its operations are read
        for _ in schema.get_all_operations():
            pass
    except Exception as exc:  # noqa: BLE001 - whatever stops reading the operations makes the file unusable
        detail = " ".join(str(exc).split())[:300]
        raise ConfigError(f"{path} cannot be used for fuzzing: {detail}") from None


def preflight(prepared: Prepared, warn: Callable[[str], None]) -> None:
    """Raise TargetUnreachable when nothing answers; a TLS problem is a warning and a note of the report."""
    target, options = prepared.context.session.target, prepared.settings.options
    for url in sorted({target.base_url, target.auth_url}):
        check_reachable(url, options.timeout_s)
        problem = tls_problem(url, ssl_context(target), options.timeout_s)
        if problem:
            prepared.context.notes.append(problem)
            if _missing_trust_anchor(problem):  # the cases that fail on it are blocked by this one root cause
                prepared.context.shared.setdefault(PREFLIGHT_TLS, problem)
            warn(f"WARNING: {problem}")


# OpenSSL's words for a chain that ends at a CA nobody told us to trust: the user's fix (--ca-cert), not a defect
# the target can be failed for. An expired certificate or a wrong host name stays a failure of the cases.
_UNKNOWN_ISSUER = ("unable to get local issuer certificate", "unable to get issuer certificate",
                   "self-signed certificate", "self signed certificate")


def _missing_trust_anchor(problem: str) -> bool:
    return " not trusted:" in problem and any(words in problem for words in _UNKNOWN_ISSUER)


def close_notes(prepared: Prepared, interrupted: bool, reason: str | None) -> None:
    """The notes only the end of the cases knows: an auth fallback, an interruption."""
    context = prepared.context
    if context.session.auth.fallback_note:
        context.notes.append(context.session.auth.fallback_note)
    if interrupted:
        why = f" ({reason})" if reason else ""
        context.notes.append(f"run interrupted{why}: the report holds the cases that finished before it")


def result_of(prepared: Prepared, interrupted: bool, selection: str | None = None) -> RunResult:
    """The RunResult of the finished (or interrupted) cases."""
    settings, context = prepared.settings, prepared.context
    target = context.session.target
    return RunResult(
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
        started_at=context.started.isoformat().replace("+00:00", "Z"),
        finished_at=datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
        cases=context.outcomes,
        run_id=context.run_id,
        insecure_tls=target.insecure_tls,
        selection=selection if selection is not None else settings.options.select,
        official_only=settings.options.official_only,
        fuzzed=not settings.options.no_fuzz,
        fuzz_seed=_fuzz_seed(context),
        notes=[*context.notes, *context.session.auth.warnings],
        interrupted=interrupted,
        baseline=compare(context.outcomes, prepared.baseline) if prepared.baseline else None,
    )


def write_run(prepared: Prepared, result: RunResult) -> RunOutput:
    """Every report format of the result, in the run's report folder."""
    report_dir, settings = prepared.report_dir, prepared.settings
    chain_footprints = prepared.context.shared.get(SHARED_GXD_FOOTPRINTS)
    if isinstance(chain_footprints, list):  # written before write_reports, whose secret scrub covers every file
        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / GXD_FOOTPRINTS_FILE).write_text(json.dumps(chain_footprints, ensure_ascii=False), encoding="utf-8")
    try:
        write_reports(result, report_dir, prepared.secrets, lang=settings.options.lang)
    except OSError as exc:
        exc.filename = exc.filename or str(report_dir)
        raise
    if prepared.signer is not None and not result.interrupted:  # after the reports: it signs report.json's final hash
        from conformance.report.certificate import write_certificate

        write_certificate(result, settings.options, report_dir, prepared.signer)
    if settings.options.report_dir is None:
        _point_latest(report_dir)
    return RunOutput(result, report_dir)


def exit_code(result: RunResult, fail_on: str) -> int:
    """1 when the run fails its gate, else 0. `regression` lets a gradually adopting team pass with known
    failures, never with new mandatory ones."""
    if fail_on == "regression":
        failed = result.interrupted or (result.baseline is not None and result.baseline.regression)
    elif result.official_only:  # the run holds official cases only: their (predicted) verdict decides
        failed = result.official_verdict is None or result.official_verdict.value != "conformant"
    else:
        failed = result.verdict.value != "conformant"
    return 1 if failed else 0


def summary_lines(result: RunResult, lang: str, report_dir: Path | None) -> list[str]:
    """The lines a run ends with, for `run` and plain pytest alike: verdict, parts, baseline changes, reports."""
    labels = labels_for(lang)
    summary = result.summary()
    verdict = result.verdict.value if lang == "en" else labels[result.verdict.value]
    lines = [labels["cli_summary"].format(verdict=verdict, warnings=summary["warnings"], **summary["mandatory"]),
             "  " + verdict_pair(result, labels)]
    blocked = [c for c in result.cases if c.blocked_by]
    if blocked:  # the one root cause, named once, instead of a failure per case
        owner = next((c for c in result.cases if c.spec.id == blocked[0].blocked_by), None)
        reason = owner.message if owner is not None and owner.message else blocked[0].message
        reason = render_message(reason.removeprefix(f"blocked by {blocked[0].blocked_by}: "), lang)
        lines.append(labels["cli_blocked"].format(n=len(blocked), case=blocked[0].blocked_by, message=reason))
    if result.partial_reasons:
        from conformance.report.scope import scope_texts

        lines.append(f"  {labels['partial_note']}: {'; '.join(scope_texts(result, labels))}")
    if len(result.profile_verdicts()) > 1:
        lines.append("  " + ", ".join(f"{labels.get(k, k)}: {labels[v.value]}" for k, v in result.profile_verdicts().items()))
    if result.baseline is not None:
        changes = {name: len(ids) for name, ids in result.baseline.groups().items()}
        changes.update({name: len(keys) for name, keys in result.baseline.finding_groups().items()})
        lines.append(labels["cli_baseline"].format(path=result.baseline.path, **changes,
                                                   new_mandatory_failures=len(result.baseline.new_mandatory_failures),
                                                   new_error_findings=len(result.baseline.new_error_findings)))
    if report_dir is not None:
        lines.append(labels["cli_reports"].format(path=report_dir / "report.html"))
    return lines
