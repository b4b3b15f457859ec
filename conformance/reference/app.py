"""The reference host as a Starlette ASGI application.

Implements, from the PACT specification: Authenticate (client credentials,
HTTP Basic or form credentials, RFC 6749 errors), OpenID Connect discovery,
ListFootprints with limit and absolute Link rel="next" pagination, v3 filters,
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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from conformance.reference import data as store
from conformance.reference.events import CallbackSender
from conformance.versions import VERSIONS

MAX_EVENT_BYTES = 1024 * 1024


@dataclass
class HostConfig:
    """What the reference host serves and how; faults in tests change these or wrap the app."""

    v2_spec: str = "2.3"
    client_id: str = "pact-demo-client"
    client_secret: str = "pact-demo-secret"
    token_lifetime_s: int = 3600
    default_page_size: int = 50
    profiles: frozenset[str] = frozenset()
    # Credentials the host presents when it calls a requester back (AUTH-R1).
    callback_client_id: str | None = None
    callback_client_secret: str | None = None
    callback_verify: Any = True  # ssl.SSLContext trusting the requester, or True
    callback_delay_s: float = 0.05
    footprints: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def dataset(self, major: int) -> list[dict[str, Any]]:
        spec = self.v2_spec if major == 2 else "3.0"
        if spec not in self.footprints:
            self.footprints[spec] = store.load_footprints(spec, self.profiles)
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

    def issue(self) -> str:
        token = secrets.token_urlsafe(32)
        self._expiry[token] = time.monotonic() + self.lifetime_s
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
        valid = secrets.compare_digest(cid, config.client_id) and secrets.compare_digest(secret, config.client_secret)
        if not valid:
            return _oauth_error(401, "invalid_client", "client authentication failed")
        grant = form.get("grant_type")
        if not grant:
            return _oauth_error(400, "invalid_request", "grant_type is missing")
        if grant != "client_credentials":
            return _oauth_error(400, "unsupported_grant_type", "only client_credentials is supported")
        return JSONResponse(
            {"access_token": tokens.issue(), "token_type": "bearer", "expires_in": config.token_lifetime_s},
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

    def versioned(handler: Any) -> Any:
        """Only /2 and /3 exist, and every versioned action needs a valid bearer token."""

        async def endpoint(request: Request) -> Response:
            major = int(request.path_params["major"])
            if major not in (2, 3):
                return _error(404, "BadRequest", "unknown API version")
            denied = authorize(request, major)
            if denied is not None:
                return denied
            return await handler(request, major)  # type: ignore[no-any-return]

        return endpoint

    @versioned
    async def list_footprints(request: Request, major: int) -> Response:
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
        problem = envelope_problem(event, major)
        if problem:
            return _error(400, "BadRequest", problem)
        types = VERSIONS["3.0" if major == 3 else config.v2_spec].event_types
        kind = next(k for k, v in types.items() if v == event["type"])
        if kind == "published":
            pf_ids = event["data"].get("pfIds")
            if not isinstance(pf_ids, list) or not pf_ids or not all(_is_uuid(i) for i in pf_ids):
                return _error(400, "BadRequest", "data.pfIds must be a non-empty array of footprint ids (UUID)")
        elif kind == "request_created":
            problem = request_problem(event["data"], major)
            if problem:
                return _error(400, "BadRequest", problem)
            sender.schedule(event, major, config.dataset(major))
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
    types = set(VERSIONS["3.0" if major == 3 else "2.3"].event_types.values())
    if event["type"] not in types:
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

