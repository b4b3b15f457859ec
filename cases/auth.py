"""Authenticate action: client-credentials token, invalid credentials (AUTH-nn)."""

from __future__ import annotations

from conformance.auth import parse_token
from conformance.catalog import case
from conformance.expect import expect, expect_json, expect_status
from conformance.session import TargetSession


@case("AUTH-TOKEN", title="Token with valid client credentials", requirements=["AUTH-01", "AUTH-03"],
      mandatory="all", official="TC1")
def test_token_with_valid_credentials(session: TargetSession) -> None:
    response = session.auth.request_token()
    expect_status(response, {200}, req="AUTH-01")
    body = expect_json(response, req="AUTH-03")
    expect(isinstance(body, dict), "token response is not a JSON object", req="AUTH-03")
    token = parse_token(response)
    expect(token.token_type.lower() == "bearer",
           f"token_type is {body.get('token_type')!r}, expected 'bearer' (case-insensitive)", req="AUTH-03")
    expires_in = body.get("expires_in")
    expect(expires_in is None or (isinstance(expires_in, int) and not isinstance(expires_in, bool) and expires_in > 0),
           f"expires_in is {expires_in!r}, expected a positive integer when present", req="AUTH-03")


@case("AUTH-BAD-CREDENTIALS", title="Invalid client credentials are rejected (400 or 401)",
      requirements=["AUTH-06", "ERR-06"], mandatory="all", official="TC2")
def test_invalid_credentials_rejected(session: TargetSession) -> None:
    response = session.auth.request_token(client_secret="invalid-" + session.target.client_id,
                                          note="Authenticate with a wrong client secret")
    expect_status(response, {400, 401}, req="AUTH-06")
    try:
        body = response.json()
    except Exception:  # noqa: BLE001 - any unparsable body simply carries no token
        body = None
    expect(not (isinstance(body, dict) and body.get("access_token")),
           "a token was issued for invalid credentials", req="AUTH-06")
