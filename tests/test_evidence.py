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


def test_a_short_secret_replaces_only_a_whole_value_and_is_reported() -> None:
    book = SecretBook()
    book.add("e", "bearer-token")
    assert book.redact("incomplete") == "incomplete"  # the report's own words stay
    assert book.redact("e") == "«redacted bearer-token, 1 chars»"
    assert book.too_short() == {"bearer-token": 1}


def test_a_token_that_contains_the_secret_is_redacted_whole() -> None:
    book = SecretBook()
    book.add_client("client", "client-secret-1")
    book.add("prefix-client-secret-1-suffix", "bearer-token")
    assert book.redact("x prefix-client-secret-1-suffix y") == "x «redacted bearer-token, 29 chars» y"


def test_unsafe_characters_become_replacement_characters() -> None:
    from conformance.sanitize import clean_json, clean_text

    assert clean_text("a\x1b[2J\x00b\ud800\tc\n") == ("a\ufffd[2J\ufffdb\ufffd\tc\n", 3)
    value, count = clean_json({"id\ud800": ["\x07", {"k": "ok"}]})
    assert value == {"id\ufffd": ["\ufffd", {"k": "ok"}]} and count == 2


def test_content_codings_are_decoded_under_the_cap_or_refused() -> None:
    import zlib

    import pytest

    from conformance.content_coding import BoundedDecoder, CodingRefused, Exceeded, parse_codings

    raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = raw_deflate.compress(b"{}" * 1000) + raw_deflate.flush()
    assert b"".join(BoundedDecoder(parse_codings("deflate"), 10_000).feed(body)) == b"{}" * 1000
    with pytest.raises(CodingRefused, match="br"):
        parse_codings("br")
    with pytest.raises(CodingRefused, match="layers"):
        parse_codings("gzip, gzip, gzip, gzip")
    zeros = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    bomb = zeros.compress(b"\0" * (8 << 20)) + zeros.flush()
    with pytest.raises(Exceeded):
        for _ in BoundedDecoder(parse_codings("gzip"), 100 << 20).feed(bomb):
            pass


def test_secrets_are_found_in_nested_and_html_spellings() -> None:
    from urllib.parse import quote

    book = SecretBook()
    book.add("a/b+c=d ef-0123456789", "bearer-token")
    twice = quote(quote("a/b+c=d ef-0123456789", safe=""), safe="")
    entities = "".join(f"&#{ord(c)};" for c in "a/b+c=d ef-0123456789")
    in_url = quote('"a\\/b+c=d ef-0123456789"', safe="")
    for spelling in (twice, entities, in_url):
        assert "0123456789" not in book.redact(f"<{spelling}>"), spelling


def test_a_nine_megabyte_token_is_redacted_whole_and_by_its_head() -> None:
    from conformance.evidence import excerpt

    book = SecretBook()
    token = "A" * 9_000_000 + "Z"
    book.add(token, "bearer-token")
    assert book.redact(f"x{token}y") == "x«redacted bearer-token, 9000001 chars»y"
    shown, cut = excerpt(b"x" * 4090 + token.encode(), book)
    assert cut and shown.endswith("«redacted part of a bearer-token»") and "AAAA" not in shown
