"""Assurance and verification: DM-29 (2.x Assurance object), DM-30 (3.0 `verification`, no `assurance`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from conformance.rules.dm._support import WARNING, Issue, defined, dm_rule, pcf_of
from conformance.schemas.values import show

_ASSURANCE_DETAILS = ("coverage", "level", "boundary")
# One wording, so the contested rule C-02 can name exactly this finding.
EMPTY_PROVIDER = "assurance.providerName is empty; the text asks for the non-empty name of the assurance provider"


@dm_rule("DM-29", area="assurance", versions="2.x")
def assurance_object(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    assurance = pcf_of(footprint).get("assurance")
    if not isinstance(assurance, dict):
        return
    if not isinstance(assurance.get("assurance"), bool):
        yield Issue("/pcf/assurance/assurance", "assurance.assurance must be true or false (mandatory since 2.0.1)")
    provider = assurance.get("providerName")
    if not isinstance(provider, str):
        shown = show(provider) if "providerName" in assurance else "missing"
        yield Issue("/pcf/assurance/providerName", f"assurance.providerName is {shown}; it must name the assurance provider")
    elif not provider:
        # Contested (rules/contested.py C-02): an error only with --strict, a warning otherwise.
        yield Issue("/pcf/assurance/providerName", EMPTY_PROVIDER)
    elif not provider.strip():
        yield Issue("/pcf/assurance/providerName", f"assurance.providerName {show(provider)} holds only white space; "
                    "it should name the assurance provider", WARNING)
    if assurance.get("assurance") is True:
        missing = [name for name in _ASSURANCE_DETAILS if name not in assurance]
        if missing:
            yield Issue(
                "/pcf/assurance",
                f"assurance is true but {', '.join(missing)} not given; "
                "they may be undefined only if that kind of assurance was not performed",
                WARNING,
            )


@dm_rule("DM-30", area="assurance", versions="3.0")
def verification_not_assurance(footprint: Mapping[str, Any], spec: str) -> Iterator[Issue]:
    if defined(pcf_of(footprint), "assurance", spec):
        yield Issue(
            "/pcf/assurance",
            "assurance is the 2.x property; 3.0 uses verification (present = verified), so this value is ignored",
            WARNING,
        )
