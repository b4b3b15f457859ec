"""The user's cache directory of this tool: material a run can rebuild, kept so that the next run need not.

$XDG_CACHE_HOME/pact-conformance, else ~/.cache/pact-conformance. Each user of it keys what it keeps on the
code that made it, so a new version never reads an old version's material; nothing in it is needed (a run
that cannot use it makes the material afresh).
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """The user's cache directory of this tool (XDG_CACHE_HOME, else ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pact-conformance"


def private_dir(name: str) -> Path | None:
    """cache_root()/name, made private to the user (0700) when missing; None when it cannot be used."""
    folder = cache_root() / name
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if folder.is_symlink() or folder.stat().st_uid != os.getuid():
            return None  # not ours: what is read back from it is executed (compiled templates)
    except OSError:
        return None
    return folder
