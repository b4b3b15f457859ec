"""Peer "twin": one host serving v2.2 on /2 and v3.0 on /3, a dispatch table of small handlers.

Its legal choices: small default pages (2) with limit/offset links; 400 BadRequest for a bad token on /2
(v2.2+ text) and 401 on /3; credentials in the form body accepted beside HTTP Basic (client_secret_post,
A-04); OpenID discovery naming {auth}/auth/token; answers POSTed to {source}/{V}/events with the suite's
callback pair; v3 filters as the solo peer matches them.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from tests.peers import _kit
from tests.peers.solo_v3 import FILTERS, SUITE_CALLBACK_PAIR, _keeps

PAIR = ("twin-client", "twin-secret")
SPECS = ("2.2", "3.0")
PAGE = 2
Reply = tuple[int, Any, list[tuple[str, str]]]


def _error(status: int, code: str, message: str) -> Reply:
    return status, {"code": code, "message": message}, []


class Twin(_kit.Host):
    def __init__(self, callback_verify: ssl.SSLContext | bool) -> None:
        self.tokens = _kit.Tokens(lifetime_s=3600)
        self.data = {2: _kit.footprints("2.2"), 3: _kit.footprints("3.0")}
        self.callback = _kit.CallBack(SUITE_CALLBACK_PAIR, callback_verify, path="/{major}/events")
        self.table: dict[tuple[str, str], Callable[[_kit.Request, int], Reply]] = {
            ("GET", "footprints"): self.listing, ("GET", "footprint"): self.one, ("POST", "events"): self.events,
        }

    def route(self, request: _kit.Request) -> Reply:
        parts = [p for p in request.path.split("/") if p]
        if request.method == "POST" and parts == ["auth", "token"]:
            return self.token(request)
        if request.method == "GET" and parts == [".well-known", "openid-configuration"]:
            return 200, {"issuer": request.origin, "token_endpoint": f"{request.origin}/auth/token",
                         "jwks_uri": f"{request.origin}/keys", "response_types_supported": ["token"],
                         "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
                         "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]}, []
        if request.method == "GET" and parts == ["keys"]:
            return 200, {"keys": []}, []
        if len(parts) < 2 or parts[0] not in ("2", "3"):
            return _error(404, "NotFound", "no such resource")
        major = int(parts[0])
        if not self.tokens.valid(request.bearer()):
            if major == 3:
                return 401, None, [("WWW-Authenticate", 'Bearer error="invalid_token"')]
            return _error(400, "BadRequest", "Bad Request")
        name = {2: "footprints", 3: "footprint"}.get(len(parts)) if parts[1] == "footprints" else parts[1]
        handler = self.table.get((request.method, name or "")) if len(parts) <= 3 else None
        if handler is None:
            return _error(404, "NotFound" if major == 3 else "NoSuchFootprint", "no such resource")
        return handler(request, major)

    def token(self, request: _kit.Request) -> Reply:
        form = request.form()
        given = request.basic() or ((form["client_id"], form["client_secret"])
                                    if form.get("client_id") and form.get("client_secret") else None)
        if not _kit.same(given, PAIR):
            return 401, {"error": "invalid_client", "error_description": "unknown client"}, [
                ("WWW-Authenticate", 'Basic realm="twin"')]
        if form.get("grant_type") != "client_credentials":
            error = "unsupported_grant_type" if form.get("grant_type") else "invalid_request"
            return 400, {"error": error}, []
        return 200, {"access_token": self.tokens.issue(), "token_type": "bearer", "expires_in": 3600}, [
            ("Cache-Control", "no-store")]

    def listing(self, request: _kit.Request, major: int) -> Reply:
        found = self.data[major]
        criteria: list[tuple[str, str]] = []
        if request.param("$filter") is not None:
            if major == 3:
                return _error(400, "BadRequest", "$filter is a v2 parameter")
            return _error(400, "NotImplemented", "$filter is not supported")
        if major == 3:
            criteria = [(name, value) for name in FILTERS for value in request.params(name)]
            chosen = {name: request.params(name) for name, _ in criteria}
            try:
                found = [f for f in found if all(_keeps(f, name, values) for name, values in chosen.items())]
            except ValueError:
                return _error(400, "BadRequest", "malformed filter")
        try:
            limit, offset = int(request.param("limit") or PAGE), int(request.param("offset") or 0)
        except ValueError:
            return _error(400, "BadRequest", "limit and offset are integers")
        if limit < 1 or offset < 0:
            return _error(400, "BadRequest", "limit must be positive")
        headers = []
        if offset + limit < len(found):
            query = urlencode([*criteria, ("limit", limit), ("offset", offset + limit)])
            headers.append(("Link", f'<{request.origin}/{major}/footprints?{query}>; rel="next"'))
        return 200, {"data": found[offset:offset + limit]}, headers

    def one(self, request: _kit.Request, major: int) -> Reply:
        footprint_id = request.path.rstrip("/").rsplit("/", 1)[1]
        if not _kit.is_uuid(footprint_id):
            return _error(400, "BadRequest", "not a footprint id")
        for footprint in self.data[major]:
            if footprint["id"].lower() == footprint_id.lower():
                return 200, {"data": footprint}, []
        return _error(404, "NotFound" if major == 3 else "NoSuchFootprint", "The specified footprint does not exist")

    def events(self, request: _kit.Request, major: int) -> Reply:
        kind, body = _kit.incoming_event(request, major)
        if kind is None:
            return _error(400, "BadRequest", "not a valid event")
        data = body["data"]
        if kind == "published":
            ok = _kit.pf_ids_ok(data, non_empty=major == 2)
            return (200, None, []) if ok else _error(400, "BadRequest", "pfIds must be footprint ids")
        if kind == "request":
            wanted = data.get("productId") if major == 3 else (data.get("pf") or {}).get("productIds")
            if not isinstance(wanted, list):
                return _error(400, "BadRequest", "the request names no product")
            lowered = {str(p).lower() for p in wanted}
            pfs = [f for f in self.data[major] if lowered & {p.lower() for p in f["productIds"]}]
            code = "NotFound" if major == 3 else "NoSuchFootprint"
            reply = (_kit.event(major, "fulfilled", {"requestEventId": body["id"], "pfs": pfs}, "//twin.peer")
                     if pfs else _kit.event(major, "rejected", {"requestEventId": body["id"],
                                                                "error": {"code": code, "message": "no match"}},
                                            "//twin.peer"))
            self.callback.later(body["source"], reply, major)
        return 200, None, []
