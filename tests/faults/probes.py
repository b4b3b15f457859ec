"""Faults that accept exactly one realistic wrong input: the widened negative cases must catch each.

Every one of these hosts refuses the single invented value the official negative cases send
(an unknown grant URN, "invalid-<random>", a GTIN URN as pfId, a urn:bogus filter value).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from conformance.reference import data as store
from tests.faults.auth import _bearer
from tests.faults.events import _field, _replay, answer_events
from tests.faults.filters import _refilter
from tests.faults.middleware import ASGIApp, Scope, read_body, route, set_request_header
from tests.faults.model import Fault

TOKEN = route("POST", "/auth/token")
RESOURCES = route("GET", r"/[23]/footprints(/[^/]+)?")
PROTECTED = re.compile(r"/[23]/(footprints(/[^/]+)?|events)")
JWT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
ID_FIELDS = {"productId": "productIds", "companyId": "companyIds", "classification": "productClassifications"}


def _form_rewrite(change: Callable[[dict[str, str]], None]) -> Callable[[ASGIApp], ASGIApp]:
    """The token endpoint sees the form as `change` rewrites it."""

    def wrap(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
            if not TOKEN(scope):
                await app(scope, receive, send)
                return
            body = await read_body(receive)
            form = dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
            change(form)
            await app(scope, _replay(urlencode(form).encode(), receive), send)

        return wrapped

    return wrap


def _grant_as_client_credentials(accepts: Callable[[str], bool]) -> Callable[[dict[str, str]], None]:
    def change(form: dict[str, str]) -> None:
        if accepts(form.get("grant_type", "")):
            form["grant_type"] = "client_credentials"
    return change


def _token_substitute(accepts: Callable[[str, list[str]], bool]) -> Callable[[ASGIApp], ASGIApp]:
    """An unknown bearer token that `accepts(token, issued)` approves is served as a valid one."""

    def wrap(app: ASGIApp) -> ASGIApp:
        tokens = app.state.tokens  # type: ignore[attr-defined]

        async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
            token = _bearer(scope) if scope.get("type") == "http" and PROTECTED.fullmatch(scope["path"]) else None
            if token and tokens.state(token) == "unknown" and accepts(token, list(tokens._expiry)):  # noqa: SLF001
                scope = dict(scope)
                set_request_header(scope, "authorization", f"Bearer {tokens.issue()}")
            await app(scope, receive, send)

        return wrapped

    return wrap


def _jwt_shaped(token: str, _issued: list[str]) -> bool:
    """The host only checks that a token parses as a JWT, never its signature or expiry."""
    return bool(JWT.fullmatch(token))


def _prefix_compared(token: str, issued: list[str]) -> bool:
    """The host compares a token by its first 40 characters (a truncated column or a startswith check)."""
    return len(token) >= 40 and any(t[:40] == token[:40] for t in issued)


def _first_pf_id_checked(major: int, event: Any) -> int | None:
    """The host validates data.pfIds[0] only; the rest of the array, whatever it holds, is taken as is."""
    pf_ids = _field(event, "data", "pfIds")
    if not (isinstance(pf_ids, list) and len(pf_ids) > 1 and isinstance(pf_ids[0], str)):
        return None
    try:
        uuid.UUID(pf_ids[0])
    except ValueError:
        return None
    return 200


def _prefix_match(footprint: Mapping[str, Any], criteria: dict[str, list[str]]) -> bool:
    """Ids match when the footprint's value starts with the filter value (SQL LIKE 'value%')."""
    for name, values in criteria.items():
        if name in ID_FIELDS:
            own = [str(v).lower() for v in footprint.get(ID_FIELDS[name]) or []]
            if not any(o.startswith(v.lower()) for o in own for v in values):
                return False
        elif not store.matches_v3(footprint, {name: values}):
            return False
    return True


FAULTS = [
    Fault("token-accepts-password-grant", "grant_type=password with the client's credentials issues a token (AUTH-07)",
          kills=frozenset({"AUTH-GRANT-TYPES-WIDE"}),
          wrap=_form_rewrite(_grant_as_client_credentials(lambda grant: grant == "password"))),
    Fault("token-grant-type-case-insensitive", 'grant_type "Client_Credentials" is accepted (RFC 6749 §4.4.2)',
          kills=frozenset({"AUTH-GRANT-TYPES-WIDE"}),
          wrap=_form_rewrite(_grant_as_client_credentials(lambda grant: grant.lower() == "client_credentials"))),
    Fault("accepts-any-jwt-shaped-token", "any JWT-shaped token is served, signature and exp unchecked (AUTH-09)",
          kills=frozenset({"AUTH-INVALID-TOKENS-WIDE", "EVT-INVALID-TOKENS-WIDE"}),
          collateral=frozenset({"FUZZ-AUTH-REQUIRED"}), wrap=_token_substitute(_jwt_shaped)),
    Fault("token-compared-by-prefix", "a token is compared by its first 40 characters only (AUTH-09)",
          kills=frozenset({"AUTH-INVALID-TOKENS-WIDE", "EVT-INVALID-TOKENS-WIDE"}),
          wrap=_token_substitute(_prefix_compared)),
    Fault("events-pfids-first-only", "a published event is validated on its first pfId only (EVT-03, EVT-10)",
          kills=frozenset({"EVT-MALFORMED-PFIDS-WIDE"}), wrap=answer_events(_first_pf_id_checked)),
    Fault("filter-ids-prefix-match", "productId, companyId and classification filters match by prefix (FILT-21)",
          kills=frozenset({"FILT-NO-MATCH-WIDE"}), specs=("3.0",),
          collateral=frozenset({"FILT-PAGINATION-RETAINED"}),  # the rewritten parameters are missing from next links
          wrap=_refilter(_prefix_match, *ID_FIELDS)),
]
