"""`pact-conformance run | serve | validate | cases | round | merge | history | verify`: argument parsing and exit codes only.

Exit codes: 0 conformant (or valid), 1 not conformant / incomplete (or invalid;
with `run --fail-on regression`: only a new mandatory failure vs the baseline),
2 usage or configuration error, 3 target unreachable. Errors are one line on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import gc
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from conformance import __version__
from conformance.run_flags import _path, add_run_flags
from conformance.usage import ConfigError
from conformance.stopping import PipeSafeOutput
from conformance.versions import DEFAULT_SPEC, SPEC_VERSIONS

if TYPE_CHECKING:  # ssl and logging too: only `serve` uses them, and --help or `cases` should not load them
    import logging

    from conformance.config import Settings

# httpx's own command-line client (rich, pygments: a twentieth of a run's start-up) is never used here. Its
# module is marked absent before anything imports httpx (nothing above does); httpx then takes its fallback
# for an install without the CLI extras.
sys.modules.setdefault("httpx._main", None)  # type: ignore[assignment]

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3
DEFAULT_ROUNDS_DB = Path("reports") / "rounds.db"


def _whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type for a whole number in [low, high]: a port, a worker count."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be {low}-{high}, got {value}" if high is not None
                                             else f"must be at least {low}, got {value}")
        return value

    return parse


_DB_HELP = (f"round history store: a folder (its service.db, shared with `service --report-root`), a file in it "
            f"(a rounds.db there is imported once), or a postgresql:// URL (default {DEFAULT_ROUNDS_DB})")


def _store(text: str) -> str | Path:
    """--db: a database URL as it is (a Path would fold its //), else a path."""
    return text if "://" in text else _path(text)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"pact-conformance: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pact-conformance", description="Conformance test suite for PACT and GxD PCF data exchange.")
    parser.add_argument("--version", action="version", version=f"pact-conformance {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = commands.add_parser("run", help="run the conformance cases against a target (default: the embedded reference host)")
    run.add_argument("-k", dest="select", help="select cases by pytest keyword expression (e.g. 'auth and not oidc')")
    add_run_flags(run.add_argument)
    run.add_argument("--round-id", help=argparse.SUPPRESS)  # set by `round` for its solutions' certificates
    run.add_argument("--roster-digest", help=argparse.SUPPRESS)

    serve = commands.add_parser("serve", help="run the embedded reference host alone")
    serve.add_argument("--port", type=_whole_number(0, 65535), default=0, help="port on 127.0.0.1 (default: any free port)")
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
    validate.add_argument("--spec", default=DEFAULT_SPEC, help=f"spec version ({', '.join(SPEC_VERSIONS)}), or auto: "
                          "each footprint against the version its specVersion names")
    validate.add_argument("--profile", action="append", dest="profiles", help="extra profile, e.g. gxd")
    validate.add_argument("--format", choices=("text", "json"), default="text")

    round_ = commands.add_parser("round", help="run a certification round over a roster of solutions")
    round_.add_argument("roster", type=_path, help="roster TOML: [round] name, [[solution]] entries")
    round_.add_argument("--workers", type=_whole_number(1), default=1, help="solutions run at the same time (default 1)")
    round_.add_argument("--shard", help="run only the i-th of n slices of the roster, e.g. 1/4 (merge them later)")
    round_.add_argument("--report-dir", type=_path, help="round folder (default reports/rounds/<UTC timestamp>/)")
    round_.add_argument("--db", type=_store, default=DEFAULT_ROUNDS_DB, help=_DB_HELP)
    round_.add_argument("--signing-key", type=_path, help="Ed25519 private key (PEM) signing the certified solutions' "
                        "certificates (or PACT_SIGNING_KEY)")
    round_.add_argument("--lang", choices=("en", "ja"), default="en", help="language of the round and solution reports")

    merge = commands.add_parser("merge", help="combine the round folders of shards into one round report")
    merge.add_argument("folders", nargs="+", type=_path, help="round folders written by `round --shard i/n`")
    merge.add_argument("--report-dir", type=_path, help="merged round folder (default reports/rounds/<UTC timestamp>/)")
    merge.add_argument("--db", type=_store, default=DEFAULT_ROUNDS_DB, help=_DB_HELP)
    merge.add_argument("--lang", choices=("en", "ja"), default="en", help="language of round.html and summary.md")

    history = commands.add_parser("history", help="a solution's results over the recorded rounds")
    history.add_argument("solution", help="solution name as in the roster")
    history.add_argument("--db", type=_store, default=DEFAULT_ROUNDS_DB, help=_DB_HELP)

    from conformance.service.commands import add_commands

    add_commands(commands)
    verify = commands.add_parser("verify", help="check a certificate's signature and, given it, its report's hash")
    verify.add_argument("certificate", type=Path, help="certificate.json of a certified run")
    verify.add_argument("--key", type=Path, required=True, help="the signer's Ed25519 public key (PEM)")
    verify.add_argument("--report", type=Path, help="the run's report.json, to check it is the one certified")

    cases = commands.add_parser("cases", help="list the conformance cases")
    cases.add_argument("--spec", help="only cases that apply to this version")
    cases.add_argument("--coverage", action="store_true", help="requirement ids, their texts and the cases that check them")
    cases.add_argument("--format", choices=("text", "json", "csv"), default="text", help="output of --coverage")
    return parser


def _die(message: str, code: int, err: TextIO) -> int:
    print(f"pact-conformance: error: {message}", file=err)
    return code


def _run_values(args: argparse.Namespace) -> dict[str, Any]:
    return {key: value for key, value in vars(args).items() if key != "command"}


def run_values(argv: Sequence[str]) -> dict[str, Any]:
    """The values `pact-conformance run ARGV` builds its settings from (config.build_settings' `cli`);
    ValueError for a command line `run` would refuse."""
    try:
        return _run_values(_parser().parse_args(["run", *argv]))
    except SystemExit:
        raise ValueError(f"not a run command line: {' '.join(argv)}") from None


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.config import build_settings, check_writable_dir
    from conformance.engine import RunError, TargetUnreachable, exit_code, run, summary_lines
    from conformance.terminal_progress import terminal_progress

    if not gc.get_freeze_count():  # once: the modules just imported live as long as the process, so full
        gc.freeze()                 # collections need not walk them again (a fifth of a default run's CPU)
    cli = _run_values(args)
    settings: Settings | None = None
    try:
        if args.spec is not None and args.spec not in SPEC_VERSIONS:
            raise ConfigError(f"unknown spec version {args.spec!r}; choose one of {', '.join(SPEC_VERSIONS)}")
        settings = build_settings(cli, os.environ)
        for warning in settings.warnings:
            print(f"pact-conformance: warning: {warning}", file=err)
        check_writable_dir(settings.options.report_dir or Path("reports"), "--report-dir")
        output = run(settings, progress=terminal_progress(out, settings.options.lang, settings.options.quiet))
    except ConfigError as exc:
        return _not_tested(str(exc), EXIT_USAGE, args, settings, err)
    except TargetUnreachable as exc:
        return _not_tested(str(exc), EXIT_UNREACHABLE, args, settings, err)
    except RunError as exc:
        return _not_tested(str(exc), EXIT_FAIL, args, settings, err)
    result = output.result
    if output.stopped:
        print(f"pact-conformance: run interrupted ({output.stopped}); partial report in {output.report_dir}", file=err)
    for line in summary_lines(result, settings.options.lang, output.report_dir):
        print(line, file=out)
    _print_certificate(output.report_dir, out)
    return exit_code(result, settings.options.fail_on)


def _print_certificate(report_dir: Path, out: TextIO) -> None:
    from conformance.report.certificate_files import CERTIFICATE_FILE, PUBLIC_KEY_FILE

    if (report_dir / CERTIFICATE_FILE).is_file():
        key = report_dir / PUBLIC_KEY_FILE
        print(f"Certificate: {report_dir / CERTIFICATE_FILE}"
              + (f" (self-signed; its public key: {key})" if key.is_file() else ""), file=out)


def _verify(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.report.certificate import CertificateError, verify_certificate

    try:
        checked = verify_certificate(args.certificate, args.key, args.report)
    except CertificateError as exc:
        return _die(str(exc), EXIT_USAGE, err)
    if not checked.valid:
        print(f"INVALID: {checked.message}", file=out)
        return EXIT_FAIL
    claims = checked.claims
    target = claims.get("target") or {}
    print(f"valid: {claims.get('tool', {}).get('name')} {claims.get('tool', {}).get('version')} found "
          f"{target.get('base_url')} {claims.get('verdict')} (spec {claims.get('spec_version')}, seed {claims.get('seed')}, "
          f"budget {claims.get('fuzz_budget')}) at {claims.get('issued_at')}"
          + (", report hash matches" if args.report else "") + f"; signer: {claims.get('signer')}", file=out)
    return EXIT_OK


def _not_tested(message: str, code: int, args: argparse.Namespace, settings: Settings | None, err: TextIO) -> int:
    """The one error line, plus report.json and summary.md saying `not-tested`, so CI steps that read them work."""
    from conformance.evidence import SecretBook
    from conformance.report.not_tested import not_tested_report, write_not_tested
    from conformance.engine.steps import _point_latest, default_report_dir

    options = settings.options if settings else None
    chosen = (options.report_dir if options else None) or args.report_dir
    report_dir = chosen or default_report_dir()
    target = settings.target if settings else None
    if target is not None:
        url = target.base_url
    else:
        url = args.base_url or "embedded reference host"
    spec = settings.spec if settings else (args.spec if args.spec in SPEC_VERSIONS else DEFAULT_SPEC)
    profiles = sorted(settings.profiles) if settings else sorted(args.profiles or [])
    secrets = SecretBook()
    if target is not None:
        secrets.add_client(target.client_id, target.client_secret.get_secret_value())
    report = not_tested_report(message, code, target_url=url, spec=spec, profiles=profiles)
    lang = options.lang if options else (args.lang or "en")
    if write_not_tested(report_dir, report, lang=lang, secrets=secrets) and chosen is None:
        _point_latest(report_dir)
    return _die(message, code, err)


def _serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.reference.host import ReferenceHost, log_requests
    from conformance.reference.tls import kept_ca
    from conformance.reference.server import ServerError

    from conformance.config import check_profiles
    from conformance.stopping import stop_signals_interrupt

    spec = args.spec if args.spec != "all" else DEFAULT_SPEC
    if spec not in SPEC_VERSIONS:
        return _die(f"unknown spec version {args.spec!r}; choose 2.0-2.3, 3.0 or all", EXIT_USAGE, err)
    try:
        check_profiles(args.profiles or ())
        overrides = _serve_callbacks(args, os.environ)
        ca = kept_ca(args.tls_dir, ("127.0.0.1", "localhost")) if args.tls_dir else None
        host = ReferenceHost(spec, frozenset(args.profiles or ()), port=args.port, ca=ca, overrides=overrides,
                             wrap=lambda app: log_requests(app, lambda line: print(line, file=out, flush=True)))
    except (ServerError, OSError, ValueError) as exc:
        return _die(str(exc), EXIT_USAGE, err)
    import logging

    log, handler = logging.getLogger("pact_conformance.reference"), _line_handler(out)
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
            with stop_signals_interrupt():  # SIGTERM too: the host stops and removes its CA folder
                while True:
                    time.sleep(3600)
        except KeyboardInterrupt:
            print("stopped", file=out)
        finally:
            log.removeHandler(handler)
    return EXIT_OK


def _line_handler(out: TextIO) -> logging.Handler:
    """The reference host's log (e.g. why a callback was not sent) as plain lines beside the request log."""
    import logging

    class LineHandler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            print(f"  {record.getMessage()}", file=out, flush=True)

    return LineHandler(logging.INFO)


def _serve_callbacks(args: argparse.Namespace, env: Mapping[str, str]) -> dict[str, Any]:
    """HostConfig overrides for how `serve` calls requesters back: trust, http sources, credentials."""
    overrides: dict[str, Any] = {"callback_http": bool(args.callback_http)}
    if args.callback_ca is not None and args.callback_insecure:
        raise ValueError("--callback-ca and --callback-insecure exclude each other")
    if args.callback_ca is not None:
        if not args.callback_ca.is_file():
            raise ValueError(f"--callback-ca file not found: {args.callback_ca}")
        import ssl

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
    if args.spec not in (*SPEC_VERSIONS, "auto"):
        return _die(f"unknown spec version {args.spec!r}; choose one of {', '.join(SPEC_VERSIONS)} or auto", EXIT_USAGE,
                    err)
    unknown = set(args.profiles or ()) - {"gxd"}
    if unknown:
        return _die(f"unknown profile {sorted(unknown)[0]!r}; known: gxd", EXIT_USAGE, err)
    from conformance.offline import validate_paths

    return validate_paths(args.paths, args.spec, frozenset(args.profiles or ()), args.format, out, err, sys.stdin)


def _cases(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.coverage import print_cases, print_coverage

    if args.spec is not None and args.spec not in SPEC_VERSIONS:
        return _die(f"unknown spec version {args.spec!r}; choose one of {', '.join(SPEC_VERSIONS)}", EXIT_USAGE, err)
    return print_coverage(out, args.format, args.spec) if args.coverage else print_cases(args.spec, out)


def _round(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.rounds.commands import run_round_command

    return run_round_command(args.roster, args.workers, args.shard, args.report_dir, args.db, out,
                             signing_key=args.signing_key, lang=args.lang)


def _service(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.service.commands import service_command

    return service_command(args, out, err)


def _submit(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.service.commands import submit_command

    return submit_command(args, out, err)


def _merge(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.rounds.commands import merge_command

    return merge_command(args.folders, args.report_dir, args.db, out, args.lang)


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
    handlers = {"run": _run, "serve": _serve, "listen-ca": _listen_ca, "validate": _validate, "cases": _cases,
                "round": _round, "merge": _merge, "history": _history, "verify": _verify,
                "service": _service, "submit": _submit}
    try:
        return handlers[args.command](args, out, err)
    except ConfigError as exc:
        return _die(str(exc), EXIT_USAGE, err)
    except KeyboardInterrupt:
        return _die("interrupted", EXIT_FAIL, err)
    except OSError as exc:
        return _die(*_os_error(exc), err)


def _os_error(exc: OSError) -> tuple[str, int]:
    """A file-system problem as one line: a full disk is a failed run (what was written stays), the rest usage."""
    where = f" {exc.filename}" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"no space left on the device (writing{where or ' the reports'}); what was written is kept", EXIT_FAIL
    return f"cannot use{where}: {exc.strerror or exc}", EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
