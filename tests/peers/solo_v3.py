"""Peer "solo": a v3.0-only host with its own token endpoint and page numbers.

Its legal choices: OpenID discovery naming /oauth/token and no {auth}/auth/token (v3 clients fall back
to it only without discovery, A-03); page-number pagination; geography matched exactly (A-15); a request
for a product it does not hold refused at once with 400 instead of a later rejection (A-18, EVT-23); answers
POSTed to {source}/3/events with the suite's callback pair; 401 with an error body for a bad token.
"""

from __future__ import annotations

import ssl
from datetime import datetime, timedelta
from typing import Any

from tests.peers import _kit

PAIR = ("solo-client", "solo-secret")
SUITE_CALLBACK_PAIR = ("pact-conformance-callback", "pact-conformance-callback-secret")
SPEC = "3.0"
FILTERS = ("productId", "companyId", "geography", "classification", "validOn", "validAfter", "validBefore", "status")
Reply = tuple[int, Any, list[tuple[str, str]]]


def _when(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("no time zone")
    return moment


def _validity(footprint: dict[str, Any]) -> tuple[datetime, datetime]:
    end_of_reference = _when(footprint["pcf"]["referencePeriodEnd"])
    start = footprint.get("validityPeriodStart")
    end = footprint.get("validityPeriodEnd")
    try:
        default_end = end_of_reference.replace(year=end_of_reference.year + 3)
    except ValueError:  # 29 February
        default_end = end_of_reference + timedelta(days=365 * 3 + 1)
    return (_when(start) if start else end_of_reference), (_when(end) if end else default_end)


def _keeps(footprint: dict[str, Any], name: str, values: list[str]) -> bool:
    wanted = {v.lower() for v in values}
    pcf = footprint["pcf"]
    if name in ("productId", "companyId", "classification"):
        field = {"productId": "productIds", "companyId": "companyIds", "classification": "productClassifications"}
        return bool(wanted & {str(v).lower() for v in footprint.get(field[name]) or []})
    if name == "geography":
        return bool(wanted & {str(pcf[k]).lower() for k in ("geographyCountry", "geographyCountrySubdivision",
                                                              "geographyRegionOrSubregion") if pcf.get(k)})
    if name == "status":
        return footprint.get("status", "").lower() in wanted
    start, end = _validity(footprint)
    moments = [_when(v) for v in values]
    if name == "validOn":
        return any(start <= t <= end for t in moments)
    if name == "validAfter":
        return any(start > t for t in moments)
    return any(end < t for t in moments)


class Solo(_kit.Host):
    def __init__(self, callback_verify: ssl.SSLContext | bool) -> None:
        self.tokens = _kit.Tokens(lifetime_s=900)
        self.data = _kit.footprints(SPEC, ("01", "03"))  # a small dataset: two footprints
        self.callback = _kit.CallBack(SUITE_CALLBACK_PAIR, callback_verify, path="/{major}/events")

    def route(self, request: _kit.Request) -> Reply:
        where = (request.method, request.path.rstrip("/"))
        if where == ("GET", "/.well-known/openid-configuration"):
            return 200, {"issuer": request.origin, "token_endpoint": f"{request.origin}/oauth/token",
                         "jwks_uri": f"{request.origin}/oauth/keys", "response_types_supported": ["token"],
                         "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
                         "grant_types_supported": ["client_credentials"]}, []
        if where == ("GET", "/oauth/keys"):
            return 200, {"keys": []}, []
        if where == ("POST", "/oauth/token"):
            return self.token(request)
        if not where[1].startswith("/3/"):
            return 404, {"code": "NotFound", "message": "no such resource"}, []
        if not self.tokens.valid(request.bearer()):
            return 401, {"code": "BadRequest", "message": "a valid access token is required"}, [
                ("WWW-Authenticate", 'Bearer error="invalid_token"')]
        if where == ("GET", "/3/footprints"):
            return self.listing(request)
        if where[0] == "GET" and where[1].startswith("/3/footprints/") and where[1].count("/") == 3:
            return self.one(where[1].rsplit("/", 1)[1])
        if where == ("POST", "/3/events"):
            return self.events(request)
        return 404, {"code": "NotFound", "message": "no such resource"}, []

    def token(self, request: _kit.Request) -> Reply:
        if not _kit.same(request.basic(), PAIR):
            return 401, {"error": "invalid_client"}, [("WWW-Authenticate", 'Basic realm="solo"')]
        grant = request.form().get("grant_type")
        if grant != "client_credentials":
            return 400, {"error": "invalid_request" if not grant else "unsupported_grant_type"}, []
        return 200, {"access_token": self.tokens.issue(), "token_type": "bearer", "expires_in": 900}, [
            ("Cache-Control", "no-store")]

    def matching(self, criteria: dict[str, list[str]]) -> list[dict[str, Any]]:
        return [f for f in self.data if all(_keeps(f, name, values) for name, values in criteria.items())]

    def listing(self, request: _kit.Request) -> Reply:
        if request.param("$filter") is not None:
            return 400, {"code": "BadRequest", "message": "use the v3 filter parameters"}, []
        criteria = {name: request.params(name) for name in FILTERS if request.params(name)}
        try:
            size = int(request.param("limit") or 3)
            number = int(request.param("page") or 1)
            found = self.matching(criteria)
        except ValueError:
            return 400, {"code": "BadRequest", "message": "malformed limit, page or filter"}, []
        if size < 1 or number < 1:
            return 400, {"code": "BadRequest", "message": "limit and page must be positive"}, []
        first = (number - 1) * size
        headers = []
        if first + size < len(found):
            query = "&".join(f"{name}={value}" for name, values in criteria.items() for value in values)
            query = (query + "&" if query else "") + f"limit={size}&page={number + 1}"
            headers.append(("Link", f'<{request.origin}/3/footprints?{query}>; rel="next"'))
        return 200, {"data": found[first:first + size]}, headers

    def one(self, footprint_id: str) -> Reply:
        if not _kit.is_uuid(footprint_id):
            return 400, {"code": "BadRequest", "message": "not a footprint id"}, []
        for footprint in self.data:
            if footprint["id"].lower() == footprint_id.lower():
                return 200, {"data": footprint}, []
        return 404, {"code": "NotFound", "message": "The specified footprint does not exist"}, []

    def events(self, request: _kit.Request) -> Reply:
        kind, body = _kit.incoming_event(request, 3)
        bad = 400, {"code": "BadRequest", "message": "not a valid event"}, []
        if kind is None:
            return bad
        data = body["data"]
        if kind == "published":
            return (200, None, []) if _kit.pf_ids_ok(data, non_empty=False) else bad
        if kind == "request":
            criteria = {k: (v if isinstance(v, list) else [v]) for k, v in data.items() if k in FILTERS}
            if not criteria or not all(isinstance(v, str) for values in criteria.values() for v in values):
                return bad
            try:
                pfs = self.matching(criteria)
            except ValueError:
                return bad
            if not pfs:  # refused at once: no rejection event follows
                return 400, {"code": "NotFound", "message": "no footprint matches the request"}, []
            self.callback.later(body["source"], _kit.event(3, "fulfilled", {"requestEventId": body["id"],
                                                                            "pfs": pfs}, "//solo.peer"), 3)
            return 200, None, []
        if kind in ("fulfilled", "rejected") and not isinstance(data.get("requestEventId"), str):
            return bad
        return 200, None, []
