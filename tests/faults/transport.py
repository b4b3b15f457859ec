"""Faults of transport security: actions offered over plain HTTP, endpoints advertised as http://."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.faults.auth import json_reply
from tests.faults.middleware import ASGIApp, HttpReply, Scope, rewrite_response, route
from tests.faults.model import Fault


def plain_http_serves_only(allowed: Callable[[Scope], bool]) -> Callable[[ASGIApp], ASGIApp]:
    """Over plain HTTP the host refuses (403) everything except `allowed`, which it serves like over TLS.

    With Fault(plain_http=True) the host's plain-HTTP twin thus offers exactly one action without TLS.
    """

    def wrap(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
            if scope.get("type") == "http" and scope.get("scheme") == "http" and not allowed(scope):
                await json_reply(send, 403, {"code": "BadRequest", "message": "use https"})
                return
            await app(scope, receive, send)

        return wrapped

    return wrap


def _http_token_endpoint(reply: HttpReply) -> None:
    document = reply.json()
    document["token_endpoint"] = "http://" + document["token_endpoint"].split("://", 1)[1]
    reply.set_json(document)


def _plain_http_fault(name: str, action: str, requirement: str, case_id: str, method: str, path: str) -> Fault:
    """The host's plain-HTTP twin serves exactly this one action."""
    return Fault(name, f"{action} is also served over plain HTTP ({requirement})", kills=frozenset({case_id}),
                 plain_http=True, wrap=plain_http_serves_only(route(method, path)))


FAULTS = [
    _plain_http_fault("plain-http-token", "Authenticate", "TLS-02", "TLS-HTTP-AUTH", "POST", "/auth/token"),
    _plain_http_fault("plain-http-list", "ListFootprints", "TLS-03", "TLS-HTTP-LIST", "GET", r"/[23]/footprints"),
    _plain_http_fault("plain-http-get", "GetFootprint", "TLS-04", "TLS-HTTP-GET", "GET", r"/[23]/footprints/[^/]+"),
    Fault(
        "discovery-token-endpoint-http",
        "the OpenID Provider Configuration advertises an http:// token_endpoint (TLS-01, TLS-06)",
        kills=frozenset({"TLS-HTTPS-URLS"}),
        collateral=frozenset({"AUTH-DISCOVERY-DOCUMENT", "AUTH-OIDC-TOKEN"}),
        wrap=rewrite_response(route("GET", "/.well-known/openid-configuration"), _http_token_endpoint),
    ),
]
