"""Faults of GetFootprint."""

from __future__ import annotations

from collections.abc import Callable

from tests.faults.middleware import HttpReply, rewrite_response, route
from tests.faults.model import Fault

GET = route("GET", r"/[23]/footprints/[^/]+")
GET_NIL = route("GET", r"/[23]/footprints/0{8}-0{4}-0{4}-0{4}-0{12}")
GET_MALFORMED = route("GET", r"/[23]/footprints/not-a-uuid")


def _other_footprint(reply: HttpReply) -> None:
    if reply.status == 200:
        body = reply.json()
        body["data"]["id"] = "3f0e9d2c-1b4a-4c5d-8e6f-7a8b9c0d1e2f"
        reply.set_json(body)


def _non_authoritative(reply: HttpReply) -> None:
    if reply.status == 200:
        reply.status = 203


def _renamed_product(reply: HttpReply) -> None:
    if reply.status == 200:
        body = reply.json()
        body["data"]["productNameCompany"] = "Renamed only in GetFootprint"
        reply.set_json(body)


def _answer(status: int, body: dict[str, object]) -> Callable[[HttpReply], None]:
    def mutate(reply: HttpReply) -> None:
        reply.status = status
        reply.set_json(body)

    return mutate


INTERNAL_ERROR = {"code": "InternalError", "message": "An internal or unexpected error has occurred"}

FAULTS = [
    Fault(
        "get-returns-other-id",
        "GetFootprint returns a footprint whose id differs from the requested one (GET-01)",
        kills=frozenset({"GET-OK"}),
        # the document differs from the listed one; delivered footprints are fetched by id
        collateral=frozenset({"GET-MATCHES-LIST", "EVT-DELIVERED-RETRIEVABLE"}),
        wrap=rewrite_response(GET, _other_footprint),
    ),
    Fault(
        "get-status-203",
        "GetFootprint answers 203 instead of 200 (GET-03)",
        kills=frozenset({"GET-OK"}),
        # every successful GetFootprint answers 203, and OAS documents only 200
        collateral=frozenset({"GET-MATCHES-LIST", "EVT-DELIVERED-RETRIEVABLE", "AUTH-TOKEN-ALL-ACTIONS",
                              "FUZZ-STATUS-DOCUMENTED"}),
        wrap=rewrite_response(GET, _non_authoritative),
    ),
    Fault(
        "get-unknown-id-found",
        "GetFootprint answers 200 with a footprint for the nil UUID (GET-06)",
        kills=frozenset({"GET-NOT-FOUND"}),
        wrap=rewrite_response(GET_NIL, _answer(200, {"data": {"id": "00000000-0000-0000-0000-000000000000"}})),
    ),
    Fault(
        "get-unknown-id-server-error",
        "GetFootprint answers 500 for an unknown id (GET-06)",
        kills=frozenset({"GET-NOT-FOUND"}),
        wrap=rewrite_response(GET_NIL, _answer(500, INTERNAL_ERROR)),
    ),
    Fault(
        "get-malformed-id-server-error",
        "GetFootprint answers 500 for a malformed id (GET-07, optional)",
        kills=frozenset({"GET-MALFORMED-ID"}),
        wrap=rewrite_response(GET_MALFORMED, _answer(500, INTERNAL_ERROR)),
    ),
    Fault(
        "get-document-differs",
        "GetFootprint returns a different productNameCompany than ListFootprints (GET-11, optional)",
        kills=frozenset({"GET-MATCHES-LIST"}),
        wrap=rewrite_response(GET, _renamed_product),
    ),
]
