"""The own suite's longest-first list (tests/conftest.py) names tests that exist: a renamed or removed test
would silently drop out of the front of the schedule and run last again."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import SLOW_FIRST, WORKERS_PER_CORE

TESTS = Path(__file__).resolve().parent


def _functions(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def test_every_listed_slow_test_exists_once() -> None:
    assert len(set(SLOW_FIRST)) == len(SLOW_FIRST), "a test listed twice"
    missing = [name for name in SLOW_FIRST
               if not (TESTS / name.split("::")[0]).is_file()
               or name.split("::")[1] not in _functions(TESTS / name.split("::")[0])]
    assert not missing, f"tests/conftest.py SLOW_FIRST names tests that do not exist: {missing}"


def test_auto_starts_at_least_one_worker_per_core() -> None:
    assert WORKERS_PER_CORE >= 1
