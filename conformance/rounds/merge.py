"""Combine the round folders of shards (`round --shard i/n`) into one round, as if run unsharded."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from conformance.config import ConfigError
from conformance.rounds.model import RoundResult
from conformance.rounds.roster import SOLUTION_NAME, parse_shard


def _read_shard(folder: Path) -> RoundResult:
    path = folder / "round.json"
    try:
        shard = RoundResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (FileNotFoundError, NotADirectoryError):
        raise ConfigError(f"no round.json in {folder}: not a round folder") from None
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise ConfigError(f"{path} is not a round report: {exc}") from None
    if shard.shard is not None:
        try:
            parse_shard(str(shard.shard))
        except ConfigError:
            raise ConfigError(f"{path} is not a round report: shard {str(shard.shard)[:40]!r} is not i/n") from None
    for row in shard.rows:  # a report folder is copied: it must be the solution's own, inside the shard
        if not (isinstance(row.name, str) and SOLUTION_NAME.fullmatch(row.name)) or row.report_dir not in (
                None, f"solutions/{row.name}"):
            raise ConfigError(f"{path} is not a round report: solution {str(row.name)[:80]!r} has report folder "
                              f"{str(row.report_dir)[:80]!r}")
    return shard


def merged_round_id(shards: list[RoundResult]) -> str:
    """The same shards give the same id, so merging them again cannot record the round twice; a whole
    round (one folder, already merged or never sharded) keeps its own id."""
    if len(shards) == 1 and shards[0].shard is None:
        return shards[0].round_id
    return hashlib.sha256("\n".join(sorted(s.round_id for s in shards)).encode()).hexdigest()[:12]


def merge_shards(folders: list[Path], out_dir: Path) -> RoundResult:
    """Check the shards belong together and cover the roster once; copy their solution reports."""
    shards = [_read_shard(folder) for folder in folders]
    first = shards[0]
    for shard in shards[1:]:
        if (shard.name, shard.roster_digest) != (first.name, first.roster_digest):
            raise ConfigError(f"shards of different rosters: {first.name} ({first.roster_digest}) and "
                              f"{shard.name} ({shard.roster_digest})")
    parts = sorted(shard.shard or "1/1" for shard in shards)
    count = int(parts[0].split("/")[1])
    expected = [f"{index}/{count}" for index in range(1, count + 1)]
    if parts != sorted(expected):
        raise ConfigError(f"shards {', '.join(parts)} do not cover the roster exactly once (expected "
                          f"{', '.join(expected)})")
    out_dir.mkdir(parents=True, exist_ok=True)
    for folder, shard in zip(folders, shards):
        for row in shard.rows:
            if row.report_dir:
                shutil.copytree(folder / row.report_dir, out_dir / row.report_dir, dirs_exist_ok=True, symlinks=True)
    return RoundResult(name=first.name, roster_digest=first.roster_digest, round_id=merged_round_id(shards),
                       started_at=min(s.started_at for s in shards), finished_at=max(s.finished_at for s in shards),
                       rows=sorted((row for s in shards for row in s.rows), key=lambda row: row.index),
                       workers=max(s.workers for s in shards), gxd_bom=first.gxd_bom,
                       interrupted=any(s.interrupted for s in shards), lang=first.lang)
