"""Faults of access management: a client granted nothing gets footprints, or is denied wrongly."""

from __future__ import annotations

from tests.faults.middleware import HttpReply, rewrite_response, route
from tests.faults.model import Fault


def _forbidden_code(reply: HttpReply) -> None:
    if reply.status == 403:
        reply.set_json({"code": "Forbidden", "message": "Access denied"})


def _not_found(reply: HttpReply) -> None:
    if reply.status == 403:
        reply.status = 404
        reply.set_json({"code": "NoSuchFootprint", "message": "The specified footprint does not exist."})


FAULTS = [
    Fault(
        "restricted-client-lists-everything",
        "ListFootprints ignores the grants: the client granted nothing gets every footprint (GEN-05, LIST-08)",
        kills=frozenset({"ACCESS-LIST-DENIED"}),
        overrides={"denied_actions": frozenset({"get", "events"})},
    ),
    Fault(
        "restricted-client-gets-footprint",
        "GetFootprint ignores the grants: the client granted nothing gets the footprint (GEN-05, GET-05)",
        kills=frozenset({"ACCESS-GET-DENIED"}),
        overrides={"denied_actions": frozenset({"list", "events"})},
    ),
    Fault(
        "access-denied-wrong-code",
        "a request without grants answers 403 with the code Forbidden instead of AccessDenied (LIST-08, GET-05)",
        kills=frozenset({"ACCESS-LIST-DENIED", "ACCESS-GET-DENIED"}),
        wrap=rewrite_response(route("GET", r"/[23]/footprints(/[^/]+)?"), _forbidden_code),
    ),
    Fault(
        "access-denied-as-not-found",
        "GetFootprint without a grant answers 404 instead of 403 AccessDenied: tolerated with a warning (A-10, GET-05)",
        kills=frozenset(),
        warns=frozenset({"GET-05"}),
        wrap=rewrite_response(route("GET", r"/[23]/footprints/[^/]+"), _not_found),
    ),
    Fault(
        "restricted-client-events-fulfilled",
        "a request event from the client granted nothing is fulfilled with the footprints (GEN-05, EVT-41)",
        kills=frozenset({"ACCESS-EVENTS"}),
        overrides={"denied_actions": frozenset({"list", "get"})},
    ),
]
