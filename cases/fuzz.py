"""Schema-driven fuzzing with schemathesis (conformance/fuzz.py), judged as FUZZ-* cases.

The stage runs once per run and part ("api", "events", "auth"); each case
judges some of its checks. Mandatory are the checks that correspond to a MUST:
no server error on any input, documented status codes, schema-valid 2xx bodies
(with the data-model rules' ERRORs), invalid credentials refused (missing ones
too in v3, AUTH-10), and Events answering 200 or a documented 4xx where Events
are mandatory (2.2+). Content-Type and error-body shape are warnings.
docs/divergences/fuzz.md lists the choices.
"""

from __future__ import annotations

import shlex
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from conformance.catalog import case, spec_of
from conformance.client import TargetError
from conformance.evidence import EvidenceLog, Exchange
from conformance.expect import fail
from conformance.fuzz_options import Check, FuzzSetupError, fuzz_settings
from conformance.run_context import RunContext

if TYPE_CHECKING:  # conformance.fuzz loads schemathesis and hypothesis: imported only once a stage is made
    from conformance.fuzz import FuzzReport, FuzzStage, Problem

STAGE_KEY = "fuzz_stage"
SHOWN_IN_MESSAGE = 3


def _stage(context: RunContext) -> FuzzStage:
    """The run's fuzz stage, created by the first fuzz case (settings, seed and document fixed then)."""
    stage = context.shared.get(STAGE_KEY)
    if stage is None:
        settings = fuzz_settings(context.options, context.run_id)
        if not settings.enabled:
            pytest.skip("fuzzing is disabled (--no-fuzz)")
        from conformance.fuzz import FuzzStage

        try:
            stage = FuzzStage(context.session, settings)
        except FuzzSetupError as exc:
            stage = exc
        context.shared[STAGE_KEY] = stage
    if isinstance(stage, FuzzSetupError):
        pytest.skip(str(stage))
    return stage


def _tls_flags(context: RunContext) -> str:
    target = context.session.target
    if target.insecure_tls:
        return "-k"
    return f"--cacert {shlex.quote(str(target.ca_cert))}" if target.ca_cert is not None else ""


def _attach(log: EvidenceLog, exchange: Exchange) -> None:
    """A failing exchange, re-redacted: tokens issued later in the stage are secrets by now."""
    redact = log.secrets.redact
    log.record(replace(exchange, url=redact(exchange.url), request_body=redact(exchange.request_body or "") or None,
                       response_body=redact(exchange.response_body or "") or None))


def _record(context: RunContext, case_id: str, severity: str, problems: list[Problem]) -> None:
    log = context.session.evidence
    for problem in problems:
        curl = problem.request.curl(context.session.secrets, _tls_flags(context))
        log.findings.append(problem.finding(case_id, severity, curl, context.session.secrets))
        log.note(f"reproduce ({problem.operation}, {problem.check.value}): {curl}")
        if problem.exchange is not None:
            _attach(log, problem.exchange)


def _judge(context: RunContext, request: pytest.FixtureRequest, parts: tuple[str, ...], checks: set[Check],
           req: list[str]) -> None:
    """Run (or reuse) the parts, record findings and notes, fail on any problem of `checks`."""
    stage = _stage(context)
    spec = spec_of(request.node)
    assert spec is not None
    settings = stage.settings
    reports: list[FuzzReport] = [stage.part(name) for name in parts]
    log = context.session.evidence
    log.note(f"seed {settings.seed} ({settings.seed_origin}), budget {settings.budget} generated requests per "
             f"operation; the same requests again: --seed {settings.seed} --fuzz-budget {settings.budget}")
    for note in [text for report in reports for text in (report.summary(), *report.notes)]:
        log.note(note)
    problems = [problem for report in reports for problem in report.select(checks)]
    _record(context, spec.id, "error" if spec.is_mandatory(context.spec) else "warning", problems)
    interrupted = any(report.interrupted for report in reports)
    if interrupted:
        request.session.shouldstop = "interrupted (Ctrl-C) during fuzzing"
    _conclude(problems, reports, interrupted, req)


def _conclude(problems: list[Problem], reports: list[FuzzReport], interrupted: bool, req: list[str]) -> None:
    """Failed with the problems; else not run when the parts could not finish or sent nothing."""
    if problems:
        shown = "; ".join(f"{p.operation}: {p.message}" for p in problems[:SHOWN_IN_MESSAGE])
        more = f" (and {len(problems) - SHOWN_IN_MESSAGE} more)" if len(problems) > SHOWN_IN_MESSAGE else ""
        fail(f"{len(problems)} fuzzing failure(s): {shown}{more}. Each finding has a reproducing curl line.", req)
    if interrupted:
        pytest.skip("fuzzing was interrupted (Ctrl-C); nothing failed in the partial results")
    silent = [report.stopped for report in reports if report.stopped]
    if silent:  # like every case that gets no answer: a failure of the target, not a pass
        raise TargetError(f"{silent[0]} while fuzzing")
    if sum(report.requests for report in reports) == 0:
        pytest.skip("nothing was fuzzed: " + ("; ".join(n for r in reports for n in r.notes) or "no operation"))


@case("FUZZ-NO-SERVER-ERROR", title="Fuzzed requests never get a server error (5xx) or no answer",
      requirements=["ERR-05", "PAGE-15", "LIST-12", "GET-07"], mandatory="all")
def test_fuzz_no_server_error(pact_context: RunContext, request: pytest.FixtureRequest) -> None:
    _judge(pact_context, request, ("api",), {Check.SERVER_ERROR}, ["ERR-05", "PAGE-15", "LIST-12", "GET-07"])


@case("FUZZ-STATUS-DOCUMENTED", title="Fuzzed requests get status codes the API description documents",
      requirements=["GEN-08", "LIST-07", "ERR-01"], mandatory="all")
def test_fuzz_status_documented(pact_context: RunContext, request: pytest.FixtureRequest) -> None:
    _judge(pact_context, request, ("api",), {Check.STATUS}, ["GEN-08", "LIST-07", "ERR-01"])


@case("FUZZ-SCHEMA-VALID-BODIES", title="Every 2xx body of a fuzzed request is schema-valid, its footprints pass "
      "the data-model rules", requirements=["GEN-08", "LIST-03", "GET-02", "AUTH-03"], mandatory="all")
def test_fuzz_schema_valid_bodies(pact_context: RunContext, request: pytest.FixtureRequest) -> None:
    _judge(pact_context, request, ("api",), {Check.BODY_SCHEMA, Check.FOOTPRINT_RULES},
           ["GEN-08", "LIST-03", "GET-02", "AUTH-03"])


@case("FUZZ-EVENTS", title="Generated CloudEvents, valid and invalid, get 200 or a documented 4xx, never 5xx",
      requirements=["EVT-01", "EVT-03", "EVT-06", "EVT-42"], mandatory=">=2.2")
def test_fuzz_events(pact_context: RunContext, request: pytest.FixtureRequest) -> None:
    _judge(pact_context, request, ("events",), {Check.SERVER_ERROR, Check.STATUS},
           ["EVT-01", "EVT-03", "EVT-06", "EVT-42"])


@case("FUZZ-CONTENT-TYPE", title="Fuzzed requests are answered with the documented Content-Type",
      requirements=["LIST-01", "GET-01", "ERR-02"], mandatory="none")
def test_fuzz_content_type(pact_context: RunContext, request: pytest.FixtureRequest) -> None:
    _judge(pact_context, request, ("api", "events"), {Check.CONTENT_TYPE}, ["LIST-01", "GET-01", "ERR-02"])


@case("FUZZ-ERROR-BODIES", title="Error answers to fuzzed requests carry the spec's error body",
      requirements=["ERR-02", "ERR-03", "ERR-06"], mandatory="none")
def test_fuzz_error_bodies(pact_context: RunContext, request: pytest.FixtureRequest) -> None:
    _judge(pact_context, request, ("api", "events"), {Check.ERROR_BODY}, ["ERR-02", "ERR-03", "ERR-06"])


@case("FUZZ-AUTH-REQUIRED", title="Every operation refuses invalid credentials; the token endpoint and pagination "
      "links also missing ones", requirements=["AUTH-06", "AUTH-09", "EVT-05", "PAGE-12"], mandatory="all")
def test_fuzz_auth_required(pact_context: RunContext, request: pytest.FixtureRequest) -> None:
    _judge(pact_context, request, ("auth",), {Check.AUTH}, ["AUTH-06", "AUTH-09", "EVT-05", "PAGE-12"])


@case("FUZZ-AUTH-MISSING", title="List, Get and Events refuse requests without credentials",
      requirements=["AUTH-10", "GEN-07"], mandatory="3.0")
def test_fuzz_auth_missing(pact_context: RunContext, request: pytest.FixtureRequest) -> None:
    _judge(pact_context, request, ("auth",), {Check.AUTH_MISSING}, ["AUTH-10", "GEN-07"])
