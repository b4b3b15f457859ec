"""Faults of the Authenticate action."""

from __future__ import annotations

import base64

from tests.faults.middleware import HttpReply, rewrite_request, rewrite_response, route, set_request_header
from tests.faults.model import Fault

TOKEN = route("POST", "/auth/token")
DEMO_BASIC = "Basic " + base64.b64encode(b"pact-demo-client:pact-demo-secret").decode()


def _token_type_mac(reply: HttpReply) -> None:
    if reply.status == 200:
        body = reply.json()
        body["token_type"] = "mac"
        reply.set_json(body)


FAULTS = [
    Fault(
        "token-accepts-any-credentials",
        "the token endpoint issues tokens for any client secret (AUTH-06)",
        kills=frozenset({"AUTH-BAD-CREDENTIALS"}),
        wrap=rewrite_request(TOKEN, lambda scope: set_request_header(scope, "authorization", DEMO_BASIC)),
    ),
    Fault(
        "token-type-not-bearer",
        "the token response says token_type 'mac' (AUTH-03)",
        kills=frozenset({"AUTH-TOKEN"}),
        wrap=rewrite_response(TOKEN, _token_type_mac),
    ),
]
