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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus

BODY_EXCERPT_CHARS = 4096
MAX_EXCHANGES_KEPT = 200  # per case; the rest is counted in a note
MAX_EVIDENCE_CHARS = 2_000_000  # per case, over the kept exchanges' strings
MAX_NOTES_KEPT = 200
MAX_FINDINGS_KEPT = 500
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
    """Exchanges recorded for the case that is running now, bounded in count and size.

    The client appends to whatever log is current; the pytest plugin swaps in a
    fresh log for each case, so each case's evidence is exactly its own traffic.
    A case that sends thousands of requests keeps the first MAX_EXCHANGES_KEPT (and at most
    MAX_EVIDENCE_CHARS of them) and one note counting the rest: memory and report size stay
    bounded whatever the target makes the case do.
    """

    def __init__(self, secrets: SecretBook) -> None:
        self.secrets = secrets
        self.exchanges: list[Exchange] = []
        self.notes: list[str] = []
        # Data-model findings, already plain data; the verdict counts them where they are computed.
        self.findings: list[dict[str, object]] = _Kept(MAX_FINDINGS_KEPT, lambda: self._omit("findings"))
        self.tables: dict[str, list[dict[str, object]]] = {}  # e.g. the GxD chain table
        self._chars = 0  # size of the kept exchanges that are complete
        self._omitted = {"exchanges": 0, "notes": 0, "findings": 0}
        self._omission_notes: dict[str, int] = {}  # where in `notes` each count is told

    def record(self, exchange: Exchange) -> Exchange:
        """Keep the exchange unless the cap is reached; the caller fills it in either way."""
        if self.exchanges and not self._omitted["exchanges"]:
            self._chars += _size(self.exchanges[-1])  # the previous exchange is complete by now
        if len(self.exchanges) >= MAX_EXCHANGES_KEPT or self._chars >= MAX_EVIDENCE_CHARS:
            self._omit("exchanges")
        else:
            self.exchanges.append(exchange)
        return exchange

    def note(self, text: str) -> None:
        if len(self.notes) - len(self._omission_notes) >= MAX_NOTES_KEPT:
            self._omit("notes")
        else:
            self.notes.append(self.secrets.redact(text))

    def _omit(self, kind: str) -> None:
        self._omitted[kind] += 1
        text = (f"{self._omitted[kind]} more {kind} not kept (evidence per case is capped at {MAX_EXCHANGES_KEPT} "
                f"exchanges, {MAX_EVIDENCE_CHARS // 1000} kB, {MAX_NOTES_KEPT} notes and {MAX_FINDINGS_KEPT} findings)")
        if kind not in self._omission_notes:
            self._omission_notes[kind] = len(self.notes)
            self.notes.append(text)
        self.notes[self._omission_notes[kind]] = text


class _Kept(list):  # type: ignore[type-arg]
    """A list that keeps its first `limit` items and reports each further one to `omitted`."""

    def __init__(self, limit: int, omitted: Callable[[], None]) -> None:
        super().__init__()
        self._limit = limit
        self._omitted = omitted

    def append(self, item: object) -> None:
        if len(self) < self._limit:
            super().append(item)
        else:
            self._omitted()

    def extend(self, items: Iterable[object]) -> None:
        for item in items:
            self.append(item)

    def __iadd__(self, items: Iterable[object]) -> _Kept:  # type: ignore[override]
        self.extend(items)
        return self


def _size(exchange: Exchange) -> int:
    """Characters an exchange adds to the report (its strings; the structure around them is small)."""
    texts = [exchange.url, exchange.request_body, exchange.response_body, exchange.error, exchange.note,
             *exchange.request_headers, *exchange.request_headers.values(),
             *exchange.response_headers, *exchange.response_headers.values()]
    return sum(len(text) for text in texts if text)
