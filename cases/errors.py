"""Error responses of ListFootprints and GetFootprint (ERR-nn).

Errors are provoked with requests every host must refuse: an unknown id (the
nil UUID of official TC8), a malformed id, a non-numeric `limit`, and an
invalid bearer token. Authentication errors are judged separately: since
2.3.2 / 3.0.3 their PACT body is only RECOMMENDED (ADR-50, A-02), and their
status/code pairing is disputed (A-02), so they never enter the pairing check.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cases._footprints import NIL_UUID, get_footprint, invalid_token, json_object
from conformance.catalog import case
from conformance.client import Response
from conformance.expect import expect, expect_json, expect_json_content_type, fail
from conformance.session import TargetSession

# HTTP status of each error code (catalogue §1.7). NotImplemented is 400 in the v2 table and 501 in OAS3
# (pact-openapi 2.x also lists 501 for Events), so both are accepted in both majors.
STATUS_OF_CODE: dict[str, frozenset[int]] = {
    "AccessDenied": frozenset({403}),
    "BadRequest": frozenset({400}),
    "NoSuchFootprint": frozenset({404}),
    "NotFound": frozenset({404}),
    "NotImplemented": frozenset({400, 501}),
    "TokenExpired": frozenset({401}),
    "InternalError": frozenset({500}),
}
# Each major's own code names (ERR-03); the other major's name for "not found" is tolerated with a warning.
CODES_OF_MAJOR: dict[int, frozenset[str]] = {
    2: frozenset({"AccessDenied", "BadRequest", "NoSuchFootprint", "NotImplemented", "TokenExpired", "InternalError"}),
    3: frozenset({"AccessDenied", "BadRequest", "NotFound", "NotImplemented", "TokenExpired", "InternalError"}),
}


def _non_auth_errors(session: TargetSession) -> Iterator[tuple[str, Response]]:
    """Requests a conformant host refuses for a reason other than authentication."""
    yield "GetFootprint for an unknown id", get_footprint(session, NIL_UUID, note="GetFootprint, unknown id")
    yield "GetFootprint for a malformed id", get_footprint(session, "not-a-uuid", note="GetFootprint, malformed id")
    yield "ListFootprints ?limit=abc", session.client.request(
        "GET", session.footprints_url(), token=session.token(), params={"limit": "abc"},
        note="ListFootprints, non-numeric limit")


def _observed_codes(session: TargetSession) -> list[tuple[str, int, str]]:
    """(request, status, code) of every non-auth error answer that carries a `code`."""
    observed = []
    for label, response in _non_auth_errors(session):
        body = json_object(response)
        if response.status >= 400 and body is not None and "code" in body:
            observed.append((label, response.status, str(body["code"])[:80]))
    if not observed:
        pytest.skip("none of the provoked errors carried a PACT error body with a code (ERR-BODY-SHAPE judges bodies)")
    return observed


def _expect_error_body(response: Response, what: str, req: str | list[str]) -> None:
    """`{code: string, message: string}` as application/json."""
    expect(bool(response.body.strip()), f"{what} answered HTTP {response.status} with an empty body; expected a "
           "JSON {code, message} error body", req=req)
    expect_json_content_type(response, req=req)
    body = expect_json(response, req=req)
    problems = [] if isinstance(body, dict) else ["the body is not a JSON object"]
    if isinstance(body, dict):
        problems += [f"`{key}` is {'missing' if key not in body else type(body[key]).__name__}, expected a string"
                     for key in ("code", "message") if not isinstance(body.get(key), str)]
    expect(not problems, f"{what} answered HTTP {response.status} with a malformed error body: "
           + "; ".join(problems), req=req)


@case("ERR-BODY-SHAPE", title="The error for an unknown footprint id is a JSON {code, message} body",
      requirements=["ERR-02", "ERR-09"], mandatory="all")
def test_error_body_shape(session: TargetSession) -> None:
    response = get_footprint(session, NIL_UUID, note="GetFootprint, unknown id")
    if response.status < 400:
        pytest.skip(f"GetFootprint for an unknown id answered HTTP {response.status}, no error to inspect "
                    "(GET-NOT-FOUND judges the status)")
    _expect_error_body(response, "GetFootprint for an unknown id", req=["ERR-02", "ERR-09"])


@case("ERR-STATUS-CODE-MATCH", title="Error codes are PACT codes and match the HTTP status",
      requirements=["ERR-01", "ERR-03"], mandatory="all")
def test_status_matches_code(session: TargetSession) -> None:
    for label, status, code in _observed_codes(session):
        allowed = STATUS_OF_CODE.get(code)
        if allowed is None:
            fail(f"{label} answered HTTP {status} with error code {code!r}, which is not a PACT error code "
                 f"({', '.join(sorted(STATUS_OF_CODE))})", req="ERR-03")
        expect(status in allowed, f"{label} answered HTTP {status} with error code {code!r}; that code belongs to "
               f"HTTP {' or '.join(str(s) for s in sorted(allowed))}", req="ERR-01")


@case("ERR-CODE-VERSION-NAME", title="Error codes use the spec version's own names (v2 NoSuchFootprint, v3 NotFound)",
      requirements=["ERR-03"], mandatory="none")
def test_code_of_version(session: TargetSession) -> None:
    own = CODES_OF_MAJOR[session.version.major]
    for label, status, code in _observed_codes(session):
        expect(code in own or code not in STATUS_OF_CODE, f"{label} answered HTTP {status} with error code {code!r}, "
               f"the name of another spec version; {session.version.spec} uses {', '.join(sorted(own))} (A-09)",
               req="ERR-03")


@case("ERR-NO-DATA", title="Error answers to an invalid token or an unknown id carry no footprint data",
      requirements=["AUTH-09", "GEN-07", "GET-06"], mandatory="all")
def test_errors_carry_no_data(session: TargetSession) -> None:
    token = invalid_token()
    probes = [
        ("ListFootprints with an invalid token", session.client.request(
            "GET", session.footprints_url(), token=token, note="ListFootprints, invalid token")),
        ("GetFootprint with an invalid token", get_footprint(
            session, session.some_footprint_id(), token=token, note="GetFootprint, invalid token")),
        ("GetFootprint for an unknown id", get_footprint(session, NIL_UUID, note="GetFootprint, unknown id")),
    ]
    for label, response in probes:
        body = json_object(response)
        expect(response.status < 400 or body is None or "data" not in body,
               f"{label} answered HTTP {response.status} with a `data` member; error answers must not carry data",
               req=["AUTH-09", "GET-06"])


@case("ERR-AUTH-BODY", title="The error for an invalid token is a JSON {code, message} body (v2; optional since 2.3.2)",
      requirements=["ERR-02", "AUTH-09"], mandatory="2.0,2.1,2.2", versions="2.x")
def test_auth_error_body(session: TargetSession) -> None:
    response = session.client.request("GET", session.footprints_url(), token=invalid_token(),
                                      note="ListFootprints, invalid token")
    if response.status < 400:
        pytest.skip(f"ListFootprints with an invalid token answered HTTP {response.status} (the AUTH cases judge it)")
    _expect_error_body(response, "ListFootprints with an invalid token", req="ERR-02")
