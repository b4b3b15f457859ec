"""Peer "gateway": a v2.3-only host behind what looks like an API gateway.

Its legal choices, each different from the reference host's: 401 without a body for a bad or missing
token (A-02; auth error bodies are only RECOMMENDED since 2.3.2, ADR-50); no OpenID discovery (only
{auth}/auth/token, AUTH-02); OAuth error bodies left out (RECOMMENDED); opaque cursor pagination;
no `$filter` (optional in v2, FILT-01); answers POSTed to the request's `source` verbatim (A-27), as a
client of the official tool's hard-coded callback pair (test_client_id / test_client_secret).
"""

from __future__ import annotations

import base64
import json
import ssl
from typing import Any

from tests.peers import _kit

PAIR = ("gateway-client", "gateway-secret")
OFFICIAL_TOOL_PAIR = ("test_client_id", "test_client_secret")
SPEC = "2.3"


class Gateway(_kit.Host):
    def __init__(self, callback_verify: ssl.SSLContext | bool) -> None:
        self.tokens = _kit.Tokens()
        self.data = _kit.footprints(SPEC)
        self.callback = _kit.CallBack(OFFICIAL_TOOL_PAIR, callback_verify, path="")
        self.client = PAIR

    def route(self, request: _kit.Request) -> tuple[int, Any, list[tuple[str, str]]]:
        method, path = request.method, request.path.rstrip("/")
        if (method, path) == ("POST", "/auth/token"):
            return self.token(request)
        if not path.startswith("/2/"):
            return 404, {"code": "NoSuchFootprint", "message": "no such resource"}, []
        if not self.tokens.valid(request.bearer()):
            return 401, None, [("WWW-Authenticate", 'Bearer realm="gateway"')]
        if (method, path) == ("GET", "/2/footprints"):
            return self.listing(request)
        if method == "GET" and path.startswith("/2/footprints/") and path.count("/") == 3:
            return self.one(path.rsplit("/", 1)[1])
        if (method, path) == ("POST", "/2/events"):
            return self.events(request)
        return 404, {"code": "NoSuchFootprint", "message": "no such resource"}, []

    def token(self, request: _kit.Request) -> tuple[int, Any, list[tuple[str, str]]]:
        if not _kit.same(request.basic(), self.client):
            return 401, None, [("WWW-Authenticate", 'Basic realm="gateway"')]
        if request.form().get("grant_type") != "client_credentials":
            return 400, None, []
        return 200, {"access_token": self.tokens.issue(), "token_type": "Bearer", "expires_in": 1800}, [
            ("Cache-Control", "no-store")]

    def listing(self, request: _kit.Request) -> tuple[int, Any, list[tuple[str, str]]]:
        if request.param("$filter") is not None:
            return 400, {"code": "NotImplemented", "message": "$filter is not supported"}, []
        cursor, limit = request.param("cursor"), request.param("limit")
        try:
            start, size = _decode(cursor) if cursor else (0, int(limit) if limit is not None else 100)
        except ValueError:
            return 400, {"code": "BadRequest", "message": "bad cursor or limit"}, []
        if size < 1:
            return 400, {"code": "BadRequest", "message": "limit must be positive"}, []
        page, headers = self.data[start:start + size], []
        if start + size < len(self.data):
            headers.append(("Link", f'<{request.origin}/2/footprints?cursor={_encode(start + size, size)}>; rel="next"'))
        return 200, {"data": page}, headers

    def one(self, footprint_id: str) -> tuple[int, Any, list[tuple[str, str]]]:
        if not _kit.is_uuid(footprint_id):
            return 400, {"code": "BadRequest", "message": "not a footprint id"}, []
        found = [f for f in self.data if f["id"].lower() == footprint_id.lower()]
        if not found:
            return 404, {"code": "NoSuchFootprint", "message": "The specified footprint does not exist"}, []
        return 200, {"data": max(found, key=lambda f: f.get("version", 0))}, []

    def events(self, request: _kit.Request) -> tuple[int, Any, list[tuple[str, str]]]:
        kind, body = _kit.incoming_event(request, 2, ("application/cloudevents+json", "application/json"))
        bad = 400, {"code": "BadRequest", "message": "not a valid event"}, []
        if kind is None:
            return bad
        data = body["data"]
        if kind == "published":
            return (200, None, []) if _kit.pf_ids_ok(data, non_empty=True) else bad
        if kind == "request":
            fragment = data.get("pf")
            if not isinstance(fragment, dict):
                return bad
            wanted = {p.lower() for p in fragment.get("productIds") or [] if isinstance(p, str)}
            pfs = [f for f in self.data if wanted & {p.lower() for p in f["productIds"]}]
            reply = (_kit.event(2, "fulfilled", {"requestEventId": body["id"], "pfs": pfs}, "//gateway.peer")
                     if pfs else
                     _kit.event(2, "rejected", {"requestEventId": body["id"],
                                                "error": {"code": "NoSuchFootprint", "message": "no match"}},
                                "//gateway.peer"))
            self.callback.later(body["source"], reply, 2)
        return 200, None, []


def _encode(start: int, size: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([start, size]).encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[int, int]:
    try:
        start, size = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError) as exc:
        raise ValueError(str(exc)) from None
    if not (isinstance(start, int) and isinstance(size, int)):
        raise ValueError("cursor")
    return start, size
