"""`pact-conformance run | serve | validate | cases | round | merge | history`: argument parsing and exit codes only.

Exit codes: 0 conformant (or valid), 1 not conformant / incomplete (or invalid;
with `run --fail-on regression`: only a new mandatory failure vs the baseline),
2 usage or configuration error, 3 target unreachable. Errors are one line on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from conformance import __version__
from conformance.config import FAIL_ON_CHOICES, ConfigError, build_settings
from conformance.report.labels import labels_for
from conformance.versions import DEFAULT_SPEC, SPEC_VERSIONS

if TYPE_CHECKING:
    from conformance.config import Settings
    from conformance.results import RunResult

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3
DEFAULT_ROUNDS_DB = Path("reports") / "rounds.db"


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
    run.add_argument("--report-dir", type=Path, help="where to write reports (default reports/<UTC timestamp>/)")
    run.add_argument("-k", dest="select", help="select cases by pytest keyword expression (e.g. 'auth and not oidc')")
    run.add_argument("--timeout", dest="timeout_s", type=float, help="per-request timeout in seconds (default 10)")
    run.add_argument("--official-only", action="store_true", default=None, help="run only PACT's official test cases")
    run.add_argument("--callback-url", help="https URL where the target can reach the harness's events host")
    run.add_argument("--listen", help="HOST:PORT the harness's events host binds to")
    run.add_argument("--event-timeout", dest="event_timeout_s", type=float, help="seconds to wait for an event callback (default 60)")
    run.add_argument("--lang", choices=("en", "ja"), help="language of the HTML report and summary")
    run.add_argument("--quiet", action="store_true", default=None, help="print only the verdict line")
    run.add_argument("--expired-token", help="an expired access token of the target, to test expiry (prefer the "
                     "environment variable PACT_EXPIRED_TOKEN: command lines are visible to other users)")
    run.add_argument("--max-pages", type=int, help="stop a pagination walk after this many pages (default 1000)")
    run.add_argument("--link-wait", dest="link_wait_s", type=float, help="check that a pagination link still works "
                     "after this many seconds (PAGE-11 asks for 180 s: use 170); off by default as it adds the wait")
    run.add_argument("--seed", dest="fuzz_seed", type=int, help="fuzzing seed (default: derived from the run id, printed)")
    run.add_argument("--fuzz-budget", type=int, help="fuzzing examples per operation")
    run.add_argument("--no-fuzz", action="store_true", default=None, help="skip the fuzzing stage (its cases are not run)")
    run.add_argument("--openapi", help="fuzz with this OpenAPI description instead of the project's own")
    run.add_argument("--gxd-bom", help="bill of materials (JSON) linking the GxD supply chain (default: the fixture chain)")
    run.add_argument("--baseline", type=Path, metavar="REPORT_JSON",
                     help="a previous run's report.json: report new failures, fixes and other changes")
    run.add_argument("--fail-on", choices=FAIL_ON_CHOICES, help="exit 1 when the run is not conformant (default) or only on "
                     "a regression: a mandatory case fails that did not fail in the --baseline")

    serve = commands.add_parser("serve", help="run the embedded reference host alone")
    serve.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    serve.add_argument("--spec", default=DEFAULT_SPEC, help="v2 minor served on /2 (2.0-2.3), or 3.0 / all (/3 is always served)")
    serve.add_argument("--profile", action="append", dest="profiles", help="serve a profile's data too, e.g. gxd")

    validate = commands.add_parser("validate", help="check footprint files offline against the data model")
    validate.add_argument("paths", nargs="+", help="files, directories, or - for stdin")
    validate.add_argument("--spec", default=DEFAULT_SPEC, help=f"spec version ({', '.join(SPEC_VERSIONS)})")
    validate.add_argument("--profile", action="append", dest="profiles", help="extra profile, e.g. gxd")
    validate.add_argument("--format", choices=("text", "json"), default="text")

    round_ = commands.add_parser("round", help="run a certification round over a roster of solutions")
    round_.add_argument("roster", type=Path, help="roster TOML: [round] name, [[solution]] entries")
    round_.add_argument("--workers", type=int, default=1, help="solutions run at the same time (default 1)")
    round_.add_argument("--shard", help="run only the i-th of n slices of the roster, e.g. 1/4 (merge them later)")
    round_.add_argument("--report-dir", type=Path, help="round folder (default reports/rounds/<UTC timestamp>/)")
    round_.add_argument("--db", type=Path, default=DEFAULT_ROUNDS_DB, help=f"history database (default {DEFAULT_ROUNDS_DB})")
    round_.add_argument("--lang", choices=("en", "ja"), default="en", help="language of round.html and summary.md")

    merge = commands.add_parser("merge", help="combine the round folders of shards into one round report")
    merge.add_argument("folders", nargs="+", type=Path, help="round folders written by `round --shard i/n`")
    merge.add_argument("--report-dir", type=Path, help="merged round folder (default reports/rounds/<UTC timestamp>/)")
    merge.add_argument("--db", type=Path, default=DEFAULT_ROUNDS_DB, help=f"history database (default {DEFAULT_ROUNDS_DB})")
    merge.add_argument("--lang", choices=("en", "ja"), default="en", help="language of round.html and summary.md")

    history = commands.add_parser("history", help="a solution's results over the recorded rounds")
    history.add_argument("solution", help="solution name as in the roster")
    history.add_argument("--db", type=Path, default=DEFAULT_ROUNDS_DB, help=f"history database (default {DEFAULT_ROUNDS_DB})")

    cases = commands.add_parser("cases", help="list the conformance cases")
    cases.add_argument("--spec", help="only cases that apply to this version")
    cases.add_argument("--coverage", action="store_true", help="requirement ids, their texts and the cases that check them")
    cases.add_argument("--format", choices=("text", "json", "csv"), default="text", help="output of --coverage")
    return parser


def _die(message: str, code: int, err: TextIO) -> int:
    print(f"pact-conformance: error: {message}", file=err)
    return code


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.runner import RunError, TargetUnreachable, run

    cli = {key: value for key, value in vars(args).items() if key != "command"}
    settings: Settings | None = None
    try:
        if args.spec is not None and args.spec not in SPEC_VERSIONS:
            raise ConfigError(f"unknown spec version {args.spec!r}; choose one of {', '.join(SPEC_VERSIONS)}")
        settings = build_settings(cli, os.environ)
        output = run(settings, out=out)
    except ConfigError as exc:
        return _not_tested(str(exc), EXIT_USAGE, args, settings, err)
    except TargetUnreachable as exc:
        return _not_tested(str(exc), EXIT_UNREACHABLE, args, settings, err)
    except RunError as exc:
        return _not_tested(str(exc), EXIT_FAIL, args, settings, err)
    result = output.result
    summary = result.summary()
    labels = labels_for(settings.options.lang)
    verdict = result.verdict.value if settings.options.lang == "en" else labels[result.verdict.value]
    print(labels["cli_summary"].format(verdict=verdict, warnings=summary["warnings"],
                                       **summary["mandatory"]), file=out)
    blocked = [c for c in result.cases if c.blocked_by]
    owner = next((c for c in result.cases if blocked and c.spec.id == blocked[0].blocked_by), None)
    if blocked:  # the one root cause, named once, instead of a failure per case
        reason = owner.message if owner is not None and owner.message else blocked[0].message
        print(labels["cli_blocked"].format(n=len(blocked), case=blocked[0].blocked_by, message=reason), file=out)
    if result.partial_reasons:
        from conformance.report.scope import scope_texts

        print(f"  {labels['partial_note']}: {'; '.join(scope_texts(result, labels))}", file=out)
    if len(result.profile_verdicts()) > 1:
        print("  " + ", ".join(f"{labels.get(k, k)}: {labels[v.value]}" for k, v in result.profile_verdicts().items()),
              file=out)
    if result.baseline is not None:
        changes = {name: len(ids) for name, ids in result.baseline.groups().items()}
        print(labels["cli_baseline"].format(path=result.baseline.path, **changes,
                                            new_mandatory_failures=len(result.baseline.new_mandatory_failures)), file=out)
    print(labels["cli_reports"].format(path=output.report_dir / "report.html"), file=out)
    return _exit_code(result, settings.options.fail_on)


def _not_tested(message: str, code: int, args: argparse.Namespace, settings: Settings | None, err: TextIO) -> int:
    """The one error line, plus report.json and summary.md saying `not-tested`, so CI steps that read them work."""
    from conformance.evidence import SecretBook
    from conformance.report.not_tested import not_tested_report, write_not_tested
    from conformance.runner import _point_latest, default_report_dir

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


def _exit_code(result: RunResult, fail_on: str) -> int:
    """`regression` lets a gradually adopting team pass with known failures, never with new mandatory ones."""
    if fail_on == "regression":
        failed = result.interrupted or (result.baseline is not None and result.baseline.regression)
    else:
        failed = result.verdict.value != "conformant"
    return EXIT_FAIL if failed else EXIT_OK


def _serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.reference.host import ReferenceHost
    from conformance.reference.server import ServerError

    spec = args.spec if args.spec != "all" else DEFAULT_SPEC
    if spec not in SPEC_VERSIONS:
        return _die(f"unknown spec version {args.spec!r}; choose 2.0-2.3, 3.0 or all", EXIT_USAGE, err)
    try:
        host = ReferenceHost(spec, frozenset(args.profiles or ()), port=args.port)
    except ServerError as exc:
        return _die(str(exc), EXIT_USAGE, err)
    with host:
        v2 = host.config.v2_spec
        print(f"PACT reference host at {host.url}  (/2 serves spec {v2}, /3 serves spec 3.0)", file=out)
        print(f"  client id: {host.config.client_id}   client secret: {host.config.client_secret}   (demo credentials)", file=out)
        print(f"  restricted client (granted nothing): {host.config.restricted_client_id} / "
              f"{host.config.restricted_client_secret}", file=out)
        print(f"  CA certificate: {host.ca.ca_pem}   e.g. curl --cacert {host.ca.ca_pem} {host.url}/.well-known/openid-configuration", file=out)
        print("Press Ctrl-C to stop.", file=out, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("stopped", file=out)
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
    return print_coverage(out, args.format, args.spec) if args.coverage else print_cases(args.spec, out)


def _round(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.rounds.commands import run_round_command

    return run_round_command(args.roster, args.workers, args.shard, args.report_dir, args.db, out, args.lang)


def _merge(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.rounds.commands import merge_command

    return merge_command(args.folders, args.report_dir, args.db, out, args.lang)


def _history(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.rounds.commands import history_command

    return history_command(args.solution, args.db, out)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    handlers = {"run": _run, "serve": _serve, "validate": _validate, "cases": _cases, "round": _round,
                "merge": _merge, "history": _history}
    try:
        return handlers[args.command](args, out, err)
    except ConfigError as exc:
        return _die(str(exc), EXIT_USAGE, err)
    except KeyboardInterrupt:
        return _die("interrupted", EXIT_FAIL, err)


if __name__ == "__main__":
    sys.exit(main())
