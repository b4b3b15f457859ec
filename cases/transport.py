"""Transport security: every action over HTTPS only (TLS-nn).

The plain-HTTP probes (official TC9-TC11) go to the target's plain-HTTP twin
(`Target.http_probe_base` / `http_probe_auth`). A probe passes when nothing
speaks HTTP there, when it is redirected (noted, ambiguity A-22; redirects are
never followed) or when the answer carries no token / no `data`. Credentials
are only sent in clear once the twin has shown that it answers HTTP at all: a
first probe goes without them (TC9: with a made-up client).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

from cases.auth import carries, fetch_discovery
from conformance.catalog import case
from conformance.client import Response, TargetError
from conformance.expect import expect
from conformance.session import TargetSession


def _speaks_http(session: TargetSession, attempt: Callable[[], Response], member: str, action: str,
                 req: str) -> bool:
    """Make one plain-HTTP attempt; True when the target answered it over HTTP without serving `member`.

    False (stop: the action is not offered over HTTP) on a transport failure or
    a redirect; a CaseFailure when the answer carries `member`.
    """
    try:
        response = attempt()
    except TargetError as exc:
        session.evidence.note(f"{action} over plain HTTP got no HTTP answer ({exc}): not offered without TLS")
        return False
    if 300 <= response.status < 400:
        location = response.headers.get("location", "no Location")
        session.evidence.note(f"{action} over plain HTTP was redirected (HTTP {response.status} to {location[:200]}); "
                              "not followed, counted as refused (A-22)")
        return False
    expect(not carries(response, member),
           f"{action} over plain HTTP ({response.url}) answered HTTP {response.status} with `{member}`: "
           "the action is offered without TLS", req=req)
    return True


def _expect_not_served(session: TargetSession, probes: list[Callable[[], Response]], member: str, action: str,
                       req: str) -> None:
    """Run the probes in order (the later ones send credentials) while the twin keeps answering over HTTP."""
    for attempt in probes:
        if not _speaks_http(session, attempt, member, action, req):
            return
    session.evidence.note(f"{action} over plain HTTP answered without `{member}`: refused")


def _plain_token_url(session: TargetSession) -> str:
    """The token URL the run uses, moved to the plain-HTTP auth twin (the official tool swaps the scheme)."""
    target = session.target
    token_url = session.auth.token_url()
    if token_url == target.auth_url or token_url.startswith(target.auth_url + "/"):
        return target.http_probe_auth + token_url[len(target.auth_url):]
    return target.plain_http(token_url)


@case("TLS-HTTP-AUTH", title="Authenticate is not offered over plain HTTP", requirements=["TLS-02"],
      mandatory="all")
def test_authenticate_over_http(session: TargetSession) -> None:
    url = _plain_token_url(session)
    probes = [
        lambda: session.auth.request_token(url=url, client_id="invalid-" + secrets.token_urlsafe(8),
                                           client_secret=secrets.token_urlsafe(16),
                                           note="Authenticate over plain HTTP as an unknown client (probe)"),
        lambda: session.auth.request_token(url=url, note="Authenticate over plain HTTP with valid credentials"),
    ]
    _expect_not_served(session, probes, "access_token", "Authenticate", "TLS-02")


def _resource_probes(session: TargetSession, url: str, action: str) -> list[Callable[[], Response]]:
    return [
        lambda: session.client.request("GET", url, note=f"{action} over plain HTTP without a token (probe)"),
        lambda: session.client.request("GET", url, token=session.token(), note=f"{action} over plain HTTP"),
    ]


@case("TLS-HTTP-LIST", title="ListFootprints is not offered over plain HTTP", requirements=["TLS-03"],
      mandatory="all")
def test_list_over_http(session: TargetSession) -> None:
    url = session.footprints_url(session.target.http_probe_base)
    _expect_not_served(session, _resource_probes(session, url, "ListFootprints"), "data", "ListFootprints", "TLS-03")


@case("TLS-HTTP-GET", title="GetFootprint is not offered over plain HTTP", requirements=["TLS-04"],
      mandatory="all")
def test_get_over_http(session: TargetSession) -> None:
    url = session.footprint_url(session.some_footprint_id(), session.target.http_probe_base)
    _expect_not_served(session, _resource_probes(session, url, "GetFootprint"), "data", "GetFootprint", "TLS-04")


def _is_https(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.hostname)


@case("TLS-HTTPS-URLS", title="The configured and the discovered endpoints are https URLs",
      requirements=["TLS-01", "TLS-06"], mandatory="all")
def test_endpoints_are_https(session: TargetSession) -> None:
    """A run against http:// URLs proves nothing about TLS; an http token_endpoint offers Authenticate in clear."""
    target = session.target
    for name, url in (("base URL", target.base_url), ("auth URL", target.auth_url)):
        expect(_is_https(url), f"the configured {name} {url!r} is not https: PACT actions are offered over HTTPS only",
               req="TLS-01")
    if not session.version.oidc_defined:
        return
    response, document = fetch_discovery(session)
    endpoint = document.get("token_endpoint") if isinstance(document, dict) else None
    if isinstance(endpoint, str):
        expect(_is_https(endpoint), f"the discovered token_endpoint {endpoint[:200]!r} is not an https URL: "
               "recipients would authenticate in clear", req=["TLS-01", "TLS-06"])
    else:
        session.evidence.note(f"no discovered token_endpoint (discovery answered HTTP {response.status})")
