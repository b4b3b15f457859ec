"""Fixed sets of realistic wrong inputs for the negative cases, and the record of how a host answered them.

One invented value proves little: a host that refuses `urn:x:unknown-grant` may still issue a
token for `grant_type=password`. Each set here is small and fixed, so the request count of a
case is bounded and printed, and every probe and its answer stays in the evidence.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conformance.expect import expect

# RFC 6749 §4.4.2: grant_type "Value MUST be set to client_credentials"; every other value, registered or
# not, must not yield a token on this endpoint (AUTH-07). Extra parameters make each request look real.
GRANT_PROBES: dict[str, dict[str, str]] = {
    "password (RFC 6749 §4.3)": {"grant_type": "password", "username": "pact-user", "password": "pact-password"},
    "authorization_code (RFC 6749 §4.1)": {"grant_type": "authorization_code", "code": "SplxlOBeZQQYbYS6WxSbIA",
                                           "redirect_uri": "https://client.example.org/cb"},
    "refresh_token (RFC 6749 §6)": {"grant_type": "refresh_token", "refresh_token": "tGzv3JOkF0XG5Qx2TlKWIA"},
    "jwt-bearer (RFC 7523)": {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                              "assertion": "eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo"},
    "device_code (RFC 8628)": {"grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                               "device_code": "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS"},
    "token-exchange (RFC 8693)": {"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
                                  "subject_token": "accVkjcJyb4BWCxGsndESCJQbdFMogUC5PbRDqceLTC",
                                  "subject_token_type": "urn:ietf:params:oauth:token-type:access_token"},
    "empty grant_type": {"grant_type": ""},
    'case-changed "Client_Credentials"': {"grant_type": "Client_Credentials"},
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt(claims: dict[str, Any], *, signed: bool = True) -> str:
    """A well-formed JWT (RFC 7519); signed with a key of our own, which no host can hold."""
    header = {"alg": "HS256" if signed else "none", "typ": "JWT"}
    head = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())
    signature = hmac.new(secrets.token_bytes(32), head.encode(), hashlib.sha256).digest() if signed else b""
    return head + "." + _b64(signature)


def _claims(client_id: str, issuer: str, *, expired: bool) -> dict[str, Any]:
    now = int(time.time())
    start = now - 7200 if expired else now
    return {"iss": issuer, "sub": client_id, "aud": issuer, "iat": start, "nbf": start,
            "exp": start + 3600, "jti": str(uuid.uuid4()), "scope": "footprints"}


def _case_changed(token: str) -> str | None:
    changed = token.swapcase()
    return changed if changed != token else None


def invalid_tokens(real: str, client_id: str, issuer: str, *, register: Callable[[str, str], None]) -> dict[str, str]:
    """Tokens a host must refuse (AUTH-09); each is `register`ed as a secret first (most are near the real one)."""
    probes = {
        "a JWT signed by someone else": _jwt(_claims(client_id, issuer, expired=False)),
        "an expired-looking JWT": _jwt(_claims(client_id, issuer, expired=True)),
        'an unsigned JWT (alg "none")': _jwt(_claims(client_id, issuer, expired=False), signed=False),
        "the real token truncated by one character": real[:-1],
        "the real token with a character appended": real + ("x" if not real.endswith("x") else "y"),
    }
    changed = _case_changed(real)
    if changed is not None:
        probes["the real token case-changed"] = changed
    for value in probes.values():
        register(value, "bearer-token-variant")
    return probes


def malformed_pf_ids() -> dict[str, Any]:
    """`data.pfIds` values a host must refuse (EVT-03, EVT-10: an array of footprint ids, UUID).

    Only shapes no UUID parser accepts: braces, `urn:uuid:` and missing hyphens are left out
    (lenient parsers take them, and the spec's text does not rule on them).
    """
    valid = str(uuid.uuid4())
    return {
        "a GTIN URN (the official probe)": ["urn:gtin:4712345060507"],
        "a word": ["not-a-uuid"],
        "an empty string": [""],
        "a number": [42],
        "a UUID missing its last character": [valid[:-1]],
        "a UUID with a non-hex character": ["g" + valid[1:]],
        "a valid id followed by a malformed one": [valid, "not-a-uuid"],
        "a string instead of an array": valid,
        "null": None,
        "an object instead of an array": {"id": valid},
    }


def unknown_values(real: str) -> dict[str, str]:
    """Values near a real one that must not match it: exact matching, not prefix or substring (FILT-21)."""
    probes = {"the real value with a suffix": real + "-0", "the real value truncated": real[:-1]}
    if len(real) > 2:
        probes["the real value without its first character"] = real[1:]
    return {name: value for name, value in probes.items() if value and value.lower() != real.lower()}


@dataclass
class ProbeLog:
    """Each probe and its answer, in order; the count is the number of requests the case sent."""

    rows: list[tuple[str, str, bool]] = field(default_factory=list)

    def add(self, probe: str, answer: str, accepted: bool) -> None:
        self.rows.append((probe, answer, accepted))

    def accepted(self) -> list[str]:
        return [f"{probe} → {answer}" for probe, answer, ok in self.rows if ok]

    def summary(self, what: str) -> str:
        answers = "; ".join(f"{probe} → {answer}" for probe, answer, _ in self.rows)
        return f"{len(self.rows)} {what} probes sent ({len(self.rows)} requests): {answers}"


def run_probes(probes: dict[str, Any], send: Callable[[str, Any], tuple[str, bool]], log: ProbeLog) -> None:
    """Send every probe; `send` returns the answer as shown and whether the host accepted the wrong input."""
    for name, value in probes.items():
        answer, accepted = send(name, value)
        log.add(name, answer, accepted)


def report_probes(note: Callable[[str], None], log: ProbeLog, what: str, req: str) -> None:
    """Every probe and answer into the evidence; the case fails if any wrong input was accepted."""
    note(log.summary(what))
    accepted = log.accepted()
    expect(not accepted, f"{len(accepted)} of {len(log.rows)} {what} probes were accepted: " + "; ".join(accepted),
           req=req)
