"""Plain data of a round: one row per solution, read back from its report.json, and the round.

Rows hold only what the round report, the history database and merging need; the full
evidence stays in each solution's own report folder.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from conformance.report.scope import PARTIAL
from conformance.results import Outcome, Verdict, verdict_from

ROUND_FORMAT_VERSION = 1


class Status:
    """How a solution's run ended. Anything but COMPLETED is a failed row with a message."""

    COMPLETED = "completed"
    UNREACHABLE = "unreachable"
    CONFIG_ERROR = "config-error"
    TIMED_OUT = "timed-out"
    CRASHED = "crashed"
    INTERRUPTED = "interrupted"  # stopped with the round (partial report linked), or not run because of it


NOT_TESTED = "not-tested"  # the verdict of a row whose run did not complete


@dataclass
class SolutionRow:
    name: str
    index: int  # position in the roster: rows are always shown in roster order
    spec: str
    profiles: list[str]
    status: str
    verdict: str
    official_verdict: str | None = None  # over PACT's official cases only, as the official tool decides
    verdicts: dict[str, str] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    duration_s: float = 0.0
    report_dir: str | None = None  # relative to the round folder
    message: str = ""
    cases: dict[str, str] = field(default_factory=dict)  # case id -> outcome
    mandatory: list[str] = field(default_factory=list)
    official: dict[str, str] = field(default_factory=dict)  # case id -> official TC number
    chain: str | None = None
    tier: int | None = None
    changes: dict[str, list[str]] = field(default_factory=dict)  # vs the solution's previous round
    certificate: dict[str, Any] | None = None  # a certified run's certificate.json: path, signer, claims
    partial: list[str] = field(default_factory=list)  # why the run covered less than a full run (-k, --no-fuzz, ...)
    areas: dict[str, str] = field(default_factory=dict)  # case id -> area, for the matrix

    @property
    def shown_verdict(self) -> str:
        """The verdict people see: a partial run is never plainly 'conformant' (as in its own report)."""
        return PARTIAL if self.verdict == Verdict.CONFORMANT.value and self.partial else self.verdict

    @classmethod
    def from_report(cls, report: dict[str, Any], **row: Any) -> SolutionRow:
        """A completed run's row from its report.json."""
        cases = report.get("cases", [])
        if "official_verdict" in report:  # the report's own prediction (official cases, official mandatory set)
            official_verdict = report["official_verdict"]
        else:  # older reports: official cases that were mandatory
            outcomes = [Outcome(c["outcome"]) for c in cases if c.get("official") and c.get("mandatory")]
            official_verdict = verdict_from(outcomes).value if outcomes else None
        return cls(
            **row,
            status=Status.COMPLETED,
            verdict=report["verdict"],
            official_verdict=official_verdict,
            verdicts=dict(report.get("verdicts", {})),
            summary=dict(report.get("summary", {})),
            cases={c["id"]: c["outcome"] for c in cases},
            mandatory=[c["id"] for c in cases if c.get("mandatory")],
            official={c["id"]: c["official"] for c in cases if c.get("official")},
            partial=list((report.get("scope") or {}).get("reasons") or []),
            areas={c["id"]: c["area"] for c in cases if c.get("area")},
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RoundResult:
    name: str
    roster_digest: str
    round_id: str
    started_at: str
    finished_at: str
    rows: list[SolutionRow]
    shard: str | None = None  # "i/n" for one shard's part; None for a whole (or merged) round
    workers: int = 1
    gxd_bom: str | None = None  # bill of materials linking the roster's GxD chains (None: the fixture chain)
    chains: list[dict[str, Any]] = field(default_factory=list)  # linked GxD chains (whole rounds only)
    interrupted: bool = False  # stopped before every solution ran to its end
    lang: str = "en"  # language of the round report (`round --lang`)

    @property
    def case_ids(self) -> list[str]:
        """Every case id seen, in the order the runs reported them (the catalogue order)."""
        seen: dict[str, None] = {}
        for row in self.rows:
            seen.update(dict.fromkeys(row.cases))
        return list(seen)

    @property
    def all_conformant(self) -> bool:
        return bool(self.rows) and all(row.verdict == "conformant" for row in self.rows)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": ROUND_FORMAT_VERSION,
            "round": self.name,
            "roster_digest": self.roster_digest,
            "round_id": self.round_id,
            "shard": self.shard,
            "workers": self.workers,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "conformant": sum(1 for row in self.rows if row.verdict == "conformant"),
            "solutions_total": len(self.rows),
            "cases": self.case_ids,
            "solutions": [row.to_dict() for row in self.rows],
            "gxd_bom": self.gxd_bom,
            "chains": self.chains,
            "interrupted": self.interrupted,
            "lang": self.lang,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RoundResult:
        return cls(name=data["round"], roster_digest=data["roster_digest"], round_id=data["round_id"],
                   started_at=data["started_at"], finished_at=data["finished_at"], shard=data.get("shard"),
                   workers=data.get("workers", 1), rows=[SolutionRow(**row) for row in data["solutions"]],
                   gxd_bom=data.get("gxd_bom"), chains=data.get("chains", []),
                   interrupted=bool(data.get("interrupted", False)), lang=data.get("lang", "en"))
