"""Certification mode: which runs may carry a certificate.

A certificate says "this tool, at this version, found this target conformant", so the run behind it
must be complete (every case, fuzzing included), over verified TLS, and repeatable by anyone (a fixed
fuzzing seed and budget). `run --certify` and a roster with `certify = true` are checked here, by the
same rules, before anything runs; each refusal is one line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conformance.config import Settings

# How each setting is named where the user wrote it.
CLI_NAMES = {"select": "-k", "official_only": "--official-only", "no_fuzz": "--no-fuzz",
             "insecure_tls": "--insecure-tls", "seed": "--seed", "fuzz_budget": "--fuzz-budget"}
ROSTER_NAMES = {"select": "select", "official_only": "official_only", "no_fuzz": "no_fuzz",
                "insecure_tls": "insecure_tls", "seed": "seed", "fuzz_budget": "fuzz_budget"}


def refusal(values: Mapping[str, Any], names: Mapping[str, str], mode: str) -> str | None:
    """The first reason `values` cannot be certified, in the user's own names, or None."""
    if values.get("select"):
        return f"{mode} refuses a partial run: {names['select']} selects only some cases"
    if values.get("official_only"):
        return f"{mode} refuses a partial run: {names['official_only']} runs only PACT's official cases"
    if values.get("no_fuzz"):
        return f"{mode} refuses a partial run: {names['no_fuzz']} skips the fuzzing stage"
    if values.get("insecure_tls"):
        return f"{mode} refuses {names['insecure_tls']}: a certified run verifies the target's TLS certificate"
    for key, what in (("seed", "fuzzing seed"), ("fuzz_budget", "fuzzing budget")):
        if values.get(key) is None:
            return f"{mode} needs a fixed {names[key]} (the {what}), so that the run can be repeated"
    return None


def certification_refusal(settings: Settings) -> str | None:
    """Why these run settings cannot be certified, or None (also None when certification is off)."""
    options = settings.options
    if not options.certify:
        return None
    return refusal({"select": options.select, "official_only": options.official_only, "no_fuzz": options.no_fuzz,
                    "insecure_tls": settings.target is not None and settings.target.insecure_tls,
                    "seed": options.fuzz_seed, "fuzz_budget": options.fuzz_budget}, CLI_NAMES, "--certify")
