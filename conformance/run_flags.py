"""The options of a run, declared once: `pact-conformance run --x` and pytest's `--pact-x` are built from here.

The CLI and the pytest plugin are two front ends of one engine; a flag the CLI had and the plugin lacked
(report dir, baseline, language...) made plain pytest a lesser run. Both now add these flags, and both hand
the values to config.build_settings. Light on purpose: the CLI imports it before pydantic.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conformance.usage import DEFAULT_MAX_PAGES, DEFAULT_RUN_TIMEOUT_S, FAIL_ON_CHOICES
from conformance.versions import DEFAULT_SPEC, SPEC_VERSIONS


def _path(text: str) -> Path:
    """A path argument; an empty one is refused (Path("") would quietly mean the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("empty path")
    return Path(text)


def add_run_flags(add: Callable[..., Any]) -> None:
    """Declare every run flag (except -k, which is pytest's own) through `add`, argparse's add_argument shape."""
    add("--base-url", help="API base URL of the target (https); omit to test the embedded reference host")
    add("--auth-url", help="auth base URL (default: the base URL)")
    add("--client-id", help="client id (or PACT_CLIENT_ID); the secret comes from PACT_CLIENT_SECRET")
    add("--restricted-client-id", help="a second client granted none of the first one's footprints, for the "
        "access-management cases (or PACT_RESTRICTED_CLIENT_ID); its secret: PACT_RESTRICTED_CLIENT_SECRET")
    add("--spec", choices=None, help=f"spec version: {', '.join(SPEC_VERSIONS)} (default {DEFAULT_SPEC})")
    add("--profile", action="append", dest="profiles", help="extra profile, e.g. gxd (repeatable)")
    add("--config", help="TOML file with the same settings (flags win)")
    add("--ca-cert", help="PEM file of the CA that signed the target's TLS certificate")
    add("--insecure-tls", action="store_true", default=None, help="do not verify TLS (loudly marked in the report)")
    add("--http-base-url", help="plain-HTTP URL for the HTTPS-only probes (default: base URL with http://)")
    add("--http-auth-url", help="plain-HTTP URL of the auth host for the HTTPS-only probes")
    add("--report-dir", type=_path, help="where to write reports (default reports/<UTC timestamp>/)")
    add("--timeout", dest="timeout_s", type=float, help="per-request timeout in seconds (default 10)")
    add("--official-only", action="store_true", default=None, help="run only PACT's official test cases")
    add("--strict", action="store_true", default=None, help="contested rules (prose and OpenAPI "
        "disagree) fail instead of warning; the report names them either way")
    add("--callback-url", help="https URL where the target can reach the harness's events host")
    add("--listen", help="HOST:PORT where the harness's events host serves HTTPS (the target's callbacks)")
    add("--listen-cert", type=Path, help="PEM certificate (chain) the events host serves; default: one "
        "of a CA kept across runs, whose file is printed for the target to trust")
    add("--listen-key", type=Path, help="PEM private key of --listen-cert")
    add("--listen-plain", action="store_true", default=None,
        help="serve plain HTTP on --listen, behind your TLS-terminating --callback-url")
    add("--callback-client-id", help="the one client id the events host accepts (secret: "
        "PACT_CALLBACK_CLIENT_SECRET); default: ours and the official tool's well-known pairs")
    add("--event-timeout", dest="event_timeout_s", type=float, help="seconds to wait for an event callback (default 60)")
    add("--lang", choices=("en", "ja"), help="language of the HTML report and summary")
    add("--quiet", action="store_true", default=None, help="print only the verdict line")
    add("--expired-token", help="an expired access token of the target, to test expiry (prefer the "
        "environment variable PACT_EXPIRED_TOKEN: command lines are visible to other users)")
    add("--max-pages", type=int, help=f"stop a pagination walk after this many pages (default {DEFAULT_MAX_PAGES})")
    add("--run-timeout", dest="run_timeout_s", type=float, help="end the run after this many seconds as "
        f"interrupted, with a partial report (default {DEFAULT_RUN_TIMEOUT_S:g})")
    add("--overwrite", action="store_true", default=None,
        help="write into a --report-dir that already holds a report")
    add("--link-wait", dest="link_wait_s", type=float, help="check that a pagination link still works "
        "after this many seconds (PAGE-11 asks for 180 s: use 170); off by default as it adds the wait")
    add("--seed", dest="fuzz_seed", type=int, help="fuzzing seed (default: derived from the run id, printed)")
    add("--fuzz-budget", type=int, help="fuzzing examples per operation")
    add("--no-fuzz", action="store_true", default=None, help="skip the fuzzing stage (its cases are not run)")
    add("--openapi", help="fuzz with this OpenAPI description instead of the project's own")
    add("--gxd-bom", help="bill of materials (JSON) linking the GxD supply chain (default: the fixture chain)")
    add("--baseline", type=_path, metavar="REPORT_JSON",
        help="a previous run's report.json: report new failures, fixes and other changes")
    add("--same-origin-token-endpoint", action="store_true", default=None, help="never send the client "
        "credentials to a discovered token_endpoint on another origin than the auth URL")
    add("--certify", action="store_true", default=None, help="certification run: refuses -k, "
        "--official-only, --no-fuzz, --insecure-tls and a run without --seed and --fuzz-budget; writes a "
        "signed certificate.json")
    add("--signing-key", type=Path, help="Ed25519 private key (PEM) signing the certificate (or "
        "PACT_SIGNING_KEY); without one an ephemeral key signs it, marked self-signed")
    add("--fail-on", choices=FAIL_ON_CHOICES, help="exit 1 when the run is not conformant (default) or only on "
        "a regression: a mandatory case fails that did not fail in the --baseline")


def run_flag_dests() -> list[str]:
    """The settings keys of the run flags, in declaration order (what a front end passes to build_settings)."""
    dests: list[str] = []

    def record(flag: str, **kwargs: Any) -> None:
        dests.append(kwargs.get("dest") or flag.lstrip("-").replace("-", "_"))

    add_run_flags(record)
    return dests
