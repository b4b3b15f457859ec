"""Faults of ListFootprints pagination: page size, Link header form, traversal, link behaviour.

The reference host pages with `?limit=N&offset=M`; a request carrying `offset`
is therefore a call of a pagination link, which is where most faults bite.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.responses import JSONResponse

from tests.faults.middleware import HttpReply, Scope, chain, rewrite_request, rewrite_response, route, set_request_header
from tests.faults.model import Fault

LIST = route("GET", r"/[23]/footprints")
# Filter cases that walk a filtered list page by page break with the pagination they rely on.
FILTERED_WALKS = frozenset({"FILT-PAGINATION-RETAINED"})


def _params(scope: Scope) -> dict[str, str]:
    return dict(parse_qsl(scope.get("query_string", b"").decode()))


def _is_link(scope: Scope) -> bool:
    """A pagination-link call: ListFootprints with the reference host's `offset`."""
    return LIST(scope) and "offset" in _params(scope)


def _move_offset(scope: Scope, by: Callable[[dict[str, str]], int]) -> None:
    params = _params(scope)
    params["offset"] = str(max(0, int(params["offset"]) + by(params)))
    scope["query_string"] = urlencode(params).encode()


def _page_size_plus_one(scope: Scope) -> None:
    params = _params(scope)
    params["limit"] = str(int(params["limit"]) + 1)
    scope["query_string"] = urlencode(params).encode()


def _without_link(reply: HttpReply) -> None:
    reply.set_header("link", None)


def _without_link_on_later_pages(reply: HttpReply) -> None:
    if "offset=" in reply.query:
        reply.set_header("link", None)


def _rewrite_link(pattern: str, replacement: str) -> Callable[[HttpReply], None]:
    def mutate(reply: HttpReply) -> None:
        link = reply.header("link")
        if link:
            reply.set_header("link", re.sub(pattern, replacement, link))

    return mutate


def _last_page_links_to_itself(reply: HttpReply) -> None:
    if reply.status == 200 and "offset=" in reply.query and reply.header("link") is None:
        reply.set_header("link", f'<https://{reply.request_headers["host"]}{reply.path}?{reply.query}>; rel="next"')


def _fresh_link_to_itself(reply: HttpReply) -> None:
    """A page reached through a link links to itself again under a fresh URL, so no link ever repeats."""
    if reply.status == 200 and "offset=" in reply.query:
        query = re.sub(r"&nonce=[0-9a-f]*", "", reply.query)
        reply.set_header("link", f'<https://{reply.request_headers["host"]}{reply.path}?{query}&nonce={uuid.uuid4().hex}>; '
                                 'rel="next"')


def _server_error_for_bad_limit(reply: HttpReply) -> None:
    limit = dict(parse_qsl(reply.query)).get("limit", "0")
    if not limit.lstrip("-").isdigit():
        reply.status = 500
        reply.set_json({"code": "InternalError", "message": "invalid literal for int()"})


def _consuming_cursor(app: Any) -> Any:
    """Calling the same link twice in a row returns the page after it, as a cursor that advances on read."""
    last = {"query": ""}

    def mutate(scope: Scope) -> None:
        query = scope.get("query_string", b"").decode()
        if query == last["query"] and _is_link(scope):
            _move_offset(scope, lambda params: int(params["limit"]))
        last["query"] = query

    return rewrite_request(LIST, mutate)(app)


def _links_without_auth(app: Any) -> Any:
    """Link calls are served with the last accepted token, whatever the caller sent (session-bound cursors)."""
    accepted: dict[str, str] = {}

    def remember(reply: HttpReply) -> None:
        if reply.status == 200 and "authorization" in reply.request_headers:
            accepted["authorization"] = reply.request_headers["authorization"]

    def inject(scope: Scope) -> None:
        if _is_link(scope) and "authorization" in accepted:
            set_request_header(scope, "authorization", accepted["authorization"])

    return chain(rewrite_request(LIST, inject), rewrite_response(LIST, remember))(app)



LINK_LIFETIME_S = 1.0


def _expiring_links(scope_app: Any) -> Any:
    """Links carry their issue time; one older than LINK_LIFETIME_S answers 400 (PAGE-11 asks for 180 s)."""

    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        issued = _params(scope).get("issued") if LIST(scope) else None
        if issued is not None and time.monotonic() - float(issued) > LINK_LIFETIME_S:
            await JSONResponse({"code": "BadRequest", "message": "pagination link expired"},
                               status_code=400)(scope, receive, send)
            return

        async def stamp(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                suffix = f'&issued={time.monotonic()}>; rel="next"'.encode()
                message = {**message, "headers": [
                    (k, v.replace(b'>; rel="next"', suffix) if k.lower() == b"link" else v)
                    for k, v in message.get("headers", [])]}
            await send(message)

        await scope_app(scope, receive, stamp)

    return wrapped

FAULTS = [
    Fault(
        "page-no-link-header",
        "ListFootprints honours limit but never sends a Link header (PAGE-01, PAGE-04)",
        kills=frozenset({"PAGE-LINK", "PAGE-COMPLETE"}),
        collateral=FILTERED_WALKS,
        wrap=rewrite_response(LIST, _without_link),
    ),
    Fault(
        "page-link-missing-on-later-pages",
        "only the first page carries Link rel=next; later pages drop it while more remain (PAGE-04, PAGE-10)",
        kills=frozenset({"PAGE-COMPLETE"}),
        collateral=FILTERED_WALKS,
        wrap=rewrite_response(LIST, _without_link_on_later_pages),
    ),
    Fault(
        "page-exceeds-limit",
        "pages reached through a link hold limit+1 footprints (PAGE-02)",
        kills=frozenset({"PAGE-LIMIT-HONOURED"}),
        wrap=rewrite_request(_is_link, _page_size_plus_one),
    ),
    Fault(
        "page-link-relative",
        "the Link target is a relative URL (PAGE-06)",
        kills=frozenset({"PAGE-NEXT-ABSOLUTE", "PAGE-LINK"}),
        collateral=frozenset({"PAGE-COMPLETE"}) | FILTERED_WALKS,  # the walker does not follow relative links
        wrap=rewrite_response(LIST, _rewrite_link(r"<https?://[^/>]+", "<")),
    ),
    Fault(
        "page-link-other-host",
        "the Link target names another host than the request (PAGE-07)",
        kills=frozenset({"PAGE-NEXT-SAME-HOST", "PAGE-LINK"}),
        collateral=frozenset({"PAGE-COMPLETE"}) | FILTERED_WALKS,  # credentials are never sent to the other host
        wrap=rewrite_response(LIST, _rewrite_link(r"//[^/:>]+", "//other-host.example")),
    ),
    Fault(
        "page-link-cycle",
        "the last page links to itself, so a traversal never ends (PAGE-10)",
        kills=frozenset({"PAGE-TERMINATES"}),
        wrap=rewrite_response(LIST, _last_page_links_to_itself),
    ),
    Fault(
        "page-fresh-link-forever",
        "every linked page links to itself again under a new URL: the same page without end (PAGE-10)",
        kills=frozenset({"PAGE-TERMINATES", "PAGE-COMPLETE"}),
        collateral=frozenset({"PAGE-NO-DUPLICATES"}) | FILTERED_WALKS,
        wrap=rewrite_response(LIST, _fresh_link_to_itself),
    ),
    Fault(
        "page-repeats-footprint",
        "every linked page starts one footprint early, repeating the previous page's last one (PAGE-10, DM-38)",
        kills=frozenset({"PAGE-NO-DUPLICATES"}),
        collateral=FILTERED_WALKS,  # with limit=1 the first link repeats itself
        wrap=rewrite_request(_is_link, lambda scope: _move_offset(scope, lambda params: -1)),
    ),
    Fault(
        "page-drops-footprint",
        "every linked page starts one footprint late, so one footprint per page is never listed (PAGE-10)",
        kills=frozenset({"PAGE-COMPLETE"}),
        collateral=FILTERED_WALKS,
        wrap=rewrite_request(_is_link, lambda scope: _move_offset(scope, lambda params: 1)),
    ),
    Fault(
        "page-link-not-repeatable",
        "a pagination link called again returns the following page (PAGE-09: v2 MUST, v3 optional)",
        kills=frozenset({"PAGE-LINK-REPEATABLE"}),
        wrap=_consuming_cursor,
    ),
    Fault(
        "page-link-without-auth",
        "pagination links are served without checking the caller's token (PAGE-12)",
        kills=frozenset({"PAGE-LINK-REQUIRES-AUTH"}),
        collateral=frozenset({"FUZZ-AUTH-REQUIRED"}),  # the fuzzer's auth probes include the pagination link
        wrap=_links_without_auth,
    ),
    Fault(
        "page-bad-limit-server-error",
        "a non-numeric limit makes ListFootprints fail with HTTP 500 (PAGE-15, optional)",
        kills=frozenset({"PAGE-LIMIT-INVALID"}),
        collateral=frozenset({"FUZZ-NO-SERVER-ERROR"}),  # the fuzzer sends non-numeric limits too
        wrap=rewrite_response(LIST, _server_error_for_bad_limit),
    ),
    Fault(
        "pagination-link-expires-after-1s",
        "pagination links stop working 1 s after they were issued (PAGE-11: at least 180 s)",
        kills=frozenset({"PAGE-LINK-LASTS"}),
        wrap=_expiring_links,
        options={"link_wait_s": 2.5},
    ),
]
