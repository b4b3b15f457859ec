"""What the HTML report shows first: one card per failed mandatory case, then the optional warnings, and the full
table grouped by area.

A card carries what a vendor needs to fix the failure without digging: the requirement's text and spec link and
fix hint from the catalogue, the message, the exchange that decided the case (the last one it made) with its JSON
pretty-printed, and a curl line for every exchange. The evidence is already redacted; curl lines go further and
put shell variables where credentials were, so a copied line never carries one and still runs.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from conformance.report.labels import case_title
from conformance.report.messages import render_message
from conformance.requirements import requirement
from conformance.results import CaseOutcome, Outcome, RunResult
from conformance.sanitize import clean_json

FINDINGS_ON_A_CARD = 10
_CREDENTIAL_VARIABLE = {"bearer": '"Authorization: Bearer $PACT_TOKEN"', "basic": '-u "$PACT_CLIENT_ID:$PACT_CLIENT_SECRET"'}
_SKIPPED_HEADERS = {"content-length", "host", "accept-encoding", "connection", "user-agent"}


def pretty(body: str | None) -> str:
    """A JSON body indented for reading; anything else as it came."""
    if not body:
        return ""
    try:
        # Parsed again here, so cleaned again: an escaped lone surrogate in the body would otherwise reach the file.
        return json.dumps(clean_json(json.loads(body))[0], indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return body


def curl_line(exchange: dict[str, Any]) -> str:
    """The exchange as one shell command; credentials are shell variables, every other part is quoted."""
    parts = ["curl", "-X", shlex.quote(str(exchange.get("method", "GET"))), shlex.quote(str(exchange.get("url", "")))]
    request = exchange.get("request") or {}
    for name, value in (request.get("headers") or {}).items():
        lowered = str(name).lower()
        if lowered in _SKIPPED_HEADERS:
            continue
        if lowered == "authorization":
            scheme = str(value).split(" ", 1)[0].lower()
            credential = _CREDENTIAL_VARIABLE.get(scheme)
            parts += ["-H", credential] if scheme == "bearer" else [credential or "-H '$AUTHORIZATION'"]
            continue
        parts += ["-H", shlex.quote(f"{name}: {value}")]
    if request.get("body"):
        parts += ["--data-raw", shlex.quote(str(request["body"]))]
    return " ".join(parts)


def _requirements(case: CaseOutcome, spec: str, lang: str) -> list[dict[str, Any]]:
    """The requirements the failure is about: those the case named as broken, else all it cites."""
    shown = []
    for requirement_id in case.failed_requirements or list(case.spec.requirements):
        entry = requirement(requirement_id)
        shown.append(entry.to_dict(spec, lang) if entry else {"id": requirement_id, "text": "", "url": "",
                                                             "basis": "", "fix": "", "sides": []})
    return shown


def card(case: CaseOutcome, spec: str, lang: str) -> dict[str, Any]:
    exchanges = case.evidence
    deciding = exchanges[-1] if exchanges else None
    return {
        "id": case.spec.id,
        "title": case_title(case.spec.id, case.spec.title, lang),
        "official": case.spec.official,
        "outcome": case.outcome.value,
        "message": render_message(case.message, lang),
        "notes": case.notes,
        "requirements": _requirements(case, spec, lang),
        "deciding": None if deciding is None else {
            **deciding,
            "request_pretty": pretty((deciding.get("request") or {}).get("body")),
            "response_pretty": pretty((deciding.get("response") or {}).get("body")),
        },
        "curls": [curl_line(exchange) for exchange in exchanges],
        "findings": case.findings[:FINDINGS_ON_A_CARD],
        "more_findings": max(0, len(case.findings) - FINDINGS_ON_A_CARD),
    }


def _one_card_per_message(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cases that failed with the very same message share one card (the first), which names the others.

    A wrong secret fails dozens of cases with one token error; one card with the list reads faster
    than dozens of copies, and the full table still has every case.
    """
    first: dict[str, dict[str, Any]] = {}
    kept = []
    for shown in cards:
        message = shown["message"]
        if message and message in first:
            first[message]["same_message"].append(f"{shown['id']}: {shown['title']}")
            continue
        shown["same_message"] = []
        if message:
            first[message] = shown
        kept.append(shown)
    return kept


def failure_cards(result: RunResult, lang: str) -> dict[str, list[dict[str, Any]]]:
    """Cards in reading order: failed mandatory cases, mandatory cases that could not run, optional warnings."""
    failed = [c for c in result.cases if c.mandatory and c.outcome in (Outcome.FAILED, Outcome.ERROR)]
    not_run = [c for c in result.cases if c.mandatory and c.outcome not in (Outcome.PASSED, Outcome.FAILED, Outcome.ERROR)]
    warnings = [c for c in result.cases if not c.mandatory and c.outcome is Outcome.FAILED]
    return {
        "failed": _one_card_per_message([card(c, result.spec, lang) for c in failed]),
        "not_run": [card(c, result.spec, lang) for c in not_run],
        "warnings": _one_card_per_message([card(c, result.spec, lang) for c in warnings]),
    }


def areas(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The report's cases grouped by area, each with its counts; an area with a failure is shown open."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for index, case in enumerate(cases, start=1):
        grouped.setdefault(case.get("area") or "other", []).append({**case, "anchor": f"case-{index}"})
    shown = []
    for name, members in grouped.items():
        counts: dict[str, int] = {}
        for case in members:
            counts[case["outcome"]] = counts.get(case["outcome"], 0) + 1
        failing = any(c["outcome"] in ("failed", "error") and c["mandatory"] for c in members)
        shown.append({"name": name, "cases": members, "counts": counts, "open": failing})
    return shown
