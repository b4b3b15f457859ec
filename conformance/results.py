"""Plain result model and the verdict.

A run is conformant when every mandatory case passed; a mandatory case that
failed makes it not conformant; one that could not run (skipped, error) makes
it incomplete. Optional cases never change the verdict; their failures are
warnings. Beside this full verdict, the official tool's verdict is predicted
from the official cases alone, with the official tool's own mandatory set and
judgement (official_outcome). Report writers read only this module's data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from conformance.catalog import CaseSpec
from conformance.rules.finding import key_of

if TYPE_CHECKING:  # baseline.py builds on this module; results only carry its comparison
    from conformance.baseline import BaselineComparison

REPORT_FORMAT_VERSION = 1


class Outcome(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    ERROR = "error"
    BLOCKED = "blocked"  # a precondition owned by another case failed (blocked_by names it): not failed twice


class Verdict(str, Enum):
    CONFORMANT = "conformant"
    NOT_CONFORMANT = "not-conformant"
    INCOMPLETE = "incomplete"


@dataclass
class CaseOutcome:
    """What happened to one case, with its evidence (already redacted)."""

    spec: CaseSpec
    mandatory: bool
    outcome: Outcome
    message: str = ""
    duration_s: float = 0.0
    failed_requirements: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    official_mandatory: bool = False  # the official tool's verdict depends on it
    official_failure: str | None = None  # passed by the spec, failed by the official tool (a quirk)
    official_pass: str | None = None  # failed by a stricter check of ours, passed by the official tool

    @property
    def official_outcome(self) -> Outcome | None:
        """What PACT's official tool would report for this case; None for cases it does not have."""
        if self.spec.official is None:
            return None
        if self.official_failure is not None and self.outcome is Outcome.PASSED:
            return Outcome.FAILED
        if self.official_pass is not None and self.official_failure is None and self.outcome is Outcome.FAILED:
            return Outcome.PASSED
        return self.outcome
    blocked_by: str | None = None  # the case that owns the failed precondition, when outcome is BLOCKED

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.spec.id,
            "title": self.spec.title,
            "area": self.spec.area,
            "requirements": list(self.spec.requirements),
            "official": self.spec.official,
            "profile": self.spec.profile,
            "mandatory": self.mandatory,
            "official_mandatory": self.official_mandatory,
            "outcome": self.outcome.value,
            "official_outcome": self.official_outcome.value if self.official_outcome else None,
            "official_failure": self.official_failure,
            "message": self.message,
            "failed_requirements": self.failed_requirements,
            "blocked_by": self.blocked_by,
            "duration_s": round(self.duration_s, 4),
            "notes": self.notes,
            "findings": self.findings,
            "tables": self.tables,
            "evidence": self.evidence,
        }


def finding_counts(cases: Iterable[CaseOutcome]) -> dict[str, int]:
    """Distinct findings (by key) per severity; `failed` are the error-level ones, which fail their case.

    A case fails once however many defects it holds: these counts show the defects behind it.
    """
    severities: dict[str, str] = {}
    for case in cases:
        for finding in case.findings:
            key = key_of(finding)
            if key is not None and severities.get(key) != "error":
                severities[key] = str(finding.get("severity", ""))
    values = list(severities.values())
    return {"failed": values.count("error"), "warnings": values.count("warning"), "info": values.count("info")}


def verdict_of(cases: list[CaseOutcome]) -> Verdict:
    return verdict_from(c.outcome for c in cases if c.mandatory)


def official_verdict_of(cases: list[CaseOutcome]) -> Verdict | None:
    """The official tool's predicted verdict; None when no official case ran (nothing to predict)."""
    official = [c for c in cases if c.spec.official is not None]
    if not official:
        return None
    return verdict_from(c.official_outcome for c in official if c.official_mandatory and c.official_outcome)


def verdict_from(mandatory_outcomes: Iterable[Outcome]) -> Verdict:
    """The verdict over the outcomes of the mandatory cases (also used on stored reports)."""
    outcomes = set(mandatory_outcomes)
    if Outcome.FAILED in outcomes:
        return Verdict.NOT_CONFORMANT
    if Outcome.SKIPPED in outcomes or Outcome.ERROR in outcomes or Outcome.BLOCKED in outcomes:
        return Verdict.INCOMPLETE
    if not outcomes:
        return Verdict.INCOMPLETE  # nothing mandatory ran: no basis for a verdict
    return Verdict.CONFORMANT


@dataclass
class RunResult:
    """One conformance run against one target."""

    tool_version: str
    target: dict[str, Any]
    spec: str
    profiles: list[str]
    started_at: str
    finished_at: str
    cases: list[CaseOutcome]
    run_id: str
    insecure_tls: bool = False
    selection: str | None = None
    notes: list[str] = field(default_factory=list)
    interrupted: bool = False
    baseline: BaselineComparison | None = None  # set when the run was compared with a previous report
    official_only: bool = False
    fuzzed: bool = True  # False with --no-fuzz
    fuzz_seed: int | None = None

    @property
    def partial_reasons(self) -> list[str]:
        """Why the run covers less than a full run (codes, in report order); a conformant one is then 'partial'."""
        reasons = [("selection", bool(self.selection)), ("official-only", self.official_only),
                   ("insecure-tls", self.insecure_tls), ("no-fuzz", not self.fuzzed)]
        return [code for code, applies in reasons if applies]

    @property
    def verdict(self) -> Verdict:
        return self._verdict_over(self.cases)

    @property
    def official_verdict(self) -> Verdict | None:
        """"Official tool (predicted)": the verdict PACT's official tool would give, from official cases only."""
        verdict = official_verdict_of(self.cases)
        if self.interrupted and verdict is Verdict.CONFORMANT:
            return Verdict.INCOMPLETE
        return verdict

    def profile_verdicts(self) -> dict[str, Verdict]:
        """Separate verdicts: 'pact' over PACT cases, one per selected profile over its cases.

        Each part follows the top-level rules, interruption included: a part is never conformant
        while some of its mandatory cases may not have run.
        """
        verdicts = {"pact": self._verdict_over([c for c in self.cases if c.spec.profile is None])}
        for profile in self.profiles:
            verdicts[profile] = self._verdict_over([c for c in self.cases if c.spec.profile == profile])
        return verdicts

    def _verdict_over(self, cases: list[CaseOutcome]) -> Verdict:
        verdict = verdict_of(cases)
        if (self.interrupted or self.official_only) and verdict is Verdict.CONFORMANT:
            return Verdict.INCOMPLETE  # cases that never ran cannot have passed
        return verdict

    def summary(self) -> dict[str, Any]:
        counts: dict[str, dict[str, int]] = {"mandatory": {}, "optional": {}}
        for case in self.cases:
            bucket = counts["mandatory" if case.mandatory else "optional"]
            bucket[case.outcome.value] = bucket.get(case.outcome.value, 0) + 1
        for bucket in counts.values():
            for outcome in Outcome:
                bucket.setdefault(outcome.value, 0)
        return {
            "total": len(self.cases),
            **counts,
            "beyond_official": sum(1 for c in self.cases if c.spec.official is None),
            "warnings": sum(1 for c in self.cases if not c.mandatory and c.outcome is Outcome.FAILED),
            "findings": finding_counts(self.cases),
        }

    def to_dict(self) -> dict[str, Any]:
        from conformance import __version__  # local: results must not import the package root at load

        return {
            "format_version": REPORT_FORMAT_VERSION,
            "tool": {"name": "pact-gxd-conformance", "version": __version__ or self.tool_version},
            "run_id": self.run_id,
            "target": self.target,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "verdict": self.verdict.value,
            "official_verdict": self.official_verdict.value if self.official_verdict else None,
            "verdicts": {k: v.value for k, v in self.profile_verdicts().items()},
            "insecure_tls": self.insecure_tls,
            "interrupted": self.interrupted,
            "official_only": self.official_only,
            "selection": self.selection,
            "scope": {"partial": bool(self.partial_reasons), "reasons": self.partial_reasons,
                      "official_only": self.official_only, "fuzzed": self.fuzzed, "fuzz_seed": self.fuzz_seed},
            "summary": self.summary(),
            "notes": self.notes,
            "baseline": self.baseline.to_dict() if self.baseline else None,
            "cases": [c.to_dict() for c in self.cases],
        }
