"""The v2 `$filter` subset the reference host applies (FILT-03), compiled to a footprint predicate.

Supported: `eq lt le gt ge` on `created`, `updated`, `productCategoryCpc`,
`pcf/geographyCountry`, `pcf/referencePeriodStart`, `pcf/referencePeriodEnd`;
`and`; parentheses; `productIds/any(x:(x eq '...'))` and the same on
`companyIds`. Date-times may be quoted (the spec's examples) or bare OData
literals (A-31). Anything else outside the subset raises NotSupported, which
the host answers with NotImplemented (FILT-02); malformed text raises
ODataError (BadRequest).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from conformance.reference.data import FilterError, parse_datetime

Predicate = Callable[[Mapping[str, Any]], bool]

_TOKEN = re.compile(r"\s*(?:('(?:[^']|'')*')|([():])|([A-Za-z_][A-Za-z0-9_/]*)|([0-9][0-9A-Za-z:.+\-]*))")
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq, "lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge,
}
_DATE_PATHS = ("created", "updated", "pcf/referencePeriodStart", "pcf/referencePeriodEnd")
_TEXT_PATHS = ("productCategoryCpc", "pcf/geographyCountry")
_COLLECTIONS = ("productIds", "companyIds")


class ODataError(ValueError):
    """The expression is not well-formed (answered with BadRequest)."""


class NotSupported(ODataError):
    """Well-formed but outside the PACT subset (answered with NotImplemented, FILT-02)."""


def _tokens(text: str) -> list[str]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ODataError(f"cannot read $filter at character {position + 1}")
        tokens.append(next(group for group in match.groups() if group is not None))
        position = match.end()
    return tokens


def _literal(token: str) -> str:
    if token.startswith("'"):
        return token[1:-1].replace("''", "'")
    if token[0].isdigit():
        return token
    raise ODataError(f"expected a literal, found {token!r}")


def _lookup(footprint: Mapping[str, Any], path: str) -> Any:
    value: Any = footprint
    for part in path.split("/"):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _moment(value: Any) -> datetime | None:
    try:
        return parse_datetime(value) if isinstance(value, str) else None
    except FilterError:
        return None


class _Parser:
    """Recursive descent over the token list: expr := term ('and' term)*."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.position = 0

    def parse(self) -> Predicate:
        predicate = self._expression()
        if self.position != len(self.tokens):
            word = self.tokens[self.position]
            if word in ("or", "not"):
                raise NotSupported(f"`{word}` is not part of the PACT $filter subset")
            raise ODataError(f"unexpected {word!r} in $filter")
        return predicate

    def _next(self) -> str:
        if self.position >= len(self.tokens):
            raise ODataError("$filter ends too early")
        self.position += 1
        return self.tokens[self.position - 1]

    def _expect(self, token: str) -> None:
        found = self._next()
        if found != token:
            raise ODataError(f"expected {token!r} in $filter, found {found!r}")

    def _expression(self) -> Predicate:
        terms = [self._term()]
        while self.position < len(self.tokens) and self.tokens[self.position] == "and":
            self.position += 1
            terms.append(self._term())
        return lambda footprint: all(term(footprint) for term in terms)

    def _term(self) -> Predicate:
        token = self._next()
        if token == "(":
            inner = self._expression()
            self._expect(")")
            return inner
        if token.endswith("/any"):
            return self._any(token[: -len("/any")])
        return self._comparison(token)

    def _comparison(self, path: str) -> Predicate:
        name = self._next()
        if name not in _OPERATORS:
            raise NotSupported(f"operator {name!r} is not part of the PACT $filter subset")
        compare, raw = _OPERATORS[name], _literal(self._next())
        if path in _DATE_PATHS:
            try:
                moment = parse_datetime(raw)
            except FilterError as exc:
                raise ODataError(str(exc)) from None

            def on_date(footprint: Mapping[str, Any]) -> bool:
                own = _moment(_lookup(footprint, path))
                return own is not None and compare(own, moment)

            return on_date
        if path in _TEXT_PATHS:

            def on_text(footprint: Mapping[str, Any]) -> bool:
                own = _lookup(footprint, path)
                return isinstance(own, str) and compare(own, raw)

            return on_text
        raise NotSupported(f"property {path!r} cannot be filtered on")

    def _any(self, collection: str) -> Predicate:
        if collection not in _COLLECTIONS:
            raise NotSupported(f"any() on {collection!r} is not part of the PACT $filter subset")
        self._expect("(")
        variable = self._next()
        self._expect(":")
        parenthesised = self.tokens[self.position: self.position + 1] == ["("]
        if parenthesised:
            self.position += 1
        if self._next() != variable:
            raise NotSupported("inside any() only `<variable> eq '<value>'` is supported")
        if self._next() != "eq":
            raise NotSupported("inside any() only `eq` is supported")
        wanted = _literal(self._next())
        if parenthesised:
            self._expect(")")
        self._expect(")")
        return lambda f: isinstance(f.get(collection), list) and wanted in f[collection]


def compile_filter(text: str) -> Predicate:
    """A predicate for a `$filter` value; ODataError or NotSupported when it cannot be applied."""
    if not text.strip():
        raise ODataError("$filter is empty")
    return _Parser(text).parse()
