"""HTTP client for an untrusted target.

Every request has explicit timeouts and an overall deadline, bodies are read
as a stream and capped, redirects are never followed (so credentials never
travel to another origin), and every exchange lands in the current evidence
log, redacted. Transport problems raise TargetError, which a case reports as a
failure with the reason, never as a crash.
"""

from __future__ import annotations

import base64
import hashlib
import json
import ssl
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import httpx

from conformance.content_coding import ACCEPTED, BoundedDecoder, CodingRefused, Exceeded, parse_codings
from conformance.deadline import socket_deadline
from conformance.deadline import transport as deadline_transport
from conformance.evidence import HEADER_CHARS, NOTE_CHARS, EvidenceLog, Exchange, SecretBook, excerpt
from conformance.sanitize import NOTE as UNSAFE_NOTE
from conformance.sanitize import clean, clean_json

MAX_JSON_DEPTH = 200
# After this many consecutive requests without a complete answer (timeouts, bodies that never end)
# an origin or resource counts as not answering for RETRY_AFTER_S: a silent target then costs a few
# timeouts, not one per request of every case.
SILENT_AFTER_TIMEOUTS = 3
RETRY_AFTER_S = 30.0
HEAD_BYTES = 64 * 1024  # what is kept of a body that exceeds the size cap
MAX_WALK_BYTES = 16 * 1024 * 1024  # page bodies one pagination walk reads (its footprints are held while it runs)


TLS_UNTRUSTED = "TLS certificate not trusted"  # the start of the one line a certificate verify failure gives


class TargetError(Exception):
    """The target could not be talked to (timeout, refused, TLS, oversized or endless body)."""


class BadBody(Exception):
    """The target answered, but the body is not what JSON parsing needs."""


class UnusableData(Exception):
    """Data from the target cannot be sent back in a request (a 3 MB id, a non-ASCII token): its fault."""


@dataclass
class Response:
    """A fully read (possibly truncated) response."""

    status: int
    headers: httpx.Headers
    body: bytes
    truncated: bool
    url: str
    exchange: Exchange

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def json(self) -> Any:
        """Parse the body as JSON; BadBody with a reason a vendor understands otherwise."""
        if self.truncated:
            raise BadBody("response body exceeds the size cap or was cut off; it is not parsed")
        try:
            text = self.body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadBody(f"response body is not valid UTF-8 (byte {exc.start})") from None
        try:
            value = json.loads(text)
        except RecursionError:
            raise BadBody("response body JSON is nested too deeply to process") from None
        except json.JSONDecodeError as exc:
            raise BadBody(f"response body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
        except ValueError as exc:  # e.g. an integer of more than 4300 digits
            raise BadBody(f"response body JSON holds a value the harness cannot process: {exc}") from None
        if _depth_exceeds(value, MAX_JSON_DEPTH):
            raise BadBody(f"response body JSON is nested deeper than {MAX_JSON_DEPTH} levels")
        value, replaced = clean_json(value)
        if replaced and UNSAFE_NOTE not in (self.exchange.note or ""):
            self.exchange.note = f"{self.exchange.note}; {UNSAFE_NOTE}" if self.exchange.note else UNSAFE_NOTE
        return value

    @property
    def links(self) -> dict[str, str]:
        """RFC 8288 Link header by relation type, parsed by httpx.

        Relation types are case-insensitive and a rel may name several, space-separated
        (rel="next last"); the first link of each type wins.
        """
        found: dict[str, str] = {}
        for header in self.headers.get_list("link"):
            for link in httpx.Response(self.status, headers={"link": header}).links.values():
                for rel in str(link.get("rel", "")).lower().split():
                    found.setdefault(rel, str(link.get("url", "")))
        return found


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False


def _head(chunks: list[bytes], last: bytes = b"") -> bytes:
    """The first HEAD_BYTES of a body that will not be kept whole (enough for evidence)."""
    head = bytearray()
    for chunk in [*chunks, last]:
        head += chunk[: HEAD_BYTES - len(head)]
        if len(head) >= HEAD_BYTES:
            break
    return bytes(head)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class _Body(NamedTuple):
    data: bytes
    truncated: bool = False
    error: str | None = None
    unfinished: bool = False  # the target never finished the body in time (counts towards "not answering")


class _NotAnswering:
    """Consecutive requests without a complete answer, per origin, per path and per resource (path and query).

    Any answer resets its origin's streak, but an answer on one path never resets another path's: a host
    that answers its token endpoint but drips every listing (whatever the query) is found not answering
    on the listing's path.

    After SILENT_AFTER_TIMEOUTS in a row the key is blocked for RETRY_AFTER_S: a silent or endlessly
    streaming target costs a few timeouts, not one per request of every case. After that one request
    goes through again, so a target that recovers (a restart, a cold start) is heard again.
    """

    def __init__(self) -> None:
        self._streak: dict[str, int] = {}
        self._last: dict[str, float] = {}

    def blocked(self, key: str) -> bool:
        return (self._streak.get(key, 0) >= SILENT_AFTER_TIMEOUTS
                and time.monotonic() - self._last.get(key, 0.0) < RETRY_AFTER_S)

    def record(self, key: str, *, unanswered: bool) -> None:
        self._streak[key] = self._streak.get(key, 0) + 1 if unanswered else 0
        self._last[key] = time.monotonic()


def basic_credentials(client_id: str, client_secret: str) -> str:
    """HTTP Basic header value (RFC 7617) as PACT's Authenticate action asks for."""
    return "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()


def same_origin(a: str, b: str) -> bool:
    """Scheme, host and port equal (default ports filled in)."""
    pa, pb = urlsplit(a), urlsplit(b)
    defaults = {"https": 443, "http": 80}
    return (
        pa.scheme == pb.scheme
        and (pa.hostname or "").lower() == (pb.hostname or "").lower()
        and (pa.port or defaults.get(pa.scheme)) == (pb.port or defaults.get(pb.scheme))
    )


class PactClient:
    """Talks to the target. One instance per run; evidence goes to `evidence()`."""

    def __init__(
        self,
        *,
        secrets: SecretBook,
        verify: ssl.SSLContext | bool,
        timeout_s: float,
        max_body_bytes: int,
        evidence: Callable[[], EvidenceLog],
    ) -> None:
        self.secrets = secrets
        self.timeout_s = timeout_s
        self.max_body_bytes = max_body_bytes
        self._evidence = evidence
        self._silent = _NotAnswering()
        self._http = httpx.Client(
            transport=deadline_transport(verify),
            timeout=httpx.Timeout(timeout_s),
            follow_redirects=False,
            trust_env=False,  # never route through proxies from the environment
            headers={"User-Agent": "pact-gxd-conformance", "Accept-Encoding": ACCEPTED},
        )

    def close(self) -> None:
        self._http.close()

    def note(self, text: str) -> None:
        """A note in the current case's evidence (cleaned, redacted, cut there)."""
        self._evidence().note(text)

    def request(
        self,
        method: str,
        url: str,
        *,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | list[tuple[str, str]] | None = None,
        data: Mapping[str, str] | None = None,
        content: bytes | str | None = None,
        json_body: Any = None,
        auth: tuple[str, str] | None = None,
        note: str | None = None,
    ) -> Response:
        """Send one request and read the answer within the deadline and size cap."""
        send_headers = dict(headers or {})
        if token is not None:
            send_headers["Authorization"] = f"Bearer {token}"
        if json_body is not None:
            content = json.dumps(json_body)
            send_headers.setdefault("Content-Type", "application/json")
        try:
            request = self._http.build_request(
                method, url, headers=send_headers, params=params, data=data, content=content,
            )
            if auth is not None:
                request.headers["Authorization"] = basic_credentials(*auth)
        except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
            raise UnusableData(self._unusable(url, exc)) from None
        exchange = self._record_request(request, note)
        started = time.monotonic()
        deadline = started + self.timeout_s * 3
        origin = _origin(str(request.url))
        parts = urlsplit(str(request.url))
        path = origin + parts.path
        resource = path + (f"?{parts.query}" if parts.query else "")
        if self._silent.blocked(origin):
            return self._fail(exchange, started, (
                f"not sent: the last {SILENT_AFTER_TIMEOUTS} requests to {origin} got no complete answer within the "
                f"timeout ({self.timeout_s:g} s); the target is treated as not answering for {RETRY_AFTER_S:g} s"))
        if self._silent.blocked(path):
            return self._fail(exchange, started, (
                f"not sent: the last {SILENT_AFTER_TIMEOUTS} requests to {path} got no complete answer within the "
                f"timeout ({self.timeout_s:g} s); it is treated as not answering for {RETRY_AFTER_S:g} s"))
        if self._silent.blocked(resource):
            return self._fail(exchange, started, (
                f"not sent: the last {SILENT_AFTER_TIMEOUTS} responses from {resource} never finished within "
                f"{self.timeout_s * 3:g} s; it is treated as not answering for {RETRY_AFTER_S:g} s"))
        try:
            with socket_deadline(deadline):  # headers trickled a byte at a time still end by the deadline
                response = self._http.send(request, stream=True)
        except httpx.TimeoutException:
            for key in (origin, path, resource):
                self._silent.record(key, unanswered=True)
            if time.monotonic() < deadline:
                return self._fail(exchange, started, f"no response within {self.timeout_s:g} s (timeout)")
            return self._fail(exchange, started, f"response headers still incomplete after {self.timeout_s * 3:g} s; "
                                                 "reading stopped")
        except httpx.HTTPError as exc:
            return self._fail(exchange, started, _describe_transport_error(exc))
        try:
            with socket_deadline(deadline):
                body = self._read_capped(response, deadline)
        finally:
            response.close()
        for key in (origin, path, resource):
            self._silent.record(key, unanswered=body.unfinished)
        self._record_response(exchange, response, body.data, body.truncated, started, body.error)
        if body.error:
            raise TargetError(exchange.error)
        return Response(response.status_code, response.headers, body.data, body.truncated, str(request.url), exchange)

    def _unusable(self, url: str, exc: Exception) -> str:
        """Why a request built from the target's data cannot be sent (never the data itself in full)."""
        shown, _ = self.secrets.excerpt(clean(url), 200)
        return (f"the target's data cannot be used in a request ({type(exc).__name__}: "
                f"{self.secrets.excerpt(clean(str(exc)), 300)[0]}); request to {shown}"
                f"{f' ({len(url)} characters)' if len(url) > 200 else ''} not sent")

    def _read_capped(self, response: httpx.Response, deadline: float) -> _Body:
        """The body if it fits in max_body_bytes; else only its head, marked truncated.

        A truncated body is never parsed nor joined: an oversized answer costs at most the cap
        while it is read, and only its head is kept. Content codings are undone layer by layer
        under the same cap (see content_coding), never by httpx in one unbounded step.
        """
        chunks: list[bytes] = []
        try:
            decoder = BoundedDecoder(parse_codings(response.headers.get("content-encoding")), self.max_body_bytes)
        except CodingRefused as exc:
            return _Body(b"", truncated=True, error=str(exc))
        try:
            for raw in response.iter_raw():
                try:
                    for chunk in decoder.feed(raw):
                        chunks.append(chunk)
                except Exceeded as exc:
                    truncated = _Body(_head(chunks), truncated=True)
                    return truncated if "size cap" in str(exc) else truncated._replace(error=str(exc))
                except zlib.error as exc:
                    return _Body(_head(chunks), truncated=True,
                                 error=f"response body is not valid {response.headers.get('content-encoding')}: {exc}")
                if time.monotonic() > deadline:
                    return _Body(_head(chunks), truncated=True, unfinished=True, error=(
                        f"response body still streaming after {self.timeout_s * 3:g} s; reading stopped"))
        except httpx.TimeoutException:
            if time.monotonic() < deadline:
                return _Body(_head(chunks), truncated=True, unfinished=True,
                             error=f"response body stalled for more than {self.timeout_s:g} s (timeout)")
            return _Body(_head(chunks), truncated=True, unfinished=True, error=(
                f"response body still streaming after {self.timeout_s * 3:g} s; reading stopped"))
        except httpx.HTTPError as exc:
            return _Body(_head(chunks), truncated=True,
                         error=f"response body broken off: {_describe_transport_error(exc)}")
        return _Body(b"".join(chunks))

    def _record_request(self, request: httpx.Request, note: str | None) -> Exchange:
        body = excerpt(request.content, self.secrets)[0] if request.content else None
        headers = self._shown_headers(request.headers)
        for quiet in ("user-agent", "accept-encoding", "connection", "host"):
            headers.pop(quiet, None)
        url, _ = excerpt(str(request.url), self.secrets, HEADER_CHARS)
        exchange = Exchange(request.method, url or "", headers, body, note=note)
        return self._evidence().record(exchange)

    def _shown_headers(self, headers: httpx.Headers) -> dict[str, str]:
        """Headers as evidence: cleaned, redacted, and a long value shown by its head."""
        return {clean(k): self.secrets.redact_header(k, clean(v), HEADER_CHARS) for k, v in headers.items()}

    def _record_response(self, exchange: Exchange, response: httpx.Response, body: bytes,
                         truncated: bool, started: float, error: str | None) -> None:
        exchange.status = response.status_code
        exchange.response_headers = self._shown_headers(response.headers)
        self.show_body(exchange, body, truncated)
        exchange.duration_s = time.monotonic() - started
        exchange.error = self._shown(error) if error else None

    def show_body(self, exchange: Exchange, body: bytes, truncated: bool = False) -> None:
        """(Re)write a response body's excerpt, e.g. after a secret in it was registered."""
        text, cut = excerpt(body, self.secrets)
        exchange.response_body = text or ""
        exchange.body_truncated = truncated or cut

    def _shown(self, reason: str) -> str:
        shown, cut = self.secrets.excerpt(clean(reason), NOTE_CHARS)
        return shown + (" …" if cut else "")

    def _fail(self, exchange: Exchange, started: float, reason: str) -> Response:
        exchange.error = self._shown(reason)
        exchange.duration_s = time.monotonic() - started
        raise TargetError(exchange.error)


def _describe_transport_error(exc: httpx.HTTPError) -> str:
    """One line naming the transport problem, TLS problems spelled out."""
    text = str(exc) or exc.__class__.__name__
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        detail = text.split("certificate verify failed:")[-1].strip(" )") if "certificate verify failed:" in text else text
        return f"TLS certificate not trusted ({detail}); pass --ca-cert for a private CA"  # starts with TLS_UNTRUSTED
    if "WRONG_VERSION_NUMBER" in text or "wrong version number" in text:
        return "TLS handshake failed: the server did not answer with TLS"
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed: {text}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"protocol error from target: {text}"
    return f"{exc.__class__.__name__}: {text}"


class _Progress:
    """Whether a traversal still brings new footprints (by id and version), counted in fixed-size digests.

    A host that answers every link with the same footprints and a fresh link never ends; it is stopped
    once more footprints were seen twice than once, or two pages in a row brought nothing new.
    """

    STALE_PAGES = 2

    def __init__(self) -> None:
        self._seen: set[bytes] = set()
        self.repeats = 0
        self._stale = 0

    def add(self, data: list[Any]) -> None:
        before = len(self._seen)
        for item in data:
            identity = [item.get("id"), item.get("version")] if isinstance(item, dict) and "id" in item else item
            digest = hashlib.blake2b(json.dumps(identity, sort_keys=True, default=str).encode(), digest_size=16).digest()
            if digest in self._seen:
                self.repeats += 1
            else:
                self._seen.add(digest)
        self._stale = self._stale + 1 if len(self._seen) == before else 0

    def stalled(self) -> bool:
        return self.repeats > len(self._seen) or self._stale >= self.STALE_PAGES

    def describe(self) -> str:
        return (f"{self.repeats} footprint(s) listed again against {len(self._seen)} distinct, the last "
                f"{self._stale} page(s) brought no new footprint")


@dataclass
class Page:
    """One page of a ListFootprints traversal."""

    number: int
    response: Response
    data: list[Any]
    next_url: str | None


def iter_pages(
    client: PactClient,
    first_url: str,
    token: str,
    *,
    params: Mapping[str, Any] | list[tuple[str, str]] | None = None,
    max_pages: int,
    on_stop: Callable[[str], None],
) -> Iterator[Page]:
    """Follow rel="next" links with a loop guard.

    Stops (calling on_stop with the reason) on: a repeated link (cycle), pages that
    repeat footprints already listed instead of new ones (a fresh link to the same
    page each time), a link to another origin (credentials are never sent there),
    more than max_pages pages or MAX_WALK_BYTES of them, or a page that is not a
    JSON object with a `data` array.
    """
    url: str | None = first_url
    seen: set[str] = set()
    progress = _Progress()
    number = 0
    held = 0  # body bytes of the pages so far: the caller holds their footprints
    while url is not None:
        number += 1
        if number > max_pages:
            on_stop(f"pagination stopped after {max_pages} pages (loop guard)")
            return
        if held > MAX_WALK_BYTES:
            on_stop(f"pagination stopped after {number - 1} pages: they hold {held // 1024} KiB, more than a walk "
                    f"keeps ({MAX_WALK_BYTES // 1024} KiB, memory guard)")
            return
        response = client.request("GET", url, token=token, params=params if number == 1 else None)
        held += len(response.body)
        seen.add(response.url)
        body = response.json() if response.status in (200, 202) else None
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list):
            yield Page(number, response, [], None)
            return
        next_url = response.links.get("next")
        progress.add(data)
        if next_url is not None:
            shown = client.secrets.excerpt(clean(next_url), 200)[0]  # redacted, then cut
            if next_url in seen:
                on_stop(f"pagination link repeats an earlier page ({shown}): cycle stopped")
                next_url = None
            elif progress.stalled():
                on_stop(f"pagination makes no progress after {number} pages: {progress.describe()}; "
                        f"the link of page {number} was not followed")
                next_url = None
            elif not same_origin(next_url, first_url):
                on_stop(f"pagination link leaves the target's origin ({shown}); not followed with credentials")
                next_url = None
        yield Page(number, response, data, next_url)
        url = next_url
