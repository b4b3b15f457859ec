"""Request/response transcripts with secrets redacted.

This is the only module that knows what a secret is. Every credential the run
handles (client secret, issued tokens, callback credentials) is registered in
the SecretBook; every string that leaves the harness (evidence, messages,
report files) passes through `SecretBook.redact` first.
"""

from __future__ import annotations

import base64
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus

BODY_EXCERPT_CHARS = 4096
_AUTH_HEADER = re.compile(r"^(Basic|Bearer)\s+(.+)$", re.IGNORECASE)
_SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie"}


class SecretBook:
    """The run's secrets and their derived spellings (URL-encoded, Basic credentials)."""

    def __init__(self) -> None:
        self._markers: dict[str, str] = {}
        self._lock = threading.Lock()

    def add(self, value: str | None, kind: str) -> None:
        """Register a secret. Very short values are still registered: a leak is a leak."""
        if not value:
            return
        marker = f"«redacted {kind}, {len(value)} chars»"
        with self._lock:
            for spelling in {value, quote(value, safe=""), quote_plus(value)}:
                self._markers.setdefault(spelling, marker)

    def add_client(self, client_id: str, client_secret: str, kind: str = "client-secret") -> None:
        """A client secret plus the Basic credential that embeds it."""
        self.add(client_secret, kind)
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self.add(basic, "basic-credentials")

    def values(self) -> list[str]:
        with self._lock:
            return list(self._markers)

    def redact(self, text: str) -> str:
        """Replace every registered secret, longest first so overlaps redact whole."""
        with self._lock:
            items = sorted(self._markers.items(), key=lambda item: -len(item[0]))
        for secret, marker in items:
            if secret in text:
                text = text.replace(secret, marker)
        return text

    def redact_header(self, name: str, value: str) -> str:
        """Authorization-like headers are always masked, even for tokens the book never saw."""
        if name.lower() in _SECRET_HEADERS:
            match = _AUTH_HEADER.match(value)
            if match:
                scheme, credential = match.groups()
                return f"{scheme} «redacted {scheme.lower()} credential, {len(credential)} chars»"
            return f"«redacted {name.lower()}, {len(value)} chars»"
        return self.redact(value)


@dataclass
class Exchange:
    """One HTTP exchange (or failed attempt) as shown in reports; already redacted."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str | None
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None
    body_truncated: bool = False
    error: str | None = None
    duration_s: float = 0.0
    note: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "url": self.url,
            "request": {"headers": self.request_headers, "body": self.request_body},
            "response": None if self.status is None else {
                "status": self.status,
                "headers": self.response_headers,
                "body": self.response_body,
                "body_truncated": self.body_truncated,
            },
            "error": self.error,
            "duration_s": round(self.duration_s, 4),
            "note": self.note,
        }


def excerpt(data: bytes | str | None, limit: int = BODY_EXCERPT_CHARS) -> tuple[str | None, bool]:
    """Printable excerpt of a body: invalid UTF-8 is shown with replacement characters."""
    if data is None:
        return None, False
    if isinstance(data, bytes):  # decode only what can be shown (a UTF-8 character is at most 4 bytes)
        text = data[: limit * 4].decode("utf-8", errors="replace")
        if len(data) > limit * 4:
            return text[:limit], True
    else:
        text = data
    if len(text) > limit:
        return text[:limit], True
    return text, False


class EvidenceLog:
    """Exchanges recorded for the case that is running now.

    The client appends to whatever log is current; the pytest plugin swaps in a
    fresh log for each case, so each case's evidence is exactly its own traffic.
    """

    def __init__(self, secrets: SecretBook) -> None:
        self.secrets = secrets
        self.exchanges: list[Exchange] = []
        self.notes: list[str] = []
        self.findings: list[dict[str, object]] = []  # data-model findings, already plain data
        self.tables: dict[str, list[dict[str, object]]] = {}  # e.g. the GxD chain table
        # Set when PACT's official tool would judge this case otherwise than the spec does.
        self.official_failure: str | None = None
        self.official_pass: str | None = None

    def official_fails(self, reason: str) -> None:
        """The case passes by the spec, but the official tool fails it (a quirk): for its predicted verdict."""
        self.official_failure = self.secrets.redact(reason)
        self.note(f"PACT's official tool fails this case: {reason}")

    def official_passes(self, reason: str) -> None:
        """The official tool passes this case even if a stricter check of ours fails it below."""
        self.official_pass = self.secrets.redact(reason)

    def record(self, exchange: Exchange) -> Exchange:
        self.exchanges.append(exchange)
        return exchange

    def note(self, text: str) -> None:
        self.notes.append(self.secrets.redact(text))
