"""Bare-ASGI pieces the peer hosts share: reading a request, answering JSON, tokens, data, calling back.

Deliberately not Starlette: each peer dispatches on (method, path) in plain code.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import secrets
import ssl
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "footprints"
EVENT_TYPES = {
    2: {"published": "org.wbcsd.pathfinder.ProductFootprint.Published.v1",
        "request": "org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1",
        "fulfilled": "org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1",
        "rejected": "org.wbcsd.pathfinder.ProductFootprintRequest.Rejected.v1"},
    3: {"published": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3",
        "request": "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3",
        "fulfilled": "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3",
        "rejected": "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3"},
}


class Request:
    """What a peer needs of one HTTP request."""

    def __init__(self, scope: Scope, body: bytes) -> None:
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        self.headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        self.body = body
        scheme, (host, port) = scope.get("scheme", "https"), scope.get("server") or ("127.0.0.1", 0)
        self.origin = f"{scheme}://{self.headers.get('host') or f'{host}:{port}'}"

    def param(self, name: str) -> str | None:
        return next((v for k, v in self.query if k == name), None)

    def params(self, name: str) -> list[str]:
        return [v for k, v in self.query if k == name]

    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        return value[7:].strip() if value.lower().startswith("bearer ") else None

    def basic(self) -> tuple[str, str] | None:
        value = self.headers.get("authorization", "")
        if not value.lower().startswith("basic "):
            return None
        try:
            user, colon, password = base64.b64decode(value[6:].strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return (user, password) if colon else None

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode("utf-8", errors="replace")))

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError):
            return None


async def read(scope: Scope, receive: Receive, limit: int = 1 << 20) -> Request | None:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if len(body) > limit:
            return None
        if not message.get("more_body"):
            return Request(scope, body)


async def answer(send: Send, status: int, payload: Any = None, headers: Iterable[tuple[str, str]] = ()) -> None:
    """One response; a JSON body when `payload` is not None, else none at all."""
    body = b"" if payload is None else json.dumps(payload).encode()
    head = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    if payload is not None:
        head.append((b"content-type", b"application/json"))
    head.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": body})


Reply = tuple[int, Any, list[tuple[str, str]]]


class Host:
    """An ASGI callable that reads the whole request and answers what `route` returns."""

    def route(self, request: Request) -> Reply:
        raise NotImplementedError

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = await read(scope, receive)
        await answer(send, *(self.route(request) if request is not None else (413, None, [])))


class Tokens:
    """Opaque bearer tokens with a lifetime."""

    def __init__(self, lifetime_s: int = 1800) -> None:
        self.lifetime_s = lifetime_s
        self._until: dict[str, float] = {}

    def issue(self) -> str:
        token = secrets.token_hex(24)
        self._until[token] = time.monotonic() + self.lifetime_s
        return token

    def valid(self, token: str | None) -> bool:
        return token is not None and self._until.get(token, 0.0) > time.monotonic()


def same(given: tuple[str, str] | None, known: tuple[str, str]) -> bool:
    return given is not None and all(secrets.compare_digest(a.encode(), b.encode()) for a, b in zip(given, known))


def footprints(spec: str, names: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The project's valid fixtures of `spec` (all, or those whose file names start with `names`)."""
    paths = sorted((FIXTURES / spec / "valid").glob("*.json"))
    wanted = tuple(names or ())
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths if not wanted or p.name.startswith(wanted)]


def is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class CallBack:
    """Answers request events at the requester's `source`: token at {source}/auth/token, then one POST."""

    def __init__(self, pair: tuple[str, str], verify: ssl.SSLContext | bool, path: str) -> None:
        self.pair, self.verify, self.path = pair, verify, path  # path: appended to source, "" for verbatim
        self._tasks: set[asyncio.Task[None]] = set()

    def later(self, source: str, event: dict[str, Any], major: int) -> None:
        task = asyncio.get_running_loop().create_task(self._send(source, event, major))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, source: str, event: dict[str, Any], major: int) -> None:
        base = source.rstrip("/")
        if urlsplit(base).hostname not in ("127.0.0.1", "localhost"):  # a test host calls out to loopback only
            return
        await asyncio.sleep(0.05)
        async with httpx.AsyncClient(verify=self.verify, timeout=10.0, trust_env=False) as client:
            token = (await client.post(f"{base}/auth/token", data={"grant_type": "client_credentials"},
                                       auth=self.pair)).json()["access_token"]
            await client.post(base + self.path.format(major=major), content=json.dumps(event),
                              headers={"Authorization": f"Bearer {token}",
                                       "Content-Type": "application/cloudevents+json; charset=UTF-8"})


def event(major: int, kind: str, data: dict[str, Any], source: str) -> dict[str, Any]:
    return {"specversion": "1.0", "id": str(uuid.uuid4()), "source": source, "time": now(),
            "type": EVENT_TYPES[major][kind], "data": data}


def envelope_ok(body: Any, major: int) -> str | None:
    """The kind of a valid event for this major version, else None."""
    if not isinstance(body, dict) or body.get("specversion") != "1.0" or not isinstance(body.get("data"), dict):
        return None
    if not all(isinstance(body.get(k), str) and body[k] for k in ("id", "source", "type")):
        return None
    if major == 3 and not isinstance(body.get("time"), str):
        return None
    return next((kind for kind, name in EVENT_TYPES[major].items() if name == body["type"]), None)


def incoming_event(request: Request, major: int,
                   media: tuple[str, ...] = ("application/cloudevents+json",)) -> tuple[str | None, Any]:
    """(kind, body) of a POSTed event; kind is None when the media type or the envelope is not valid."""
    given = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = request.json()
    return (envelope_ok(body, major) if given in media else None), body


def pf_ids_ok(data: dict[str, Any], non_empty: bool) -> bool:
    """A Published event's pfIds: footprint ids (UUIDs); v2 also requires at least one (A-29)."""
    ids = data.get("pfIds")
    return isinstance(ids, list) and all(map(is_uuid, ids)) and (bool(ids) or not non_empty)
