"""Request/response transcripts, cleaned and redacted before they are kept.

Every credential the run handles (client secret, issued tokens, callback credentials) is
registered in the SecretBook (redaction.py); every string from the target that is kept here is
cleaned (sanitize.py), redacted in every spelling and only then cut, so the head of a secret that
straddles a cut never survives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from conformance.redaction import SecretBook
from conformance.sanitize import clean

__all__ = ["BODY_EXCERPT_CHARS", "EvidenceLog", "Exchange", "NOTE_CHARS", "SecretBook", "excerpt"]

BODY_EXCERPT_CHARS = 4096
MAX_EXCHANGES_KEPT = 200  # per case; the rest is counted in a note
MAX_EVIDENCE_CHARS = 2_000_000  # per case, over the kept exchanges' strings
MAX_NOTES_KEPT = 200
MAX_FINDINGS_KEPT = 500
NOTE_CHARS = 2000
HEADER_CHARS = 4096  # a 1 MB Link header is shown by its head


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


def excerpt(data: bytes | str | None, secrets: SecretBook,
            limit: int = BODY_EXCERPT_CHARS) -> tuple[str | None, bool]:
    """Printable excerpt of a body: decoded, cleaned, redacted and only then cut (True when cut).

    Invalid UTF-8 is shown with replacement characters. Only as much as can be shown is decoded:
    the head plus the longest spelling of any secret, so one that straddles the cut is found whole.
    """
    if data is None:
        return None, False
    if isinstance(data, bytes):
        window = (limit + secrets.reach) * 4  # a UTF-8 character is at most 4 bytes
        text = clean(data[:window].decode("utf-8", errors="replace"))
        shown, cut = secrets.excerpt(text, limit)
        return shown, cut or len(data) > window
    return secrets.excerpt(clean(data), limit)


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
            shown, cut = self.secrets.excerpt(clean(text), NOTE_CHARS)  # notes quote the target: clean, redact, cut
            self.notes.append(shown + (" …" if cut else ""))

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
