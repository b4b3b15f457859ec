"""Round history in SQLite: every round's rows and case outcomes, so a later round can show,
per solution, what newly passes and what regressed, and `history` can print the retests.

The schema evolves through MIGRATIONS, applied in order and tracked in PRAGMA user_version;
a database written by a newer version of the tool is refused rather than misread.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from conformance.config import ConfigError
from conformance.rounds.model import RoundResult, SolutionRow

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE rounds (
        id INTEGER PRIMARY KEY,
        round_id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        roster_digest TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        round_pk INTEGER NOT NULL REFERENCES rounds(id),
        solution TEXT NOT NULL,
        spec TEXT NOT NULL,
        status TEXT NOT NULL,
        verdict TEXT NOT NULL,
        official_verdict TEXT,
        duration_s REAL NOT NULL,
        report_dir TEXT,
        message TEXT NOT NULL
    );
    CREATE INDEX runs_by_solution ON runs(solution, round_pk);
    CREATE TABLE case_results (
        run_pk INTEGER NOT NULL REFERENCES runs(id),
        case_id TEXT NOT NULL,
        outcome TEXT NOT NULL,
        mandatory INTEGER NOT NULL,
        PRIMARY KEY (run_pk, case_id)
    );
    """,
    """
    ALTER TABLE rounds ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0;
    """,
)

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


def changes_between(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    """Cases that pass now and did not before, and cases that passed before and fail now."""
    return {
        "newly_passing": sorted(c for c, o in after.items() if o == _PASSED and before.get(c, _PASSED) != _PASSED),
        "regressed": sorted(c for c, o in after.items() if o in _FAILING and before.get(c) == _PASSED),
    }


class RoundStore:
    """The history database; one connection, used from one thread."""

    def __init__(self, path: Path) -> None:
        if path.exists() and not path.is_file():
            raise ConfigError(f"history database {path} is not a file (--db names the database file)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"history database {path} cannot be opened: {exc}") from None
        try:
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise ConfigError(f"history database {path} cannot be used: {exc}") from None
        except ConfigError:
            self._db.close()
            raise

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> RoundStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _migrate(self) -> None:
        """Apply the missing migrations in one write transaction: two processes opening a new
        database at once take turns, and the second finds the schema already in place."""
        self._db.isolation_level = None  # explicit transaction control for the migration
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise ConfigError(f"history database has schema version {version}, newer than this tool knows "
                                  f"({len(MIGRATIONS)}); use a newer pact-conformance")
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        finally:
            self._db.isolation_level = ""  # back to sqlite3's default for record()

    def _previous_cases(self, solution: str, before_round_pk: int | None) -> dict[str, str] | None:
        """The case outcomes of the solution's last completed run (in a round before `before_round_pk`)."""
        row = self._db.execute("SELECT id FROM runs WHERE solution = ? AND status = 'completed' AND round_pk < ? "
                               "ORDER BY round_pk DESC, id DESC LIMIT 1",
                               (solution, before_round_pk if before_round_pk is not None else 2**62)).fetchone()
        if row is None:
            return None
        return dict(self._db.execute("SELECT case_id, outcome FROM case_results WHERE run_pk = ?", (row[0],)))

    def record(self, result: RoundResult) -> bool:
        """Store the round and fill each row's `changes` against that solution's previous completed run.

        Idempotent: a round already recorded (the same shards merged again) is not stored a second
        time; its changes are still filled in. Returns whether the round was stored now.
        """
        with self._db:
            known = self._db.execute("SELECT id FROM rounds WHERE round_id = ?", (result.round_id,)).fetchone()
            for row in result.rows:
                before = self._previous_cases(row.name, known[0] if known else None)
                row.changes = changes_between(before, row.cases) if before is not None and row.cases else {}
            if known:
                return False
            round_pk = self._db.execute(
                "INSERT INTO rounds (round_id, name, roster_digest, started_at, finished_at, interrupted)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (result.round_id, result.name, result.roster_digest, result.started_at, result.finished_at,
                 result.interrupted)).lastrowid
            for row in result.rows:
                self._insert_run(round_pk, row)
        return True

    def _insert_run(self, round_pk: int | None, row: SolutionRow) -> None:
        run_pk = self._db.execute(
            "INSERT INTO runs (round_pk, solution, spec, status, verdict, official_verdict, duration_s, report_dir,"
            " message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (round_pk, row.name, row.spec, row.status, row.verdict, row.official_verdict, row.duration_s,
             row.report_dir, row.message)).lastrowid
        mandatory = set(row.mandatory)
        self._db.executemany("INSERT INTO case_results (run_pk, case_id, outcome, mandatory) VALUES (?, ?, ?, ?)",
                             [(run_pk, case_id, outcome, case_id in mandatory) for case_id, outcome in row.cases.items()])

    def history(self, solution: str) -> list[HistoryEntry]:
        """Every round the solution took part in, oldest first, with what changed each time."""
        entries: list[HistoryEntry] = []
        before: dict[str, str] | None = None
        query = ("SELECT runs.id, rounds.name, rounds.round_id, rounds.finished_at, runs.status, runs.verdict,"
                 " runs.official_verdict FROM runs JOIN rounds ON rounds.id = runs.round_pk"
                 " WHERE runs.solution = ? ORDER BY rounds.id, runs.id")
        for run_pk, name, round_id, finished, status, verdict, official in self._db.execute(query, (solution,)).fetchall():
            cases = dict(self._db.execute("SELECT case_id, outcome FROM case_results WHERE run_pk = ?", (run_pk,)))
            changed = changes_between(before, cases) if before is not None and cases else {}
            entries.append(HistoryEntry(
                round_name=name, round_id=round_id, finished_at=finished, status=status, verdict=verdict,
                official_verdict=official, passed=sum(1 for o in cases.values() if o == _PASSED),
                failing=sum(1 for o in cases.values() if o in _FAILING),
                newly_passing=changed.get("newly_passing", []), regressed=changed.get("regressed", [])))
            if cases:
                before = cases
        return entries
