"""Faults of the error responses of ListFootprints and GetFootprint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.faults.middleware import HttpReply, rewrite_response, route
from tests.faults.model import Fault

GET = route("GET", r"/[23]/footprints/[^/]+")
LIST = route("GET", r"/[23]/footprints")


def _not_found_body(change: Callable[[dict[str, Any], HttpReply], None]) -> Callable[[HttpReply], None]:
    """Apply `change` to the JSON body of GetFootprint's 404 answers."""

    def mutate(reply: HttpReply) -> None:
        if reply.status == 404:
            body = reply.json()
            change(body, reply)
            reply.set_json(body)

    return mutate


def _text_plain(reply: HttpReply) -> None:
    if reply.status == 404:
        reply.set_header("content-type", "text/plain")


def _other_version_name(body: dict[str, Any], reply: HttpReply) -> None:
    body["code"] = "NotFound" if reply.path.startswith("/2/") else "NoSuchFootprint"


def _token_error_without_body(reply: HttpReply) -> None:
    if reply.status == 400 and "access token" in reply.json().get("message", ""):
        reply.body = b""
        reply.set_header("content-type", None)


FAULTS = [
    Fault(
        "error-body-text-plain",
        "the 404 error body is sent as text/plain (ERR-02)",
        kills=frozenset({"ERR-BODY-SHAPE"}),
        collateral=frozenset({"FUZZ-CONTENT-TYPE"}),  # the fuzzer checks every response's media type
        wrap=rewrite_response(GET, _text_plain),
    ),
    Fault(
        "error-body-without-message",
        "the 404 error body has a code but no message (ERR-02)",
        kills=frozenset({"ERR-BODY-SHAPE"}),
        collateral=frozenset({"FUZZ-ERROR-BODIES"}),  # the fuzzer validates error bodies against the OAS
        wrap=rewrite_response(GET, _not_found_body(lambda body, reply: body.pop("message"))),
    ),
    Fault(
        "error-code-wrong-for-status",
        "an unknown id answers 404 with code BadRequest, a 400 code (ERR-01)",
        kills=frozenset({"ERR-STATUS-CODE-MATCH"}),
        wrap=rewrite_response(GET, _not_found_body(lambda body, reply: body.update(code="BadRequest"))),
    ),
    Fault(
        "error-code-other-version",
        "the not-found code uses the other major's name: NotFound in v2, NoSuchFootprint in v3 (ERR-03, A-09)",
        kills=frozenset({"ERR-CODE-VERSION-NAME"}),
        collateral=frozenset({"GET-NOT-FOUND"}),  # official v2 TC8 accepts only NoSuchFootprint or BadRequest
        wrap=rewrite_response(GET, _not_found_body(_other_version_name)),
    ),
    Fault(
        "error-carries-data",
        "the 404 error for an unknown id also carries a `data` member (AUTH-09, GET-06)",
        kills=frozenset({"ERR-NO-DATA"}),
        wrap=rewrite_response(GET, _not_found_body(lambda body, reply: body.update(data={}))),
    ),
    Fault(
        "auth-error-without-body",
        "an invalid token gets HTTP 400 with an empty body (ERR-02: MUST until 2.2, RECOMMENDED since 2.3.2)",
        kills=frozenset({"ERR-AUTH-BODY"}),
        specs=("2.2", "2.3"),
        wrap=rewrite_response(LIST, _token_error_without_body),
    ),
]
