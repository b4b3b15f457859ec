"""What `round`, `merge` and `history` do, between the CLI's parsing and the rounds modules."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from conformance.config import ConfigError, RunOptions, check_writable_dir
from conformance.report.certificate import load_signer
from conformance.reference.data import DEFAULT_GXD_BOM
from conformance.rounds.chains import link_chains
from conformance.stopping import stop_signals_interrupt
from conformance.rounds.execute import run_round
from conformance.rounds.labels import round_labels
from conformance.rounds.merge import merge_shards
from conformance.rounds.model import RoundResult, SolutionRow
from conformance.rounds.report import write_round_reports
from conformance.rounds.roster import load_roster, parse_shard
from conformance.rounds.store import STORE_ERRORS, RoundStore, location_exists
from conformance.engine.steps import default_report_dir

EXIT_OK, EXIT_FAIL = 0, 1


def _default_round_dir() -> Path:
    return default_report_dir(Path("reports") / "rounds")


def _row_line(row: SolutionRow) -> str:
    line = f"{row.shown_verdict.upper():<15} {row.name:<24} spec {row.spec:<4} {row.duration_s:6.1f} s"
    if row.status != "completed":
        line += f"  [{row.status}] {row.message}"
    return line


def _finish(result: RoundResult, round_dir: Path, db: str | Path | None, out: TextIO) -> int:
    """Link chains and record (whole rounds only), write the reports, print the changes.

    The round report is written even when the history cannot be recorded: hours of runs are never
    lost to a locked database. Exit 0 only when every solution is conformant and every linked GxD
    chain is consistent (an empty shard has nothing to fail).
    """
    history_error = None
    if result.shard is None:
        result.chains = link_chains(result, round_dir, Path(result.gxd_bom) if result.gxd_bom else DEFAULT_GXD_BOM)
        if db is not None:
            try:
                with RoundStore(db) as store:
                    if not store.record(result):
                        print(f"round {result.round_id} is already in {db}: not recorded again", file=out)
            except STORE_ERRORS as exc:
                history_error = f"round report written to {round_dir}, but not recorded in {db}: {exc}"
    write_round_reports(result, round_dir)
    if history_error:
        raise ConfigError(history_error)
    for row in result.rows:
        for kind, label in (("regressed", "regressed"), ("newly_passing", "newly passing")):
            if row.changes.get(kind):
                print(f"  {row.name}: {label}: {', '.join(row.changes[kind])}", file=out)
    conformant = sum(1 for row in result.rows if row.shown_verdict == "conformant")
    if result.interrupted:
        stopped = sum(1 for row in result.rows if row.status == "interrupted")
        print(f"round {result.name} interrupted: {stopped} of {len(result.rows)} solution(s) stopped or not run; "
              "the round report holds what finished", file=out)
    t = round_labels(result.lang)
    print(t["cli_done"].format(name=result.name, shard=f" {t['shard']} {result.shard}" if result.shard else "",
                               conformant=conformant, total=len(result.rows)), file=out)
    for chain in result.chains:
        print(f"GxD chain {chain['chain']}: {chain['verdict']}" + (f" ({chain['reason']})" if chain["reason"] else ""),
              file=out)
    print(t["cli_report"].format(path=round_dir / "round.html"), file=out)
    chains_ok = all(chain["verdict"] == "consistent" for chain in result.chains)
    rows_ok = result.all_conformant or (result.shard is not None and not result.rows)
    return EXIT_OK if rows_ok and chains_ok and not result.interrupted else EXIT_FAIL


def run_round_command(roster_path: Path, workers: int, shard_text: str | None, report_dir: Path | None,
                      db: str | Path | None, out: TextIO, *, signing_key: Path | None = None, lang: str = "en") -> int:
    if workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {workers}")
    roster = load_roster(roster_path)
    if signing_key is not None:  # a bad key is reported now, not as every certified solution's config error
        if not signing_key.is_file():
            raise ConfigError(f"--signing-key file not found: {signing_key}")
        load_signer(RunOptions(signing_key=signing_key))
    shard = parse_shard(shard_text) if shard_text else None
    round_dir = report_dir or _default_round_dir()
    check_writable_dir(round_dir, "--report-dir")
    if db is not None and shard is None:
        RoundStore(db).close()  # a database the tool cannot use is reported before the round, not after
    count = len(roster.shard(*shard)) if shard else len(roster.solutions)
    print(f"round {roster.name}: {count} solution(s), {workers} at a time → {round_dir}", file=out, flush=True)

    def progress(row: SolutionRow, done: int, total: int) -> None:
        print(f"[{done:>3}/{total}] {_row_line(row)}", file=out, flush=True)

    def waiting(text: str) -> None:
        print(f"      {text}", file=out, flush=True)

    with stop_signals_interrupt():
        result = run_round(roster, round_dir, workers=workers, shard=shard, on_row=progress, on_wait=waiting,
                           signing_key=signing_key, lang=lang)
    return _finish(result, round_dir, db, out)


def merge_command(folders: list[Path], report_dir: Path | None, db: str | Path | None, out: TextIO,
                  lang: str = "en") -> int:
    round_dir = report_dir or _default_round_dir()
    check_writable_dir(round_dir, "--report-dir")
    result = merge_shards(folders, round_dir)
    result.lang = lang  # the merged report's language (the shards may have been written in another)
    return _finish(result, round_dir, db, out)


def history_command(solution: str, db: str | Path, out: TextIO) -> int:
    if not location_exists(db):
        raise ConfigError(f"history database not found: {db}")
    with RoundStore(db) as store:
        entries = store.history(solution)
    if not entries:
        raise ConfigError(f"no round in {db} includes solution {solution!r}")
    print(f"{solution}: {len(entries)} round(s)", file=out)
    for entry in entries:
        print(f"{entry.finished_at}  {entry.round_name:<20} {entry.verdict:<15} official: "
              f"{entry.official_verdict or '-':<15} passed {entry.passed:>3}, failing {entry.failing:>3}"
              + (f"  [{entry.status}]" if entry.status != "completed" else ""), file=out)
        if entry.newly_passing:
            print(f"    newly passing: {', '.join(entry.newly_passing)}", file=out)
        if entry.regressed:
            print(f"    regressed: {', '.join(entry.regressed)}", file=out)
    return EXIT_OK
