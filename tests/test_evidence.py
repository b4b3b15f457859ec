"""Redaction: secrets in every spelling are masked, markers keep kind and length."""

from __future__ import annotations

import base64

from conformance.evidence import SecretBook


def test_redacts_secret_and_its_basic_and_urlencoded_forms() -> None:
    book = SecretBook()
    book.add_client("client", "p@ss word/+")
    basic = base64.b64encode(b"client:p@ss word/+").decode()
    text = f"secret=p%40ss+word%2F%2B raw=p@ss word/+ header=Basic {basic}"
    redacted = book.redact(text)
    assert "p@ss" not in redacted and "p%40ss" not in redacted and basic not in redacted
    assert "«redacted client-secret, 11 chars»" in redacted


def test_authorization_headers_are_masked_even_for_unknown_tokens() -> None:
    book = SecretBook()
    value = book.redact_header("Authorization", "Bearer never-registered-token")
    assert value == "Bearer «redacted bearer credential, 22 chars»"
    assert book.redact_header("Content-Type", "application/json") == "application/json"
