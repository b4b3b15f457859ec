"""The `service` and `submit` commands: their flags and what they print. The work is in main.py and submit.py."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any, TextIO

from conformance.run_flags import _path, add_run_flags
from conformance.service.limits import Limits

EXIT_USAGE = 2


def add_commands(commands: Any) -> None:
    service = commands.add_parser("service", help="start the conformance service (HTTP API, store, workers)")
    service.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    service.add_argument("--port", type=int, default=8400, help="port (default 8400; 0 = any free port)")
    service.add_argument("--report-root", type=_path, default=Path("service-data"),
                         help="where reports, the embedded SQLite store and the TLS CA live (default service-data/)")
    service.add_argument("--database", help="postgresql://… to share one store between instances (default: SQLite "
                                            "in the report root)")
    service.add_argument("--public-url", help="the https URL targets reach this service at (its callbacks)")
    service.add_argument("--plain", action="store_true", help="serve plain HTTP behind a TLS-terminating proxy "
                                                              "(needs --public-url)")
    service.add_argument("--tls-cert", type=Path, help="PEM certificate to serve (default: one of a CA kept in "
                                                       "the report root)")
    service.add_argument("--tls-key", type=Path, help="PEM key of --tls-cert")
    service.add_argument("--internal-host", default="127.0.0.1",
                         help="address of this machine that other instances reach (instances on several machines: the "
                              "instance that receives a callback forwards it to the run's events host there)")
    service.add_argument("--no-workers", action="store_true", help="API only: other instances execute the runs")
    defaults = Limits()
    for name, kind in (("workers", int), ("concurrent_runs_per_account", int), ("runs_per_hour_per_account", int),
                       ("callback_body_bytes", int), ("callback_requests_per_run", int), ("run_wall_time_s", float)):
        service.add_argument("--" + name.replace("_", "-"), type=kind, default=getattr(defaults, name),
                             help=f"limit (default {getattr(defaults, name)})")

    submit = commands.add_parser("submit", help="run through a conformance service, follow it, download the "
                                                "report folder and exit with the run's exit code")
    submit.add_argument("--service", required=True, help="the service's URL")
    submit.add_argument("--service-ca", type=Path, help="PEM CA file the service's certificate is signed by")
    submit.add_argument("--solution", help="the solution's name, for the service's filters and history")
    submit.add_argument("-k", dest="select", help="select cases by keyword expression, as in run")
    add_run_flags(submit.add_argument)


def service_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.reference.server import ServerError
    from conformance.service.main import ServiceOptions, start_service
    from conformance.stopping import stop_signals_interrupt

    if (args.tls_cert is None) != (args.tls_key is None):
        print("pact-conformance: error: --tls-cert and --tls-key go together", file=err)
        return EXIT_USAGE
    limits = Limits(workers=args.workers, concurrent_runs_per_account=args.concurrent_runs_per_account,
                    runs_per_hour_per_account=args.runs_per_hour_per_account,
                    callback_body_bytes=args.callback_body_bytes, callback_requests_per_run=args.callback_requests_per_run,
                    run_wall_time_s=args.run_wall_time_s)
    options = ServiceOptions(report_root=args.report_root, database=args.database, host=args.host, port=args.port,
                             public_url=args.public_url, plain=args.plain, tls_cert=args.tls_cert,
                             tls_key=args.tls_key, limits=limits, workers_enabled=not args.no_workers,
                             internal_host=args.internal_host)
    try:
        running = start_service(options, os.environ)
    except (ValueError, ServerError) as exc:
        print(f"pact-conformance: error: {exc}", file=err)
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - a database that cannot be reached or migrated: one line
        print(f"pact-conformance: error: the store cannot be used: {type(exc).__name__}: {str(exc).splitlines()[0]}",
              file=err)
        return EXIT_USAGE
    with running:
        print(f"pact-conformance service at {running.url}  (API: {running.url}/api/openapi.json)", file=out)
        print(f"  store: {running.store.url.split('@')[-1]}   instance: {running.instance_id}", file=out)
        print(f"  callbacks: {running.public_url + '/callbacks/<run-token>/' if running.public_url else 'none (give --public-url)'}",
              file=out)
        if running.ca_pem:
            print(f"  CA certificate: {running.ca_pem} (targets and `submit --service-ca` trust it)", file=out)
        if running.admin_token:
            print(f"  admin token (shown once): {running.admin_token}", file=out)
        print("Press Ctrl-C to stop.", file=out, flush=True)
        try:
            with stop_signals_interrupt():
                while True:
                    time.sleep(3600)
        except KeyboardInterrupt:
            print("stopping: running runs end interrupted with their partial reports", file=out, flush=True)
    return 0


def submit_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from conformance.service.submit import submit

    return submit(args, os.environ, out, err)
