"""The service's store: accounts, runs, their progress events and the service instances, in one database.

SQLite (a file in the report root) is the embedded default; PostgreSQL (`--database postgresql://…`) lets
several instances share it. The schema is migrated by Alembic (service/migrations) at start. A run's
target secret is never stored here, except as ciphertext under a key the operator gives (secret_box.py).
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
RUN_STATES = ("queued", "running", "finished", "interrupted")
ENDED = ("finished", "interrupted")

metadata = sa.MetaData()
accounts = sa.Table("accounts", metadata, sa.Column("id", sa.String, primary_key=True), sa.Column("name", sa.String),
                    sa.Column("role", sa.String), sa.Column("token_hash", sa.String), sa.Column("disabled", sa.Boolean),
                    sa.Column("created_at", sa.DateTime(timezone=True)))
instances = sa.Table("instances", metadata, sa.Column("id", sa.String, primary_key=True), sa.Column("url", sa.String),
                     sa.Column("heartbeat_at", sa.DateTime(timezone=True)))
runs = sa.Table("runs", metadata, *(sa.Column(name, kind) for name, kind in (
    ("id", sa.String), ("account_id", sa.String), ("status", sa.String), ("solution", sa.String), ("spec", sa.String),
    ("profiles", sa.Text), ("target", sa.Text), ("request", sa.Text), ("callback_token", sa.String),
    ("listener", sa.String), ("instance_id", sa.String), ("cancel_requested", sa.Boolean), ("verdict", sa.String),
    ("official_verdict", sa.String), ("exit_code", sa.Integer), ("summary", sa.Text), ("message", sa.Text),
    ("report_dir", sa.Text), ("created_at", sa.DateTime(timezone=True)), ("started_at", sa.DateTime(timezone=True)),
    ("finished_at", sa.DateTime(timezone=True)))))
run_events = sa.Table("run_events", metadata, sa.Column("id", sa.Integer, primary_key=True),
                      sa.Column("run_id", sa.String), sa.Column("data", sa.Text))
run_secrets = sa.Table("run_secrets", metadata, sa.Column("run_id", sa.String, primary_key=True),
                       sa.Column("ciphertext", sa.Text))
callback_counts = sa.Table("callback_counts", metadata, sa.Column("run_id", sa.String, primary_key=True),
                           sa.Column("requests", sa.Integer))
# Round history (revision 0002): conformance/rounds/store.py reads and writes these.
rounds = sa.Table("rounds", metadata, *(sa.Column(name, kind) for name, kind in (
    ("round_id", sa.String), ("name", sa.String), ("roster_digest", sa.String), ("started_at", sa.String),
    ("finished_at", sa.String), ("interrupted", sa.Boolean), ("status", sa.String), ("account_id", sa.String),
    ("lang", sa.String), ("report_dir", sa.Text))), sa.Column("pk", sa.Integer, primary_key=True))
round_rows = sa.Table("round_rows", metadata, *(sa.Column(name, kind) for name, kind in (
    ("round_pk", sa.Integer), ("solution", sa.String), ("spec", sa.String), ("status", sa.String),
    ("verdict", sa.String), ("official_verdict", sa.String), ("duration_s", sa.Float), ("report_dir", sa.Text),
    ("message", sa.Text))), sa.Column("pk", sa.Integer, primary_key=True))
round_cases = sa.Table("round_cases", metadata, sa.Column("row_pk", sa.Integer, primary_key=True),
                       sa.Column("case_id", sa.String, primary_key=True), sa.Column("outcome", sa.String),
                       sa.Column("mandatory", sa.Boolean))
round_runs = sa.Table("round_runs", metadata, sa.Column("round_pk", sa.Integer, primary_key=True),
                      sa.Column("position", sa.Integer, primary_key=True), sa.Column("solution", sa.String),
                      sa.Column("run_id", sa.String))
round_imports = sa.Table("round_imports", metadata, sa.Column("source", sa.Text, primary_key=True),
                         sa.Column("rounds", sa.Integer), sa.Column("imported_at", sa.DateTime(timezone=True)))


def new_run_id() -> str:
    return secrets.token_hex(8)


def now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(value: datetime | None) -> datetime | None:
    """In UTC: SQLite hands datetimes back naive (they were written in UTC), PostgreSQL in its session's zone."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    role: str
    disabled: bool
    created_at: datetime


@dataclass(frozen=True)
class Run:
    id: str
    account_id: str
    status: str
    solution: str | None
    spec: str
    profiles: list[str]
    target: dict[str, Any]
    request: dict[str, Any]
    callback_token: str
    listener: str | None
    instance_id: str | None
    cancel_requested: bool
    verdict: str | None
    official_verdict: str | None
    exit_code: int | None
    summary: dict[str, Any] | None
    message: str
    report_dir: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def duration_s(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


def _run(row: Any) -> Run:
    values = dict(row._mapping)
    for key in ("profiles", "target", "request", "summary"):
        values[key] = json.loads(values[key]) if values[key] else ({} if key != "summary" else None)
    for key in ("created_at", "started_at", "finished_at"):
        values[key] = _aware(values[key])
    values["message"] = values["message"] or ""
    values["cancel_requested"] = bool(values["cancel_requested"])
    return Run(**values)


def _account(row: Any) -> Account:
    values = dict(row._mapping)
    values.pop("token_hash")
    values["created_at"] = _aware(values["created_at"])
    values["disabled"] = bool(values["disabled"])
    return Account(**values)


def database_url(database: str | None, report_root: Path) -> str:
    """The SQLAlchemy URL: the given one, or SQLite in the report root."""
    if database:
        if database.startswith("postgresql://"):
            return "postgresql+psycopg://" + database.removeprefix("postgresql://")
        return database
    report_root.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(report_root / 'service.db').resolve()}"


_MIGRATING = threading.Lock()  # Alembic loads its scripts as modules: one migration at a time in a process


class Store:
    """One database, shared by every instance of the service; each method is one short transaction."""

    def __init__(self, url: str, busy_timeout_s: float = 30.0) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        options: dict[str, Any] = {"future": True}
        if self.is_sqlite:
            options["connect_args"] = {"check_same_thread": False, "timeout": busy_timeout_s}
        else:
            options.update(pool_pre_ping=True, pool_size=5, max_overflow=10)
        self.engine: Engine = sa.create_engine(url, **options)
        if self.is_sqlite:
            sa.event.listen(self.engine, "connect", partial(_sqlite_pragmas, busy_timeout_ms=int(busy_timeout_s * 1000)))

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A transaction that writes after it reads: SQLite's write lock is taken at its start (BEGIN
        IMMEDIATE), so two writers wait their turn instead of one failing; PostgreSQL serialises on a lock."""
        with self.engine.begin() as connection:
            if self.is_sqlite:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(4243)"))
            yield connection

    def migrate(self, also: Callable[[Connection], None] | None = None) -> None:
        """Bring the schema to the newest revision (Alembic), as every instance does at start; `also` runs on the
        same connection, under the same lock (the queue's own schema)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with _MIGRATING, self.engine.begin() as connection:
            if self.is_sqlite:  # two processes opening a new database take turns
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:  # two instances starting together migrate one after the other
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(4242)"))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            if also is not None:
                also(connection)

    def close(self) -> None:
        self.engine.dispose()

    # Accounts
    def create_account(self, name: str, role: str, token_hash: str) -> Account:
        values = {"id": secrets.token_hex(8), "name": name, "role": role, "token_hash": token_hash,
                  "disabled": False, "created_at": now()}
        with self.engine.begin() as db:
            db.execute(accounts.insert().values(**values))
        return self.account(values["id"])  # type: ignore[return-value]

    def account(self, account_id: str) -> Account | None:
        with self.engine.connect() as db:
            row = db.execute(accounts.select().where(accounts.c.id == account_id)).first()
        return _account(row) if row else None

    def account_by_token_hash(self, token_hash: str) -> Account | None:
        with self.engine.connect() as db:
            row = db.execute(accounts.select().where(accounts.c.token_hash == token_hash)).first()
        return _account(row) if row else None

    def account_by_name(self, name: str) -> Account | None:
        with self.engine.connect() as db:
            row = db.execute(accounts.select().where(accounts.c.name == name)).first()
        return _account(row) if row else None

    def list_accounts(self) -> list[Account]:
        with self.engine.connect() as db:
            return [_account(r) for r in db.execute(accounts.select().order_by(accounts.c.created_at))]

    def update_account(self, account_id: str, **values: Any) -> None:
        with self.engine.begin() as db:
            db.execute(accounts.update().where(accounts.c.id == account_id).values(**values))

    # Runs
    def create_run(self, run_id: str, account_id: str, spec: str, profiles: list[str], target: dict[str, Any],
                   request: dict[str, Any], solution: str | None, ciphertext: str | None) -> Run:
        with self.engine.begin() as db:
            db.execute(runs.insert().values(
                id=run_id, account_id=account_id, status="queued", solution=solution, spec=spec,
                profiles=json.dumps(profiles), target=json.dumps(target), request=json.dumps(request),
                callback_token=secrets.token_urlsafe(24), cancel_requested=False, message="", created_at=now()))
            if ciphertext is not None:
                db.execute(run_secrets.insert().values(run_id=run_id, ciphertext=ciphertext))
        return self.run(run_id)  # type: ignore[return-value]

    def run(self, run_id: str) -> Run | None:
        with self.engine.connect() as db:
            row = db.execute(runs.select().where(runs.c.id == run_id)).first()
        return _run(row) if row else None

    def run_by_callback_token(self, token: str) -> Run | None:
        with self.engine.connect() as db:
            row = db.execute(runs.select().where(runs.c.callback_token == token)).first()
        return _run(row) if row else None

    def list_runs(self, *, account_id: str | None = None, status: str | None = None, solution: str | None = None,
                  verdict: str | None = None, since: datetime | None = None, until: datetime | None = None,
                  limit: int = 50, offset: int = 0) -> tuple[list[Run], int]:
        """A page of runs, newest first, and how many match in all."""
        where = []
        for column, value in ((runs.c.account_id, account_id), (runs.c.status, status),
                              (runs.c.solution, solution), (runs.c.verdict, verdict)):
            if value is not None:
                where.append(column == value)
        if since is not None:
            where.append(runs.c.created_at >= since)
        if until is not None:
            where.append(runs.c.created_at < until)
        query = runs.select().where(*where).order_by(runs.c.created_at.desc(), runs.c.id).limit(limit).offset(offset)
        with self.engine.connect() as db:
            total = db.execute(sa.select(sa.func.count()).select_from(runs).where(*where)).scalar_one()
            return [_run(r) for r in db.execute(query)], int(total)

    def count_runs(self, account_id: str, *, statuses: tuple[str, ...] = (), since: datetime | None = None) -> int:
        where = [runs.c.account_id == account_id]
        if statuses:
            where.append(runs.c.status.in_(statuses))
        if since is not None:
            where.append(runs.c.created_at >= since)
        with self.engine.connect() as db:
            return int(db.execute(sa.select(sa.func.count()).select_from(runs).where(*where)).scalar_one())

    def claim_queued(self, instance_id: str, run_id: str | None = None) -> Run | None:
        """Take the oldest queued run (or the named one) for this instance; None when another took it first."""
        with self.engine.begin() as db:
            if run_id is None:
                run_id = db.execute(sa.select(runs.c.id).where(runs.c.status == "queued")
                                    .order_by(runs.c.created_at, runs.c.id).limit(1)).scalar()
                if run_id is None:
                    return None
            taken = db.execute(runs.update().where(runs.c.id == run_id, runs.c.status == "queued")
                               .values(status="running", instance_id=instance_id, started_at=now())).rowcount
        return self.run(run_id) if taken else None

    def set_listener(self, run_id: str, listener: str) -> None:
        with self.engine.begin() as db:
            db.execute(runs.update().where(runs.c.id == run_id).values(listener=listener))

    def finish_run(self, run_id: str, *, status: str, verdict: str | None, official_verdict: str | None,
                   exit_code: int | None, summary: dict[str, Any] | None, message: str, report_dir: str | None) -> bool:
        """End a run once: False when it had ended already (a recovery got there first)."""
        with self.engine.begin() as db:
            ended = db.execute(runs.update().where(runs.c.id == run_id, runs.c.status.not_in(ENDED)).values(
                status=status, verdict=verdict, official_verdict=official_verdict, exit_code=exit_code,
                summary=json.dumps(summary) if summary is not None else None, message=message,
                report_dir=report_dir, listener=None, finished_at=now())).rowcount
            db.execute(run_secrets.delete().where(run_secrets.c.run_id == run_id))
        return bool(ended)

    def cancel_queued(self, run_id: str) -> bool:
        """End a run that has not started; False when a worker took it already."""
        with self.engine.begin() as db:
            done = db.execute(runs.update().where(runs.c.id == run_id, runs.c.status == "queued").values(
                status="interrupted", cancel_requested=True, message="cancelled before it started",
                finished_at=now())).rowcount
            db.execute(run_secrets.delete().where(run_secrets.c.run_id == run_id))
        return bool(done)

    def request_cancel(self, run_id: str) -> None:
        with self.engine.begin() as db:
            db.execute(runs.update().where(runs.c.id == run_id).values(cancel_requested=True))

    def cancel_requested(self, run_ids: list[str]) -> set[str]:
        if not run_ids:
            return set()
        with self.engine.connect() as db:
            rows = db.execute(sa.select(runs.c.id).where(runs.c.id.in_(run_ids), runs.c.cancel_requested.is_(True)))
            return {r[0] for r in rows}

    def take_secret(self, run_id: str) -> str | None:
        """The run's ciphertext, deleted as it is read: a secret is used once, by the run it came with."""
        with self.engine.begin() as db:
            value = db.execute(sa.select(run_secrets.c.ciphertext).where(run_secrets.c.run_id == run_id)).scalar()
            db.execute(run_secrets.delete().where(run_secrets.c.run_id == run_id))
        return value

    # Progress events
    def add_event(self, run_id: str, data: dict[str, Any]) -> None:
        with self.engine.begin() as db:
            db.execute(run_events.insert().values(run_id=run_id, data=json.dumps(data, ensure_ascii=False)))

    def events_after(self, run_id: str, after: int, limit: int = 500) -> list[tuple[int, dict[str, Any]]]:
        query = (sa.select(run_events.c.id, run_events.c.data).where(run_events.c.run_id == run_id, run_events.c.id > after)
                 .order_by(run_events.c.id).limit(limit))
        with self.engine.connect() as db:
            return [(row[0], json.loads(row[1])) for row in db.execute(query)]

    # Callback limits
    def count_callback(self, run_id: str) -> int:
        """One more request to the run's callback endpoint; how many it has had."""
        insert = (sqlite_insert if self.is_sqlite else postgresql_insert)(callback_counts)
        upsert = insert.values(run_id=run_id, requests=1).on_conflict_do_update(  # one statement: instances race
            index_elements=[callback_counts.c.run_id], set_={"requests": callback_counts.c.requests + 1})
        with self.engine.begin() as db:
            db.execute(upsert)
            return int(db.execute(sa.select(callback_counts.c.requests)
                                  .where(callback_counts.c.run_id == run_id)).scalar_one())

    # Instances
    def heartbeat(self, instance_id: str, url: str) -> None:
        with self.engine.begin() as db:
            done = db.execute(instances.update().where(instances.c.id == instance_id).values(heartbeat_at=now())).rowcount
            if not done:
                db.execute(instances.insert().values(id=instance_id, url=url, heartbeat_at=now()))

    def orphaned_runs(self, stale_after_s: float) -> list[Run]:
        """Running runs whose instance stopped beating (killed, restarted): nobody will finish them."""
        cutoff = now() - timedelta(seconds=stale_after_s)
        with self.engine.connect() as db:
            alive = sa.select(instances.c.id).where(instances.c.heartbeat_at >= cutoff)
            rows = db.execute(runs.select().where(runs.c.status == "running", runs.c.instance_id.not_in(alive)))
            return [_run(r) for r in rows]

    def queued_before(self, older_than_s: float) -> list[str]:
        """Runs queued longer than older_than_s: on PostgreSQL, those the queue may never have been told of (the
        accepting instance died between saving the run and deferring its job)."""
        cutoff = now() - timedelta(seconds=older_than_s)
        with self.engine.connect() as db:
            rows = db.execute(sa.select(runs.c.id).where(runs.c.status == "queued", runs.c.created_at < cutoff))
            return [row.id for row in rows]

    def iter_all_runs(self) -> Iterator[Run]:
        with self.engine.connect() as db:
            for row in db.execute(runs.select()):
                yield _run(row)


def _sqlite_pragmas(connection: Any, record: Any, busy_timeout_ms: int = 30000) -> None:
    """WAL, so the API reads while a worker writes; a busy wait instead of 'database is locked'."""
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
