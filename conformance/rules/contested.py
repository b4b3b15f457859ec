"""Contested requirements: where the spec's prose and its published OpenAPI disagree.

A mandatory failure is not defensible on a rule the published OpenAPI does not make: by default a
finding of a contested rule is a warning; `--strict` keeps it an error. Either way its message names
the contested rule, so the report says why. This is the one list; `pact-conformance cases --coverage`
prints it with both texts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from conformance.rules.finding import Finding, Severity
from conformance.versions import version_matches


@dataclass(frozen=True)
class Contested:
    """One contested rule: which findings it covers, and both texts, quoted."""

    id: str
    title: str
    versions: str  # version expression, as in the case catalogue
    rule: str  # the finding's rule id ("SCHEMA", "DM-27", ...)
    pointer: str  # the finding's JSON pointer
    message: str  # the finding's message: only this disagreement is contested, not e.g. the property's type
    requirement: str  # the catalogue's requirement and ambiguity ids
    prose: str
    openapi: str
    required: str | None = None  # the property a schema `required` list holds only by this rule


    def covers(self, finding: Finding, spec: str) -> bool:
        return (finding.rule == self.rule and finding.pointer == self.pointer and finding.message == self.message
                and version_matches(spec, self.versions))


CONTESTED: tuple[Contested, ...] = (
    Contested(
        id="C-01",
        title="v2.3 pcf.crossSectoralStandards is required",
        versions="2.3",
        rule="SCHEMA",
        pointer="/pcf/crossSectoralStandards",
        message="required property is missing",
        requirement="DM-27, A-07, A-21",
        prose="Tech Specs 2.3 lists crossSectoralStandards as mandatory (M); the OpenAPI's own comment on "
              "crossSectoralStandardsUsed reads: \"It does not replace the (also mandatory) property "
              "crossSectoralStandards.\"",
        required="crossSectoralStandards",
        openapi="The `required` list of CarbonFootprint in pact-openapi 2.3.0 and in data-exchange-protocol's "
                "v2 openapi.yaml (2.3.3) names crossSectoralStandardsUsed but not crossSectoralStandards.",
    ),
    Contested(
        id="C-02",
        title="v2 assurance.providerName is non-empty",
        versions="2.x",
        rule="DM-29",
        pointer="/pcf/assurance/providerName",
        message="assurance.providerName is empty; the text asks for the non-empty name of the assurance provider",
        requirement="DM-29, A-21",
        prose="Tech Specs 2.x Assurance table: providerName (M) \"The non-empty name of the independent third party "
              "engaged to undertake the assurance.\" (its advisement: published as mandatory by mistake, optional in v3)",
        openapi="pact-openapi 2.1.0-2.3.0 type Assurance.providerName as a plain `type: string` (no minLength, "
                "description without \"non-empty\"), and data-exchange-protocol's v2 examples send "
                "\"providerName\": \"\".",
    ),
)


def contested_rule(finding: Finding, spec: str) -> Contested | None:
    return next((c for c in CONTESTED if c.covers(finding, spec)), None)


def apply_contested(findings: Iterable[Finding], spec: str, strict: bool) -> list[Finding]:
    """Errors of contested rules become warnings unless `strict`; their messages name the contested rule."""
    out = []
    for finding in findings:
        contested = contested_rule(finding, spec)
        if contested is not None and finding.severity is Severity.ERROR:
            verdict = "an error (--strict)" if strict else "a warning; --strict makes it an error"
            message = (f"{finding.message} [contested rule {contested.id}: {contested.title}; prose and OpenAPI "
                       f"disagree ({contested.requirement}), so this is {verdict}]")
            finding = replace(finding, message=message, severity=Severity.ERROR if strict else Severity.WARNING)
        out.append(finding)
    return out


def uncontested(document: Any, spec: str) -> Any:
    """A copy of a JSON Schema or OpenAPI document without the `required` entries only contested rules make
    (for checks that validate whole documents, e.g. fuzzing's response-schema check)."""
    names = {c.required for c in CONTESTED if c.required and version_matches(spec, c.versions)}

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            copied = {key: walk(value) for key, value in node.items()}
            if isinstance(copied.get("required"), list):
                copied["required"] = [name for name in copied["required"] if name not in names]
            return copied
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(document) if names else document
