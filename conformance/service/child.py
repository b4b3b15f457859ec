"""One service run in a process of its own: the request on stdin, the engine's progress as JSON lines on stdout.

`python -m conformance.service.child` is what a worker starts per run. A run drives pytest in its process and
owns that process's signals (a cancel is SIGUSR1, a stop of the service SIGTERM; the engine turns either into a partial report), so runs
never share one. The secrets come on stdin, never on the command line, and the last line says how it ended:
{"kind": "exit", "code": N, "message": ...} with the exit codes of `run`.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from conformance.config import ConfigError, build_settings
from conformance.engine.progress import ProgressEvent

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3
CANCEL_SIGNAL = signal.SIGUSR1


def _writer(stream: TextIO) -> Any:
    gone = threading.Event()

    def emit(event: ProgressEvent | dict[str, Any]) -> None:
        if gone.is_set():
            return
        data = event if isinstance(event, dict) else event.to_dict()
        try:
            stream.write(json.dumps(data, ensure_ascii=False) + "\n")
            stream.flush()
        except (BrokenPipeError, ValueError, OSError):  # the worker died (SIGKILL): the run still writes its report
            gone.set()

    return emit


def execute(request: dict[str, Any], emit: Any) -> int:
    """Run the request's settings through the engine; a run that cannot start leaves a not-tested report."""
    from conformance.engine import RunError, TargetUnreachable, exit_code, run

    values: dict[str, Any] = request["values"]
    settings = None
    cancel = threading.Event()
    signal.signal(CANCEL_SIGNAL, lambda signum, frame: cancel.set())  # the service's cancel; SIGTERM: it stops
    try:
        settings = build_settings(values, request.get("env", {}))
        output = run(settings, progress=emit, cancel=cancel)
    except ConfigError as exc:
        return _not_tested(str(exc), EXIT_USAGE, values, settings, request, emit)
    except TargetUnreachable as exc:
        return _not_tested(str(exc), EXIT_UNREACHABLE, values, settings, request, emit)
    except RunError as exc:
        return _not_tested(str(exc), EXIT_FAIL, values, settings, request, emit)
    code = exit_code(output.result, settings.options.fail_on)
    emit({"kind": "exit", "code": code, "message": output.stopped or ""})
    return code


def _not_tested(message: str, code: int, values: dict[str, Any], settings: Any, request: dict[str, Any], emit: Any) -> int:
    from conformance.evidence import SecretBook
    from conformance.report.not_tested import not_tested_report, write_not_tested

    secrets = SecretBook()
    for value in request.get("env", {}).values():
        secrets.add(value, "secret")
    message = secrets.redact(message)
    report = not_tested_report(message, code, target_url=values.get("base_url") or "embedded reference host",
                               spec=values.get("spec") or "2.3", profiles=sorted(values.get("profiles") or []))
    write_not_tested(Path(values["report_dir"]), report, lang=values.get("lang") or "en", secrets=secrets)
    emit({"kind": "exit", "code": code, "message": message})
    return code


def main() -> int:
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # until the engine takes over: a stop is Ctrl-C
    request = json.loads(sys.stdin.read())
    events = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # nothing but events on the events stream
    try:
        return execute(request, _writer(events))
    except KeyboardInterrupt:  # stopped before the cases began (the engine's stop handling was not up yet)
        _writer(events)({"kind": "exit", "code": EXIT_FAIL, "message": "stopped before the cases began",
                         "interrupted": True})
        return EXIT_FAIL
    except Exception as exc:  # noqa: BLE001 - the worker needs the one line, whatever broke the harness
        _writer(events)({"kind": "exit", "code": EXIT_FAIL, "message": f"harness error: {type(exc).__name__}: {exc}"})
        return EXIT_FAIL


if __name__ == "__main__":
    raise SystemExit(main())
