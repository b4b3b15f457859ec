"""The fuzz stage's own guarantees: reproducible, within budget, redacted, same origin only, stoppable."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from schemathesis import GenerationMode

from conformance.client import TargetError
from conformance.config import RunOptions
from conformance.evidence import SecretBook
from conformance.fuzz import (
    SAFE_EVENT_SOURCE,
    SILENT_IN_A_ROW,
    Check,
    FuzzSettings,
    FuzzSetupError,
    FuzzStage,
    Meter,
    SentRequest,
    derive_seed,
    fuzz_settings,
    generate,
    load_schema,
    reductions,
    role_of,
    safe_event,
)
from conformance.reference.host import ReferenceHost
from conformance.schemas import openapi_document
from conformance.session import TargetSession
from tests.faults.fuzz import FAULTS
from tests.faults.middleware import HttpReply, rewrite_response, route
from tests.harness import faulty_host, issued_tokens

BUDGET = 3
FOREIGN = "https://elsewhere.invalid"


def _session(host: ReferenceHost, spec: str = "3.0") -> TargetSession:
    secrets = SecretBook()
    target = host.target(spec)
    secrets.add_client(target.client_id, target.client_secret.get_secret_value())
    return TargetSession(target, RunOptions(), secrets)


@pytest.fixture(scope="module")
def host() -> Iterator[ReferenceHost]:
    with ReferenceHost("3.0") as started:
        yield started


@pytest.fixture(scope="module")
def schema() -> Any:
    return load_schema("3.0", None)


def _sent(stage: FuzzStage) -> list[tuple[str, str, str | None]]:
    return [(e.method, e.url, e.request_body) for e in stage.scratch.exchanges]


def test_same_seed_same_requests_other_seed_other_requests(host: ReferenceHost, schema: Any) -> None:
    runs = []
    for seed in (7, 7, 8):
        stage = FuzzStage(_session(host), FuzzSettings(seed=seed, budget=BUDGET), schema)
        stage.part("api")
        runs.append(_sent(stage))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_generation_gives_at_most_the_budget(schema: Any) -> None:
    lister = next(op for op in (r.ok() for r in schema.get_all_operations()) if op.label == "GET /3/footprints")
    assert 0 < len(generate(lister, list(GenerationMode), BUDGET, 1)) <= BUDGET


def test_every_part_stays_within_its_bound(host: ReferenceHost, schema: Any) -> None:
    stage = FuzzStage(_session(host), FuzzSettings(seed=3, budget=BUDGET), schema)
    for name in ("api", "events", "auth"):
        report = stage.part(name)
        assert 0 < report.requests <= report.bound, report.summary()
    assert len(stage.scratch.exchanges) == sum(stage.part(name).requests for name in ("api", "events", "auth"))


def test_meter_never_exceeds_its_cap() -> None:
    meter = Meter(2)
    assert [meter.take() for _ in range(4)] == [True, True, False, False]


def test_curl_line_never_shows_a_credential() -> None:
    secrets = SecretBook()
    secrets.add("s3cr3t-token-value", "bearer-token")
    sent = SentRequest("POST", "https://host.example/3/events?x=s3cr3t-token-value",
                       (("Authorization", "Bearer s3cr3t-token-value"), ("Content-Type", "application/json")),
                       b'{"note": "s3cr3t-token-value", "other": "unregistered-token-in-header-only"}')
    curl = sent.curl(secrets, tls="--cacert /tmp/ca.pem")
    assert "s3cr3t-token-value" not in curl
    assert "«redacted bearer" in curl and curl.startswith("curl -X POST --cacert /tmp/ca.pem")
    unregistered = SentRequest("GET", "https://host.example/3/footprints", (("Authorization", "Bearer never-seen"),))
    assert "never-seen" not in unregistered.curl(SecretBook())


def test_curl_line_of_a_binary_body_pipes_it_in() -> None:
    curl = SentRequest("POST", "https://host.example/3/events", (), b"\xff\x00").curl(SecretBook())
    assert curl.startswith("printf '%b' '\\xff\\x00' | curl") and "--data-binary @-" in curl


def test_findings_of_a_token_failure_show_no_issued_token() -> None:
    fault = next(f for f in FAULTS if f.name == "fuzz-token-schema-invalid-with-scope")
    settings = FuzzSettings(seed=fault.options["fuzz_seed"], budget=fault.options["fuzz_budget"])
    with faulty_host(fault, "2.3") as broken:
        session = _session(broken, "2.3")
        problems = FuzzStage(session, settings).part("api").select({Check.BODY_SCHEMA})
        tokens = issued_tokens(broken)
    assert problems and len(tokens) > 1
    for problem in problems:
        shown = str(problem.finding("FUZZ-SCHEMA-VALID-BODIES", "error", problem.request.curl(session.secrets),
                                    session.secrets))
        shown += session.secrets.redact(problem.exchange.response_body or "") if problem.exchange else ""
        assert "«redacted bearer-token" in shown  # the token was there, and only its marker is shown
        assert not [token for token in tokens if token in shown]


def _link_elsewhere(reply: HttpReply) -> None:
    if reply.status == 200:
        reply.set_header("link", f'<{FOREIGN}/3/footprints?offset=1>; rel="next"')


def test_only_the_target_origin_is_ever_called() -> None:
    with ReferenceHost("3.0", wrap=rewrite_response(route("GET", r"/3/footprints"), _link_elsewhere)) as foreign:
        stage = FuzzStage(_session(foreign), FuzzSettings(seed=5, budget=BUDGET))
        reports = [stage.part(name) for name in ("api", "auth")]
    assert stage.next_links and all(link.startswith(FOREIGN) for link in stage.next_links)
    assert all(e.url.startswith(foreign.url) for e in stage.scratch.exchanges)
    assert any("another origin" in note for note in reports[0].notes)


def test_a_token_endpoint_at_another_origin_is_not_fuzzed(host: ReferenceHost, schema: Any) -> None:
    session = _session(host)
    session.auth._discovery = {"token_endpoint": f"{FOREIGN}/oauth/token"}  # noqa: SLF001 - a discovered IdP elsewhere
    session.auth._discovered = True  # noqa: SLF001
    stage = FuzzStage(session, FuzzSettings(seed=5, budget=BUDGET), schema)
    assert not stage._ops("authenticate")  # noqa: SLF001
    assert any("not at the base URL's origin" in note for note in stage.notes)


def test_interrupt_stops_the_part_with_partial_results(host: ReferenceHost, schema: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    stage = FuzzStage(_session(host), FuzzSettings(seed=9, budget=BUDGET), schema)
    real, calls = stage.client.request, []

    def interrupted_after_two(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        if len(calls) > 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(stage.client, "request", interrupted_after_two)
    report = stage.part("api")
    assert report.interrupted and report.requests == 2
    assert "interrupted" in report.summary()


def test_ctrl_c_asks_the_stage_to_stop_at_its_next_request(host: ReferenceHost, schema: Any) -> None:
    stage = FuzzStage(_session(host), FuzzSettings(seed=9, budget=BUDGET), schema)
    with stage.stop.listening():
        signal.raise_signal(signal.SIGINT)  # the first press only sets the flag: nothing is raised here
    assert stage.stop.requested
    report = stage.part("api")
    assert report.interrupted and report.requests == 0 and not report.problems


def test_no_answer_is_a_server_error(host: ReferenceHost, schema: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    stage = FuzzStage(_session(host), FuzzSettings(seed=9, budget=1), schema)

    def reset(*args: Any, **kwargs: Any) -> Any:
        raise TargetError("connection reset by peer")

    monkeypatch.setattr(stage.client, "request", reset)
    problems = stage.part("events").select({Check.SERVER_ERROR})
    assert problems and "connection reset" in problems[0].message


def test_a_silent_target_ends_the_part_early(host: ReferenceHost, schema: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    stage = FuzzStage(_session(host), FuzzSettings(seed=9, budget=BUDGET), schema)

    def timeout(*args: Any, **kwargs: Any) -> Any:
        raise TargetError("no response within 10 s (timeout)")

    monkeypatch.setattr(stage.client, "request", timeout)
    report = stage.part("api")
    assert report.requests == SILENT_IN_A_ROW and "did not answer" in report.stopped
    assert report.select({Check.SERVER_ERROR})


def test_openapi_option_fuzzes_the_given_document(host: ReferenceHost, tmp_path: Path) -> None:
    document = tmp_path / "vendor.json"
    document.write_text(json.dumps({**openapi_document("3.0"), "paths": {
        path: item for path, item in openapi_document("3.0")["paths"].items() if path == "/3/footprints"}}))
    stage = FuzzStage(_session(host), FuzzSettings(seed=2, budget=BUDGET, openapi=document))
    assert [op.role for op in stage.operations] == ["list"]
    assert stage.part("api").requests > 0


def test_an_unusable_document_is_reported_not_crashed(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: [not, a, document")
    with pytest.raises(FuzzSetupError, match="broken.yaml cannot be loaded"):
        load_schema("3.0", broken)


def test_generated_events_can_never_trigger_a_callback() -> None:
    sent = SentRequest("POST", "https://h/3/events", (("Content-Type", "application/json"),),
                       b'{"source": "https://victim.example/x", "id": "1"}')
    safe = safe_event(sent)
    assert SAFE_EVENT_SOURCE.encode() in (safe.body or b"") and b"victim" not in (safe.body or b"")
    assert (safe.header("content-type") or "").startswith("application/cloudevents+json")


def test_reductions_try_big_cuts_first() -> None:
    sent = SentRequest("GET", "https://h/3/footprints?a=1&b=2&c=3&d=4", ())
    urls = [candidate.url for candidate in reductions(sent)]
    assert urls[0] == "https://h/3/footprints"
    assert urls[1:3] == ["https://h/3/footprints?c=3&d=4", "https://h/3/footprints?a=1&b=2"]
    assert urls[-1] == "https://h/3/footprints?a=1&b=2&c=3"


@pytest.mark.parametrize(("method", "path", "role"), [
    ("post", "/auth/token", "authenticate"), ("get", "/.well-known/openid-configuration", "discovery"),
    ("get", "/3/footprints", "list"), ("get", "/pact/2/footprints/{pfId}", "get"), ("post", "/3/events", "events"),
    ("get", "/3/other", "other"),
])
def test_roles_come_from_method_and_path(method: str, path: str, role: str) -> None:
    assert role_of(method, path) == role


def test_settings_default_to_a_seed_derived_from_the_run_id() -> None:
    settings = fuzz_settings(RunOptions(), run_id="abc123")
    assert settings.enabled and settings.seed == derive_seed("abc123") and "abc123" in settings.seed_origin
    assert settings.openapi is None and settings.budget > 0


def test_settings_take_the_run_options() -> None:
    class Options:
        fuzz_seed, fuzz_budget, no_fuzz, openapi = 42, 9, True, "vendor.yaml"

    settings = fuzz_settings(Options())
    assert (settings.seed, settings.budget, settings.enabled, str(settings.openapi)) == (42, 9, False, "vendor.yaml")
