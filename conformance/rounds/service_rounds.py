"""A round run by the service: one service run per solution of the roster, then the round report and history.

Each solution becomes a row of the service's runs (its account: the secretariat account that started the
round; its solution: the solution's name), so it is queued, executed by any instance's workers, followed,
cancelled and downloaded as any run. Its settings are the `pact-conformance run` command line a CLI round
gives it (execute.command_for, parsed by the CLI's own parser), its credentials the variables the roster
names, read from the service's environment. When every run of a round has ended, one instance (the one
that claims it in the store) writes the round report with report.py and records the round in the history.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from conformance.config import ConfigError, build_settings
from conformance.evidence import SecretBook
from conformance.reference.data import DEFAULT_GXD_BOM
from conformance.rounds.chains import link_chains
from conformance.rounds.execute import RoundRun, _now, command_for, ended_row, solution_secrets
from conformance.rounds.model import RoundResult, SolutionRow, Status
from conformance.rounds.report import write_round_reports
from conformance.rounds.roster import Roster, Solution, load_roster
from conformance.rounds.store import RoundStore, final_status
from conformance.service.requests import run_target
from conformance.service.secret_box import SecretBox
from conformance.service.store import ENDED, Run, Store, new_run_id

ROSTER_FILE = "roster.toml"
LOOK_EVERY_S = 2.0  # besides the workers' word when a run ends: runs cancelled before they started, other instances
URL_RUN_FOLDER = "../../../runs/{run_id}/files"  # a run's files, relative to /api/v1/rounds/{id}/files/round.html
_LOG = logging.getLogger("pact.service.rounds")


def solution_values(solution: Solution, roster: Roster, shared: RoundRun) -> dict[str, Any]:
    """The run settings of one solution as a service run request (run flag values, no secret)."""
    from conformance.cli import run_values

    command = command_for(solution, Path("unused"), roster.gxd_bom, shared)
    values = run_values(command[command.index("run") + 1:])
    values.pop("report_dir", None)  # the worker decides where a run writes
    values["run_timeout_s"] = roster.solution_timeout_s
    return {key: str(value) if isinstance(value, Path) else value for key, value in values.items() if value is not None}


class ServiceRounds:
    """Starts rounds as service runs and finishes the rounds whose runs have all ended."""

    def __init__(self, store: Store, box: SecretBox, report_root: Path, env: Mapping[str, str]) -> None:
        self.store, self.box, self.report_root, self.env = store, box, report_root.resolve(), env
        self.history = RoundStore(store=store)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def round_dir(self, round_id: str) -> Path:
        return self.report_root / "rounds" / round_id

    # Starting
    def start_round(self, roster_text: str, account_id: str, lang: str = "en") -> str:
        """Queue one run per solution and record the round as running; its id. ConfigError: a roster or a
        solution's settings the round cannot use (nothing is queued then)."""
        round_id = uuid.uuid4().hex[:12]
        folder = self.round_dir(round_id)
        folder.mkdir(parents=True)
        path = folder / ROSTER_FILE
        path.write_text(roster_text, encoding="utf-8")
        try:
            roster = load_roster(path)
            shared = RoundRun(round_id=round_id, roster_digest=roster.digest, lang=lang)
            planned = [(solution, self._settings(solution, roster, shared)) for solution in roster.solutions]
        except ConfigError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise ConfigError(str(exc).replace(str(path), ROSTER_FILE)) from None
        runs = []
        for position, (solution, (values, secrets)) in enumerate(planned):
            run_id = new_run_id()
            ciphertext = self.box.hold(run_id, secrets)
            self.store.create_run(run_id, account_id, solution.spec, sorted(solution.profiles), run_target(values),
                                  values, solution.name, ciphertext)
            runs.append((position, solution.name, run_id))
        self.history.create_round(round_id, roster.name, roster.digest, _now(), account_id, lang, str(folder), runs)
        return round_id

    def _settings(self, solution: Solution, roster: Roster, shared: RoundRun) -> tuple[dict[str, Any], dict[str, str]]:
        try:
            secrets = solution_secrets(solution, self.env, SecretBook())
        except LookupError as exc:
            raise ConfigError(f"solution {solution.name!r}: {exc}") from None
        values = solution_values(solution, roster, shared)
        try:
            build_settings({**values, "report_dir": None}, secrets)
        except ConfigError as exc:
            raise ConfigError(f"solution {solution.name!r}: {exc}") from None
        return values, secrets

    # Finishing
    def start(self) -> ServiceRounds:
        self._thread = threading.Thread(target=self._loop, name="pact-service-rounds", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def run_ended(self, run_id: str | None = None) -> None:
        """A run ended (the workers' hook): look at the rounds now."""
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(LOOK_EVERY_S)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.finish_ready()
            except Exception:  # noqa: BLE001 - a store hiccup is retried at the next look
                _LOG.exception("looking at the running rounds failed")

    def finish_ready(self) -> list[str]:
        """Write the report of every round whose runs have all ended; the ids of those finished now."""
        finished = []
        for round_id in self.history.running_rounds():
            record = self.history.service_round(round_id)
            if record is None:
                continue
            runs = [self.store.run(entry["run_id"]) for entry in record["runs"]]
            if any(run is None or run.status not in ENDED for run in runs):
                continue
            if not self.history.claim_reporting(round_id):
                continue  # another instance writes it
            try:
                self._conclude(record, runs)  # type: ignore[arg-type]
            except Exception:  # noqa: BLE001 - a round whose report fails ends, never the service
                _LOG.exception("the report of round %s could not be written", round_id)
                self.history.set_status(round_id, "interrupted")
            finished.append(round_id)
        return finished

    def _conclude(self, record: dict[str, Any], runs: list[Run]) -> None:
        folder = Path(record["report_dir"])
        roster = load_roster(folder / ROSTER_FILE)
        solutions = {solution.name: solution for solution in roster.solutions}
        rows = [self._row(solution_entry["position"], solutions[solution_entry["solution"]], run, folder)
                for solution_entry, run in zip(record["runs"], runs)]
        interrupted = any(row.status == Status.INTERRUPTED for row in rows)
        result = RoundResult(name=roster.name, roster_digest=roster.digest, round_id=record["round_id"],
                             started_at=record["started_at"], finished_at=_now(), rows=rows,
                             gxd_bom=str(roster.gxd_bom) if roster.gxd_bom else None, interrupted=interrupted,
                             lang=record["lang"])
        result.chains = link_chains(result, folder, roster.gxd_bom or DEFAULT_GXD_BOM)
        for row, run in zip(rows, runs):
            _link_to_api(row, run.id)
        self.history.record(result)
        write_round_reports(result, folder)
        self.history.set_status(result.round_id, final_status(interrupted))

    def _row(self, position: int, solution: Solution, run: Run, folder: Path) -> SolutionRow:
        """The round row of a solution's ended service run, read from its report folder."""
        run_folder = Path(run.report_dir) if run.report_dir else self.report_root / "runs" / run.id
        relative = Path(os.path.relpath(run_folder, folder))
        code = run.exit_code if run.report_dir else None
        return ended_row(solution, position, folder, relative, code, run.message, run.duration_s or 0.0,
                         stopping=run.status == "interrupted")


def _link_to_api(row: SolutionRow, run_id: str) -> None:
    """The row's links (read on disk until now) as the API serves the run's files."""
    if row.report_dir is None:
        return
    on_disk, served = row.report_dir, URL_RUN_FOLDER.format(run_id=run_id)
    row.report_dir = served
    if row.certificate:
        for key in ("path", "public_key"):
            if row.certificate.get(key):
                row.certificate[key] = served + row.certificate[key].removeprefix(on_disk)
