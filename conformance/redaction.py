"""The run's secrets, and their redaction in every spelling a target or a library may write them in.

Why decode rather than list spellings: a target may echo a secret JSON-escaped (any subset of its
characters as \\uXXXX, `\\/`), %-encoded in upper or lower case, or form-encoded (`+` for a space);
the mixtures are too many to list. So each text is decoded once per family of spellings, every
registered secret is found in one pass of Aho-Corasick automata (the cost hardly depends on how
many secrets there are), and each match is mapped back to the span of the original text it came
from, which is then replaced by a marker naming the secret's kind and length.

Secrets shorter than MIN_SAFE_CHARS would match everywhere ("e", "incomplete" is long enough to
match a verdict); they replace only a whole value equal to them, and the run says so.
"""

from __future__ import annotations

import base64
import html
import json
import re
import threading
from collections.abc import Callable, Iterator
from typing import NamedTuple
from urllib.parse import quote, quote_plus

import ahocorasick_rs

MIN_SAFE_CHARS = 8
# A secret's head is searched too: text cut before it was redacted (a case's `value[:80]`) keeps the head
# of a secret that straddled the cut, and the whole secret can then no longer be found in it.
HEAD_CHARS = 12
# Longer secrets (a 9 MB token) are searched with str.find, not built into an automaton (which would
# take hundreds of MiB per megabyte of pattern); only their head joins the automata.
LONG_CHARS = 1024
# The longest spelling of one character: a surrogate pair \\uXXXX\\uXXXX, or 4 UTF-8 bytes %-encoded.
_SPELLING_CHARS = 12
_AUTH_HEADER = re.compile(r"^(Basic|Bearer)\s+(.+)$", re.IGNORECASE | re.DOTALL)
_SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie"}
_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_ESCAPE = re.compile(
    r"\\(?:u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|([\"\\/bfnrt]))")
_JSON_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_HTML_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")


def _json_char(match: re.Match[str]) -> str:
    high, low, single, simple = match.groups()
    if high is not None:
        return chr(0x10000 + ((int(high, 16) - 0xD800) << 10) + (int(low, 16) - 0xDC00))
    if single is not None:
        return chr(int(single, 16))
    return _JSON_SIMPLE[simple]


def _percent_run(match: re.Match[str]) -> str:
    return bytes.fromhex(match.group().replace("%", "")).decode("utf-8", errors="replace")


class _Decoding(NamedTuple):
    """One family of spellings: escape sequences and what each one stands for."""

    pattern: re.Pattern[str]
    decode: Callable[[re.Match[str]], str]
    trigger: str  # the decoding can change nothing in a text without this character


def _html_entity(match: re.Match[str]) -> str:
    return html.unescape(match.group()) or match.group()


_JSON = _Decoding(_JSON_ESCAPE, _json_char, "\\")
_PERCENT = _Decoding(_PERCENT_RUN, _percent_run, "%")
_HTML = _Decoding(_HTML_ENTITY, _html_entity, "&")
# Which decodings are tried, in sequence: raw, JSON-escaped, %-encoded, HTML entities (an error page),
# a %-encoded URL inside JSON, JSON inside a URL, and a URL %-encoded twice (a link inside a link).
_PIPELINES: tuple[tuple[_Decoding, ...], ...] = ((), (_JSON,), (_PERCENT,), (_HTML,), (_JSON, _PERCENT),
                                                  (_PERCENT, _JSON), (_PERCENT, _PERCENT))


def _canonical(text: str) -> str:
    """What the automata search: a space and a `+` are one (form encoding), surrogates are U+FFFD.

    Both replacements keep every position, so matches map back unchanged.
    """
    return _SURROGATE.sub("\ufffd", text).replace(" ", "+")


def _map_back(decoding: _Decoding, source: str, points: list[tuple[int, bool]]) -> list[int]:
    """Positions in the decoded text → positions in `source`.

    A point is (index of a decoded character, is_end): a start maps to where that character's
    spelling begins, an end to just after it. Walks the escapes once, without keeping a map.
    """
    order = sorted(range(len(points)), key=lambda i: points[i][0])
    result = [0] * len(points)
    escapes = decoding.pattern.finditer(source)
    escape = next(escapes, None)
    decoded = plain = 0  # where the current literal run starts, in decoded and in source positions
    for i in order:
        index, is_end = points[i]
        while True:
            run = (escape.start() if escape is not None else len(source)) - plain
            if index < decoded + run or escape is None:
                position = plain + (index - decoded)
                result[i] = min(position + 1 if is_end else position, len(source))
                break
            width = len(decoding.decode(escape))
            if index < decoded + run + width:
                result[i] = escape.end() if is_end else escape.start()
                break
            decoded += run + width
            plain = escape.end()
            escape = next(escapes, None)
    return result


class _Entry(NamedTuple):
    marker: str
    secret: str  # the whole secret as searched; longer than the pattern when the pattern is its head


class _Spans(NamedTuple):
    start: int
    end: int
    marker: str


class _Automata:
    """Secrets in levels of Aho-Corasick automata, merged like a binary counter.

    Adding a secret builds a one-secret level; equal-sized levels merge. A run that registers a new
    token per request so pays O(n log n) for building, and each search visits O(log n) automata.
    """

    def __init__(self) -> None:
        self._levels: list[tuple[list[str], ahocorasick_rs.AhoCorasick]] = []

    def add(self, patterns: list[str]) -> None:
        """Callers hold the book's lock; searches meanwhile keep the list of levels they started with."""
        levels = list(self._levels)
        while levels and len(levels[-1][0]) <= len(patterns):
            patterns = levels.pop()[0] + patterns
        automaton = ahocorasick_rs.AhoCorasick(patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        self._levels = [*levels, (patterns, automaton)]

    def find(self, text: str) -> Iterator[tuple[str, int, int]]:
        for patterns, automaton in list(self._levels):
            for index, start, end in automaton.find_matches_as_indexes(text):
                yield patterns[index], start, end


class SecretBook:
    """The run's secrets: registered once, redacted in every spelling wherever text leaves the harness."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}  # each searched pattern: a secret of MIN_SAFE_CHARS or more, or its head
        self._whole: dict[str, str] = {}  # every spelling of a shorter secret → its marker
        self._long: dict[str, str] = {}  # secrets over LONG_CHARS (as searched) → their markers
        self._short_kinds: dict[str, int] = {}
        self._automata = _Automata()
        self._reach = 0  # the longest source text one secret can be spelled in
        self._lock = threading.Lock()

    def add(self, value: str | None, kind: str) -> None:
        """Register a secret. A short one is still registered: a leak is a leak."""
        if not value:
            return
        marker = f"«redacted {kind}, {len(value)} chars»"
        with self._lock:
            if len(value) < MIN_SAFE_CHARS:
                self._short_kinds.setdefault(kind, len(value))
                for spelling in _spellings(value):
                    self._whole.setdefault(spelling, marker)
                return
            pattern = _canonical(value)
            known = self._entries.get(pattern)
            if known is not None and known.secret == pattern or pattern in self._long:
                return
            if len(pattern) > LONG_CHARS:
                self._long = {**self._long, pattern: marker}  # a new dict: searches keep the one they started with
                added = []
            else:
                self._entries[pattern] = _Entry(marker, pattern)
                added = [] if known is not None else [pattern]  # a known head is searched already
            head = pattern[:HEAD_CHARS]
            if len(pattern) > HEAD_CHARS + 4 and head not in self._entries:
                self._entries[head] = _Entry(f"«redacted part of a {kind}»", pattern)
                added.append(head)
            if added:
                self._automata.add(added)
            self._reach = max(self._reach, len(value) * _SPELLING_CHARS)

    def add_client(self, client_id: str, client_secret: str, kind: str = "client-secret") -> None:
        """A client secret plus the Basic credential that embeds it."""
        self.add(client_secret, kind)
        self.add(base64.b64encode(f"{client_id}:{client_secret}".encode()).decode(), "basic-credentials")

    def values(self) -> list[str]:
        """Every registered secret (short ones in each spelling)."""
        with self._lock:
            return [*(p for p, e in self._entries.items() if e.secret == p), *self._long, *self._whole]

    @property
    def reach(self) -> int:
        """How far past a cut to look: the longest spelling of a secret, or of a long secret's head.

        A long secret across a cut is found by its head, and redacted up to the end of the window.
        """
        with self._lock:
            return min(self._reach, LONG_CHARS * _SPELLING_CHARS)

    def too_short(self) -> dict[str, int]:
        """Kinds of secret too short to redact safely inside text, with their lengths."""
        with self._lock:
            return dict(self._short_kinds)

    def redact(self, text: str) -> str:
        """Replace every registered secret, in every spelling; overlapping matches redact whole."""
        return self._apply(text, self._spans(text), len(text))

    def excerpt(self, text: str, limit: int) -> tuple[str, bool]:
        """Redact, then cut to about `limit` characters of the original; True when something was cut.

        A secret that straddles the cut is redacted whole: the cut moves to its end.
        """
        whole = self._whole_value(text)
        if whole is not None:
            return whole, False
        window = text[: limit + self.reach]
        spans = self._spans(window)
        cut = min(limit, len(text))
        for span in spans:
            if span.start < cut < span.end:
                cut = span.end
        return self._apply(window, [s for s in spans if s.end <= cut], cut), len(text) > cut

    def redact_header(self, name: str, value: str, limit: int | None = None) -> str:
        """Authorization-like headers are always masked, even for tokens the book never saw."""
        if name.lower() in _SECRET_HEADERS:
            match = _AUTH_HEADER.match(value)
            if match:
                scheme, credential = match.groups()
                return f"{scheme} «redacted {scheme.lower()} credential, {len(credential)} chars»"
            return f"«redacted {name.lower()}, {len(value)} chars»"
        if limit is None:
            return self.redact(value)
        shown, cut = self.excerpt(value, limit)
        return shown + (f" … ({len(value)} chars)" if cut else "")

    def _whole_value(self, text: str) -> str | None:
        with self._lock:
            return self._whole.get(text) if self._whole else None

    def _spans(self, text: str) -> list[_Spans]:
        with self._lock:
            entries = self._entries
            automata = self._automata
            long = self._long
            empty = not entries and not long
        if empty or not text:
            return []
        found: list[_Spans] = []
        decoded: dict[tuple[_Decoding, ...], str | None] = {(): _canonical(text)}  # None: the decoding changes nothing
        for pipeline in _PIPELINES:
            layers = [decoded[()]]
            for depth, decoding in enumerate(pipeline, 1):
                key = pipeline[:depth]
                if key not in decoded:
                    source = layers[-1]
                    after = (_canonical(decoding.pattern.sub(decoding.decode, source))
                             if source is not None and decoding.trigger in source else source)
                    decoded[key] = after if after != source else None
                layers.append(decoded[key])
                if layers[-1] is None:
                    break  # the same text as a shorter pipeline: its matches are found there
            else:
                matches = _found(long, layers[-1])
                reached = -1
                for pattern, start, end in sorted(automata.find(layers[-1]), key=lambda m: m[1]):
                    if start >= reached:  # a head inside a secret already found is that secret
                        matches.append(_whole_match(entries[pattern], layers[-1], start, end))
                        reached = matches[-1][2]
                if not matches:
                    continue
                starts = [start for _, start, _ in matches]
                ends = [end for _, _, end in matches]
                for depth in range(len(pipeline) - 1, -1, -1):
                    points = [(s, False) for s in starts] + [(e - 1, True) for e in ends]
                    mapped = _map_back(pipeline[depth], layers[depth], points)
                    starts, ends = mapped[: len(starts)], mapped[len(starts):]
                found += [_Spans(s, e, marker) for (marker, _, _), s, e in zip(matches, starts, ends)]
        return _merged(found)

    def _apply(self, text: str, spans: list[_Spans], stop: int) -> str:
        whole = self._whole_value(text)
        if whole is not None:
            return whole
        parts: list[str] = []
        position = 0
        for span in spans:
            parts += [text[position:span.start], span.marker]
            position = span.end
        parts.append(text[position:stop])
        return "".join(parts)


def _whole_match(entry: _Entry, text: str, start: int, end: int) -> tuple[str, int, int]:
    """A head reaches as far as its secret goes on in the text (found by halving, fast for a long secret)."""
    secret = entry.secret
    if end - start == len(secret) or text.startswith(secret, start):
        return entry.marker, start, start + len(secret)
    known, most, step = end - start, min(len(secret), len(text) - start), end - start
    while known < most:  # galloping: the cost follows the length matched, not the secret's length
        probe = min(most, known + step)
        if text.startswith(secret[known:probe], start + known):
            known, step = probe, step * 2
        elif step == 1:
            break
        else:
            step //= 2
    return entry.marker, start, start + known


def _found(long: dict[str, str], text: str) -> list[tuple[str, int, int]]:
    """Every occurrence of the long secrets in `text`, by plain substring search."""
    found = []
    for secret, marker in long.items():
        index = text.find(secret)
        while index != -1:
            found.append((marker, index, index + len(secret)))
            index = text.find(secret, index + len(secret))
    return found


def _merged(spans: list[_Spans]) -> list[_Spans]:
    """Overlapping or nested matches (several spellings, a token that contains the secret) become one."""
    merged: list[_Spans] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            if span.end > last.end:
                merged[-1] = _Spans(last.start, span.end, last.marker)
            continue
        merged.append(span)
    return merged


def _spellings(value: str) -> set[str]:
    """The whole-value spellings of a short secret: raw, %-encoded (both cases), form and JSON-escaped."""
    encoded = {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1],
               json.dumps(value, ensure_ascii=False)[1:-1], value.replace("/", "\\/"),
               "".join(f"\\u{ord(c):04x}" for c in value), "".join(f"\\u{ord(c):04X}" for c in value)}
    return encoded | {_lower_percent(v) for v in encoded}


def _lower_percent(text: str) -> str:
    return _PERCENT_RUN.sub(lambda m: m.group().lower(), text)
