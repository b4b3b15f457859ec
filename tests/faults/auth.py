"""Faults of the Authenticate action, OpenID Connect discovery and bearer-token checks."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from typing import Any

from conformance.client import basic_credentials
from conformance.coverage import load_cases
from conformance.reference.app import HostConfig
from tests.faults.middleware import (
    ASGIApp, HttpReply, Scope, chain, rewrite_request, rewrite_response, route, set_request_header,
)
from tests.faults.model import Fault

TOKEN = route("POST", "/auth/token")
DISCOVERY = route("GET", "/.well-known/openid-configuration")
LIST = route("GET", r"/[23]/footprints")
GET = route("GET", r"/[23]/footprints/[^/]+")
RESOURCES = route("GET", r"/[23]/footprints(/[^/]+)?")
V3_RESOURCES = route("GET", r"/3/footprints(/[^/]+)?")
DEMO = HostConfig()
DEMO_BASIC = basic_credentials(DEMO.client_id, DEMO.client_secret)
MOVED_TOKEN_PATH = "/oidc/token"
ACTION_KINDS = (("get", re.compile(r"/[23]/footprints/[^/]+")), ("list", re.compile(r"/[23]/footprints")),
                ("events", re.compile(r"/[23]/events")))


def _header(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key.decode("latin-1").lower() == name:
            return str(value.decode("latin-1"))
    return None


def _basic_client_id(scope: Scope) -> str | None:
    header = _header(scope, "authorization") or ""
    if not header.lower().startswith("basic "):
        return None
    try:
        return base64.b64decode(header[6:]).decode().split(":", 1)[0]
    except (binascii.Error, UnicodeDecodeError):
        return None


def _bearer(scope: Scope) -> str | None:
    header = _header(scope, "authorization") or ""
    return header[7:].strip() if header.lower().startswith("bearer ") else None


async def json_reply(send: Any, status: int, body: dict[str, Any]) -> None:
    """Answer an ASGI request directly with a JSON body (the host never sees it)."""
    payload = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


# --- request rewrites: the host ends up serving what it must refuse ---

def _credentials_as_demo(known_client: bool) -> Callable[[Scope], None]:
    """Present the demo credentials instead, for the demo client id (secret ignored) or for unknown ids."""

    def mutate(scope: Scope) -> None:
        client = _basic_client_id(scope)
        if client is not None and (client == DEMO.client_id) == known_client:
            set_request_header(scope, "authorization", DEMO_BASIC)

    return mutate


def substitute_token(match: Callable[[Scope], bool], states: frozenset[str]) -> Callable[[Any], Any]:
    """Requests whose bearer token is in `states` ('missing', 'unknown', 'expired') get a valid one: served."""

    def wrap(app: Any) -> Any:
        tokens = app.state.tokens

        def mutate(scope: Scope) -> None:
            token = _bearer(scope)
            if (tokens.state(token) if token else "missing") in states:
                set_request_header(scope, "authorization", f"Bearer {tokens.issue()}")

        return rewrite_request(match, mutate)(app)

    return wrap


def _bind_token_to_first_action(app: ASGIApp) -> ASGIApp:
    """A token works only for the kind of action (list, get, events) it was first used for (per-action tokens)."""
    first_kind: dict[str, str] = {}

    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        token = _bearer(scope) if scope.get("type") == "http" else None
        kind = next((name for name, path in ACTION_KINDS if path.fullmatch(scope.get("path", ""))), None)
        if token and kind and first_kind.setdefault(token, kind) != kind:
            await json_reply(send, 401, {"code": "BadRequest", "message": f"token valid for {first_kind[token]} only"})
            return
        await app(scope, receive, send)

    return wrapped


def _move_token_endpoint(app: ASGIApp) -> ASGIApp:
    """Authenticate only at the discovered {auth}/oidc/token; {auth}/auth/token is gone (404)."""

    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and scope["path"] == "/auth/token":
            await json_reply(send, 404, {"code": "NotFound", "message": "no such endpoint"})
            return
        if scope.get("type") == "http" and scope["path"] == MOVED_TOKEN_PATH:
            scope = dict(scope, path="/auth/token", raw_path=b"/auth/token")
        await app(scope, receive, send)

    return wrapped


# --- response rewrites ---

def _on_token(status: int, change: Callable[[dict[str, Any]], None]) -> Callable[[HttpReply], None]:
    """Change the JSON body of token responses with `status`."""

    def mutate(reply: HttpReply) -> None:
        if reply.status == status:
            body = reply.json()
            change(body)
            reply.set_json(body)

    return mutate


def _on_error(error: str, status: int, replacement: str) -> Callable[[HttpReply], None]:
    def mutate(reply: HttpReply) -> None:
        if reply.status >= 400 and reply.json().get("error") == error:
            reply.status = status
            reply.set_json({"error": replacement, "error_description": "request rejected"})

    return mutate


def _invalid_client_without_body(reply: HttpReply) -> None:
    if reply.status == 401:
        reply.body = b""
        reply.set_header("content-type", None)


def _no_cache_control(reply: HttpReply) -> None:
    if reply.status == 200:
        reply.set_header("cache-control", None)
        reply.set_header("pragma", None)


def _discovery(change: Callable[[dict[str, Any]], None]) -> Callable[[Any], Any]:
    def mutate(reply: HttpReply) -> None:
        body = reply.json()
        change(body)
        reply.set_json(body)

    return rewrite_response(DISCOVERY, mutate)


def _point_to_moved_endpoint(document: dict[str, Any]) -> None:
    document["token_endpoint"] = document["issuer"] + MOVED_TOKEN_PATH


def _drop_required_metadata(document: dict[str, Any]) -> None:
    del document["jwks_uri"], document["subject_types_supported"]


def _v3_rejections_as_400(reply: HttpReply) -> None:
    """Invalid and missing tokens get 400; an expired token keeps its 401 TokenExpired (a different rule)."""
    if reply.status == 401 and b"TokenExpired" not in reply.body:
        reply.status = 400
        reply.set_header("www-authenticate", None)
        reply.set_json({"code": "BadRequest", "message": "invalid access token"})


def _all_case_ids() -> frozenset[str]:
    return frozenset(c.id for c in load_cases())


FAULTS = [
    Fault(
        "token-ignores-secret",
        "the token endpoint issues tokens to the known client id whatever the secret (AUTH-06)",
        kills=frozenset({"AUTH-BAD-CREDENTIALS"}),
        collateral=frozenset({"AUTH-INVALID-CLIENT-ERROR", "FUZZ-AUTH-REQUIRED"}),
        wrap=rewrite_request(TOKEN, _credentials_as_demo(known_client=True)),
    ),
    Fault(
        "token-for-unknown-client",
        "the token endpoint issues tokens to client ids it does not know (AUTH-06, AUTH-14)",
        kills=frozenset({"AUTH-OIDC-BAD-CREDENTIALS"}),
        # the restricted client is "unknown" to this rewrite too: it gets the first client's access
        collateral=frozenset({"ACCESS-LIST-DENIED", "ACCESS-GET-DENIED", "ACCESS-EVENTS"}),
        wrap=rewrite_request(TOKEN, _credentials_as_demo(known_client=False)),
    ),
    Fault(
        "token-without-token-type",
        "the token response has no token_type (AUTH-03)",
        kills=frozenset({"AUTH-TOKEN"}),
        collateral=frozenset({"AUTH-TOKEN-RESPONSE", "FUZZ-SCHEMA-VALID-BODIES"}),
        wrap=rewrite_response(TOKEN, _on_token(200, lambda body: body.pop("token_type"))),
    ),
    Fault(
        "token-type-not-bearer",
        "the token response says token_type 'mac' (AUTH-03)",
        kills=frozenset({"AUTH-TOKEN-RESPONSE"}),
        collateral=frozenset({"FUZZ-SCHEMA-VALID-BODIES"}),
        wrap=rewrite_response(TOKEN, _on_token(200, lambda body: body.update(token_type="mac"))),
    ),
    Fault(
        "token-response-cacheable",
        "the token response carries no Cache-Control: no-store (AUTH-04)",
        kills=frozenset({"AUTH-TOKEN-NO-STORE"}),
        wrap=rewrite_response(TOKEN, _no_cache_control),
    ),
    Fault(
        "token-without-expires-in",
        "the token response does not say when the token expires (AUTH-05)",
        kills=frozenset({"AUTH-TOKEN-EXPIRES-IN"}),
        wrap=rewrite_response(TOKEN, _on_token(200, lambda body: body.pop("expires_in"))),
    ),
    Fault(
        "unknown-grant-wrong-error",
        "an unknown grant_type is answered 400 invalid_grant instead of unsupported_grant_type (AUTH-07)",
        kills=frozenset({"AUTH-UNSUPPORTED-GRANT"}),
        wrap=rewrite_response(TOKEN, _on_error("unsupported_grant_type", 400, "invalid_grant")),
    ),
    Fault(
        "missing-grant-wrong-error",
        "a token request without grant_type is answered unsupported_grant_type instead of invalid_request (AUTH-07)",
        kills=frozenset({"AUTH-MISSING-GRANT"}),
        wrap=rewrite_response(TOKEN, _on_error("invalid_request", 400, "unsupported_grant_type")),
    ),
    Fault(
        "invalid-client-without-body",
        "a failed client authentication is answered 401 with an empty body (AUTH-06)",
        kills=frozenset({"AUTH-INVALID-CLIENT-ERROR"}),
        wrap=rewrite_response(TOKEN, _invalid_client_without_body),
    ),
    Fault(
        "legacy-token-endpoint-missing",
        "tokens only at the discovered /oidc/token; {auth}/auth/token answers 404 (AUTH-02)",
        kills=frozenset({"AUTH-LEGACY-ENDPOINT"}),
        specs=("2.1", "2.3", "3.0"),
        wrap=chain(_discovery(_point_to_moved_endpoint), _move_token_endpoint),
    ),
    Fault(
        "discovery-without-token-endpoint",
        "the OpenID Provider Configuration has no token_endpoint (AUTH-12, TC18)",
        kills=frozenset({"AUTH-OIDC-TOKEN"}),
        collateral=frozenset({"AUTH-DISCOVERY-DOCUMENT"}),
        wrap=_discovery(lambda document: document.pop("token_endpoint")),
    ),
    Fault(
        "discovery-incomplete",
        "the OpenID Provider Configuration lacks jwks_uri and subject_types_supported (AUTH-13)",
        kills=frozenset({"AUTH-DISCOVERY-DOCUMENT"}),
        wrap=_discovery(_drop_required_metadata),
    ),
    Fault(
        "list-accepts-unknown-token",
        "ListFootprints serves any bearer token, known or not (AUTH-09)",
        kills=frozenset({"AUTH-INVALID-TOKEN-LIST", "AUTH-INVALID-TOKENS-WIDE"}),
        collateral=frozenset({"AUTH-INVALID-TOKEN-401", "FUZZ-AUTH-REQUIRED", "PAGE-LINK-REQUIRES-AUTH"}),
        wrap=substitute_token(LIST, frozenset({"unknown"})),
    ),
    Fault(
        "get-accepts-unknown-token",
        "GetFootprint serves any bearer token, known or not (AUTH-09)",
        kills=frozenset({"AUTH-INVALID-TOKEN-GET", "AUTH-INVALID-TOKENS-WIDE"}),
        collateral=frozenset({"AUTH-INVALID-TOKEN-401", "FUZZ-AUTH-REQUIRED"}),
        wrap=substitute_token(GET, frozenset({"unknown"})),
    ),
    Fault(
        "anonymous-access",
        "ListFootprints and GetFootprint are served without an Authorization header (AUTH-10, GEN-07)",
        kills=frozenset({"AUTH-NO-TOKEN"}),
        collateral=frozenset({"AUTH-INVALID-TOKEN-401", "FUZZ-AUTH-REQUIRED", "PAGE-LINK-REQUIRES-AUTH"}),
        wrap=substitute_token(RESOURCES, frozenset({"missing"})),
    ),
    Fault(
        "v3-token-rejections-400",
        "v3 answers invalid and missing tokens with 400 BadRequest instead of 401 (AUTH-09)",
        kills=frozenset({"AUTH-INVALID-TOKEN-401"}),
        specs=("3.0",),
        wrap=rewrite_response(V3_RESOURCES, _v3_rejections_as_400),
    ),
    Fault(
        "token-per-action",
        "a token only works for the action it was first used for (AUTH-08); every case relies on one token",
        kills=frozenset({"AUTH-TOKEN-ALL-ACTIONS"}),
        collateral=_all_case_ids() - {"AUTH-TOKEN-ALL-ACTIONS"},
        wrap=_bind_token_to_first_action,
    ),
    Fault(
        "expired-token-accepted",
        "tokens live 2 s but the host keeps accepting them after expiry (AUTH-11)",
        kills=frozenset({"AUTH-EXPIRED-TOKEN"}),
        overrides={"token_lifetime_s": 2},
        wrap=substitute_token(RESOURCES, frozenset({"expired"})),
    ),
]
