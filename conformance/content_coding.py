"""Content-Encoding decoded layer by layer, under one cap, while the body streams.

Why not httpx's decoders: they inflate each received chunk through every layer in one call, so a
1.8 KB body sent as `gzip, gzip` becomes gigabytes before any size cap can look at it. Here every
layer inflates at most STEP bytes at a time, the decoded total is checked after each step, and a
decoded/encoded ratio beyond MAX_RATIO (a compression bomb, not data) stops the read early.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

STEP = 64 * 1024
MAX_LAYERS = 3
MAX_RATIO = 200  # legitimate JSON compresses 5-30:1; a bomb compresses ~1000:1 per layer
RATIO_FLOOR = 1024 * 1024  # the ratio is judged only once this much is decoded
ACCEPTED = "gzip, deflate"  # what the harness sends as Accept-Encoding


class CodingRefused(Exception):
    """The body's Content-Encoding is not one the harness offered, or has too many layers."""


class Exceeded(Exception):
    """Decoding stopped: the decoded size passed the cap or the ratio bound (the message says which)."""


class _Inflater:
    """One gzip or deflate layer; deflate may come zlib-wrapped or raw (as httpx also accepts)."""

    def __init__(self, coding: str) -> None:
        self._raw_fallback = coding == "deflate"
        self._started = False
        self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16 if coding in ("gzip", "x-gzip") else zlib.MAX_WBITS)

    def decompress(self, data: bytes) -> bytes:
        try:
            out = self._inflate.decompress(data, STEP)
        except zlib.error:
            if not (self._raw_fallback and not self._started):
                raise
            self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._inflate.decompress(data, STEP)
        self._started = True
        return out

    @property
    def pending(self) -> bytes:
        return self._inflate.unconsumed_tail

    @property
    def ended(self) -> bool:
        return self._inflate.eof


def parse_codings(header: str | None) -> list[str]:
    """The codings in the order they were applied; identity dropped. CodingRefused for others."""
    codings = [c.strip().lower() for c in (header or "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    unknown = [c for c in codings if c not in ("gzip", "x-gzip", "deflate")]
    if unknown:
        raise CodingRefused(f"response uses Content-Encoding {', '.join(unknown)!s}, which the harness did not offer "
                            f"(Accept-Encoding: {ACCEPTED})")
    if len(codings) > MAX_LAYERS:
        raise CodingRefused(f"response has {len(codings)} content-coding layers ({header}); at most {MAX_LAYERS} "
                            "are decoded")
    return codings


class BoundedDecoder:
    """Feeds raw chunks through every layer; yields decoded pieces; raises Exceeded at the bounds."""

    def __init__(self, codings: list[str], limit: int) -> None:
        self._layers = [_Inflater(c) for c in reversed(codings)]  # the last applied is undone first
        self._limit = limit
        self.encoded = 0
        self.decoded = 0

    def feed(self, raw: bytes) -> Iterator[bytes]:
        self.encoded += len(raw)
        if not self._layers:
            yield from self._count(raw)
            return
        for piece in self._through(0, raw):
            yield from self._count(piece)

    def _through(self, depth: int, data: bytes) -> Iterator[bytes]:
        if depth == len(self._layers):
            yield data
            return
        layer = self._layers[depth]
        while data or not layer.ended:
            if layer.ended:
                return  # bytes after the end of the stream are ignored, as httpx does
            out = layer.decompress(data)
            data = layer.pending
            if out:
                yield from self._through(depth + 1, out)
            if not data and len(out) < STEP:
                return

    def _count(self, piece: bytes) -> Iterator[bytes]:
        self.decoded += len(piece)
        if self.decoded > self._limit:
            raise Exceeded(f"decoded body exceeds the size cap ({self._limit} bytes)")
        if self.decoded > RATIO_FLOOR and self.decoded > MAX_RATIO * max(self.encoded, 1):
            raise Exceeded(f"body decodes to more than {MAX_RATIO} times its encoded size (a compression bomb); "
                           "reading stopped")
        yield piece
