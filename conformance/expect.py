"""Assertion helpers for cases: each failure names the requirement that broke.

Cases call these instead of bare asserts so the report can say which
requirement failed and show the exchange that proves it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

from conformance.client import BadBody, Response


class CaseFailure(AssertionError):
    """A conformance failure: message for the vendor plus the requirement ids it violates."""

    def __init__(self, message: str, requirements: Collection[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.requirements = list(requirements)


def fail(message: str, req: str | Collection[str] = ()) -> None:
    raise CaseFailure(message, [req] if isinstance(req, str) else req)


def expect(condition: bool, message: str, req: str | Collection[str] = ()) -> None:
    if not condition:
        fail(message, req)


def expect_status(response: Response, allowed: Collection[int], req: str | Collection[str] = ()) -> None:
    """Status must be one of `allowed`; the spec often allows several (e.g. 400 or 401)."""
    if response.status not in allowed:
        wanted = " or ".join(str(s) for s in sorted(allowed))
        fail(f"{response.exchange.method} {_path(response)} answered HTTP {response.status}, expected {wanted}", req)


def expect_json(response: Response, req: str | Collection[str] = ()) -> Any:
    """The body parsed as JSON, or a failure saying why it is not."""
    try:
        return response.json()
    except BadBody as exc:
        fail(f"{response.exchange.method} {_path(response)}: {exc}", req)


def expect_json_content_type(response: Response, req: str | Collection[str] = ()) -> None:
    media = response.content_type.split(";", 1)[0].strip().lower()
    if media != "application/json":
        fail(f"{_path(response)}: Content-Type is {response.content_type or 'missing'!r}, expected application/json", req)


def expect_data_object(response: Response, kind: type, req: str | Collection[str] = ()) -> Any:
    """JSON body must be an object whose `data` member has type `kind` (list or dict)."""
    body = expect_json(response, req)
    if not isinstance(body, dict):
        fail(f"{_path(response)}: body is not a JSON object", req)
    if "data" not in body:
        fail(f"{_path(response)}: body has no `data` member", req)
    data = body["data"]
    if not isinstance(data, kind):
        fail(f"{_path(response)}: `data` is {type(data).__name__}, expected {'array' if kind is list else 'object'}", req)
    return data


def _path(response: Response) -> str:
    """Path and query of the request, enough to identify it in a message."""
    parts = urlsplit(response.url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
