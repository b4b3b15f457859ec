"""The conformance engine: one run of one target, behind one entry that every front end calls.

    from conformance.engine import run
    output = run(settings, progress=listener, cancel=event)   # -> RunOutput(result, report_dir, stopped)

entry.py holds the run, steps.py the steps it shares with the pytest plugin, progress.py the events. The names
below load lazily: the run loads pytest and the cases, which `progress` users (the plugin's context, the
service's API process) do not need.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "run": "conformance.engine.entry",
    "RunError": "conformance.engine.steps",
    "RunOutput": "conformance.engine.steps",
    "TargetUnreachable": "conformance.engine.steps",
    "exit_code": "conformance.engine.steps",
    "summary_lines": "conformance.engine.steps",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'conformance.engine' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module), name)
