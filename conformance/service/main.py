"""`pact-conformance service`: the store, the API and this instance's workers, started together.

The embedded default needs nothing installed: SQLite in the report root, HTTPS under a CA kept in the report
root (its ca.pem is what a target trusts for callbacks), a bounded pool of workers. Behind a TLS-terminating
reverse proxy, --plain with --public-url names the https URL the targets call back.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from conformance.reference.server import ThreadedServer
from conformance.reference.tls import RunCA, ServerCertificate, kept_ca
from conformance.rounds.service_rounds import ServiceRounds
from conformance.rounds.store import LEGACY_FILE
from conformance.service import accounts as acc
from conformance.service.api import Service, make_app
from conformance.service.limits import Limits
from conformance.service.secret_box import SecretBox
from conformance.service.store import Store, database_url
from conformance.service.worker import HEARTBEAT_S, STALE_AFTER_S, Workers

if TYPE_CHECKING:
    from conformance.service.queue import Queue

ADMIN_NAME = "admin"


@dataclass
class ServiceOptions:
    report_root: Path = Path("service-data")
    database: str | None = None
    host: str = "127.0.0.1"
    port: int = 8400
    public_url: str | None = None
    plain: bool = False  # plain HTTP, behind a TLS-terminating proxy (then --public-url)
    tls_dir: Path | None = None  # default: report_root/tls
    tls_cert: Path | None = None
    tls_key: Path | None = None
    limits: Limits = field(default_factory=Limits)
    stale_after_s: float = STALE_AFTER_S
    workers_enabled: bool = True  # False: an API-only instance (its runs are executed by other instances)
    internal_host: str = "127.0.0.1"  # the address other instances reach this one's runs at (several hosts)


@dataclass
class RunningService:
    """A started service: stop() ends it, running runs interrupted with their partial reports."""

    store: Store
    server: ThreadedServer
    workers: Workers | None
    url: str
    public_url: str | None
    ca_pem: Path | None
    admin_token: str | None  # only on the start that created the admin account
    instance_id: str
    queue: Queue | None = None
    rounds: ServiceRounds | None = None

    def stop(self) -> None:
        if self.workers is not None:
            self.workers.stop()
        elif self.queue is not None:
            self.queue.stop()
        if self.rounds is not None:
            self.rounds.stop()
        self.server.stop()
        self.store.close()

    def __enter__(self) -> RunningService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _tls(options: ServiceOptions) -> RunCA | ServerCertificate | None:
    if options.plain:
        return None
    if options.tls_cert is not None and options.tls_key is not None:
        return ServerCertificate(options.tls_cert, options.tls_key)
    names = tuple(dict.fromkeys((options.host, "localhost", "127.0.0.1")))
    return kept_ca(options.tls_dir or options.report_root / "tls", names)


def ensure_admin(store: Store) -> str | None:
    """Create the first admin account; its token (shown once) when this call created it."""
    if store.account_by_name(ADMIN_NAME) is not None:
        return None
    _, token = acc.create_account(store, ADMIN_NAME, "admin")
    return token


def start_service(options: ServiceOptions, env: Mapping[str, str] = os.environ) -> RunningService:
    """Migrate the store, start the API and the workers; raises ValueError/ServerError on bad options."""
    if options.plain and not options.public_url:
        raise ValueError("--plain needs --public-url, the https URL of the TLS-terminating proxy in front")
    if options.public_url and not options.public_url.startswith("https://"):
        raise ValueError("--public-url must be an https URL: targets send callbacks over TLS only")
    box = SecretBox(env)
    store = Store(database_url(options.database, options.report_root))
    instance_id = uuid.uuid4().hex[:16]
    queue = None
    if not store.is_sqlite:  # several instances: runs wait in procrastinate's queue, in the same PostgreSQL
        from conformance.service.queue import ProcrastinateQueue, apply_schema

        store.migrate(also=apply_schema)
        queue = ProcrastinateQueue(store.url, name=f"pact-{instance_id}", heartbeat_s=HEARTBEAT_S,
                                   stale_after_s=options.stale_after_s)
    else:
        store.migrate()
    rounds = ServiceRounds(store, box, options.report_root, env)
    rounds.history.import_legacy(options.report_root / LEGACY_FILE)  # the rounds of an earlier `round --db`
    admin_token = ensure_admin(store)
    tls = _tls(options)
    service = Service(store, box, options.limits, None, queue)
    service.rounds = rounds
    server = ThreadedServer(make_app(service), tls=tls, host=options.host, port=options.port)
    public_url = (options.public_url or (server.url if tls is not None else None))
    service.public_url = public_url.rstrip("/") if public_url else None
    workers = None
    if options.workers_enabled:
        workers = Workers(store, box, instance_id, options.report_root.resolve(), service.public_url,
                          options.limits, options.stale_after_s, options.internal_host, queue,
                          on_run_ended=rounds.run_ended).start()
    rounds.start()
    server.start()
    ca_pem = tls.ca_pem if isinstance(tls, RunCA) else None
    return RunningService(store, server, workers, server.url, service.public_url, ca_pem, admin_token, instance_id,
                          queue, rounds)
