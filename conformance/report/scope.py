"""A run that covers less than a full run (-k, --official-only, --insecure-tls, --no-fuzz) is shown as 'partial'.

The computed verdict stays in report.json; what people and CI badges see is never a plain 'conformant'
for a subset. A failing partial run keeps its own verdict: a failure found in a subset is still a failure.
"""

from __future__ import annotations

from conformance.results import RunResult, Verdict

PARTIAL = "partial"


def shown_verdict(result: RunResult, verdict: Verdict | None = None) -> str:
    """The verdict to display (the run's, or a part's): 'partial' instead of 'conformant' for a partial run."""
    verdict = verdict or result.verdict
    if verdict is Verdict.CONFORMANT and result.partial_reasons:
        return PARTIAL
    return verdict.value


def shown_parts(result: RunResult) -> dict[str, str]:
    """The per-part verdicts to display, with the same rule."""
    return {part: shown_verdict(result, verdict) for part, verdict in result.profile_verdicts().items()}


def scope_texts(result: RunResult, labels: dict[str, str]) -> list[str]:
    """One plain (unescaped) line per reason the run is partial, in the report's language."""
    return [labels[f"scope_{code}"].format(selection=result.selection or "") for code in result.partial_reasons]
