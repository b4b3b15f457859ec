"""Faults of GetFootprint."""

from __future__ import annotations

from tests.faults.middleware import HttpReply, rewrite_response, route
from tests.faults.model import Fault

GET = route("GET", r"/[23]/footprints/[^/]+")


def _other_footprint(reply: HttpReply) -> None:
    if reply.status == 200:
        body = reply.json()
        body["data"]["id"] = "3f0e9d2c-1b4a-4c5d-8e6f-7a8b9c0d1e2f"
        reply.set_json(body)


FAULTS = [
    Fault(
        "get-returns-other-id",
        "GetFootprint returns a footprint whose id differs from the requested one (GET-01)",
        kills=frozenset({"GET-OK"}),
        wrap=rewrite_response(GET, _other_footprint),
    ),
]
