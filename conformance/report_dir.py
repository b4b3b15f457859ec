"""One run per report folder: a lock while the run writes there, and no silent overwrite of an earlier report.

Two runs sharing a --report-dir would both end normally while only the second report survives and
allure-results mixes both runs' results. The folder is locked (flock, released by the kernel even
when the process dies) and a folder that already holds a report is refused unless --overwrite.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conformance.config import ConfigError

LOCK_NAME = ".pact-conformance.lock"
# What a run writes; a folder holding any of them holds an earlier report.
ARTEFACTS = ("report.json", "report.html", "summary.md", "badge.json", "junit.xml", "allure-results",
             "gxd-footprints.json")


def in_use(report_dir: Path) -> bool:
    """Another run holds the folder now (its lock is taken): nothing else may be written there."""
    try:
        handle = os.open(report_dir / LOCK_NAME, os.O_RDWR)
    except OSError:
        return False  # no lock file: no run holds it
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(handle)  # closing releases a lock taken here
    return False


@contextmanager
def claim_report_dir(report_dir: Path, *, overwrite: bool) -> Iterator[Path]:
    """Hold the folder for this run; ConfigError (a usage error) when another run holds it or it has a report."""
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
        handle = os.open(report_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise ConfigError(f"--report-dir {report_dir} cannot be written: {exc.strerror or exc}") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(handle)
        raise ConfigError(f"--report-dir {report_dir} is in use by another run; choose another folder") from None
    try:
        earlier = [name for name in ARTEFACTS if (report_dir / name).exists()]
        if earlier and not overwrite:
            raise ConfigError(f"--report-dir {report_dir} already holds a report ({earlier[0]}); pass --overwrite "
                              "to replace it or choose another folder")
        yield report_dir
    finally:
        (report_dir / LOCK_NAME).unlink(missing_ok=True)  # before the unlock: a later run locks a new file
        os.close(handle)
