"""The reference host as a Starlette ASGI application.

Implements, from the PACT specification: Authenticate (client credentials,
HTTP Basic or form credentials, RFC 6749 errors), OpenID Connect discovery,
ListFootprints with limit and absolute Link rel="next" pagination, v3 filters
and the v2 `$filter` subset,
GetFootprint, Events (CloudEvents 1.0) with asynchronous answers to requests,
and the spec's error responses, for /2 (one v2 minor at a time) and /3.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from conformance.reference import data as store
from conformance.reference import odata
from conformance.reference.events import (
    DEMO_CALLBACK_CLIENT_ID,
    DEMO_CALLBACK_CLIENT_SECRET,
    EVENTS_CONTENT_TYPE,
    CallbackSender,
)
from conformance.versions import VERSIONS

MAX_EVENT_BYTES = 1024 * 1024


@dataclass
class HostConfig:
    """What the reference host serves and how; faults in tests change these or wrap the app."""

    v2_spec: str = "2.3"
    client_id: str = "pact-demo-client"
    client_secret: str = "pact-demo-secret"
    # A second client the data owner granted nothing (access management, GEN-05, LIST-08, GET-05,
    # EVT-41): `denied_actions` are where it gets 403 AccessDenied, or for a request event a
    # rejection with AccessDenied (faults remove one).
    restricted_client_id: str = "pact-demo-restricted"
    restricted_client_secret: str = "pact-demo-restricted-secret"
    denied_actions: frozenset[str] = frozenset({"list", "get", "events"})
    token_lifetime_s: int = 3600
    default_page_size: int = 50
    profiles: frozenset[str] = frozenset()
    # Credentials the host presents when it calls a requester back (AUTH-R1); the
    # harness's events host accepts these demo values from the embedded host.
    callback_client_id: str = DEMO_CALLBACK_CLIENT_ID
    callback_client_secret: str = DEMO_CALLBACK_CLIENT_SECRET
    callback_verify: Any = True  # ssl.SSLContext trusting the requester, or True
    callback_delay_s: float = 0.0  # the answer task starts once the handler has returned its 200
    callback_hosts: frozenset[str] = frozenset({"127.0.0.1", "localhost", "::1"})  # where callbacks may go
    callback_http: bool = False  # also call http sources (they are loopback only, callback_hosts): `serve`
    # Test hooks for the faulty-server collection (see conformance/reference/events.py).
    callback_copies: int = 1  # response events per accepted request (EVT-24: exactly one)
    callback_path: str = "/{major}/events"  # appended to the request's source (EVT-26)
    callback_content_type: str = EVENTS_CONTENT_TYPE
    callback_bearer: bool = True  # present a bearer token from the requester's auth endpoint (AUTH-R1)
    callback_rewrite: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]] | None = None
    footprints: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def dataset(self, major: int) -> list[dict[str, Any]]:
        spec = self.v2_spec if major == 2 else "3.0"
        if spec not in self.footprints:  # a new dict: an override passed in by a caller is never mutated
            self.footprints = {**self.footprints, spec: store.load_footprints(spec, self.profiles)}
        return self.footprints[spec]


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    headers = {"Cache-Control": "no-store"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="pact"'
    return JSONResponse({"error": error, "error_description": description}, status_code=status, headers=headers)


class TokenStore:
    """Opaque bearer tokens with an expiry; monotonic time so clock changes don't matter."""

    def __init__(self, lifetime_s: int) -> None:
        self.lifetime_s = lifetime_s
        self._expiry: dict[str, float] = {}
        self._client: dict[str, str] = {}

    def issue(self, client_id: str = "") -> str:
        token = secrets.token_urlsafe(32)
        self._expiry[token] = time.monotonic() + self.lifetime_s
        self._client[token] = client_id
        return token

    def client_of(self, token: str) -> str:
        return self._client.get(token, "")

    def issue_expired(self) -> str:
        """A token that was valid once and has expired: lets a run test expiry without waiting (AUTH-11)."""
        token = secrets.token_urlsafe(32)
        self._expiry[token] = time.monotonic() - 1
        return token

    def state(self, token: str) -> str:
        """'valid', 'expired' or 'unknown'."""
        expiry = self._expiry.get(token)
        if expiry is None:
            return "unknown"
        return "valid" if time.monotonic() < expiry else "expired"


def create_app(config: HostConfig | None = None) -> Starlette:
    """Build the host. All state (tokens, pending callbacks) lives inside the returned app."""
    config = config or HostConfig()
    tokens = TokenStore(config.token_lifetime_s)
    sender = CallbackSender(config)

    def client_credentials(request: Request, form: Mapping[str, str]) -> tuple[str, str] | None:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return None
            if ":" in decoded:
                cid, secret = decoded.split(":", 1)
                return cid, secret
            return None
        if form.get("client_id") and form.get("client_secret"):  # client_secret_post
            return form["client_id"], form["client_secret"]
        return None

    async def token_endpoint(request: Request) -> Response:
        # The spec's token request is application/x-www-form-urlencoded; parse it directly.
        form = dict(parse_qsl((await request.body()).decode("utf-8", errors="replace")))
        credentials = client_credentials(request, form)
        if credentials is None:
            return _oauth_error(401, "invalid_client", "client authentication is required")
        cid, secret = credentials
        known = ((config.client_id, config.client_secret), (config.restricted_client_id, config.restricted_client_secret))
        valid = any(secrets.compare_digest(cid.encode(), known_id.encode())  # bytes: non-ASCII input is no 500
                    and secrets.compare_digest(secret.encode(), known_secret.encode())
                    for known_id, known_secret in known)
        if not valid:
            return _oauth_error(401, "invalid_client", "client authentication failed")
        grant = form.get("grant_type")
        if not grant:
            return _oauth_error(400, "invalid_request", "grant_type is missing")
        if grant != "client_credentials":
            return _oauth_error(400, "unsupported_grant_type", "only client_credentials is supported")
        return JSONResponse(
            {"access_token": tokens.issue(cid), "token_type": "bearer", "expires_in": config.token_lifetime_s},
            headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
        )

    async def discovery(request: Request) -> Response:
        issuer = str(request.base_url).rstrip("/")
        return JSONResponse({
            "issuer": issuer,
            "token_endpoint": f"{issuer}/auth/token",
            "jwks_uri": f"{issuer}/jwks.json",
            "response_types_supported": ["token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        })

    async def jwks(request: Request) -> Response:
        return JSONResponse({"keys": []})

    def authorize(request: Request, major: int) -> Response | None:
        """None when the bearer token is valid, else the version's error response."""
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else None
        state = tokens.state(token) if token else "missing"
        if state == "valid":
            return None
        if state == "expired":
            return _error(401, "TokenExpired", "The specified access token has expired")
        if major == 3:
            return Response(status_code=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return _error(400, "BadRequest", "Bad Request: missing or invalid access token")

    def denied_to(request: Request, action: str) -> Response | None:
        """403 AccessDenied for the restricted client: the data owner granted it nothing."""
        token = request.headers.get("authorization", "")[7:].strip()
        if action in config.denied_actions and tokens.client_of(token) == config.restricted_client_id:
            return _error(403, "AccessDenied", "Access denied")
        return None

    def versioned(handler: Any) -> Any:
        """Only /2 and /3 exist, and every versioned action needs a valid bearer token."""

        async def endpoint(request: Request) -> Response:
            major = int(request.path_params["major"])
            if major not in (2, 3):
                return _error(404, "NotFound", "unknown API version")
            denied = authorize(request, major)
            if denied is not None:
                return denied
            return await handler(request, major)  # type: ignore[no-any-return]

        return endpoint

    @versioned
    async def list_footprints(request: Request, major: int) -> Response:
        denied = denied_to(request, "list")
        if denied is not None:
            return denied
        query = request.query_params
        try:
            limit = int(query.get("limit", config.default_page_size))
            offset = int(query.get("offset", 0))
        except ValueError:
            return _error(400, "BadRequest", "limit and offset must be integers")
        if limit < 1 or offset < 0:
            return _error(400, "BadRequest", "limit must be a positive integer")
        footprints = config.dataset(major)
        criteria: dict[str, list[str]] = {}
        if major == 3:
            if "$filter" in query:
                return _error(400, "BadRequest", "$filter is not supported in v3; use query parameters")
            criteria = {name: query.getlist(name) for name in store.V3_FILTERS if name in query}
            try:
                store.check_criteria(criteria)
                footprints = [f for f in footprints if store.matches_v3(f, criteria)]
            except store.FilterError as exc:
                return _error(400, "BadRequest", str(exc))
        elif "$filter" in query:  # optional in v2 (FILT-01); the PACT OData subset (FILT-03)
            criteria = {"$filter": [query["$filter"]]}  # kept on the next link (PAGE-14)
            try:
                keep = odata.compile_filter(query["$filter"])
            except odata.NotSupported as exc:
                return _error(400, "NotImplemented", str(exc))
            except odata.ODataError as exc:
                return _error(400, "BadRequest", str(exc))
            footprints = [f for f in footprints if keep(f)]
        page = footprints[offset: offset + limit]
        headers = {}
        if offset + limit < len(footprints):
            params = [(k, v) for k, values in criteria.items() for v in values]
            params += [("limit", str(limit)), ("offset", str(offset + limit))]
            base = str(request.base_url).rstrip("/")
            headers["Link"] = f'<{base}/{major}/footprints?{urlencode(params)}>; rel="next"'
        return JSONResponse({"data": page}, headers=headers)

    @versioned
    async def get_footprint(request: Request, major: int) -> Response:
        footprint_id = request.path_params["id"]
        try:
            uuid.UUID(footprint_id)
        except ValueError:
            return _error(400, "BadRequest", "footprint id must be a UUID")
        denied = denied_to(request, "get")
        if denied is not None:
            return denied
        for footprint in config.dataset(major):
            if str(footprint.get("id", "")).lower() == footprint_id.lower():
                return JSONResponse({"data": footprint})
        code = "NotFound" if major == 3 else "NoSuchFootprint"
        return _error(404, code, "The specified footprint does not exist.")

    @versioned
    async def events(request: Request, major: int) -> Response:
        media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media not in ("application/cloudevents+json", "application/json"):
            return _error(400, "BadRequest", "events must be sent as application/cloudevents+json")
        body = await request.body()
        if len(body) > MAX_EVENT_BYTES:
            return _error(400, "BadRequest", "event too large")
        try:
            event = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            return _error(400, "BadRequest", "event body is not valid JSON")
        problem = envelope_problem(event, major) or data_problem(event, major)
        if problem:
            return _error(400, "BadRequest", problem)
        if event_kind(event["type"], major) == "request_created":
            sender.schedule(event, major, config.dataset(major), denied=denied_to(request, "events") is not None)
        return Response(status_code=200)

    routes = [
        Route("/auth/token", token_endpoint, methods=["POST"]),
        Route("/.well-known/openid-configuration", discovery, methods=["GET"]),
        Route("/jwks.json", jwks, methods=["GET"]),
        Route("/{major:int}/footprints", list_footprints, methods=["GET"]),
        Route("/{major:int}/footprints/{id}", get_footprint, methods=["GET"]),
        Route("/{major:int}/events", events, methods=["POST"]),
    ]

    app = Starlette(routes=routes)

    app.state.config = config
    app.state.sender = sender
    app.state.tokens = tokens
    return app


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def envelope_problem(event: Any, major: int) -> str | None:
    """Why a CloudEvents 1.0 envelope is not a valid PACT event (None when valid)."""
    if not isinstance(event, dict):
        return "event is not a JSON object"
    if event.get("specversion") != "1.0":
        return "specversion must be \"1.0\""
    for key in ("id", "source", "type"):
        if not isinstance(event.get(key), str) or not event[key]:
            return f"{key} must be a non-empty string"
    if event_kind(event["type"], major) is None:
        return f"unknown event type for /{major}/events"
    if major == 3:
        if not isinstance(event.get("time"), str):
            return "time is required"
        try:
            store.parse_datetime(event["time"])
        except store.FilterError:
            return "time must be an RFC 3339 date-time"
    if not isinstance(event.get("data"), dict):
        return "data must be an object"
    return None


def event_kind(event_type: str, major: int) -> str | None:
    """'published', 'request_created', 'request_fulfilled' or 'request_rejected'; None for another type."""
    types = VERSIONS["3.0" if major == 3 else "2.3"].event_types  # one set of names for all of 2.x
    return next((kind for kind, name in types.items() if name == event_type), None)


def data_problem(event: Mapping[str, Any], major: int) -> str | None:
    """Why a valid envelope's data does not fit its type (EVT-03: v3 MUST validate, 4xx when invalid)."""
    kind, data = event_kind(event["type"], major), event["data"]
    if kind == "published":
        pf_ids = data.get("pfIds")
        if not isinstance(pf_ids, list) or not all(_is_uuid(i) for i in pf_ids) or (major == 2 and not pf_ids):
            return "data.pfIds must be an array of footprint ids (UUID)" + (", not empty" if major == 2 else "")
        return None  # v3 has no minItems on pfIds
    if kind == "request_created":
        return request_problem(data, major)
    if not isinstance(data.get("requestEventId"), str) or not data["requestEventId"]:
        return "data.requestEventId must be a non-empty string"
    if kind == "request_fulfilled":
        pfs = data.get("pfs")
        if not isinstance(pfs, list) or not all(isinstance(pf, dict) for pf in pfs):
            return "data.pfs must be an array of footprints"
        return "data.pfs must not be empty in 3.0" if major == 3 and not pfs else None
    error = data.get("error")
    if not isinstance(error, dict) or not all(isinstance(error.get(k), str) and error[k] for k in ("code", "message")):
        return "data.error must be an object with a code and a message"
    return None  # an unknown requestEventId is accepted: the event is valid (EVT-42, A-19)


def request_problem(data: Mapping[str, Any], major: int) -> str | None:
    """Why a request-created event's data cannot be processed (None when it can)."""
    if major == 2:
        if not isinstance(data.get("pf"), dict):
            return "data.pf must be a ProductFootprintFragment object"
        return None
    criteria = {k: v for k, v in data.items() if k in store.V3_FILTERS}
    if not criteria:
        return "data must carry at least one filter criterion"
    for key, value in criteria.items():
        if key in ("validOn", "validAfter", "validBefore", "status"):
            if not isinstance(value, str):
                return f"data.{key} must be a string"
        elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"data.{key} must be an array of strings"
    try:
        store.check_criteria({k: [v] for k, v in criteria.items() if isinstance(v, str)})
    except store.FilterError as exc:
        return str(exc)
    return None

