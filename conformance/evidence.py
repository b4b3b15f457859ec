"""Request/response transcripts, cleaned and redacted before they are kept.

Every credential the run handles (client secret, issued tokens, callback credentials) is
registered in the SecretBook (redaction.py); every string from the target that is kept here is
cleaned (sanitize.py), redacted in every spelling and only then cut, so the head of a secret that
straddles a cut never survives.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from conformance.redaction import SecretBook
from conformance.sanitize import clean

__all__ = ["BODY_EXCERPT_CHARS", "EvidenceLog", "Exchange", "NOTE_CHARS", "SecretBook", "excerpt"]

BODY_EXCERPT_CHARS = 4096
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

    def record(self, exchange: Exchange) -> Exchange:
        self.exchanges.append(exchange)
        return exchange

    def note(self, text: str) -> None:
        """Notes often quote the target (a link, an id): cleaned, redacted, then cut."""
        shown, cut = self.secrets.excerpt(clean(text), NOTE_CHARS)
        self.notes.append(shown + (" …" if cut else ""))
