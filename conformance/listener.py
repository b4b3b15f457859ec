"""The harness's own small events host, where the target delivers its asynchronous answers.

PACT hosts answer a request event by authenticating at the requester (OIDC
discovery, then the token endpoint) and POSTing a CloudEvent to `source` or
{source}/{V}/events (catalogue §1.6, AUTH-R1..R4, EVT-24/26/30/31/40). This
module plays that requester: it serves /.well-known/openid-configuration,
/auth/token and the events endpoint (any POST path, so a callback to the bare
`source` is recorded too, A-27), records every request it receives with
secrets redacted, and lets a case wait, bounded, for the event that answers
one request. A waiting case wakes the moment the event arrives.

Where it listens: for the embedded reference host, on loopback over TLS with
the run CA's certificate; for an external target, on --listen over HTTPS (the
user's --listen-cert/--listen-key, or a certificate of a CA kept across runs
whose file is printed for the target to trust), plain HTTP only with
--listen-plain behind a TLS-terminating --callback-url (docs/divergences/events.md).
It accepts answers at `source` and at {source}/{V}/events (A-27), and tokens for
our callback pair and the official tool's, unless --callback-client-id names one.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from conformance.config import RunOptions
from conformance import heartbeat
from conformance.evidence import HEADER_CHARS, Exchange, SecretBook, excerpt
from conformance.reference.events import DEMO_CALLBACK_CLIENT_ID, DEMO_CALLBACK_CLIENT_SECRET
from conformance.reference.server import ServerError, ThreadedServer
from conformance.reference.tls import RunCA, ServerCertificate, kept_ca
from conformance.sanitize import clean, clean_json
from conformance.session import TargetSession
from conformance.versions import VersionInfo

# Well-known credential pairs, as PACT's official tool has one: runs are unattended, so a per-run
# secret could not be configured in the target in time. By default the events host accepts ours and
# the official tool's documented pair (wbcsd/pact-conformance-service docs/FAQ.md), so a host built
# against either tool calls back unattended; --callback-client-id replaces both.
CALLBACK_CLIENT_ID = DEMO_CALLBACK_CLIENT_ID
CALLBACK_CLIENT_SECRET = DEMO_CALLBACK_CLIENT_SECRET
OFFICIAL_TOOL_CLIENT_ID = "test_client_id"
OFFICIAL_TOOL_CLIENT_SECRET = "test_client_secret"
DEFAULT_CALLBACK_CREDENTIALS: tuple[tuple[str, str], ...] = (
    (CALLBACK_CLIENT_ID, CALLBACK_CLIENT_SECRET), (OFFICIAL_TOOL_CLIENT_ID, OFFICIAL_TOOL_CLIENT_SECRET))
DEFAULT_LISTEN = "127.0.0.1:8080"
# Where request events point when no callback can reach the harness (RFC 2606: never resolves).
PLACEHOLDER_SOURCE = "https://callback.invalid/pact-conformance"
TOKEN_LIFETIME_S = 3600
# Bounds per run, so a target flooding the events host costs little: a run receives a handful of events.
MAX_EVENT_BYTES = 1024 * 1024  # one request body
MAX_TOKEN_REQUEST_BYTES = 4096  # grant_type=client_credentials needs a few bytes
MAX_EVENTS = 200  # authenticated events accepted per run
MAX_EVENT_BYTES_PER_RUN = 8 * 1024 * 1024  # their bodies together
MAX_TOKENS = 20  # tokens issued per run; later token requests are answered 429
MAX_RECORDS = 1000  # requests kept for the cases (refusals included); later ones are answered, not kept
RETRY_AFTER = "60"
_QUIET_HEADERS = {"host", "user-agent", "accept-encoding", "connection", "content-length"}


@dataclass(frozen=True)
class Incoming:
    """One request the target sent to the harness, already redacted, with the harness's answer."""

    method: str
    path: str
    headers: dict[str, str]
    body_text: str | None
    event: Any  # the parsed JSON body, None when the body is not JSON
    bearer: str  # "valid", "expired", "invalid" or "missing" bearer token
    status: int
    answer: str  # the harness's answer in words, e.g. "token refused: unknown client credentials"
    received_at: float  # time.monotonic()

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def data(self) -> dict[str, Any]:
        """The event's `data` object; {} when the body has none."""
        data = self.event.get("data") if isinstance(self.event, dict) else None
        return data if isinstance(data, dict) else {}

    @property
    def request_event_id(self) -> str | None:
        """data.requestEventId of a response event, if the body is one."""
        value = self.data.get("requestEventId")
        return value if isinstance(value, str) else None

    def exchange(self, origin: str) -> Exchange:
        """The request as report evidence: the target was the client, the harness answered."""
        return Exchange(self.method, origin + self.path, self.headers, self.body_text, status=self.status,
                        note=f"received by the harness's events host: {self.answer}")

    def summary(self) -> str:
        # Not cut here: whoever shows the summary redacts it first, then cuts (EvidenceLog.note, case messages).
        answering = f" answering {self.request_event_id}" if self.request_event_id is not None else ""
        return f"{self.method} {self.path}{answering} → {self.status} ({self.answer})"


class Listener:
    """A running events host. Thread-safe: the server thread records, case threads wait."""

    def __init__(self, *, secrets_book: SecretBook, tls: RunCA | ServerCertificate | None, bind: tuple[str, int] = ("127.0.0.1", 0),
                 public_url: str | None = None,
                 credentials: Sequence[tuple[str, str]] = DEFAULT_CALLBACK_CREDENTIALS,
                 max_body_bytes: int = MAX_EVENT_BYTES, progress: Callable[[str], None] | None = None) -> None:
        self._credentials = tuple(credentials)
        self._secrets = secrets_book
        for client_id, client_secret in self._credentials:
            self._secrets.add_client(client_id, client_secret, "callback-secret")
        self._max_body_bytes = max_body_bytes
        self._progress = progress
        self._tokens: dict[str, float] = {}
        self._records: list[Incoming] = []
        self._events = 0
        self._event_bytes = 0
        self.not_kept = 0  # requests answered after MAX_RECORDS were kept
        self._arrived = threading.Condition()
        app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])])
        self._server = ThreadedServer(app, tls=tls, host=bind[0], port=bind[1])
        self.url = (public_url or self._server.url).rstrip("/")
        parts = urlsplit(self.url)
        self.origin = f"{parts.scheme}://{parts.netloc}"  # received paths are absolute, even behind a proxy
        self._source_path = parts.path.rstrip("/")
        self.bound = f"{self._server.host}:{self._server.port}"

    def start(self) -> Listener:
        self._server.start()
        return self

    def close(self) -> None:
        self._server.stop()

    def __enter__(self) -> Listener:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # What arrived.
    def received(self) -> list[Incoming]:
        with self._arrived:
            return list(self._records)

    def responses_to(self, request_event_id: str) -> list[Incoming]:
        """Every POST whose body answers the request event with this id, in arrival order."""
        return [r for r in self.received() if r.method == "POST" and r.request_event_id == request_event_id]

    def wait_for(self, match: Callable[[Incoming], bool], timeout_s: float, what: str) -> Incoming | None:
        """The first recorded request that matches, waiting at most timeout_s; returns as soon as it arrives."""
        started = time.monotonic()
        deadline = started + timeout_s
        next_progress = started + heartbeat.EVERY_S
        with self._arrived:
            while True:
                found = next((record for record in self._records if match(record)), None)
                now = time.monotonic()
                if found is not None or now >= deadline:
                    return found
                if now >= next_progress:
                    next_progress += heartbeat.EVERY_S
                    if self._progress is not None:
                        self._progress(heartbeat.line(what, now - started, timeout_s))
                self._arrived.wait(min(deadline, next_progress) - now)

    def destination(self, path: str, major: int) -> str | None:
        """Where an answer was POSTed (A-27): "source" for `source` verbatim, "events" for {source}/{V}/events.

        None for any other path. A TLS-terminating proxy may strip the public URL's path, so both are
        also recognised relative to the root.
        """
        path = path.rstrip("/")
        for prefix in dict.fromkeys((self._source_path, "")):
            if path == prefix:
                return "source"
            if path == f"{prefix}/{major}/events":
                return "events"
        return None

    def wait_for_response(self, request_event_id: str, timeout_s: float) -> Incoming | None:
        return self.wait_for(lambda r: r.method == "POST" and r.request_event_id == request_event_id, timeout_s,
                             f"callback (the answer to request event {request_event_id})")

    # The ASGI side.
    async def _handle(self, request: Request) -> Response:
        """Answer one request; a body is read only once the sender has shown it may send one, and capped."""
        path = request.url.path
        bearer = self._bearer(request.headers.get("authorization", ""))
        body = b""
        if path.endswith("/.well-known/openid-configuration") and request.method == "GET":
            response, answer = self._discovery(), "OpenID provider configuration served"
        elif path.endswith("/auth/token") and request.method == "POST":
            response, answer, body = await self._token(request)
        elif request.method == "POST" and bearer == "valid":
            response, answer, body = await self._event(request)
        elif request.method == "POST":  # refused before its body is read: an unauthenticated sender costs nothing
            response = Response(status_code=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
            answer = f"event refused: {bearer} bearer token (body not read)"
        else:
            response, answer = Response(status_code=404), "not found"
        self._record(request, body, bearer, response.status_code, answer)
        return response

    async def _event(self, request: Request) -> tuple[Response, str, bytes]:
        """An authenticated event, within the per-run bounds on count and bytes."""
        with self._arrived:
            exhausted = self._events >= MAX_EVENTS or self._event_bytes >= MAX_EVENT_BYTES_PER_RUN
            self._events += not exhausted
        if exhausted:
            return (Response(status_code=429, headers={"Retry-After": RETRY_AFTER}),
                    f"event refused: the run's bound of {MAX_EVENTS} events or {MAX_EVENT_BYTES_PER_RUN // 1024} KiB "
                    "is reached (body not read)", b"")
        body = await _read_capped(request, self._max_body_bytes)
        if body is None:
            return Response(status_code=413), f"event refused: body larger than {self._max_body_bytes} bytes", b""
        with self._arrived:
            self._event_bytes += len(body)
        return Response(status_code=200), "event accepted", body

    def _discovery(self) -> Response:
        return JSONResponse({
            "issuer": self.url,
            "token_endpoint": f"{self.url}/auth/token",
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "response_types_supported": ["token"],
            "subject_types_supported": ["public"],
        })

    async def _token(self, request: Request) -> tuple[Response, str, bytes]:
        """Client credentials with HTTP Basic only (AUTH-R3), RFC 6749 §5.2 errors otherwise.

        The credentials are checked before the body is read; at most MAX_TOKENS are issued per run.
        """
        credentials = _basic(request.headers.get("authorization", ""))
        if credentials is None:
            return _oauth_error(401, "invalid_client"), "token refused: no HTTP Basic client credentials", b""
        client_id, client_secret = credentials
        known = [secrets.compare_digest(client_id.encode(), known_id.encode())  # bytes: non-ASCII is no 500
                 and secrets.compare_digest(client_secret.encode(), known_secret.encode())
                 for known_id, known_secret in self._credentials]
        if not any(known):
            return _oauth_error(401, "invalid_client"), "token refused: unknown client credentials", b""
        body = await _read_capped(request, MAX_TOKEN_REQUEST_BYTES)
        if body is None:
            return (Response(status_code=413),
                    f"token refused: request body larger than {MAX_TOKEN_REQUEST_BYTES} bytes", b"")
        grant = dict(parse_qsl(body.decode("utf-8", errors="replace"))).get("grant_type")
        if grant != "client_credentials":
            return _oauth_error(400, "unsupported_grant_type"), f"token refused: grant_type {grant!r}", body
        token = secrets.token_urlsafe(32)
        with self._arrived:  # counted and issued at once, so concurrent requests cannot pass the bound together
            issued = len(self._tokens) < MAX_TOKENS
            if issued:
                self._tokens[token] = time.monotonic() + TOKEN_LIFETIME_S
        if not issued:
            return (JSONResponse({"error": "slow_down"}, status_code=429,
                                 headers={"Retry-After": RETRY_AFTER, "Cache-Control": "no-store"}),
                    f"token refused: the run's {MAX_TOKENS} tokens were issued already", body)
        self._secrets.add(token, "bearer-token")
        return (JSONResponse({"access_token": token, "token_type": "bearer", "expires_in": TOKEN_LIFETIME_S},
                             headers={"Cache-Control": "no-store"}), f"token issued to client {client_id!r}", body)

    def _bearer(self, header: str) -> str:
        if not header.lower().startswith("bearer "):
            return "missing"
        with self._arrived:
            expiry = self._tokens.get(header[7:].strip())
        if expiry is None:
            return "invalid"
        return "valid" if time.monotonic() < expiry else "expired"

    def _record(self, request: Request, body: bytes, bearer: str, status: int, answer: str) -> None:
        """Everything the target sent, cleaned and redacted before it is kept (the body redacted, then cut)."""
        with self._arrived:
            if len(self._records) >= MAX_RECORDS:
                self.not_kept += 1
                return
        text, _ = excerpt(body, self._secrets)
        headers = {clean(k): self._secrets.redact_header(k, clean(v), HEADER_CHARS)
                   for k, v in request.headers.items() if k not in _QUIET_HEADERS}
        path, _ = excerpt(request.url.path, self._secrets, HEADER_CHARS)
        record = Incoming(request.method, path or "/", headers, text or None,
                          _json_or_none(body), bearer, status, answer, time.monotonic())
        with self._arrived:
            self._records.append(record)
            self._arrived.notify_all()


async def _read_capped(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it exceeds `limit` (a hostile target cannot exhaust memory)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _basic(header: str) -> tuple[str, str] | None:
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, colon, client_secret = decoded.partition(":")
    return (client_id, client_secret) if colon else None


def _json_or_none(body: bytes) -> Any:
    """The parsed body with every string cleaned (lone surrogates, control characters), or None."""
    try:
        return clean_json(json.loads(body))[0]
    except (ValueError, RecursionError):
        return None


def _oauth_error(status: int, error: str) -> Response:
    headers = {"Cache-Control": "no-store"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="pact-conformance"'
    return JSONResponse({"error": error}, status_code=status, headers=headers)


# Setting the events host up for a run.
@dataclass
class Callback:
    """The run's events host, or why there is none (then callback cases are not run)."""

    listener: Listener | None
    reason: str = ""

    @property
    def source(self) -> str:
        """The `source` to put in request events: where the target is to answer."""
        return self.listener.url if self.listener is not None else PLACEHOLDER_SOURCE

    def close(self) -> None:
        if self.listener is not None:
            self.listener.close()


def open_callback(session: TargetSession, announce: Callable[[str], None]) -> Callback:
    """Start the events host the target can reach: loopback TLS for the embedded host, --listen otherwise."""
    target, options = session.target, session.options
    if target.embedded:
        tls = _loopback_tls(target.ca_cert)
        if tls is None:
            return Callback(None, "no callback can reach the harness: the embedded host's run CA has no loopback "
                                  "certificate for the harness's events host")
        bind, public, trust = ("127.0.0.1", 0), None, ""
    elif options.callback_url is None and options.listen is None:
        return Callback(None, "no callback can reach the harness: the target is external and neither --listen "
                              "(where the harness's events host listens, HTTPS) nor --callback-url (its public "
                              "https URL) was given")
    else:
        parsed = _host_port(options.listen or DEFAULT_LISTEN)
        if parsed is None:
            return Callback(None, "no callback can reach the harness: --listen must be HOST:PORT, "
                                  f"got {options.listen!r}")
        if options.callback_url is None and parsed[0] in _WILDCARDS:
            return Callback(None, f"no callback can reach the harness: --listen {options.listen} binds every "
                                  "interface, so give --callback-url, the https URL the target calls")
        tls, trust = _listen_tls(options, parsed[0])
        bind, public = parsed, options.callback_url
    credentials = _credentials(options)
    try:
        listener = Listener(secrets_book=session.secrets, tls=tls, bind=bind, public_url=public,
                            credentials=credentials, max_body_bytes=min(options.max_body_bytes, MAX_EVENT_BYTES),
                            progress=announce).start()
    except ServerError as exc:
        return Callback(None, f"no callback can reach the harness: its events host could not start ({exc})")
    if not target.embedded:
        ids = " or ".join(repr(client_id) for client_id, _ in credentials)
        secret = ("the secret in PACT_CALLBACK_CLIENT_SECRET" if options.callback_client_id
                  else "the secret given in the README (section Events)")
        announce(f"Events host for the target's callbacks: {listener.url} (listening on {listener.bound}, {trust}); "
                 f"the target authenticates there with client id {ids} and {secret}")
    return Callback(listener)


_WILDCARDS = frozenset({"0.0.0.0", "::", ""})


def _credentials(options: RunOptions) -> tuple[tuple[str, str], ...]:
    """--callback-client-id with PACT_CALLBACK_CLIENT_SECRET, else our pair and the official tool's."""
    if options.callback_client_id and options.callback_client_secret is not None:
        return ((options.callback_client_id, options.callback_client_secret.get_secret_value()),)
    return DEFAULT_CALLBACK_CREDENTIALS


def _listen_tls(options: RunOptions, host: str) -> tuple[ServerCertificate | RunCA | None, str]:
    """How --listen serves: HTTPS with the user's certificate, or one of a kept CA; plain only when asked."""
    if options.listen_plain:
        return None, "plain HTTP behind your TLS endpoint (--listen-plain)"
    if options.listen_cert is not None and options.listen_key is not None:
        return ServerCertificate(options.listen_cert, options.listen_key), f"HTTPS with {options.listen_cert}"
    names = [host, "127.0.0.1", "localhost"]
    if options.callback_url is not None:
        names.insert(0, urlsplit(options.callback_url).hostname or host)
    ca = kept_ca(listen_ca_dir(), tuple(name for name in names if name not in _WILDCARDS))
    return ca, f"HTTPS; the target must trust the CA file {ca.ca_pem}"


def listen_ca_dir() -> Path:
    """Where the events host's CA is kept across runs: $XDG_CACHE_HOME/pact-conformance/listen-tls."""
    from conformance.user_cache import cache_root

    return cache_root() / "listen-tls"


def _loopback_tls(ca_pem: Path | None) -> ServerCertificate | None:
    """The embedded host's loopback certificate, which its callback client trusts.

    make_run_ca writes it next to ca.pem; serving needs only the certificate and key files, not the CA object.
    """
    if ca_pem is None:
        return None
    cert, key = ca_pem.parent / "server.pem", ca_pem.parent / "server.key"
    if not (cert.is_file() and key.is_file()):
        return None
    return ServerCertificate(cert, key)


def _host_port(text: str) -> tuple[str, int] | None:
    host, colon, port = text.rpartition(":")
    if not colon or not host or not port.isdigit() or int(port) > 65535:
        return None
    return host.strip("[]"), int(port)


# What a valid received event looks like.
def event_problems(event: Any, version: VersionInfo, kind: str) -> list[str]:
    """Why a received event is not a valid CloudEvents 1.0 `kind` event of `version` (EVT-06); [] when valid.

    `time` is required in 3.0 only (A-28: absent from the v2 response syntax).
    """
    if not isinstance(event, dict):
        return ["the body is not a JSON object"]
    problems = []
    if event.get("specversion") != "1.0":
        problems.append(f"specversion is {_show(event.get('specversion'))}, expected \"1.0\"")
    for key in ("id", "source"):
        if not isinstance(event.get(key), str) or not event[key]:
            problems.append(f"{key} is {_show(event.get(key))}, expected a non-empty string")
    if event.get("type") != version.event_types[kind]:
        problems.append(f"type is {_show(event.get('type'))}, expected {version.event_types[kind]!r}")
    if (version.major == 3 or "time" in event) and not _is_datetime(event.get("time")):
        problems.append(f"time is {_show(event.get('time'))}, expected an RFC 3339 date-time")
    if not isinstance(event.get("data"), dict):
        problems.append("data is not a JSON object")
    return problems


def _is_datetime(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None
    except ValueError:
        return False


def _show(value: Any) -> str:
    return "missing" if value is None else repr(value)[:80]
