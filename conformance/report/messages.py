"""Case messages in the report's language, translated when a report is rendered.

A case's message is made in English (report.json keeps it so: a stable machine format). For a Japanese report,
render_message() finds the English template the message was made from (conformance/report/messages_ja.py, keyed
by the template as the source writes it, each interpolated expression as `{expression}`), takes the variable
parts (status codes, field names, the target's URLs: already cleaned and redacted) as they are, and puts them
into the Japanese text; a part that is itself a known message is translated too. A message no template matches
stays English. Matching is one left-to-right scan per template (no regular expression): a hostile message
cannot make it slow. The result is plain text: each report escapes it as it escapes any target string.
"""

from __future__ import annotations

from functools import lru_cache

CUT = " …"  # what the plugin appends to a message it shortened
_DEPTH = 3  # how deep a message inside a message is translated


def parse(template: str) -> list[tuple[str, bool]]:
    """A template as (text, is_field) parts; `{{` and `}}` are literal braces, `{expression}` a field."""
    parts: list[tuple[str, bool]] = []
    literal: list[str] = []
    i = 0
    while i < len(template):
        char = template[i]
        if char in "{}" and template[i + 1:i + 2] == char:
            literal.append(char)
            i += 2
            continue
        if char == "{":
            depth, j, quote = 1, i + 1, ""
            while j < len(template) and depth:
                c = template[j]
                if quote:
                    quote = "" if c == quote else quote
                elif c in "'\"":
                    quote = c
                elif c == "{":
                    depth += 1
                elif c == "}":
                    depth -= 1
                j += 1
            if depth:
                raise ValueError(f"unclosed field in template {template!r}")
            if literal:
                parts.append(("".join(literal), False))
                literal = []
            parts.append((template[i + 1:j - 1], True))
            i = j
            continue
        literal.append(char)
        i += 1
    if literal:
        parts.append(("".join(literal), False))
    return parts


def fields(template: str) -> list[str]:
    return [text for text, is_field in parse(template) if is_field]


def match(parts: list[tuple[str, bool]], text: str) -> dict[str, str] | None:
    """The field values that make `text` from the template, or None. Each literal is taken at its first
    occurrence (the last one at the end of the text): if any split exists, this one does."""
    values: dict[str, str] = {}
    pending: list[str] = []  # fields before the next literal (adjacent fields: the first takes the text)
    pos = 0
    for index, (part, is_field) in enumerate(parts):
        if is_field:
            pending.append(part)
            continue
        if not pending:
            if not text.startswith(part, pos):
                return None
            pos += len(part)
            continue
        if index == len(parts) - 1:
            at = len(text) - len(part)
            if at < pos or not text.endswith(part):
                return None
        else:
            at = text.find(part, pos)
            if at < 0:
                return None
        for number, name in enumerate(pending):
            values.setdefault(name, text[pos:at] if number == 0 else "")
        pending = []
        pos = at + len(part)
    for number, name in enumerate(pending):
        values.setdefault(name, text[pos:] if number == 0 else "")
    if not pending and pos != len(text):
        return None
    return values


@lru_cache(maxsize=2)
def _catalogue(kind: str) -> list[tuple[list[tuple[str, bool]], list[tuple[str, bool]], int]]:
    """(English parts, Japanese parts, characters of English text) of each template with text of its own."""
    from conformance.report.messages_ja import MESSAGES_JA, VALUES_JA

    pairs = []
    for english, japanese in (MESSAGES_JA if kind == "messages" else VALUES_JA).items():
        parts = parse(english)
        words = sum(len(text) for text, is_field in parts if not is_field)
        if words:
            pairs.append((parts, parse(japanese), words))
    return sorted(pairs, key=lambda pair: -pair[2])


_CANDIDATES = 4  # matching templates weighed per message: bounds the work a hostile message can cause


@lru_cache(maxsize=4096)
def _best(message: str, depth: int, kind: str = "messages") -> tuple[int, str | None]:
    """(English characters explained, Japanese text) of the reading of `message` that explains the most of it:
    a wrapper ("blocked by X: {message}") around a known message beats a loose template that swallows both."""
    best: tuple[int, str | None] = (0, None)
    tried = 0
    for english, japanese, words in _catalogue(kind):
        values = match(english, message)
        if values is None:
            continue
        tried += 1
        score, shown = words, dict(values)
        if depth > 1:
            for name, value in values.items():
                inner_score, inner = _best(value, depth - 1, kind) if value else (0, None)
                if inner is not None:
                    score, shown[name] = score + inner_score, inner
        if score > best[0]:
            best = (score, "".join(shown.get(text, "") if is_field else text for text, is_field in japanese))
        if tried >= _CANDIDATES:
            break
    return best


def translate(message: str, depth: int = _DEPTH) -> str | None:
    """The Japanese text of an English message, or None when no template makes it."""
    return _best(message, depth)[1]


def render_value(value: object, lang: str) -> object:
    """A table cell the harness wrote in English (e.g. a hotspot's contribution), in `lang`; data stays as it is."""
    if lang != "ja" or not isinstance(value, str) or not value:
        return value
    return _best(value, 1, "values")[1] or value


def render_message(message: str, lang: str) -> str:
    """A case's message as a report in `lang` shows it."""
    if lang != "ja" or not message:
        return message
    cut = message.endswith(CUT)
    shown = translate(message.removesuffix(CUT) if cut else message)
    if shown is None:
        return message
    return shown + (CUT if cut else "")
