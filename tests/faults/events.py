"""Faults of the Events action: how the host answers events, and how it calls the requester back.

Incoming-event faults wrap the host in ASGI middleware; callback faults bend
the reference host's callback sender through its HostConfig test hooks
(conformance/reference/events.py). Faults whose callback never arrives lower
the event wait to 2 s so the run stays short.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from conformance.coverage import load_cases
from conformance.versions import VERSIONS
from tests.faults.auth import substitute_token
from tests.faults.middleware import ASGIApp, HttpReply, Scope, read_body, rewrite_response, route
from tests.faults.model import Fault
from tests.faults.transport import plain_http_serves_only

EVENTS = route("POST", r"/[23]/events")
SHORT_WAIT = {"event_timeout_s": 2.0}
TYPES = {major: VERSIONS["3.0" if major == 3 else "2.3"].event_types for major in (2, 3)}
REQUEST_CASES = frozenset({"EVT-REQUEST-FULFILLED", "EVT-REQUEST-REJECTED"})
# The fuzzing cases also POST to /N/events, so they may notice a changed Events answer too.
FUZZ_CASES = frozenset(c.id for c in load_cases() if c.id.startswith("FUZZ-"))
ACCEPTING_CASES = frozenset({"EVT-REQUEST-ACCEPTED", "EVT-REJECT-REQUEST-ACCEPTED", "EVT-PUBLISHED-ACCEPTED",
                             "EVT-ACCEPT-EMPTY-BODY", "EVT-UNSOLICITED-RESPONSE"})


# --- incoming events: the host answers what it must refuse, or refuses what it must accept ---

def answer_events(decide: Callable[[int, Any], int | None]) -> Callable[[ASGIApp], ASGIApp]:
    """POST /N/events answered with the status decide(major, parsed body) returns; None lets the host answer."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
            if not EVENTS(scope):
                await app(scope, receive, send)
                return
            body = await read_body(receive)
            try:
                event = json.loads(body)
            except ValueError:
                event = None
            status = decide(int(scope["path"][1]), event)
            if status is None:
                await app(scope, _replay(body, receive), send)
                return
            await send({"type": "http.response.start", "status": status, "headers": [(b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})

        return wrapped

    return wrap


def _replay(body: bytes, receive: Any) -> Any:
    """An ASGI receive that first hands over the already-read body."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replayed() -> Any:
        return pending.pop() if pending else await receive()

    return replayed


def _field(event: Any, *path: str) -> Any:
    for key in path:
        event = event.get(key) if isinstance(event, dict) else None
    return event


def _accept_non_uuid_pf_ids(major: int, event: Any) -> int | None:
    pf_ids = _field(event, "data", "pfIds")
    return 200 if isinstance(pf_ids, list) and any(":" in str(i) for i in pf_ids) else None


def _accept_without_specversion(major: int, event: Any) -> int | None:
    return 200 if isinstance(event, dict) and "specversion" not in event else None


def _accept_other_version_type(major: int, event: Any) -> int | None:
    return 200 if _field(event, "type") in TYPES[3 if major == 2 else 2].values() else None


def _crash_on_responses(major: int, event: Any) -> int | None:
    kinds = {TYPES[major]["request_fulfilled"], TYPES[major]["request_rejected"]}
    return 500 if _field(event, "type") in kinds else None


def _refuse_unknown_product(major: int, event: Any) -> int | None:
    return 400 if "urn:pact:null" in (_field(event, "data", "pf", "productIds") or []) else None


def _status(old: int, new: int) -> Callable[[HttpReply], None]:
    def mutate(reply: HttpReply) -> None:
        if reply.status == old:
            reply.status = new

    return mutate


def _body_on_accept(reply: HttpReply) -> None:
    if reply.status == 200:
        reply.set_json({"status": "accepted"})


# --- callbacks: the HostConfig callback_rewrite hook changes the answer event ---

def rewrite_answer(change: Callable[[dict[str, Any], dict[str, Any]], None]) -> dict[str, Any]:
    """HostConfig overrides that pass each answer event (and its request) through `change` before it is sent."""

    def rewrite(event: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
        event = json.loads(json.dumps(event))  # never alter the host's own footprints
        change(event, request)
        return event

    return {"callback_rewrite": rewrite}


def _on_pfs(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    def apply(event: dict[str, Any], request: dict[str, Any]) -> None:
        for pf in event["data"].get("pfs", []):
            change(pf)

    return apply


def _other_request_id(event: dict[str, Any], request: dict[str, Any]) -> None:
    event["data"]["requestEventId"] = str(uuid.uuid4())


def _reuse_request_id(event: dict[str, Any], request: dict[str, Any]) -> None:
    event["id"] = request["id"]


def _empty_pfs(event: dict[str, Any], request: dict[str, Any]) -> None:
    if "pfs" in event["data"]:
        event["data"]["pfs"] = []


def _error_without_code(event: dict[str, Any], request: dict[str, Any]) -> None:
    if "error" in event["data"]:
        del event["data"]["error"]["code"]


def _error_code(code: str) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    def change(event: dict[str, Any], request: dict[str, Any]) -> None:
        if "error" in event["data"]:
            event["data"]["error"]["code"] = code

    return change


FAULTS = [
    # Answers to incoming events.
    Fault("events-answer-202", "the Events action answers 202 instead of 200 (EVT-02, EVT-11, EVT-23)",
          kills=ACCEPTING_CASES, collateral=FUZZ_CASES, wrap=rewrite_response(EVENTS, _status(200, 202))),
    Fault("events-answer-204", "the Events action answers 204 No Content instead of 200 (EVT-02)",
          kills=ACCEPTING_CASES, collateral=FUZZ_CASES, specs=("3.0",),
          wrap=rewrite_response(EVENTS, _status(200, 204))),
    Fault("events-body-on-accept", "accepted events are answered with a JSON body (EVT-02)",
          kills=frozenset({"EVT-ACCEPT-EMPTY-BODY"}), collateral=FUZZ_CASES, specs=("2.3",),
          wrap=rewrite_response(EVENTS, _body_on_accept)),
    Fault("events-accept-invalid-token", "the Events action serves requests with an unknown bearer token (EVT-05)",
          kills=frozenset({"EVT-INVALID-TOKEN", "EVT-INVALID-TOKENS-WIDE"}), collateral=FUZZ_CASES,
          wrap=substitute_token(EVENTS, frozenset({"unknown"}))),
    Fault("events-plain-http", "the Events action is also served over plain HTTP (TLS-05)",
          kills=frozenset({"EVT-PLAIN-HTTP"}), specs=("3.0",), plain_http=True, wrap=plain_http_serves_only(EVENTS)),
    Fault("events-accept-non-uuid-pfids", "a published event whose pfIds are URNs is accepted (EVT-03, EVT-10)",
          kills=frozenset({"EVT-MALFORMED-PFIDS", "EVT-MALFORMED-PFIDS-V3", "EVT-MALFORMED-PFIDS-WIDE"}),
          collateral=FUZZ_CASES,
          wrap=answer_events(_accept_non_uuid_pf_ids)),
    Fault("events-accept-without-specversion", "an event without specversion is accepted (EVT-03, EVT-06)",
          kills=frozenset({"EVT-MALFORMED-ENVELOPE"}), collateral=FUZZ_CASES, specs=("3.0",),
          wrap=answer_events(_accept_without_specversion)),
    Fault("events-accept-other-version-type", "an event typed for the other major version is accepted (EVT-07)",
          kills=frozenset({"EVT-OTHER-VERSION-TYPE"}), collateral=FUZZ_CASES,
          wrap=answer_events(_accept_other_version_type)),
    Fault("events-crash-on-unknown-request", "fulfilled/rejected events for an unknown request answer 500 (EVT-42)",
          kills=frozenset({"EVT-UNSOLICITED-RESPONSE"}), collateral=FUZZ_CASES, specs=("3.0",),
          wrap=answer_events(_crash_on_responses)),
    Fault("events-refuse-unknown-product-v2", "v2 refuses a request for urn:pact:null at once with 400 (EVT-23)",
          kills=frozenset({"EVT-REJECT-REQUEST-ACCEPTED", "EVT-REQUEST-REJECTED"}), collateral=FUZZ_CASES,
          specs=("2.3",), wrap=answer_events(_refuse_unknown_product)),
    # The callback sender.
    Fault("callback-never", "the host never answers an accepted request (EVT-24)",
          kills=REQUEST_CASES, overrides={"callback_copies": 0}, options=SHORT_WAIT),
    Fault("callback-twice", "the host answers every request twice (EVT-24)",
          kills=frozenset({"EVT-EXACTLY-ONE-RESPONSE"}), specs=("3.0",), overrides={"callback_copies": 2}),
    Fault("callback-without-token", "the host calls back without a bearer token (AUTH-R1)",
          kills=REQUEST_CASES, overrides={"callback_bearer": False},
          options=SHORT_WAIT),  # such an answer is refused before its body is read: it is never heard
    Fault("callback-wrong-credentials", "the host authenticates at the requester with wrong credentials (AUTH-R1)",
          kills=REQUEST_CASES, specs=("3.0",), overrides={"callback_client_secret": "not-the-agreed-secret"},
          options=SHORT_WAIT),
    Fault("callback-to-other-path", "the host POSTs its answer neither to {source} nor to {source}/{V}/events "
          "(EVT-26, A-27)", kills=frozenset({"EVT-CALLBACK-ENVELOPE"}), overrides={"callback_path": "/{major}/event"}),
    Fault("callback-json-media-type", "the v3 answer event is sent as application/json (EVT-26)",
          kills=REQUEST_CASES, specs=("3.0",), overrides={"callback_content_type": "application/json"}),
    Fault("callback-other-request-id", "the answer's requestEventId is not the request's id (EVT-30)",
          kills=REQUEST_CASES, overrides=rewrite_answer(_other_request_id), options=SHORT_WAIT),
    Fault("callback-reuses-request-id", "the answer event reuses the request event's id (EVT-26)",
          kills=frozenset({"EVT-CALLBACK-ENVELOPE"}), specs=("3.0",), overrides=rewrite_answer(_reuse_request_id)),
    Fault("callback-empty-pfs", "the host fulfils a request for a listed product with pfs [] (EVT-31)",
          kills=frozenset({"EVT-REQUEST-FULFILLED"}), overrides=rewrite_answer(_empty_pfs)),
    Fault("callback-other-product", "the fulfilled event carries footprints of another product (EVT-31)",
          kills=frozenset({"EVT-REQUEST-FULFILLED"}),
          overrides=rewrite_answer(_on_pfs(lambda pf: pf.update(productIds=["urn:pact:example.com:product-id:x"])))),
    Fault("callback-invalid-footprint", "a delivered footprint lacks companyName (EVT-31, data model)",
          kills=frozenset({"EVT-REQUEST-FULFILLED"}),
          overrides=rewrite_answer(_on_pfs(lambda pf: pf.pop("companyName")))),
    Fault("callback-unretrievable-footprint", "delivered footprints have ids GetFootprint does not know (GEN-06)",
          kills=frozenset({"EVT-DELIVERED-RETRIEVABLE"}), specs=("3.0",),
          overrides=rewrite_answer(_on_pfs(lambda pf: pf.update(id=str(uuid.uuid4()))))),
    Fault("callback-rejection-without-code", "the rejected event's error has no code (EVT-40)",
          kills=frozenset({"EVT-REQUEST-REJECTED"}), overrides=rewrite_answer(_error_without_code)),
    Fault("callback-rejection-code-internal", "an unknown product is rejected with InternalError (EVT-41)",
          kills=frozenset({"EVT-REJECTED-CODE"}), overrides=rewrite_answer(_error_code("InternalError"))),
]
