"""Generic ASGI middleware that bends one aspect of the reference host's behaviour.

A fault is the real reference host plus one of these wrappers (or a HostConfig
override): a small, unambiguous spec violation, never a second server.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]


@dataclass
class HttpReply:
    """A buffered response that a fault may change before it is sent."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    request_headers: dict[str, str] = field(default_factory=dict)
    path: str = ""
    query: str = ""

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.decode("latin-1").lower() == name.lower():
                return value.decode("latin-1")
        return None

    def set_header(self, name: str, value: str | None) -> None:
        self.headers = [(k, v) for k, v in self.headers if k.decode("latin-1").lower() != name.lower()]
        if value is not None:
            self.headers.append((name.lower().encode("latin-1"), value.encode("latin-1")))

    def json(self) -> Any:
        return json.loads(self.body)

    def set_json(self, value: Any) -> None:
        self.body = json.dumps(value).encode()
        self.set_header("content-type", "application/json")


def route(method: str, pattern: str) -> Callable[[Scope], bool]:
    """Match requests by method and a regular expression on the path."""
    compiled = re.compile(pattern)

    def matches(scope: Scope) -> bool:
        return scope.get("type") == "http" and scope["method"] == method and bool(compiled.fullmatch(scope["path"]))

    return matches


def rewrite_response(match: Callable[[Scope], bool], mutate: Callable[[HttpReply], None]) -> Callable[[ASGIApp], ASGIApp]:
    """Wrap an app so matching responses pass through `mutate` before they are sent."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
            if not match(scope):
                await app(scope, receive, send)
                return
            start: Message = {}
            chunks: list[bytes] = []

            async def capture(message: Message) -> None:
                if message["type"] == "http.response.start":
                    start.update(message)
                elif message["type"] == "http.response.body":
                    chunks.append(message.get("body", b""))
                    if not message.get("more_body", False):
                        reply = HttpReply(start["status"], list(start.get("headers", [])), b"".join(chunks),
                                          {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])},
                                          scope["path"], scope.get("query_string", b"").decode())
                        mutate(reply)
                        reply.set_header("content-length", str(len(reply.body)))
                        await send({"type": "http.response.start", "status": reply.status, "headers": reply.headers})
                        await send({"type": "http.response.body", "body": reply.body})

            await app(scope, receive, capture)

        return wrapped

    return wrap


def rewrite_request(match: Callable[[Scope], bool], mutate: Callable[[Scope], None]) -> Callable[[ASGIApp], ASGIApp]:
    """Wrap an app so matching requests are changed (e.g. headers) before the host sees them."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
            if match(scope):
                scope = dict(scope)
                mutate(scope)
            await app(scope, receive, send)

        return wrapped

    return wrap


async def read_body(receive: Any) -> bytes:
    """The whole request body, read from an ASGI receive (hand it on with a replaying receive)."""
    body, more = b"", True
    while more:
        message = await receive()
        body, more = body + message.get("body", b""), message.get("more_body", False)
    return body


def set_request_header(scope: Scope, name: str, value: str) -> None:
    headers = [(k, v) for k, v in scope.get("headers", []) if k.decode().lower() != name.lower()]
    headers.append((name.lower().encode(), value.encode()))
    scope["headers"] = headers


def chain(*wrappers: Callable[[ASGIApp], ASGIApp]) -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        for wrapper in reversed(wrappers):
            app = wrapper(app)
        return app

    return wrap
