"""`pact-conformance run | serve | validate | cases | round | merge | history`: argument parsing and exit codes only.

Exit codes: 0 conformant (or valid), 1 not conformant / incomplete (or invalid;
with `run --fail-on regression`: only a new mandatory failure vs the baseline),
2 usage or configuration error, 3 target unreachable. Errors are one line on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import gc
import logging
import os
import ssl
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from conformance import __version__
from conformance.usage import DEFAULT_MAX_PAGES, DEFAULT_RUN_TIMEOUT_S, FAIL_ON_CHOICES, ConfigError
from conformance.stopping import PipeSafeOutput
from conformance.versions import DEFAULT_SPEC, SPEC_VERSIONS

if TYPE_CHECKING:
    from conformance.config import Settings
    from conformance.results import RunResult

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3
DEFAULT_ROUNDS_DB = Path("reports") / "rounds.db"


def _path(text: str) -> Path:
    """A path argument; an empty one is refused (Path("") would quietly mean the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("empty path")
    return Path(text)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0-65535, got {port}")
    return port


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"pact-conformance: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pact-conformance", description="Conformance test suite for PACT and GxD PCF data exchange.")
    parser.add_argument("--version", action="version", version=f"pact-conformance {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = commands.add_parser("run", help="run the conformance cases against a target (default: the embedded reference host)")
    run.add_argument("--base-url", help="API base URL of the target (https); omit to test the embedded reference host")
    run.add_argument("--auth-url", help="auth base URL (default: the base URL)")
    run.add_argument("--client-id", help="client id (or PACT_CLIENT_ID); the secret comes from PACT_CLIENT_SECRET")
    run.add_argument("--restricted-client-id", help="a second client granted none of the first one's footprints, for the "
                     "access-management cases (or PACT_RESTRICTED_CLIENT_ID); its secret: PACT_RESTRICTED_CLIENT_SECRET")
    run.add_argument("--spec", choices=None, help=f"spec version: {', '.join(SPEC_VERSIONS)} (default {DEFAULT_SPEC})")
    run.add_argument("--profile", action="append", dest="profiles", help="extra profile, e.g. gxd (repeatable)")
    run.add_argument("--config", help="TOML file with the same settings (flags win)")
    run.add_argument("--ca-cert", help="PEM file of the CA that signed the target's TLS certificate")
    run.add_argument("--insecure-tls", action="store_true", default=None, help="do not verify TLS (loudly marked in the report)")
    run.add_argument("--http-base-url", help="plain-HTTP URL for the HTTPS-only probes (default: base URL with http://)")
    run.add_argument("--http-auth-url", help="plain-HTTP URL of the auth host for the HTTPS-only probes")
    run.add_argument("--report-dir", type=_path, help="where to write reports (default reports/<UTC timestamp>/)")
    run.add_argument("-k", dest="select", help="select cases by pytest keyword expression (e.g. 'auth and not oidc')")
    run.add_argument("--timeout", dest="timeout_s", type=float, help="per-request timeout in seconds (default 10)")
    run.add_argument("--official-only", action="store_true", default=None, help="run only PACT's official test cases")
    run.add_argument("--strict", action="store_true", default=None, help="contested rules (prose and OpenAPI "
                     "disagree) fail instead of warning; the report names them either way")
    run.add_argument("--callback-url", help="https URL where the target can reach the harness's events host")
    run.add_argument("--listen", help="HOST:PORT where the harness's events host serves HTTPS (the target's callbacks)")
    run.add_argument("--listen-cert", type=Path, help="PEM certificate (chain) the events host serves; default: one "
                     "of a CA kept across runs, whose file is printed for the target to trust")
    run.add_argument("--listen-key", type=Path, help="PEM private key of --listen-cert")
    run.add_argument("--listen-plain", action="store_true", default=None,
                     help="serve plain HTTP on --listen, behind your TLS-terminating --callback-url")
    run.add_argument("--callback-client-id", help="the one client id the events host accepts (secret: "
                     "PACT_CALLBACK_CLIENT_SECRET); default: ours and the official tool's well-known pairs")
    run.add_argument("--event-timeout", dest="event_timeout_s", type=float, help="seconds to wait for an event callback (default 60)")
    run.add_argument("--lang", choices=("en", "ja"), help="language of the HTML report and summary")
    run.add_argument("--quiet", action="store_true", default=None, help="print only the verdict line")
    run.add_argument("--expired-token", help="an expired access token of the target, to test expiry (prefer the "
                     "environment variable PACT_EXPIRED_TOKEN: command lines are visible to other users)")
    run.add_argument("--max-pages", type=int, help=f"stop a pagination walk after this many pages (default {DEFAULT_MAX_PAGES})")
    run.add_argument("--run-timeout", dest="run_timeout_s", type=float, help="end the run after this many seconds as "
                     f"interrupted, with a partial report (default {DEFAULT_RUN_TIMEOUT_S:g})")
    run.add_argument("--overwrite", action="store_true", default=None,
                     help="write into a --report-dir that already holds a report")
    run.add_argument("--link-wait", dest="link_wait_s", type=float, help="check that a pagination link still works "
                     "after this many seconds (PAGE-11 asks for 180 s: use 170); off by default as it adds the wait")
    run.add_argument("--seed", dest="fuzz_seed", type=int, help="fuzzing seed (default: derived from the run id, printed)")
    run.add_argument("--fuzz-budget", type=int, help="fuzzing examples per operation")
    run.add_argument("--no-fuzz", action="store_true", default=None, help="skip the fuzzing stage (its cases are not run)")
    run.add_argument("--openapi", help="fuzz with this OpenAPI description instead of the project's own")
    run.add_argument("--gxd-bom", help="bill of materials (JSON) linking the GxD supply chain (default: the fixture chain)")
    run.add_argument("--baseline", type=_path, metavar="REPORT_JSON",
                     help="a previous run's report.json: report new failures, fixes and other changes")
    run.add_argument("--fail-on", choices=FAIL_ON_CHOICES, help="exit 1 when the run is not conformant (default) or only on "
                     "a regression: a mandatory case fails that did not fail in the --baseline")

    serve = commands.add_parser("serve", help="run the embedded reference host alone")
    serve.add_argument("--port", type=_port, default=0, help="port on 127.0.0.1 (default: any free port)")
    serve.add_argument("--spec", default=DEFAULT_SPEC, help="v2 minor served on /2 (2.0-2.3), or 3.0 / all (/3 is always served)")
    serve.add_argument("--profile", action="append", dest="profiles", help="serve a profile's data too, e.g. gxd")
    serve.add_argument("--tls-dir", type=Path, help="keep the host's CA in this directory across starts "
                       "(DIR/ca.pem; default: a new CA per start)")
    serve.add_argument("--callback-ca", type=Path, help="PEM CA file to trust when calling requesters back "
                       "(e.g. the one `pact-conformance listen-ca` prints)")
    serve.add_argument("--callback-insecure", action="store_true", help="do not verify the requester's TLS "
                       "certificate when calling back")
    serve.add_argument("--callback-http", action="store_true", help="also call back http:// sources (loopback only)")
    serve.add_argument("--callback-client-id", help="client id to authenticate with at the requester (secret: "
                       "PACT_CALLBACK_CLIENT_SECRET; default: the suite's demo pair; the official tool's is "
                       "test_client_id / test_client_secret)")

    commands.add_parser("listen-ca", help="print the CA file of the events host that `run --listen` serves "
                        "(created once, kept across runs), for the target to trust")

    validate = commands.add_parser("validate", help="check footprint files offline against the data model")
    validate.add_argument("paths", nargs="+", help="files, directories, or - for stdin")
    validate.add_argument("--spec", default=DEFAULT_SPEC, help=f"spec version ({', '.join(SPEC_VERSIONS)})")
    validate.add_argument("--profile", action="append", dest="profiles", help="extra profile, e.g. gxd")
    validate.add_argument("--format", choices=("text", "json"), default="text")

    round_ = commands.add_parser("round", help="run a certification round over a roster of solutions")
    round_.add_argument("roster", type=_path, help="roster TOML: [round] name, [[solution]] entries")
    round_.add_argument("--workers", type=_positive, default=1, help="solutions run at the same time (default 1)")
    round_.add_argument("--shard", help="run only the i-th of n slices of the roster, e.g. 1/4 (merge them later)")
    round_.add_argument("--report-dir", type=_path, help="round folder (default reports/rounds/<UTC timestamp>/)")
    round_.add_argument("--db", type=_path, default=DEFAULT_ROUNDS_DB, help=f"history database (default {DEFAULT_ROUNDS_DB})")

    merge = commands.add_parser("merge", help="combine the round folders of shards into one round report")
    merge.add_argument("folders", nargs="+", type=_path, help="round folders written by `round --shard i/n`")
    merge.add_argument("--report-dir", type=_path, help="merged round folder (default reports/rounds/<UTC timestamp>/)")
    merge.add_argument("--db", type=_path, default=DEFAULT_ROUNDS_DB, help=f"history database (default {DEFAULT_ROUNDS_DB})")

    history = commands.add_parser("history", help="a solution's results over the recorded rounds")
    history.add_argument("solution", help="solution name as in the roster")
    history.add_argument("--db", type=_path, default=DEFAULT_ROUNDS_DB, help=f"history database (default {DEFAULT_ROUNDS_DB})")

    cases = commands.add_parser("cases", help="list the conformance cases")
    cases.add_argument("--spec", help="only cases that apply to this version")
    cases.add_argument("--coverage", action="store_true", help="requirement ids and the cases that check them")
    return parser


def _die(message: str, code: int, err: TextIO) -> int:
    print(f"pact-conformance: error: {message}", file=err)
    return code


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.config import build_settings, check_writable_dir
    from conformance.report.labels import labels_for
    from conformance.runner import RunError, TargetUnreachable, run

    if not gc.get_freeze_count():  # once: the modules just imported live as long as the process, so full
        gc.freeze()                 # collections need not walk them again (a fifth of a default run's CPU)
    cli = {key: value for key, value in vars(args).items() if key != "command"}
    if args.spec is not None and args.spec not in SPEC_VERSIONS:
        return _die(f"unknown spec version {args.spec!r}; choose one of {', '.join(SPEC_VERSIONS)}", EXIT_USAGE, err)
    try:
        settings = build_settings(cli, os.environ)
        for warning in settings.warnings:
            print(f"pact-conformance: warning: {warning}", file=err)
        check_writable_dir(settings.options.report_dir or Path("reports"), "--report-dir")
        _check_openapi(settings)
        output = run(settings, out=out)
    except ConfigError as exc:
        return _die(str(exc), EXIT_USAGE, err)
    except TargetUnreachable as exc:
        return _die(str(exc), EXIT_UNREACHABLE, err)
    except RunError as exc:
        return _die(str(exc), EXIT_FAIL, err)
    result = output.result
    if output.stopped:
        print(f"pact-conformance: run interrupted ({output.stopped}); partial report in {output.report_dir}", file=err)
    summary = result.summary()
    labels = labels_for(settings.options.lang)
    verdict = result.verdict.value if settings.options.lang == "en" else labels[result.verdict.value]
    print(labels["cli_summary"].format(verdict=verdict, warnings=summary["warnings"],
                                       **summary["mandatory"]), file=out)
    if len(result.profile_verdicts()) > 1:
        print("  " + ", ".join(f"{labels.get(k, k)}: {labels[v.value]}" for k, v in result.profile_verdicts().items()),
              file=out)
    if result.baseline is not None:
        changes = {name: len(ids) for name, ids in result.baseline.groups().items()}
        changes.update({name: len(keys) for name, keys in result.baseline.finding_groups().items()})
        print(labels["cli_baseline"].format(path=result.baseline.path, **changes,
                                            new_mandatory_failures=len(result.baseline.new_mandatory_failures),
                                            new_error_findings=len(result.baseline.new_error_findings)), file=out)
    print(labels["cli_reports"].format(path=output.report_dir / "report.html"), file=out)
    return _exit_code(result, settings.options.fail_on)


def _check_openapi(settings: Settings) -> None:
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


def _exit_code(result: RunResult, fail_on: str) -> int:
    """`regression` lets a gradually adopting team pass with known failures, never with new mandatory ones."""
    if fail_on == "regression":
        failed = result.interrupted or (result.baseline is not None and result.baseline.regression)
    else:
        failed = result.verdict.value != "conformant"
    return EXIT_FAIL if failed else EXIT_OK


def _serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.reference.host import ReferenceHost, log_requests
    from conformance.reference.tls import kept_ca
    from conformance.reference.server import ServerError

    spec = args.spec if args.spec != "all" else DEFAULT_SPEC
    if spec not in SPEC_VERSIONS:
        return _die(f"unknown spec version {args.spec!r}; choose 2.0-2.3, 3.0 or all", EXIT_USAGE, err)
    try:
        overrides = _serve_callbacks(args, os.environ)
        ca = kept_ca(args.tls_dir, ("127.0.0.1", "localhost")) if args.tls_dir else None
        host = ReferenceHost(spec, frozenset(args.profiles or ()), port=args.port, ca=ca, overrides=overrides,
                             wrap=lambda app: log_requests(app, lambda line: print(line, file=out, flush=True)))
    except (ServerError, OSError, ValueError) as exc:
        return _die(str(exc), EXIT_USAGE, err)
    log, handler = logging.getLogger("pact_conformance.reference"), _LineHandler(out)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    with host:
        v2 = host.config.v2_spec
        print(f"PACT reference host at {host.url}  (/2 serves spec {v2}, /3 serves spec 3.0)", file=out)
        print(f"  client id: {host.config.client_id}   client secret: {host.config.client_secret}   (demo credentials)", file=out)
        print(f"  restricted client (granted nothing): {host.config.restricted_client_id} / "
              f"{host.config.restricted_client_secret}", file=out)
        print(f"  CA certificate: {host.ca.ca_pem}   e.g. curl --cacert {host.ca.ca_pem} {host.url}/.well-known/openid-configuration", file=out)
        print(f"  callbacks: as client {host.config.callback_client_id!r}, "
              f"{'http and https' if host.config.callback_http else 'https'} sources on loopback, "
              f"{_trust_words(args)}", file=out)
        print("Press Ctrl-C to stop.", file=out, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("stopped", file=out)
        finally:
            log.removeHandler(handler)
    return EXIT_OK


class _LineHandler(logging.Handler):
    """The reference host's log (e.g. why a callback was not sent) as plain lines beside the request log."""

    def __init__(self, out: TextIO) -> None:
        super().__init__(logging.INFO)
        self._out = out

    def emit(self, record: logging.LogRecord) -> None:
        print(f"  {record.getMessage()}", file=self._out, flush=True)


def _serve_callbacks(args: argparse.Namespace, env: Mapping[str, str]) -> dict[str, Any]:
    """HostConfig overrides for how `serve` calls requesters back: trust, http sources, credentials."""
    overrides: dict[str, Any] = {"callback_http": bool(args.callback_http)}
    if args.callback_ca is not None and args.callback_insecure:
        raise ValueError("--callback-ca and --callback-insecure exclude each other")
    if args.callback_ca is not None:
        if not args.callback_ca.is_file():
            raise ValueError(f"--callback-ca file not found: {args.callback_ca}")
        overrides["callback_verify"] = ssl.create_default_context(cafile=str(args.callback_ca))
    elif args.callback_insecure:
        overrides["callback_verify"] = False
    if args.callback_client_id:
        secret = env.get("PACT_CALLBACK_CLIENT_SECRET")
        if not secret:
            raise ValueError("--callback-client-id needs its secret in PACT_CALLBACK_CLIENT_SECRET")
        overrides |= {"callback_client_id": args.callback_client_id, "callback_client_secret": secret}
    return overrides


def _trust_words(args: argparse.Namespace) -> str:
    if args.callback_insecure:
        return "TLS NOT verified (--callback-insecure)"
    return f"trusting {args.callback_ca}" if args.callback_ca else "trusting only this host's own CA"


def _listen_ca(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.listener import listen_ca_dir
    from conformance.reference.tls import kept_ca

    print(kept_ca(listen_ca_dir(), ("127.0.0.1", "localhost")).ca_pem, file=out)
    return EXIT_OK


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.spec not in SPEC_VERSIONS:
        return _die(f"unknown spec version {args.spec!r}; choose one of {', '.join(SPEC_VERSIONS)}", EXIT_USAGE, err)
    unknown = set(args.profiles or ()) - {"gxd"}
    if unknown:
        return _die(f"unknown profile {sorted(unknown)[0]!r}; known: gxd", EXIT_USAGE, err)
    from conformance.offline import validate_paths

    return validate_paths(args.paths, args.spec, frozenset(args.profiles or ()), args.format, out, err, sys.stdin)


def _cases(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.coverage import print_cases, print_coverage

    if args.spec is not None and args.spec not in SPEC_VERSIONS:
        return _die(f"unknown spec version {args.spec!r}; choose one of {', '.join(SPEC_VERSIONS)}", EXIT_USAGE, err)
    return print_coverage(out) if args.coverage else print_cases(args.spec, out)


def _round(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.rounds.commands import run_round_command

    return run_round_command(args.roster, args.workers, args.shard, args.report_dir, args.db, out)


def _merge(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.rounds.commands import merge_command

    return merge_command(args.folders, args.report_dir, args.db, out)


def _history(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.rounds.commands import history_command

    return history_command(args.solution, args.db, out)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = PipeSafeOutput(out or sys.stdout)  # `run | head` must not end the run before its report is written
    err = err or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    handlers = {"run": _run, "serve": _serve, "listen-ca": _listen_ca, "validate": _validate, "cases": _cases, "round": _round,
                "merge": _merge, "history": _history}
    try:
        return handlers[args.command](args, out, err)
    except ConfigError as exc:
        return _die(str(exc), EXIT_USAGE, err)
    except KeyboardInterrupt:
        return _die("interrupted", EXIT_FAIL, err)
    except BrokenPipeError:  # the reader went away (`| head`): nothing left to tell it
        _silence_stdout(out)
        return EXIT_FAIL
    except OSError as exc:
        return _die(*_os_error(exc), err)


def _silence_stdout(out: TextIO) -> None:
    """Point a closed stdout at /dev/null so the interpreter's final flush raises nothing more."""
    if out is sys.stdout:
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass


def _os_error(exc: OSError) -> tuple[str, int]:
    """A file-system problem as one line: a full disk is a failed run (what was written stays), the rest usage."""
    where = f" {exc.filename}" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"no space left on the device (writing{where or ' the reports'}); what was written is kept", EXIT_FAIL
    return f"cannot use{where}: {exc.strerror or exc}", EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
