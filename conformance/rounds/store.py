"""Round history in the service store: every round's rows and case outcomes, so a later round can show,
per solution, what newly passes and what regressed, and `history` can print the retests.

The history lives in the same database as the service's runs (conformance/service/store.py, tables of
Alembic revision 0002): SQLite in a folder (its service.db) or PostgreSQL. `--db` names that store: a
folder, a file in it (the rounds.db location of earlier versions), or a postgresql:// URL. A rounds.db
written by an earlier version (its own schema in PRAGMA user_version) is imported once into the store
the first time the store is opened beside it, so no round is lost; a rounds.db written by a newer version
of the tool is refused rather than misread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from conformance.config import ConfigError
from conformance.rounds.model import RoundResult, SolutionRow
from conformance.service.store import (Store, database_url, now, round_cases, round_imports, round_rows,
                                       round_runs, rounds)

STORE_FILE = "service.db"
LEGACY_FILE = "rounds.db"
LEGACY_VERSION = 2  # the newest PRAGMA user_version a rounds.db of an earlier version has
BUSY_TIMEOUT_S = 30.0  # how long the CLI waits for a store another process (the service) is writing
RUNNING, REPORTING = "running", "reporting"  # a round started over the API, before it is recorded
STORE_ERRORS = (ConfigError, sqlite3.Error, SQLAlchemyError)

_PASSED = "passed"
_FAILING = ("failed", "error")


@dataclass(frozen=True)
class HistoryEntry:
    round_name: str
    round_id: str
    finished_at: str
    status: str
    verdict: str
    official_verdict: str | None
    passed: int
    failing: int
    newly_passing: list[str]
    regressed: list[str]
    run_id: str | None = None  # the service run of a round started over the API


@dataclass(frozen=True)
class Location:
    """Where --db points: the store's URL, its SQLite file (None for PostgreSQL), and an old rounds.db."""

    url: str
    file: Path | None
    legacy: Path | None


def changes_between(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    """Cases that pass now and did not before, and cases that passed before and fail now."""
    return {
        "newly_passing": sorted(c for c, o in after.items() if o == _PASSED and before.get(c, _PASSED) != _PASSED),
        "regressed": sorted(c for c, o in after.items() if o in _FAILING and before.get(c) == _PASSED),
    }


def locate(db: str | Path) -> Location:
    """A postgresql:// (or any SQLAlchemy) URL as it is; a folder: its service.db; a file: the service.db
    beside it, and the file itself, when it is not the store, as the rounds.db to import."""
    text = str(db)
    if "://" in text:
        return Location(database_url(text, Path(".")), None, None)
    path = Path(db)
    if path.exists() and not path.is_dir() and not path.is_file():
        raise ConfigError(f"history store {path} is neither a folder nor a file")
    folder = path if path.is_dir() else path.parent
    legacy = folder / LEGACY_FILE if path.is_dir() or path.name == STORE_FILE else path
    store_file = (folder / STORE_FILE).resolve()
    return Location(f"sqlite:///{store_file}", store_file, legacy.resolve())


def location_exists(db: str | Path) -> bool:
    found = locate(db)
    return found.file is None or found.file.is_file() or bool(found.legacy and found.legacy.is_file())


class RoundStore:
    """The round history: over its own connection to the store --db names, or over the service's store."""

    def __init__(self, db: str | Path | None = None, *, store: Store | None = None) -> None:
        if store is not None:
            self._store, self._owned = store, False
            return
        if db is None:
            raise ValueError("RoundStore needs db or store")
        found = locate(db)
        try:
            if found.file is not None:
                found.file.parent.mkdir(parents=True, exist_ok=True)
            self._store, self._owned = Store(found.url, busy_timeout_s=BUSY_TIMEOUT_S), True
        except (OSError, SQLAlchemyError, ImportError) as exc:
            raise ConfigError(f"history store {db} cannot be opened: {_one_line(exc)}") from None
        try:
            self._store.migrate()
            if found.legacy is not None:
                self.import_legacy(found.legacy)
        except ConfigError:
            self.close()
            raise
        except Exception as exc:  # noqa: BLE001 - a store the tool cannot use is one line, whatever broke
            self.close()
            raise ConfigError(f"history store {db} cannot be used: {_one_line(exc)}") from None

    def close(self) -> None:
        if self._owned:
            self._store.close()

    def __enter__(self) -> RoundStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # The history
    def record(self, result: RoundResult) -> bool:
        """Store the round and fill each row's `changes` against that solution's previous completed run.

        Idempotent: a round already recorded (the same shards merged again) is not stored a second
        time; its changes are still filled in. A round started over the API (status running) gets its
        rows now. Returns whether the round was stored now.
        """
        with self._store.writing() as db:
            known = db.execute(sa.select(rounds.c.pk, rounds.c.status).where(rounds.c.round_id == result.round_id)).first()
            for row in result.rows:
                before = _previous_cases(db, row.name, known[0] if known else None)
                row.changes = changes_between(before, row.cases) if before is not None and row.cases else {}
            if known and known[1] not in (RUNNING, REPORTING):
                return False
            values = {"name": result.name, "roster_digest": result.roster_digest, "started_at": result.started_at,
                      "finished_at": result.finished_at, "interrupted": result.interrupted, "lang": result.lang,
                      "status": final_status(result.interrupted)}
            if known and known[1] == REPORTING:
                values["status"] = REPORTING  # it ends when its report is written (set_status)
            if known:
                db.execute(rounds.update().where(rounds.c.pk == known[0]).values(**values))
                round_pk = known[0]
            else:
                round_pk = db.execute(rounds.insert().values(round_id=result.round_id, **values)).inserted_primary_key[0]
            _insert_rows(db, round_pk, result.rows)
        return True

    def history(self, solution: str) -> list[HistoryEntry]:
        """Every recorded round the solution took part in, oldest first, with what changed each time."""
        entries: list[HistoryEntry] = []
        before: dict[str, str] | None = None
        query = (sa.select(round_rows.c.pk, rounds.c.pk, rounds.c.name, rounds.c.round_id, rounds.c.finished_at,
                           round_rows.c.status, round_rows.c.verdict, round_rows.c.official_verdict)
                 .join(rounds, rounds.c.pk == round_rows.c.round_pk).where(round_rows.c.solution == solution)
                 .order_by(rounds.c.pk, round_rows.c.pk))
        with self._store.engine.connect() as db:
            found = db.execute(query).all()
            run_ids = dict(db.execute(sa.select(round_runs.c.round_pk, round_runs.c.run_id)
                                      .where(round_runs.c.solution == solution)).all())
            for row_pk, round_pk, name, round_id, finished, status, verdict, official in found:
                cases = _cases(db, row_pk)
                changed = changes_between(before, cases) if before is not None and cases else {}
                entries.append(HistoryEntry(
                    round_name=name, round_id=round_id, finished_at=finished or "", status=status, verdict=verdict,
                    official_verdict=official, passed=sum(1 for o in cases.values() if o == _PASSED),
                    failing=sum(1 for o in cases.values() if o in _FAILING),
                    newly_passing=changed.get("newly_passing", []), regressed=changed.get("regressed", []),
                    run_id=run_ids.get(round_pk)))
                if cases:
                    before = cases
        return entries

    def import_legacy(self, path: Path) -> int:
        """Copy the rounds of an old rounds.db into the store, once per file; how many were copied.

        Rounds the store has already (the same round id) are skipped. The old file is only read.
        """
        if not path.is_file() or path.stat().st_size == 0:
            return 0
        source = str(path.resolve())
        with self._store.engine.connect() as db:
            if db.execute(sa.select(round_imports.c.source).where(round_imports.c.source == source)).first():
                return 0
        old = _read_legacy(path)
        copied = 0
        with self._store.writing() as db:
            if db.execute(sa.select(round_imports.c.source).where(round_imports.c.source == source)).first():
                return 0  # another process imported it while this one read
            for entry in old:
                if db.execute(sa.select(rounds.c.pk).where(rounds.c.round_id == entry["round_id"])).first():
                    continue
                round_pk = db.execute(rounds.insert().values(
                    round_id=entry["round_id"], name=entry["name"], roster_digest=entry["roster_digest"],
                    started_at=entry["started_at"], finished_at=entry["finished_at"],
                    interrupted=bool(entry["interrupted"]), lang="en",
                    status="interrupted" if entry["interrupted"] else "finished")).inserted_primary_key[0]
                _insert_rows(db, round_pk, entry["rows"])
                copied += 1
            db.execute(round_imports.insert().values(source=source, rounds=copied, imported_at=now()))
        return copied

    # Rounds run by the service (the API's rounds)
    def create_round(self, round_id: str, name: str, roster_digest: str, started_at: str, account_id: str,
                     lang: str, report_dir: str, runs: Iterable[tuple[int, str, str]]) -> None:
        """A round started over the API, with its (position, solution, run id) service runs."""
        with self._store.writing() as db:
            round_pk = db.execute(rounds.insert().values(
                round_id=round_id, name=name, roster_digest=roster_digest, started_at=started_at, finished_at=None,
                interrupted=False, status=RUNNING, account_id=account_id, lang=lang,
                report_dir=report_dir)).inserted_primary_key[0]
            db.execute(round_runs.insert(), [{"round_pk": round_pk, "position": position, "solution": solution,
                                              "run_id": run_id} for position, solution, run_id in runs])

    def claim_reporting(self, round_id: str) -> bool:
        """Take a running round to write its report; False when another instance took it."""
        with self._store.engine.begin() as db:
            return bool(db.execute(rounds.update().where(rounds.c.round_id == round_id, rounds.c.status == RUNNING)
                                   .values(status=REPORTING)).rowcount)

    def set_status(self, round_id: str, status: str) -> None:
        with self._store.engine.begin() as db:
            db.execute(rounds.update().where(rounds.c.round_id == round_id).values(status=status))

    def running_rounds(self) -> list[str]:
        with self._store.engine.connect() as db:
            return list(db.execute(sa.select(rounds.c.round_id).where(rounds.c.status == RUNNING)
                                   .order_by(rounds.c.pk)).scalars())

    def service_rounds(self, limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """A page of the rounds run by the service, newest first, and how many there are."""
        where = rounds.c.report_dir.is_not(None)
        with self._store.engine.connect() as db:
            total = db.execute(sa.select(sa.func.count()).select_from(rounds).where(where)).scalar_one()
            found = db.execute(rounds.select().where(where).order_by(rounds.c.pk.desc()).limit(limit).offset(offset))
            return [dict(r._mapping) for r in found], int(total)

    def service_round(self, round_id: str) -> dict[str, Any] | None:
        """One round run by the service: its record, its runs, and its rows once recorded."""
        with self._store.engine.connect() as db:
            found = db.execute(rounds.select().where(rounds.c.round_id == round_id,
                                                     rounds.c.report_dir.is_not(None))).first()
            if found is None:
                return None
            record = dict(found._mapping)
            record["runs"] = [dict(r._mapping) for r in db.execute(
                round_runs.select().where(round_runs.c.round_pk == record["pk"]).order_by(round_runs.c.position))]
            record["rows"] = {r.solution: dict(r._mapping) for r in db.execute(
                round_rows.select().where(round_rows.c.round_pk == record["pk"]))}
        return record


def final_status(interrupted: bool) -> str:
    return "interrupted" if interrupted else "finished"


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _cases(db: Connection, row_pk: int) -> dict[str, str]:
    return dict(db.execute(sa.select(round_cases.c.case_id, round_cases.c.outcome)
                           .where(round_cases.c.row_pk == row_pk)).all())


def _previous_cases(db: Connection, solution: str, before_round_pk: int | None) -> dict[str, str] | None:
    """The case outcomes of the solution's last completed run (in a round before `before_round_pk`)."""
    query = sa.select(round_rows.c.pk).where(round_rows.c.solution == solution, round_rows.c.status == "completed")
    if before_round_pk is not None:
        query = query.where(round_rows.c.round_pk < before_round_pk)
    row_pk = db.execute(query.order_by(round_rows.c.round_pk.desc(), round_rows.c.pk.desc()).limit(1)).scalar()
    return None if row_pk is None else _cases(db, row_pk)


def _insert_rows(db: Connection, round_pk: int, rows: Iterable[SolutionRow | dict[str, Any]]) -> None:
    for row in rows:
        data = row.to_dict() if isinstance(row, SolutionRow) else row
        row_pk = db.execute(round_rows.insert().values(
            round_pk=round_pk, solution=data["name"], spec=data["spec"], status=data["status"],
            verdict=data["verdict"], official_verdict=data["official_verdict"], duration_s=data["duration_s"],
            report_dir=data["report_dir"], message=data["message"])).inserted_primary_key[0]
        mandatory = set(data["mandatory"])
        if data["cases"]:
            db.execute(round_cases.insert(), [{"row_pk": row_pk, "case_id": case_id, "outcome": outcome,
                                               "mandatory": case_id in mandatory}
                                              for case_id, outcome in data["cases"].items()])


def _read_legacy(path: Path) -> list[dict[str, Any]]:
    """The rounds of an old rounds.db (PRAGMA user_version 1 or 2), oldest first; [] for an empty file."""
    try:
        old = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise ConfigError(f"history database {path} cannot be opened: {exc}") from None
    try:
        version = old.execute("PRAGMA user_version").fetchone()[0]
        if version > LEGACY_VERSION:
            raise ConfigError(f"history database {path} has schema version {version}, newer than this tool knows "
                              f"({LEGACY_VERSION}); use a newer pact-conformance")
        if version == 0:
            return []
        interrupted = "interrupted" if version >= 2 else "0"
        found = []
        for pk, round_id, name, digest, started, finished, stopped in old.execute(
                f"SELECT id, round_id, name, roster_digest, started_at, finished_at, {interrupted} FROM rounds ORDER BY id"):
            rows = []
            for run_pk, *fields in old.execute(
                    "SELECT id, solution, spec, status, verdict, official_verdict, duration_s, report_dir, message"
                    " FROM runs WHERE round_pk = ? ORDER BY id", (pk,)).fetchall():
                row = dict(zip(("name", "spec", "status", "verdict", "official_verdict", "duration_s", "report_dir",
                                "message"), fields))
                cases = old.execute("SELECT case_id, outcome, mandatory FROM case_results WHERE run_pk = ?",
                                    (run_pk,)).fetchall()
                row["cases"] = {case_id: outcome for case_id, outcome, _ in cases}
                row["mandatory"] = [case_id for case_id, _, mandatory in cases if mandatory]
                rows.append(row)
            found.append({"round_id": round_id, "name": name, "roster_digest": digest, "started_at": started,
                          "finished_at": finished, "interrupted": stopped, "rows": rows})
        return found
    except sqlite3.Error as exc:
        raise ConfigError(f"history database {path} cannot be read: {exc}") from None
    finally:
        old.close()
