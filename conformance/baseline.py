"""Compare a run with a previous run's report.json, so a CI gate can block regressions while a team
adopts the suite gradually (`--baseline`, `--fail-on regression`).

Only failed and error count as failing; a case that could not run is reported on its own
(newly_skipped). Mandatoriness is the current run's: the baseline may predate a version change.
Findings are compared by key (rule, footprint id, pointer), so a new defect inside a case that
was already failing is news too; a new error-level finding of a mandatory case is a regression.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from conformance.config import ConfigError
from conformance.results import CaseOutcome, Outcome, Verdict
from conformance.rules.finding import key_of

_FAILING = frozenset({Outcome.FAILED.value, Outcome.ERROR.value})
_OUTCOMES = frozenset(outcome.value for outcome in Outcome)
_VERDICTS = frozenset(verdict.value for verdict in Verdict)
# The per-case groups of a comparison, in the order reports show them.
_GROUPS = ("new_failures", "fixed", "still_failing", "newly_skipped", "new_cases", "removed_cases")


@dataclass(frozen=True)
class Baseline:
    """What a comparison needs from a previous report.json: which run it was and each case's outcome."""

    path: str
    run_id: str | None
    verdict: str | None
    outcomes: dict[str, str]
    findings: dict[str, tuple[str, str]] = field(default_factory=dict)  # finding key → (severity, case id)


@dataclass(frozen=True)
class BaselineComparison:
    """How the current run differs from the baseline; each list holds case ids in run order."""

    path: str
    run_id: str | None
    verdict: str | None  # the baseline's verdict
    new_failures: list[str]
    new_mandatory_failures: list[str]
    new_mandatory_not_run: list[str]  # mandatory cases that passed in the baseline and could not run now
    fixed: list[str]
    still_failing: list[str]
    newly_skipped: list[str]
    new_cases: list[str]
    removed_cases: list[str]
    new_findings: list[str] = field(default_factory=list)  # finding keys, in run order
    new_error_findings: list[str] = field(default_factory=list)  # of those: error-level, in mandatory cases
    fixed_findings: list[str] = field(default_factory=list)  # in the baseline, not found now

    @property
    def regression(self) -> bool:
        """What `--fail-on regression` gates on: a mandatory case fails that did not fail in the baseline,
        one that passed there could not run now (a release must not escape the gate by skipping), or a
        mandatory case holds an error-level finding the baseline did not have (even if it failed before)."""
        return bool(self.new_mandatory_failures or self.new_mandatory_not_run or self.new_error_findings)

    def finding_groups(self) -> dict[str, list[str]]:
        return {"new_findings": self.new_findings, "fixed_findings": self.fixed_findings}

    def groups(self) -> dict[str, list[str]]:
        return {name: getattr(self, name) for name in _GROUPS}

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "regression": self.regression}


def _not_a_report(path: Path, why: str) -> ConfigError:
    return ConfigError(f"baseline {path} is not a pact-conformance report.json: {why}")


def _string(value: object, allowed: frozenset[str] | None = None) -> str | None:
    """`value` when it is a string (one of `allowed`, if given); a hand-edited file may hold anything."""
    return value if isinstance(value, str) and (allowed is None or value in allowed) else None


def load_baseline(path: Path) -> Baseline:
    """Read a previous report.json; every problem is one ConfigError line, raised before any case runs."""
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"baseline {path} cannot be read: {exc.strerror or exc.__class__.__name__}") from None
    except (ValueError, RecursionError) as exc:  # invalid UTF-8 or JSON, or JSON nested too deep
        raise _not_a_report(path, " ".join(str(exc).split())) from None
    if not isinstance(report, dict) or not isinstance(report.get("format_version"), int):
        raise _not_a_report(path, "no format_version")
    cases = report.get("cases")
    if not isinstance(cases, list) or not all(
            isinstance(case, dict) and _string(case.get("id")) and _string(case.get("outcome"), _OUTCOMES)
            for case in cases):
        raise _not_a_report(path, "no list of cases with an id and a known outcome each")
    return Baseline(
        path=str(path),
        run_id=_string(report.get("run_id")),
        verdict=_string(report.get("verdict"), _VERDICTS),
        outcomes={case["id"]: case["outcome"] for case in cases},
        findings=_findings(cases),
    )


def _findings(cases: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """Every finding key of the report with its severity (error wins) and case; malformed entries are skipped."""
    found: dict[str, tuple[str, str]] = {}
    for case in cases:
        entries = case.get("findings")
        for finding in entries if isinstance(entries, list) else []:
            key = key_of(finding) if isinstance(finding, dict) else None
            if key is not None and found.get(key, ("",))[0] != "error":
                found[key] = (str(finding.get("severity", "")), case["id"])
    return found


def _compare_findings(cases: list[CaseOutcome], before: dict[str, tuple[str, str]]) -> dict[str, list[str]]:
    """New, new error-level (mandatory cases) and fixed finding keys.

    A baseline finding is fixed only when its case ran to an outcome now (passed or failed): a case
    that was not selected or could not run says nothing about the defect.
    """
    now: dict[str, None] = {}
    new_errors: dict[str, None] = {}
    judged = {case.spec.id for case in cases if case.outcome in (Outcome.PASSED, Outcome.FAILED)}
    for case in cases:
        for finding in case.findings:
            key = key_of(finding)
            if key is None:
                continue
            now[key] = None
            if key not in before and case.mandatory and finding.get("severity") == "error":
                new_errors[key] = None
    return {"new_findings": [key for key in now if key not in before], "new_error_findings": list(new_errors),
            "fixed_findings": [key for key, (_severity, case_id) in before.items()
                               if key not in now and case_id in judged]}


def _group(now: str, before: str | None) -> str | None:
    """The group of a case that ran now with outcome `now` (`before`: its baseline outcome, None if absent)."""
    if now in _FAILING:
        return "still_failing" if before in _FAILING else "new_failures"
    if before is None:
        return "new_cases"
    if now == Outcome.PASSED.value:
        return "fixed" if before in _FAILING else None
    return "newly_skipped" if before != Outcome.SKIPPED.value else None


def compare(cases: list[CaseOutcome], baseline: Baseline) -> BaselineComparison:
    """Classify every case id of both runs; a failing case the baseline did not fail is a new failure."""
    grouped: dict[str, list[str]] = {name: [] for name in _GROUPS}
    for case in cases:
        group = _group(case.outcome.value, baseline.outcomes.get(case.spec.id))
        if group is not None:
            grouped[group].append(case.spec.id)
    current = {case.spec.id for case in cases}
    grouped["removed_cases"] = [case_id for case_id in baseline.outcomes if case_id not in current]
    mandatory = {case.spec.id for case in cases if case.mandatory}
    return BaselineComparison(
        path=baseline.path, run_id=baseline.run_id, verdict=baseline.verdict,
        new_mandatory_failures=[case_id for case_id in grouped["new_failures"] if case_id in mandatory],
        new_mandatory_not_run=[case_id for case_id in grouped["newly_skipped"]
                               if case_id in mandatory and baseline.outcomes.get(case_id) == Outcome.PASSED.value],
        **grouped, **_compare_findings(cases, baseline.findings),
    )
