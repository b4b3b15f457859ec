"""Faults of ListFootprints."""

from __future__ import annotations

from tests.faults.middleware import HttpReply, rewrite_response, route
from tests.faults.model import Fault

LIST = route("GET", r"/[23]/footprints")


def _text_plain(reply: HttpReply) -> None:
    reply.set_header("content-type", "text/plain")


FAULTS = [
    Fault(
        "list-content-type-text",
        "ListFootprints answers with Content-Type text/plain (LIST-01)",
        kills=frozenset({"LIST-OK"}),
        wrap=rewrite_response(LIST, _text_plain),
    ),
]
