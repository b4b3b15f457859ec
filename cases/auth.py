"""Authenticate action, OpenID Connect discovery and bearer-token handling (AUTH-nn).

Invalid-token probes never send the real token: they use "invalid-" plus a
random string. Tokens obtained here go through `session.auth.request_token`,
which registers them as secrets before anything can record them.
"""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import urlsplit

import pytest

from conformance.auth import DISCOVERY_PATH, parse_token
from conformance.catalog import case
from conformance.client import BadBody, Response, same_origin
from conformance.expect import CaseFailure, expect, expect_json, expect_json_content_type, expect_status, fail
from conformance.probes import GRANT_PROBES, ProbeLog, invalid_tokens, report_probes, run_probes
from conformance.session import TargetSession

REJECTED = frozenset({400, 401})  # invalid or missing token: the official tool's TC6/TC7 statuses
UNAUTHORIZED = frozenset({401})
# A token whose lifetime is at most this many seconds is waited out to test expiry (AUTH-11).
MAX_EXPIRY_WAIT_S = 10
# OpenID Connect Discovery 1.0 §3 metadata the catalogue asks for (AUTH-13).
ANY_4XX = frozenset(range(400, 500))
OIDC_REQUIRED_METADATA = ("issuer", "jwks_uri", "response_types_supported", "subject_types_supported",
                          "id_token_signing_alg_values_supported")


# --- small helpers shared by the cases of this module (and cases/transport.py) ---

def body_or_none(response: Response) -> Any:
    """The JSON body, or None when there is none: rejections often carry no (JSON) body."""
    try:
        return response.json()
    except BadBody:
        return None


def carries(response: Response, member: str) -> bool:
    """Whether the body is a JSON object with `member` (e.g. `data`, `access_token`)."""
    body = body_or_none(response)
    return isinstance(body, dict) and member in body


def invalid_token() -> str:
    """A bearer token no host can know; the run's real token is never used for negative probes."""
    return "invalid-" + secrets.token_urlsafe(16)


def _describe(response: Response) -> str:
    return f"{response.exchange.method} {urlsplit(response.url).path}"


def _expect_token_issued(response: Response, req: str) -> dict[str, Any]:
    """200 and a JSON object with a non-empty access_token string (what every client needs)."""
    expect_status(response, {200}, req=req)
    body = expect_json(response, req="AUTH-03")
    expect(isinstance(body, dict), f"{_describe(response)}: token response is not a JSON object", req="AUTH-03")
    token = body.get("access_token")
    expect(isinstance(token, str) and bool(token),
           f"{_describe(response)}: token response has no non-empty access_token string", req="AUTH-03")
    return body  # type: ignore[no-any-return]


def _expect_no_token(response: Response, req: str) -> None:
    expect(not carries(response, "access_token"),
           f"{_describe(response)} issued an access_token although the request must be refused", req=req)


def _expect_oauth_error(response: Response, status: set[int], errors: set[str], req: str) -> None:
    """An RFC 6749 §5.2 error: the status, and a JSON object whose `error` is one of `errors`."""
    _expect_no_token(response, req)
    expect_status(response, status, req=req)
    body = body_or_none(response)
    expect(isinstance(body, dict) and isinstance(body.get("error"), str),
           f"{_describe(response)}: HTTP {response.status} without an RFC 6749 §5.2 JSON body with `error`",
           req=[req, "ERR-06"])
    expect(body["error"] in errors,
           f"{_describe(response)}: error is {str(body['error'])[:80]!r}, expected {' or '.join(sorted(errors))}",
           req=[req, "ERR-06"])


def _expect_rejected(response: Response, allowed: frozenset[int], req: str | list[str], what: str) -> None:
    """A resource call that must be refused: an allowed status and no `data` in the body."""
    wanted = "a 4xx status" if allowed == ANY_4XX else " or ".join(str(s) for s in sorted(allowed))
    if response.status == 403 and 403 not in allowed:
        fail(f"{_describe(response)} with {what} answered 403, expected {wanted}: since 2.2, 403 AccessDenied "
             "means a valid token without permission, and the official tool fails 403 here (ambiguity A-02)", req)
    expect(response.status in allowed,
           f"{_describe(response)} with {what} answered HTTP {response.status}, expected {wanted}", req=req)
    expect(not carries(response, "data"), f"{_describe(response)} with {what} returned `data`", req=req)


def _get(session: TargetSession, url: str, token: str | None, note: str) -> Response:
    """GET with the given bearer token, or with no Authorization header at all when token is None."""
    return session.client.request("GET", url, token=token, note=note)


def _note_error_code(session: TargetSession, response: Response, expected: str) -> None:
    """Error codes of auth failures are only RECOMMENDED since 2.3.2 / 3.0.3 (ADR-50): a note, not a failure."""
    body = body_or_none(response)
    code = body.get("code") if isinstance(body, dict) else None
    if code != expected:
        session.evidence.note(f"{_describe(response)}: error code is {str(code)[:60]!r}, {expected!r} recommended "
                              "(auth-related error bodies are optional since 2.3.2 / 3.0.3, ADR-50)")


# --- Authenticate (TC1, TC2, AUTH-02..07) ---

@case("AUTH-TOKEN", title="Token with valid client credentials", requirements=["AUTH-01", "AUTH-03", "GEN-01"],
      mandatory="all")
def test_token_with_valid_credentials(session: TargetSession) -> None:
    """200 with access_token and token_type (RFC 6749 §5.1, the OAS AuthResponseBody); OFFICIAL-TC1 checks the status only."""
    body = _expect_token_issued(session.auth.request_token(), req="AUTH-01")
    expect(isinstance(body.get("token_type"), str), "token response has no token_type string", req="AUTH-03")


@case("AUTH-BAD-CREDENTIALS", title="Invalid client credentials are rejected (400 or 401)",
      requirements=["AUTH-06", "ERR-06"], mandatory="all")
def test_invalid_credentials_rejected(session: TargetSession) -> None:
    response = session.auth.request_token(client_secret="invalid-" + secrets.token_urlsafe(12),
                                          note="Authenticate with a wrong client secret")
    _expect_no_token(response, req="AUTH-06")
    expect_status(response, {400, 401}, req="AUTH-06")


@case("AUTH-TOKEN-RESPONSE", title="Token response is RFC 6749 §5.1 JSON (bearer token_type, positive expires_in)",
      requirements=["AUTH-03"], mandatory="all")
def test_token_response_shape(session: TargetSession) -> None:
    response = session.auth.request_token(note="Authenticate (check the response shape)")
    body = _expect_token_issued(response, req="AUTH-01")
    expect_json_content_type(response, req="AUTH-03")
    token_type = body.get("token_type")
    expect(isinstance(token_type, str) and token_type.lower() == "bearer",
           f"token_type is {str(token_type)[:40]!r}, expected 'bearer' (case-insensitive, A-05)", req="AUTH-03")
    expires_in = body.get("expires_in")
    expect(expires_in is None or (type(expires_in) is int and expires_in > 0),
           f"expires_in is {str(expires_in)[:40]!r}, expected a positive integer when present", req="AUTH-03")


@case("AUTH-TOKEN-NO-STORE", title="Token response carries Cache-Control: no-store",
      requirements=["AUTH-04"], mandatory="none")
def test_token_response_not_cached(session: TargetSession) -> None:
    """RFC 6749 §5.1 (derived): a cached token response would leak the token to shared caches."""
    response = session.auth.request_token(note="Authenticate (check Cache-Control)")
    _expect_token_issued(response, req="AUTH-01")
    directives = {d.strip().lower() for d in response.headers.get("cache-control", "").split(",")}
    expect("no-store" in directives,
           f"Cache-Control is {response.headers.get('cache-control', 'missing')!r}, expected no-store (RFC 6749 §5.1)",
           req="AUTH-04")


@case("AUTH-TOKEN-EXPIRES-IN", title="Issued tokens expire (expires_in is given)",
      requirements=["AUTH-05"], mandatory="none")
def test_token_expires(session: TargetSession) -> None:
    body = _expect_token_issued(session.auth.request_token(note="Authenticate (check expires_in)"), req="AUTH-01")
    expires_in = body.get("expires_in")
    expect(type(expires_in) is int and expires_in > 0,
           f"expires_in is {str(expires_in)[:40]!r}: tokens SHOULD expire and the response should say when",
           req="AUTH-05")


@case("AUTH-UNSUPPORTED-GRANT", title="Unknown grant_type is rejected with 400 unsupported_grant_type",
      requirements=["AUTH-07", "ERR-06"], mandatory="none")
def test_unsupported_grant_type(session: TargetSession) -> None:
    response = session.auth.request_token(form={"grant_type": "urn:pact:conformance:unknown-grant"},
                                          note="Authenticate with an unknown grant_type")
    _expect_oauth_error(response, {400}, {"unsupported_grant_type"}, req="AUTH-07")


@case("AUTH-MISSING-GRANT", title="Token request without grant_type is rejected with 400 invalid_request",
      requirements=["AUTH-07", "ERR-06"], mandatory="none")
def test_missing_grant_type(session: TargetSession) -> None:
    response = session.auth.request_token(form={}, note="Authenticate without grant_type")
    _expect_oauth_error(response, {400}, {"invalid_request"}, req="AUTH-07")


@case("AUTH-INVALID-CLIENT-ERROR", title="Invalid client credentials get an RFC 6749 invalid_client error body",
      requirements=["AUTH-06", "ERR-06"], mandatory="none")
def test_invalid_client_error_body(session: TargetSession) -> None:
    """The status is TC2's business; this checks the body, only RECOMMENDED since ADR-50, hence optional."""
    response = session.auth.request_token(client_secret="invalid-" + secrets.token_urlsafe(12),
                                          note="Authenticate with a wrong client secret (error body)")
    _expect_oauth_error(response, {400, 401}, {"invalid_client"}, req="AUTH-06")


@case("AUTH-LEGACY-ENDPOINT", title="{auth-url}/auth/token issues tokens even when OIDC discovery is offered",
      requirements=["AUTH-02"], mandatory="2.x")
def test_legacy_token_endpoint(session: TargetSession) -> None:
    """v2: MUST for backward compatibility; v3: a warning only (ambiguity A-03)."""
    response = session.auth.request_token(url=session.auth.legacy_token_url,
                                          note="Authenticate at {auth-url}/auth/token")
    _expect_token_issued(response, req="AUTH-02")


# --- OpenID Connect discovery (TC18, TC19, AUTH-12/13, TLS-06) ---

def fetch_discovery(session: TargetSession) -> tuple[Response, Any]:
    """GET the OpenID Provider Configuration afresh (the run's cached copy has no evidence in this case)."""
    response = session.client.request("GET", session.target.auth_url + DISCOVERY_PATH,
                                      headers={"Accept": "application/json"}, note="OpenID Connect discovery")
    return response, body_or_none(response) if response.status == 200 else None


def discovered_token_endpoint(session: TargetSession) -> str | None:
    """The discovered https token_endpoint; None when no discovery document is offered (4xx).

    A document that is offered but unusable is a failure: credentials are never
    sent to a token_endpoint that is not an absolute https URL.
    """
    response, document = fetch_discovery(session)
    if 400 <= response.status < 500:
        return None
    expect(isinstance(document, dict),
           f"OpenID Connect discovery answered HTTP {response.status} without a JSON object", req="AUTH-12")
    endpoint = document.get("token_endpoint")
    expect(isinstance(endpoint, str) and urlsplit(endpoint).scheme == "https" and bool(urlsplit(endpoint).hostname),
           f"the discovery document has no absolute https token_endpoint ({str(endpoint)[:120]!r}); "
           "credentials were not sent", req=["AUTH-12", "TLS-06"])
    return str(endpoint)


@case("AUTH-OIDC-TOKEN", title="OpenID Connect discovery flow with valid credentials",
      requirements=["AUTH-12", "AUTH-14"], mandatory="none", versions=">=2.1")
def test_oidc_flow(session: TargetSession) -> None:
    endpoint = discovered_token_endpoint(session)
    if endpoint is None:
        pytest.skip("the host offers no OpenID Connect discovery document (optional)")
    response = session.auth.request_token(url=endpoint, note="Authenticate at the discovered token_endpoint")
    _expect_token_issued(response, req="AUTH-14")


@case("AUTH-OIDC-BAD-CREDENTIALS", title="OpenID Connect token_endpoint rejects unknown clients (400 or 401)",
      requirements=["AUTH-14", "AUTH-06"], mandatory="none", versions=">=2.1")
def test_oidc_flow_rejects_unknown_client(session: TargetSession) -> None:
    """Like the official tool: a random client id and secret (TC2 uses the real id with a wrong secret)."""
    try:
        endpoint = discovered_token_endpoint(session)
    except CaseFailure as exc:
        pytest.skip(f"{exc.message} (AUTH-OIDC-TOKEN reports it)")
    if endpoint is None:
        pytest.skip("the host offers no OpenID Connect discovery document (optional)")
    response = session.auth.request_token(url=endpoint, client_id="invalid-" + secrets.token_urlsafe(8),
                                          client_secret=secrets.token_urlsafe(16),
                                          note="Authenticate at the discovered token_endpoint as an unknown client")
    _expect_no_token(response, req="AUTH-14")
    expect_status(response, {400, 401}, req="AUTH-14")


def _discovery_problems(document: dict[str, Any], auth_url: str) -> list[str]:
    """What makes a discovery document invalid for PACT's flow (OIDC Discovery 1.0 §3, §4.3)."""
    problems = [f"missing {name}" for name in OIDC_REQUIRED_METADATA if name not in document]
    for name in ("issuer", "token_endpoint"):
        value = document.get(name)
        if isinstance(value, str) and urlsplit(value).scheme != "https":
            problems.append(f"{name} {value[:120]!r} is not an https URL")
    endpoint = document.get("token_endpoint")
    if not isinstance(endpoint, str) or not urlsplit(endpoint).hostname:
        problems.append(f"token_endpoint {str(endpoint)[:120]!r} is not an absolute URL")
    issuer = document.get("issuer")
    if isinstance(issuer, str) and issuer.rstrip("/") != auth_url.rstrip("/"):
        problems.append(f"issuer {issuer[:120]!r} differs from the auth URL {auth_url!r} it was fetched from")
    return problems


@case("AUTH-DISCOVERY-DOCUMENT", title="OpenID Provider Configuration is offered and valid",
      requirements=["AUTH-12", "AUTH-13", "TLS-06"], mandatory="none", versions=">=2.1")
def test_discovery_document(session: TargetSession) -> None:
    response, document = fetch_discovery(session)
    expect_status(response, {200}, req="AUTH-12")
    expect_json_content_type(response, req="AUTH-13")
    expect(isinstance(document, dict), "the discovery document is not a JSON object", req="AUTH-13")
    problems = _discovery_problems(document, session.target.auth_url)
    expect(not problems, "discovery document: " + "; ".join(problems), req=["AUTH-13", "TLS-06"])


# --- Using the token (TC6, TC7, AUTH-08..11) ---

@case("AUTH-INVALID-TOKEN-LIST", title="ListFootprints with an invalid token is rejected (400 or 401)",
      requirements=["AUTH-09"], mandatory="all")
def test_list_with_invalid_token(session: TargetSession) -> None:
    response = _get(session, session.footprints_url(), invalid_token(), "ListFootprints with an invalid token")
    _expect_rejected(response, REJECTED, "AUTH-09", "an invalid token")
    _note_error_code(session, response, "BadRequest")


@case("AUTH-INVALID-TOKEN-GET", title="GetFootprint with an invalid token is rejected (400 or 401)",
      requirements=["AUTH-09"], mandatory="all")
def test_get_with_invalid_token(session: TargetSession) -> None:
    response = _get(session, session.footprint_url(session.some_footprint_id()), invalid_token(),
                    "GetFootprint with an invalid token")
    _expect_rejected(response, REJECTED, "AUTH-09", "an invalid token")
    _note_error_code(session, response, "BadRequest")


def _resource_urls(session: TargetSession) -> dict[str, str]:
    return {"ListFootprints": session.footprints_url(),
            "GetFootprint": session.footprint_url(session.some_footprint_id())}


@case("AUTH-NO-TOKEN", title="ListFootprints and GetFootprint without Authorization are rejected",
      requirements=["AUTH-10", "GEN-07"], mandatory="3.0")
def test_missing_token_rejected(session: TargetSession) -> None:
    """v3 hosts MUST authenticate every client (400 or 401, as for invalid tokens); v2 only implies it (4xx)."""
    allowed = REJECTED if session.version.major == 3 else ANY_4XX
    for action, url in _resource_urls(session).items():
        response = _get(session, url, None, f"{action} without Authorization")
        _expect_rejected(response, allowed, ["AUTH-10", "GEN-07"], "no Authorization header")


@case("AUTH-INVALID-TOKEN-401", title="v3: invalid or missing tokens are answered with 401",
      requirements=["AUTH-09", "AUTH-10"], mandatory="none", versions="3.0")
def test_v3_rejections_are_401(session: TargetSession) -> None:
    """SPEC3 says 401; the official tool also passes 400 (A-02), so this preference is a warning only."""
    for action, url in _resource_urls(session).items():
        for what, token in (("an invalid token", invalid_token()), ("no Authorization header", None)):
            response = _get(session, url, token, f"{action} with {what}")
            _expect_rejected(response, UNAUTHORIZED, "AUTH-09" if token else "AUTH-10", what)


@case("AUTH-TOKEN-ALL-ACTIONS", title="One token works for ListFootprints, its pagination link and GetFootprint",
      requirements=["AUTH-08"], mandatory="all")
def test_token_for_all_actions(session: TargetSession) -> None:
    token = parse_token(session.auth.request_token(note="Authenticate (token used for every action)")).value
    first = session.client.request("GET", session.footprints_url(), token=token, params=[("limit", "1")],
                                   note="ListFootprints (limit=1) with the new token")
    expect_status(first, {200, 202}, req="AUTH-08")
    next_url = first.links.get("next")
    if next_url is not None and same_origin(next_url, session.target.base_url):
        page = session.client.request("GET", next_url, token=token, note="pagination link with the same token")
        expect_status(page, {200, 202}, req="AUTH-08")
    else:
        session.evidence.note("no same-origin pagination link on a limit=1 page: the link was not exercised")
    response = session.client.request("GET", session.footprint_url(session.some_footprint_id()), token=token,
                                      note="GetFootprint with the same token")
    expect_status(response, {200}, req="AUTH-08")


def _expired_token(session: TargetSession) -> str:
    """The user's expired token, or a fresh one waited out when it lives briefly; otherwise the case cannot run."""
    if session.options.expired_token is not None:
        session.evidence.note("using the expired token supplied by the user")
        return session.options.expired_token.get_secret_value()
    token = parse_token(session.auth.request_token(note="Authenticate (token to let expire)"))
    if token.expires_in is None or token.expires_in > MAX_EXPIRY_WAIT_S:
        lifetime = "an unstated time" if token.expires_in is None else f"{token.expires_in} s"
        pytest.skip(f"tokens live {lifetime} (waited out only up to {MAX_EXPIRY_WAIT_S} s); "
                    "supply an expired token to test expiry")
    session.evidence.note(f"waiting {token.expires_in} s (+1 s margin) for the token to expire")
    time.sleep(token.expires_in + 1.0)
    return token.value


@case("AUTH-EXPIRED-TOKEN", title="An expired token is rejected with 401",
      requirements=["AUTH-11", "LIST-09"], mandatory="none")
def test_expired_token_rejected(session: TargetSession) -> None:
    """401 is a MUST, code TokenExpired a SHOULD (note); optional because most hosts' tokens outlive a run."""
    urls = _resource_urls(session)
    token = _expired_token(session)
    for action, url in urls.items():
        response = _get(session, url, token, f"{action} with an expired token")
        _expect_rejected(response, UNAUTHORIZED, "AUTH-11", "an expired token")
        _note_error_code(session, response, "TokenExpired")


# --- widened negative probes: a fixed set of realistic wrong inputs each (conformance/probes.py) ---

def _answer(response: Response) -> str:
    body = body_or_none(response)
    detail = body.get("error") or body.get("code") if isinstance(body, dict) else None
    return f"HTTP {response.status}" + (f" {str(detail)[:40]}" if detail else "")


@case("AUTH-GRANT-TYPES-WIDE", title="Token requests with grant types other than client_credentials issue no token",
      requirements=["AUTH-07"], mandatory="none")
def test_other_grant_types_refused(session: TargetSession) -> None:
    """RFC 6749 §4.4.2: grant_type MUST be "client_credentials"; the other RFC 6749 and extension grants,
    an empty value and a case-changed one are each sent with the valid client credentials."""
    log = ProbeLog()

    def send(name: str, form: Any) -> tuple[str, bool]:
        response = session.auth.request_token(form=form, note=f"Authenticate with {name}")
        return _answer(response), response.status < 300 or carries(response, "access_token")

    run_probes(GRANT_PROBES, send, log)
    report_probes(session.evidence.note, log, "grant-type", "AUTH-07")


@case("AUTH-INVALID-TOKENS-WIDE", title="ListFootprints and GetFootprint refuse realistic invalid tokens",
      requirements=["AUTH-09"], mandatory="all")
def test_realistic_invalid_tokens_refused(session: TargetSession) -> None:
    """A foreign-signed, an expired-looking and an unsigned JWT, and the real token truncated, extended and
    case-changed: none may be served (AUTH-09). Statuses other than 400/401 are TC6/TC7's business."""
    probes = invalid_tokens(session.token(), session.target.client_id, session.target.auth_url,
                            register=session.client.secrets.add)
    log = ProbeLog()
    for action, url in _resource_urls(session).items():
        def send(name: str, token: Any, action: str = action, url: str = url) -> tuple[str, bool]:
            response = _get(session, url, token, f"{action} with {name}")
            return _answer(response), response.status < 300 or carries(response, "data")
        run_probes({f"{action}: {name}": token for name, token in probes.items()}, send, log)
    report_probes(session.evidence.note, log, "invalid-token", "AUTH-09")
