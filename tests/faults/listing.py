"""Faults of ListFootprints."""

from __future__ import annotations

from tests.faults.middleware import HttpReply, rewrite_response, route
from tests.faults.model import Fault

LIST = route("GET", r"/[23]/footprints")
GET = route("GET", r"/[23]/footprints/[^/]+")


def _text_plain(reply: HttpReply) -> None:
    if reply.status == 200:
        reply.set_header("content-type", "text/plain")


def _accepted_without_filter(reply: HttpReply) -> None:
    if reply.status == 200 and not reply.query:
        reply.status = 202


def _get_knows_newer_version(reply: HttpReply) -> None:
    if reply.status == 200:
        body = reply.json()
        body["data"]["version"] += 1
        reply.set_json(body)


FAULTS = [
    Fault(
        "list-content-type-text",
        "ListFootprints answers with Content-Type text/plain (LIST-01)",
        kills=frozenset({"LIST-OK"}),
        collateral=frozenset({"FUZZ-CONTENT-TYPE"}),  # the fuzzer checks every response's media type
        wrap=rewrite_response(LIST, _text_plain),
    ),
    Fault(
        "list-202-without-filter",
        "an unfiltered ListFootprints answers 202 incomplete (LIST-04: v2 MUST NOT, v3 warning)",
        kills=frozenset({"LIST-NO-202-UNFILTERED"}),
        collateral=frozenset({"FUZZ-STATUS-DOCUMENTED"}),  # OAS3 documents no 202
        wrap=rewrite_response(LIST, _accepted_without_filter),
    ),
    Fault(
        "list-omits-latest-version",
        "ListFootprints lists an older version than GetFootprint serves (LIST-05)",
        kills=frozenset({"LIST-LATEST-VERSION"}),
        specs=("2.3",),
        wrap=rewrite_response(GET, _get_knows_newer_version),
    ),
]
