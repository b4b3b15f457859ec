"""Faults only the fuzz stage finds: each fires on inputs that no hand-written case sends.

They run with a fixed seed and a small budget (run options fuzz_seed / fuzz_budget), so
detection is deterministic and the project's tests stay fast. Each runs on one spec
version to keep the collection quick; the behaviour it breaks is the same in the other.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from tests.faults.middleware import (
    HttpReply,
    Scope,
    chain,
    rewrite_request,
    rewrite_response,
    route,
    set_request_header,
)
from tests.faults.model import Fault

FUZZ_OPTIONS: dict[str, Any] = {"fuzz_seed": 20240601, "fuzz_budget": 6}
BODY_KEY = "pact_conformance.request_body"  # where _buffered() leaves the request body in the ASGI scope
LIST = route("GET", r"/[23]/footprints")
GET = route("GET", r"/[23]/footprints/[^/]+")
TOKEN = route("POST", "/auth/token")
EVENTS = route("POST", r"/[23]/events")


def _buffered(app: Any) -> Any:
    """Read the request body first and keep it in the scope, so a fault can decide on it."""

    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await app(scope, receive, send)
            return
        chunks, more = [], True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if replayed:
                return await receive()  # type: ignore[no-any-return]
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await app({**scope, BODY_KEY: body}, replay, send)

    return wrapped


def _with_body(match: Callable[[Scope], bool], wants: Callable[[Scope, bytes], bool],
               mutate: Callable[[HttpReply], None]) -> Callable[[Any], Any]:
    """rewrite_response for requests whose body satisfies `wants`."""
    return chain(_buffered, rewrite_response(lambda scope: match(scope) and wants(scope, scope.get(BODY_KEY, b"")),
                                             mutate))


def _limit(reply: HttpReply) -> int | None:
    try:
        return int(dict(parse_qsl(reply.query)).get("limit", ""))
    except ValueError:
        return None


def _server_error_on_huge_limit(reply: HttpReply) -> None:
    if (_limit(reply) or 0) > 1000:
        reply.status = 500
        reply.set_json({"code": "InternalError", "message": "page size overflow"})


def _swapped_reference_period_on_large_limit(reply: HttpReply) -> None:
    if reply.status == 200 and (_limit(reply) or 0) > 100:
        body = reply.json()
        for footprint in body["data"]:
            pcf = footprint["pcf"]
            start, end = pcf["referencePeriodStart"], pcf["referencePeriodEnd"]
            pcf["referencePeriodStart"], pcf["referencePeriodEnd"] = end, start
        reply.set_json(body)


def _non_ascii_id(reply: HttpReply) -> bool:
    return any(ord(char) > 127 for char in reply.path)


def _unprocessable_on_non_ascii_id(reply: HttpReply) -> None:
    if _non_ascii_id(reply):
        reply.status = 422
        reply.set_json({"code": "BadRequest", "message": "path parameter is not ASCII"})


def _text_plain_on_non_ascii_id(reply: HttpReply) -> None:
    if _non_ascii_id(reply):
        reply.set_header("content-type", "text/plain; charset=utf-8")


def _foreign_error_on_non_ascii_id(reply: HttpReply) -> None:
    if _non_ascii_id(reply):
        reply.set_json({"error": "invalid id"})


def _mac_token(reply: HttpReply) -> None:
    if reply.status == 200:
        reply.set_json({**reply.json(), "token_type": "mac"})


def _has_scope(scope: Scope, body: bytes) -> bool:
    return b"scope=" in body


def _crash_on_non_ascii_form_credentials(scope: Scope, body: bytes) -> bool:
    """The reference host's own former bug: compare_digest on non-ASCII str raised, i.e. HTTP 500."""
    basic = any(k.lower() == b"authorization" and v.lower().startswith(b"basic ") for k, v in scope["headers"])
    return not basic and any(f"%{byte:02X}".encode() in body for byte in range(0xC2, 0xF5))


def _server_error(reply: HttpReply) -> None:
    reply.status = 500
    reply.set_json({"error": "server_error"})


def _non_ascii_event_id(scope: Scope, body: bytes) -> bool:
    try:
        event = json.loads(body)
    except ValueError:
        return False
    return isinstance(event, dict) and isinstance(event.get("id"), str) and not event["id"].isascii()


def _internal_error(reply: HttpReply) -> None:
    reply.status = 500
    reply.set_json({"code": "InternalError", "message": "event id could not be stored"})


def _auth_skipped_with_query(app: Any) -> Any:
    """ListFootprints with any parameter besides limit/offset is served without checking the token."""

    def authorise(scope: Scope) -> None:
        query = scope.get("query_string", b"").decode("latin-1")
        names = {name for name, _ in parse_qsl(query, keep_blank_values=True)}
        if names - {"limit", "offset"}:
            set_request_header(scope, "authorization", f"Bearer {app.state.tokens.issue()}")

    return rewrite_request(LIST, authorise)(app)


FAULTS = [
    Fault("fuzz-list-500-on-huge-limit", "ListFootprints answers 500 when limit exceeds 1000 (PAGE-15, ERR-05)",
          kills=frozenset({"FUZZ-NO-SERVER-ERROR"}), specs=("3.0",), options=FUZZ_OPTIONS,
          wrap=rewrite_response(LIST, _server_error_on_huge_limit)),
    Fault("fuzz-get-422-on-non-ascii-id", "GetFootprint answers 422, an undocumented status, for a non-ASCII id "
          "(GEN-08)",
          kills=frozenset({"FUZZ-STATUS-DOCUMENTED"}), specs=("3.0",), options=FUZZ_OPTIONS,
          wrap=rewrite_response(GET, _unprocessable_on_non_ascii_id)),
    Fault("fuzz-token-schema-invalid-with-scope", "the token response says token_type 'mac' when a scope was asked "
          "for (AUTH-03)", kills=frozenset({"FUZZ-SCHEMA-VALID-BODIES"}), specs=("2.3",), options=FUZZ_OPTIONS,
          wrap=_with_body(TOKEN, _has_scope, _mac_token)),
    Fault("fuzz-list-rule-violation-on-large-limit", "pages of more than 100 footprints swap referencePeriodStart "
          "and End (DM-09; schema-valid, only the rules see it)", kills=frozenset({"FUZZ-SCHEMA-VALID-BODIES"}),
          specs=("2.3",), options=FUZZ_OPTIONS, wrap=rewrite_response(LIST, _swapped_reference_period_on_large_limit)),
    Fault("fuzz-events-500-on-non-ascii-id", "Events answers 500 to an event whose id is not ASCII (EVT-03)",
          kills=frozenset({"FUZZ-EVENTS"}), specs=("3.0",), options=FUZZ_OPTIONS,
          wrap=_with_body(EVENTS, _non_ascii_event_id, _internal_error)),
    Fault("fuzz-list-auth-skipped-with-query", "ListFootprints with a filter parameter is served without a valid "
          "token (AUTH-09, AUTH-10)", kills=frozenset({"FUZZ-AUTH-REQUIRED", "FUZZ-AUTH-MISSING"}), specs=("3.0",),
          options=FUZZ_OPTIONS, wrap=_auth_skipped_with_query),
    Fault("fuzz-token-500-on-non-ascii-form-credentials", "the token endpoint answers 500 to non-ASCII client "
          "credentials in the form body (AUTH-06)", kills=frozenset({"FUZZ-AUTH-REQUIRED"}), specs=("2.3",),
          options=FUZZ_OPTIONS, wrap=_with_body(TOKEN, _crash_on_non_ascii_form_credentials, _server_error)),
    Fault("fuzz-get-text-plain-on-non-ascii-id", "GetFootprint's error for a non-ASCII id is sent as text/plain "
          "(ERR-02)", kills=frozenset({"FUZZ-CONTENT-TYPE"}), specs=("2.3",), options=FUZZ_OPTIONS,
          wrap=rewrite_response(GET, _text_plain_on_non_ascii_id)),
    Fault("fuzz-get-foreign-error-body-on-non-ascii-id", "GetFootprint's error for a non-ASCII id has no code and "
          "message (ERR-02)", kills=frozenset({"FUZZ-ERROR-BODIES"}), specs=("3.0",), options=FUZZ_OPTIONS,
          wrap=rewrite_response(GET, _foreign_error_on_non_ascii_id)),
]
