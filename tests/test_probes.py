"""The fixed probe sets stay small, realistic and well-formed, and one accepted probe fails the case."""

from __future__ import annotations

import base64
import json

import pytest

from conformance.expect import CaseFailure
from conformance.probes import (
    GRANT_PROBES, ProbeLog, invalid_tokens, malformed_pf_ids, report_probes, run_probes, unknown_values,
)


def test_grant_probes_cover_the_rfc_grants_an_empty_and_a_case_changed_value() -> None:
    grants = {form["grant_type"] for form in GRANT_PROBES.values()}
    assert {"password", "authorization_code", "refresh_token", "", "Client_Credentials",
            "urn:ietf:params:oauth:grant-type:jwt-bearer"} <= grants
    assert "client_credentials" not in grants and len(GRANT_PROBES) <= 10


def test_invalid_tokens_are_jwts_or_near_variants_and_all_registered_as_secrets() -> None:
    registered: list[str] = []
    probes = invalid_tokens("RealToken_abc123", "client", "https://auth.example",
                            register=lambda value, _kind: registered.append(value))
    assert set(registered) == set(probes.values()) and "RealToken_abc123" not in registered
    jwt = probes["an expired-looking JWT"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(jwt[1] + "=" * (-len(jwt[1]) % 4)))
    assert len(jwt) == 3 and claims["exp"] < claims["iat"] + 3601 and claims["sub"] == "client"
    assert probes["the real token truncated by one character"] == "RealToken_abc12"
    assert probes["the real token case-changed"] == "rEALtOKEN_ABC123"


def test_a_token_without_letters_has_no_case_changed_probe() -> None:
    assert "the real token case-changed" not in invalid_tokens("0123-4567", "c", "https://a", register=lambda *_: None)


def test_malformed_pf_ids_and_near_misses_never_equal_a_valid_value() -> None:
    assert len(malformed_pf_ids()) <= 12
    near = unknown_values("urn:gtin:123")
    assert near and all(v.lower() != "urn:gtin:123" for v in near.values())


def test_one_accepted_probe_fails_and_every_answer_is_in_the_evidence() -> None:
    notes: list[str] = []
    log = ProbeLog()
    run_probes({"a": 1, "b": 2}, lambda name, _v: (f"HTTP {200 if name == 'b' else 400}", name == "b"), log)
    with pytest.raises(CaseFailure, match="1 of 2 .* b → HTTP 200"):
        report_probes(notes.append, log, "test", "AUTH-07")
    assert notes == ["2 test probes sent (2 requests): a → HTTP 400; b → HTTP 200"]
