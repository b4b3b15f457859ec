"""Action Events: requests and their asynchronous answers, notifications, refusals (EVT-nn, AUTH-R1, TLS-05).

The harness plays the data recipient. Its request events name the harness's
own events host (conformance/listener.py) as `source`; the target answers
there. As in PACT's official tool, TC13 waits for the answer to TC12's request
and TC14.B for the answer to TC14.A's; a case selected alone sends the request
itself. Without a reachable events host the callback cases are not run.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pytest

from conformance.catalog import case
from conformance.client import Response, TargetError
from conformance.expect import expect, expect_data_object, expect_status, fail
from conformance.listener import Callback, Incoming, Listener, event_problems
from conformance.official import fulfilled_passes
from conformance.probes import ProbeLog, invalid_tokens, malformed_pf_ids, report_probes, run_probes
from conformance.rules import check_footprint
from conformance.rules.finding import Severity
from conformance.session import TargetSession
from conformance.versions import VERSIONS, version_matches

EVENT_MEDIA_TYPE = "application/cloudevents+json"
EVENT_HEADERS = {"Content-Type": f"{EVENT_MEDIA_TYPE}; charset=UTF-8"}
UNKNOWN_PRODUCT = "urn:pact:null"  # the official tool's product that hosts are told to reject
MALFORMED_PF_ID = "urn:gtin:4712345060507"  # a URN where a footprint id (UUID) belongs (TC21/TC40)
DUPLICATE_GRACE_S = 1.0  # how long after an answer a duplicate would still be noticed (EVT-24)
MAX_RETRIEVALS = 10


@dataclass
class SentRequest:
    """A request event of this run, the target's synchronous reply and, once awaited, its answer event."""

    event: dict[str, Any]
    product_ids: list[str]
    response: Response
    sent_by: str
    sent_at: float
    answer: Incoming | None = None
    awaited: bool = False

    @property
    def id(self) -> str:
        return str(self.event["id"])


@pytest.fixture(scope="session")
def sent_requests() -> dict[str, SentRequest]:
    """Request events by purpose ("fulfil", "reject"), shared by the cases that wait for their answers."""
    return {}


# Building and sending events.
def _event(session: TargetSession, kind: str, data: Any, source: str, event_type: str | None = None) -> dict[str, Any]:
    now = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    return {"specversion": "1.0", "id": str(uuid.uuid4()), "source": source, "time": now,
            "type": event_type or session.version.event_types[kind], "data": data}


def _post(session: TargetSession, body: dict[str, Any] | str, note: str, *, token: str | None = None,
          url: str | None = None) -> Response:
    content = body if isinstance(body, str) else json.dumps(body)
    return session.client.request("POST", url or session.events_url(), token=token or session.token(),
                                  headers=EVENT_HEADERS, content=content, note=note)


def _published(session: TargetSession, callback: Callback, pf_ids: list[str]) -> dict[str, Any]:
    return _event(session, "published", {"pfIds": pf_ids}, callback.source)


def _listed_product_ids(session: TargetSession) -> list[str]:
    """productIds of the first listed footprint: one product, as a request must name (EVT-21, ADR-27)."""
    for footprint in session.first_page():
        ids = footprint.get("productIds") if isinstance(footprint, dict) else None
        if isinstance(ids, list) and ids and all(isinstance(i, str) and i for i in ids):
            return list(ids)
    pytest.skip("ListFootprints returned no footprint with productIds, so no request event can name a product")


def _request(session: TargetSession, callback: Callback, sent: dict[str, SentRequest], purpose: str,
             case_id: str) -> SentRequest:
    """The run's request event for `purpose`, sent once: 'fulfil' names a listed product, 'reject' urn:pact:null."""
    if purpose in sent:
        request = sent[purpose]
        if request.sent_by != case_id:
            session.evidence.note(f"request event {request.id} was sent by case {request.sent_by}; "
                                  "its exchange is in that case's evidence")
        return request
    product_ids = _listed_product_ids(session) if purpose == "fulfil" else [UNKNOWN_PRODUCT]
    comment = "Please send PCF data for this year."
    data = ({"productId": product_ids, "comment": comment} if session.version.major == 3
            else {"pf": {"productIds": product_ids}, "comment": comment})
    event = _event(session, "request_created", data, callback.source)
    if callback.listener is None:
        session.evidence.note(f"{callback.reason}; the request names {callback.source} as its source")
    response = _post(session, event, f"request event for productIds {product_ids}")
    sent[purpose] = SentRequest(event, product_ids, response, case_id, time.monotonic())
    return sent[purpose]


# Waiting for and judging answers.
def _listener(callback: Callback) -> Listener:
    if callback.listener is None:
        pytest.skip(callback.reason)
    return callback.listener


def _refused_at_once(session: TargetSession, request: SentRequest) -> bool:
    """v3 lets a host refuse a request it cannot handle with an immediate 4xx instead of a later rejection (A-18)."""
    return session.version.major == 3 and 400 <= request.response.status < 500


def _expect_processed(request: SentRequest) -> None:
    status = request.response.status
    expect(200 <= status < 300, f"the request event {request.id} was answered HTTP {status}, so no answer event "
                                "can follow (EVT-23); see the request case", req="EVT-23")


def _await_answer(session: TargetSession, listener: Listener, request: SentRequest) -> Incoming | None:
    """The first event answering `request` (waited for once per run), shown in the current case's evidence.

    A request the target refused gets no answer (EVT-43), so there is nothing to wait for.
    """
    if not 200 <= request.response.status < 300:
        return None
    if not request.awaited:
        request.answer = listener.wait_for_response(request.id, session.options.event_timeout_s)
        request.awaited = True
    elif request.answer is None:  # a late arrival after an earlier case stopped waiting
        request.answer = next(iter(listener.responses_to(request.id)), None)
    if request.answer is not None:
        session.evidence.record(request.answer.exchange(listener.origin))
    return request.answer


def _expect_answer(session: TargetSession, listener: Listener, request: SentRequest) -> Incoming:
    answer = _await_answer(session, listener, request)
    if answer is None:
        seen = [r for r in listener.received() if r.received_at >= request.sent_at]
        for record in seen:
            session.evidence.record(record.exchange(listener.origin))
        heard = "; ".join(r.summary() for r in seen[:8]) or "nothing"
        fail(f"no event answering request {request.id} (data.requestEventId) arrived at {listener.url} within "
             f"{session.options.event_timeout_s:g} s (EVT-24); the harness's events host received: {heard}",
             req="EVT-24")
    return answer


def _expect_authenticated(answer: Incoming) -> None:
    expect(answer.bearer == "valid", f"the answer event came with a {answer.bearer} bearer token; a sender must "
                                     "first obtain a token at the recipient's auth endpoint (AUTH-R1)", req="AUTH-R1")


def _expect_event_media_type(session: TargetSession, answer: Incoming) -> None:
    """application/cloudevents+json; v2 also application/json, which pact-openapi 2.x declares (A-28)."""
    media = answer.content_type.split(";", 1)[0].strip().lower()
    if media == "application/json" and session.version.major == 2:
        session.evidence.note("the answer event was sent as application/json, accepted for v2 (A-28)")
        return
    expect(media == EVENT_MEDIA_TYPE, f"the answer event's Content-Type is {answer.content_type or 'missing'!r}, "
                                      f"expected {EVENT_MEDIA_TYPE}", req="EVT-26")


def _expect_valid_answer(session: TargetSession, listener: Listener, request: SentRequest, kind: str, *, req: str,
                         wrong: str) -> tuple[Incoming, dict[str, Any]]:
    """The answer to an accepted request, authenticated and a valid `kind` event; `wrong`: the message when the
    target answered with the other outcome (fulfilled instead of rejected or the reverse)."""
    _expect_processed(request)
    answer = _expect_answer(session, listener, request)
    _expect_authenticated(answer)
    _expect_event_media_type(session, answer)
    other = "request_rejected" if kind == "request_fulfilled" else "request_fulfilled"
    got = answer.event.get("type") if isinstance(answer.event, dict) else None
    expect(got != session.version.event_types[other], wrong, req=req)
    problems = event_problems(answer.event, session.version, kind)
    expect(not problems, f"the answer event is not a valid {session.version.event_types[kind]}: "
                         + "; ".join(problems), req="EVT-30" if kind == "request_fulfilled" else "EVT-40")
    return answer, dict(answer.event["data"])


def _expect_footprints(session: TargetSession, pfs: Any, product_ids: list[str]) -> None:
    """pfs: footprints of the requested product, valid per the data model (EVT-31)."""
    expect(isinstance(pfs, list), "data.pfs is not an array", req="EVT-31")
    if not pfs:
        rule = ("3.0: no result is a rejection" if session.version.major == 3
                else "v2 allows [] only when nothing matches")
        fail(f"data.pfs is empty, although the request named the productIds of a listed footprint ({rule})",
             req="EVT-31")
    for index, pf in enumerate(pfs):
        expect(isinstance(pf, dict) and isinstance(pf.get("id"), str) and isinstance(pf.get("productIds"), list),
               f"data.pfs[{index}] is not a footprint with an id and productIds", req="EVT-31")
    wanted = {p.lower() for p in product_ids}
    delivered = {p.lower() for pf in pfs for p in pf["productIds"] if isinstance(p, str)}
    expect(bool(wanted & delivered), f"no delivered footprint has the requested productIds {product_ids}; "
                                     f"delivered productIds: {sorted(delivered)[:10]}", req="EVT-31")
    findings = [f for pf in pfs for f in check_footprint(pf, session.version.spec, strict=session.options.strict)]
    session.evidence.findings.extend(f.to_dict() for f in findings)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        first = errors[0]
        fail(f"{len(errors)} data-model error(s) in the delivered footprints (see findings), e.g. footprint "
             f"{first.footprint_id}: {first.rule} at {first.pointer or '/'}: {first.message}", req="EVT-31")


# Official cases (TC12-TC17, TC21 / TC40).
@case("EVT-REQUEST-ACCEPTED", title="A request event for a listed product is accepted with 200",
      requirements=["EVT-01", "EVT-20", "EVT-22", "EVT-23", "GEN-02"], mandatory=">=2.2", official="TC12")
def test_request_accepted(session: TargetSession, callback: Callback, sent_requests: dict[str, SentRequest]) -> None:
    request = _request(session, callback, sent_requests, "fulfil", "EVT-REQUEST-ACCEPTED")
    expect_status(request.response, {200}, req="EVT-23")


@case("EVT-REQUEST-FULFILLED", title="The target answers the request with a fulfilled event carrying the footprints",
      requirements=["EVT-24", "EVT-26", "EVT-30", "EVT-31", "AUTH-R1"], mandatory=">=2.2", official="TC13")
def test_request_fulfilled(session: TargetSession, callback: Callback, sent_requests: dict[str, SentRequest]) -> None:
    listener = _listener(callback)
    request = _request(session, callback, sent_requests, "fulfil", "EVT-REQUEST-FULFILLED")
    wrong = f"the target rejected a request for the productIds {request.product_ids} of a listed footprint"
    answer, data = _expect_valid_answer(session, listener, request, "request_fulfilled", req="EVT-31", wrong=wrong)
    if not answer.path.endswith(f"/{session.version.major}/events"):
        session.evidence.official_fails(f"Invalid request path: expected /{session.version.major}/events, "
                                        f"but received {answer.path} (TC13)")
    elif fulfilled_passes(data.get("pfs"), request.product_ids, session.version.spec):
        session.evidence.official_passes("TC13 checks the event schema, the path and the productIds only")
    _expect_footprints(session, data.get("pfs"), request.product_ids)
    _note_destination(session, listener, answer)


def _note_destination(session: TargetSession, listener: Listener, answer: Incoming) -> str | None:
    """Which of the two destinations A-27 allows the answer went to, noted; None for neither."""
    where = listener.destination(answer.path, session.version.major)
    if where == "source":
        session.evidence.note(f"the answer was POSTed to the request's source verbatim ({answer.path or '/'}); "
                              f"{{source}}/{session.version.major}/events is accepted as well (A-27)")
    elif where == "events":
        session.evidence.note(f"the answer was POSTed to {{source}}/{session.version.major}/events; "
                              "the source verbatim is accepted as well (A-27)")
    return where


@case("EVT-REJECT-REQUEST-ACCEPTED",
      title="A request for an unknown product is accepted with 200 (3.0: or refused at once)",
      requirements=["EVT-01", "EVT-23"], mandatory=">=2.2", official="TC14.A")
def test_reject_request_accepted(session: TargetSession, callback: Callback,
                                 sent_requests: dict[str, SentRequest]) -> None:
    request = _request(session, callback, sent_requests, "reject", "EVT-REJECT-REQUEST-ACCEPTED")
    if _refused_at_once(session, request):
        session.evidence.note(f"the target refused the request at once with HTTP {request.response.status}: allowed "
                              "in 3.0 (EVT-23, A-18)")
        session.evidence.official_fails(f"Expected status [200], but got {request.response.status} (TC14.A)")
        return
    expect_status(request.response, {200}, req="EVT-23")


@case("EVT-REQUEST-REJECTED", title="The target answers a request for an unknown product with a rejected event",
      requirements=["EVT-24", "EVT-40", "AUTH-R1"], mandatory=">=2.2", official="TC14.B")
def test_request_rejected(session: TargetSession, callback: Callback, sent_requests: dict[str, SentRequest]) -> None:
    listener = _listener(callback)
    request = _request(session, callback, sent_requests, "reject", "EVT-REQUEST-REJECTED")
    if _refused_at_once(session, request):
        session.evidence.note("the target refused the request at once (A-18), so no rejected event follows (EVT-43)")
        return
    _, data = _expect_valid_answer(session, listener, request, "request_rejected", req="EVT-40",
                                   wrong=f"the target fulfilled a request for the unknown product {UNKNOWN_PRODUCT}")
    error = data.get("error")
    expect(isinstance(error, dict) and all(isinstance(error.get(k), str) and error[k] for k in ("code", "message")),
           f"data.error must be an object with a code and a message, got {str(error)[:120]}", req="EVT-40")
    session.evidence.note(f"rejection code {error['code']!r} (EVT-REJECTED-CODE checks the expected one)")


@case("EVT-PUBLISHED-ACCEPTED", title="A published event with a random footprint id is accepted with 200",
      requirements=["EVT-10", "EVT-11", "GEN-02"], mandatory=">=2.2")
def test_published_accepted(session: TargetSession, callback: Callback) -> None:
    response = _post(session, _published(session, callback, [str(uuid.uuid4())]), "published event, random pfIds")
    expect_status(response, {200}, req="EVT-11")


@case("EVT-INVALID-TOKEN", title="Events with an invalid token are rejected (400 or 401)",
      requirements=["EVT-05", "AUTH-09"], mandatory=">=2.2")
def test_events_invalid_token(session: TargetSession, callback: Callback) -> None:
    response = _post(session, _published(session, callback, [str(uuid.uuid4())]), "Events with an invalid token",
                     token=f"invalid-{secrets.token_hex(12)}")
    before_2_2 = version_matches(session.version.spec, "<2.2")  # 2.0/2.1 text: token not accepted → AccessDenied
    expect_status(response, {400, 401, 403} if before_2_2 else {400, 401}, req="EVT-05")
    if session.version.major == 3 and response.status == 400:
        session.evidence.note("3.0 asks for 401 on an invalid token (AUTH-09); 400 accepted as the official tool does")


@case("EVT-PLAIN-HTTP", title="Events are not served over plain HTTP", requirements=["TLS-05"],
      mandatory=">=2.2")
def test_events_plain_http(session: TargetSession, callback: Callback) -> None:
    url = session.events_url(session.target.http_probe_base)
    try:
        response = _post(session, _published(session, callback, [str(uuid.uuid4())]), "Events over plain HTTP", url=url)
    except TargetError as exc:
        session.evidence.note(f"plain HTTP refused: {exc}")
        return
    expect(not 200 <= response.status < 300,
           f"POST {url} over plain HTTP answered HTTP {response.status}: the event was accepted without TLS",
           req="TLS-05")
    if 300 <= response.status < 400:
        session.evidence.note("plain HTTP answered with a redirect, not followed (A-22)")


def _expect_malformed_pf_ids_rejected(session: TargetSession, callback: Callback) -> None:
    response = _post(session, _published(session, callback, [MALFORMED_PF_ID]),
                     "published event whose pfIds holds a URN instead of a footprint id (UUID)")
    expect(400 <= response.status < 500, f"the published event with pfIds {[MALFORMED_PF_ID]} was answered HTTP "
           f"{response.status}; a malformed event is refused with a 4xx", req="EVT-03")
    if response.status != 400:
        session.evidence.note("OFFICIAL-TC21-V2 / OFFICIAL-TC40: the official tool accepts exactly 400 here")


@case("EVT-MALFORMED-PFIDS", title="A published event with a non-UUID pfId is refused with a 4xx (v2: SHOULD)",
      requirements=["EVT-03", "EVT-10"], mandatory="none", versions="2.x")
def test_malformed_pf_ids_v2(session: TargetSession, callback: Callback) -> None:
    _expect_malformed_pf_ids_rejected(session, callback)


@case("EVT-MALFORMED-PFIDS-V3", title="A published event with a non-UUID pfId is refused with a 4xx",
      requirements=["EVT-03", "EVT-10"], mandatory="3.0", versions="3.0")
def test_malformed_pf_ids_v3(session: TargetSession, callback: Callback) -> None:
    _expect_malformed_pf_ids_rejected(session, callback)


# Beyond the official tool.
@case("EVT-ACCEPT-EMPTY-BODY", title="An accepted event is answered 200 with an empty body",
      requirements=["EVT-02"], mandatory="2.2,2.3")
def test_accept_empty_body(session: TargetSession, callback: Callback) -> None:
    response = _post(session, _published(session, callback, [str(uuid.uuid4())]), "published event, random pfIds")
    expect_status(response, {200}, req="EVT-02")
    expect(not response.body, f"the accepted event was answered with a {len(response.body)}-byte body; the Events "
                              "action answers 200 with an empty body (v2 MUST, v3 SHOULD)", req="EVT-02")


def _malformed_envelopes(valid: dict[str, Any]) -> dict[str, str]:
    """Broken variants of a valid event, each breaking one CloudEvents/PACT envelope rule (EVT-03, EVT-06)."""
    def without(key: str) -> str:
        return json.dumps({k: v for k, v in valid.items() if k != key})

    return {
        "without id": without("id"),
        "without source": without("source"),
        "without type": without("type"),
        "without specversion": without("specversion"),
        'specversion "0.3"': json.dumps({**valid, "specversion": "0.3"}),
        "unknown type": json.dumps({**valid, "type": "org.example.Unknown.v1"}),
        "data not an object": json.dumps({**valid, "data": "pfIds"}),
        "body not JSON": "this is not a CloudEvent",
    }


@case("EVT-MALFORMED-ENVELOPE", title="Events with a malformed envelope are rejected with 4xx",
      requirements=["EVT-03", "EVT-06"], mandatory="3.0")
def test_malformed_envelope(session: TargetSession, callback: Callback) -> None:
    valid = _published(session, callback, [str(uuid.uuid4())])
    answered = {name: _post(session, body, f"malformed event: {name}").status
                for name, body in _malformed_envelopes(valid).items()}
    accepted = [f"{name} → HTTP {status}" for name, status in answered.items() if not 400 <= status < 500]
    expect(not accepted, "malformed events were not rejected with 4xx: " + "; ".join(accepted), req="EVT-03")


@case("EVT-OTHER-VERSION-TYPE", title="An event with the other major version's type name is not accepted",
      requirements=["EVT-07"], mandatory="none")
def test_other_version_type(session: TargetSession, callback: Callback) -> None:
    other = VERSIONS["2.3" if session.version.major == 3 else "3.0"].event_types["published"]
    event = _event(session, "published", {"pfIds": [str(uuid.uuid4())]}, callback.source, event_type=other)
    response = _post(session, event, f"published event typed {other}")
    expect(400 <= response.status < 500, f"an event of type {other} on {session.version.path_prefix}/events was "
                                         f"answered HTTP {response.status}, expected 4xx", req="EVT-07")


@case("EVT-UNSOLICITED-RESPONSE", title="Fulfilled and rejected events for an unknown request are handled (200 or 4xx)",
      requirements=["EVT-42"], mandatory="3.0")
def test_unsolicited_response(session: TargetSession, callback: Callback) -> None:
    footprints = [f for f in session.first_page() if isinstance(f, dict)][:1]
    if not footprints:
        pytest.skip("ListFootprints returned no footprint to put into a fulfilled event")
    code = "NotFound" if session.version.major == 3 else "NoSuchFootprint"
    events = {
        "fulfilled": _event(session, "request_fulfilled", {"requestEventId": str(uuid.uuid4()), "pfs": footprints},
                            callback.source),
        "rejected": _event(session, "request_rejected", {"requestEventId": str(uuid.uuid4()),
                                                         "error": {"code": code, "message": "not found"}},
                           callback.source),
    }
    answered = {name: _post(session, event, f"{name} event for a request that was never sent").status
                for name, event in events.items()}
    wrong = [f"{name} → HTTP {status}" for name, status in answered.items()
             if status != 200 and not 400 <= status < 500]
    expect(not wrong, "events answering an unknown request must be accepted (200) or refused (4xx, A-19), never "
                      "crash the host: " + "; ".join(wrong), req="EVT-42")


def _answers(session: TargetSession, callback: Callback, sent: dict[str, SentRequest],
             case_id: str) -> tuple[Listener, dict[str, SentRequest]]:
    """The run's two requests that the target accepted, each awaited, for cases about the answers."""
    listener = _listener(callback)
    accepted = {}
    for purpose in ("fulfil", "reject"):
        request = _request(session, callback, sent, purpose, case_id)
        if 200 <= request.response.status < 300:
            _await_answer(session, listener, request)
            accepted[purpose] = request
    if not any(request.answer for request in accepted.values()):
        pytest.skip("no answer event arrived (see EVT-REQUEST-FULFILLED and EVT-REQUEST-REJECTED)")
    return listener, accepted


@case("EVT-CALLBACK-ENVELOPE", title="Answer events go to {source} or {source}/{V}/events with a fresh event id",
      requirements=["EVT-26"], mandatory=">=2.2")
def test_callback_envelope(session: TargetSession, callback: Callback, sent_requests: dict[str, SentRequest]) -> None:
    """A-27: v2 says "send the response back to the host referenced in source", v3's examples name
    //api.example.com/3/events as source; both `source` verbatim and {source}/{V}/events pass."""
    listener, accepted = _answers(session, callback, sent_requests, "EVT-CALLBACK-ENVELOPE")
    answered = [(request, request.answer) for request in accepted.values() if request.answer is not None]
    path = f"/{session.version.major}/events"
    for request, answer in answered:
        expect(_note_destination(session, listener, answer) is not None,
               f"the answer to request {request.id} was POSTed to {answer.path or '/'}; the recipient's Events "
               f"action is the request's source ({listener.url}) or {{source}}{path} (A-27)", req="EVT-26")
        answer_id = answer.event.get("id") if isinstance(answer.event, dict) else None
        expect(answer_id != request.id, f"the answer event reuses the request's id {request.id}; every event needs "
                                        "a fresh id", req="EVT-26")
    ids = [a.event.get("id") for _, a in answered if isinstance(a.event, dict)]
    expect(len(ids) == len(set(ids)), f"two answer events share the id {ids[0]!r}", req="EVT-26")


@case("EVT-DELIVERED-RETRIEVABLE", title="Footprints delivered by event are retrievable with GetFootprint",
      requirements=["GEN-06", "EVT-32"], mandatory="3.0")
def test_delivered_retrievable(session: TargetSession, callback: Callback,
                               sent_requests: dict[str, SentRequest]) -> None:
    listener = _listener(callback)
    request = _request(session, callback, sent_requests, "fulfil", "EVT-DELIVERED-RETRIEVABLE")
    answer = _await_answer(session, listener, request)
    pfs = answer.data.get("pfs") if answer is not None else None
    ids = [pf.get("id") for pf in pfs if isinstance(pf, dict)] if isinstance(pfs, list) else []
    ids = [footprint_id for footprint_id in ids if isinstance(footprint_id, str)]
    if not ids:
        pytest.skip("no fulfilled event with footprint ids arrived (see EVT-REQUEST-FULFILLED)")
    for footprint_id in ids[:MAX_RETRIEVALS]:
        response = session.client.request("GET", session.footprint_url(footprint_id), token=session.token(),
                                          note="GetFootprint of a footprint delivered by event")
        expect_status(response, {200}, req="GEN-06")
        got = expect_data_object(response, dict, req="GEN-06").get("id")
        expect(got == footprint_id, f"GetFootprint({footprint_id}) returned id {str(got)[:80]!r}", req="GEN-06")


@case("EVT-REJECTED-CODE", title="A rejection for an unknown product carries NoSuchFootprint (v2) / NotFound (v3)",
      requirements=["EVT-41", "ERR-03"], mandatory="none")
def test_rejected_code(session: TargetSession, callback: Callback, sent_requests: dict[str, SentRequest]) -> None:
    listener = _listener(callback)
    request = _request(session, callback, sent_requests, "reject", "EVT-REJECTED-CODE")
    if _refused_at_once(session, request):
        pytest.skip("the target refused the request at once (A-18); there is no rejection event to check")
    answer = _await_answer(session, listener, request)
    error = answer.data.get("error") if answer is not None else None
    if not isinstance(error, dict) or "code" not in error:
        pytest.skip("no rejected event with an error code arrived (see EVT-REQUEST-REJECTED)")
    expected = "NotFound" if session.version.major == 3 else "NoSuchFootprint"
    expect(error["code"] == expected, f"the rejection of a request for an unknown product has code "
                                      f"{str(error['code'])[:80]!r}, expected {expected} (EVT-41, A-09)", req="EVT-41")


@pytest.mark.pact_late  # its grace period for a duplicate passes while the rest of the run runs
@case("EVT-EXACTLY-ONE-RESPONSE", title="No accepted request is answered by more than one event",
      requirements=["EVT-24"], mandatory="3.0")
def test_exactly_one_response(session: TargetSession, callback: Callback,
                              sent_requests: dict[str, SentRequest]) -> None:
    """Missing answers are EVT-REQUEST-FULFILLED's and EVT-REQUEST-REJECTED's failures; this case catches extra ones."""
    listener, accepted = _answers(session, callback, sent_requests, "EVT-EXACTLY-ONE-RESPONSE")
    first = min(r.answer.received_at for r in accepted.values() if r.answer is not None)
    time.sleep(max(0.0, first + DUPLICATE_GRACE_S - time.monotonic()))  # room for a duplicate to show up
    counts = {request.id: sum(1 for r in listener.responses_to(request.id) if r.status == 200)
              for request in accepted.values()}
    session.evidence.note(f"answer events the harness accepted, per request: {counts}")
    extra = [f"request {rid}: {count} answer events" for rid, count in counts.items() if count > 1]
    expect(not extra, "each accepted request must be answered by exactly one event (a retry only follows a failed "
                      "delivery): " + "; ".join(extra), req="EVT-24")


# --- widened negative probes (conformance/probes.py) ---

def _accepted(response: Response) -> tuple[str, bool]:
    return f"HTTP {response.status}", 200 <= response.status < 300


@case("EVT-MALFORMED-PFIDS-WIDE", title="Published events with any of several malformed pfIds are not accepted",
      requirements=["EVT-03", "EVT-10"], mandatory="3.0", versions=">=2.2")
def test_malformed_pf_ids_wide(session: TargetSession, callback: Callback) -> None:
    """EVT-10: pfIds is an array of footprint ids (UUID); a host checking one shape or one item accepts others."""
    log = ProbeLog()
    run_probes(malformed_pf_ids(), lambda name, value: _accepted(_post(
        session, _event(session, "published", {"pfIds": value}, callback.source), f"published event, pfIds: {name}")),
        log)
    report_probes(session.evidence.note, log, "malformed-pfIds", "EVT-03")


@case("EVT-INVALID-TOKENS-WIDE", title="Events with realistic invalid tokens are not accepted",
      requirements=["EVT-05", "AUTH-09"], mandatory="3.0", versions=">=2.2")
def test_events_invalid_tokens_wide(session: TargetSession, callback: Callback) -> None:
    """The invalid tokens of AUTH-INVALID-TOKENS-WIDE on the Events action (EVT-05: only after authentication)."""
    probes = invalid_tokens(session.token(), session.target.client_id, session.target.auth_url,
                            register=session.client.secrets.add)
    log = ProbeLog()
    run_probes(probes, lambda name, token: _accepted(_post(
        session, _published(session, callback, [str(uuid.uuid4())]), f"Events with {name}", token=token)), log)
    report_probes(session.evidence.note, log, "invalid-token", "EVT-05")
