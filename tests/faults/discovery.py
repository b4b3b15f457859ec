"""A broken OpenID discovery document: its own cases fail, the rest of the run does not cascade (issue 11, 7)."""

from __future__ import annotations

from typing import Any

from tests.faults.auth import _discovery
from tests.faults.model import Fault

# Every case that asks the discovered token endpoint for something: with that endpoint broken each may fail.
_TOKEN_ENDPOINT_CASES = frozenset({
    "AUTH-TOKEN-RESPONSE", "AUTH-TOKEN-NO-STORE", "AUTH-TOKEN-EXPIRES-IN", "AUTH-UNSUPPORTED-GRANT",
    "AUTH-MISSING-GRANT", "AUTH-INVALID-CLIENT-ERROR", "AUTH-BAD-CREDENTIALS", "AUTH-OIDC-BAD-CREDENTIALS",
    "AUTH-TOKEN-ALL-ACTIONS", "AUTH-DISCOVERY-DOCUMENT",
})


def _broken_endpoint(document: dict[str, Any]) -> None:
    document["token_endpoint"] = document["issuer"] + "/oidc/no-such-token-endpoint"


FAULTS = [
    Fault(
        "discovery-token-endpoint-broken",
        "the discovered token_endpoint answers 404 while {auth-url}/auth/token works (AUTH-12, AUTH-14, TC1, TC18)",
        kills=frozenset({"AUTH-OIDC-TOKEN", "AUTH-TOKEN"}),
        collateral=_TOKEN_ENDPOINT_CASES,
        specs=("2.3", "3.0"),
        wrap=_discovery(_broken_endpoint),
    ),
]
