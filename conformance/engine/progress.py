"""The engine's progress stream: plain events a front end prints (CLI), streams (service SSE) or shows (console).

Events are small frozen records with a `kind` and a JSON form (`to_dict` / `event_from_dict`), so a run in a
child process can hand them to the service over a pipe unchanged. They carry no secret: messages are the
redacted, cut texts of the reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar


@dataclass(frozen=True)
class ProgressEvent:
    kind: ClassVar[str] = "event"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **asdict(self)}


@dataclass(frozen=True)
class RunStarted(ProgressEvent):
    """The cases are about to run against `where` (a URL, or the embedded host)."""

    kind: ClassVar[str] = "run-started"
    run_id: str
    spec: str
    profiles: tuple[str, ...]
    where: str
    embedded: bool
    insecure_tls: bool
    report_dir: str


@dataclass(frozen=True)
class CaseStarted(ProgressEvent):
    kind: ClassVar[str] = "case-started"
    case_id: str
    index: int  # 1-based, among the selected cases
    total: int


@dataclass(frozen=True)
class CaseFinished(ProgressEvent):
    kind: ClassVar[str] = "case-finished"
    case_id: str
    title: str
    official: str | None
    outcome: str  # an Outcome value: passed, failed, skipped, error, blocked
    mandatory: bool
    official_mandatory: bool
    message: str
    index: int
    total: int


@dataclass(frozen=True)
class CallbackListening(ProgressEvent):
    """The run's events host is up: `source` is what request events name, `bound` where it listens."""

    kind: ClassVar[str] = "callback-listening"
    source: str
    bound: str


@dataclass(frozen=True)
class Notice(ProgressEvent):
    """A line for the user: a preflight warning, a heartbeat of a long wait, where the events host listens."""

    kind: ClassVar[str] = "notice"
    text: str
    warning: bool = False


@dataclass(frozen=True)
class RunFinished(ProgressEvent):
    kind: ClassVar[str] = "run-finished"
    verdict: str
    official_verdict: str | None
    interrupted: bool
    stopped: str | None
    report_dir: str


ProgressListener = Callable[[ProgressEvent], None]
EVENT_TYPES: dict[str, type[ProgressEvent]] = {
    cls.kind: cls for cls in (RunStarted, CaseStarted, CaseFinished, CallbackListening, Notice, RunFinished)}


def event_from_dict(data: dict[str, Any]) -> ProgressEvent:
    """The event of `to_dict`'s form; unknown keys are ignored, so an older reader reads a newer writer."""
    cls = EVENT_TYPES.get(str(data.get("kind")))
    if cls is None:
        raise ValueError(f"unknown progress event kind {data.get('kind')!r}")
    names = {f.name for f in fields(cls)}
    values = {k: v for k, v in data.items() if k in names}
    if "profiles" in values:
        values["profiles"] = tuple(values["profiles"])
    return cls(**values)
