"""Token acquisition: OAuth 2.0 client credentials with HTTP Basic, OIDC discovery, token cache.

Discovery follows PACT 2.1+: use the discovery document's token_endpoint when
offered, else {auth-url}/auth/token. Every issued token is registered as a
secret before anything can record it.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from conformance.client import BadBody, PactClient, Response, same_origin
from conformance.config import Target
from conformance.versions import info

DISCOVERY_PATH = "/.well-known/openid-configuration"
LEGACY_TOKEN_PATH = "/auth/token"
# What an Authorization header can carry: RFC 6749 VSCHAR (RFC 6750 §2.1 b64token is stricter).
_SENDABLE_TOKEN = re.compile(r"[\x20-\x7e]+")


class AuthError(Exception):
    """No usable token: the message says why (status, body shape)."""


class CredentialsWithheld(Exception):
    """The user refused to send the client credentials where the target points (the case is not run)."""


@dataclass
class Token:
    value: str
    token_type: str
    expires_in: int | None
    obtained_at: float

    def expired(self, margin_s: float = 5.0) -> bool:
        return self.expires_in is not None and time.monotonic() > self.obtained_at + self.expires_in - margin_s


class Authenticator:
    """Obtains and caches the run's bearer token for one target."""

    def __init__(self, client: PactClient, target: Target, *, same_origin_only: bool = False) -> None:
        self.client = client
        self.target = target
        self.same_origin_only = same_origin_only
        self.warnings: list[str] = []  # for the run's report notes
        self._discovery: dict[str, Any] | None = None
        self._discovered = False
        self._token: Token | None = None
        self.fallback_note: str | None = None  # set when the run token came from /auth/token instead

    @property
    def legacy_token_url(self) -> str:
        return self.target.auth_url + LEGACY_TOKEN_PATH

    def discovery_document(self) -> dict[str, Any] | None:
        """The OpenID Provider Configuration, or None when not offered (or not a 2.1+ target)."""
        if not self._discovered:
            self._discovered = True
            if info(self.target.spec).oidc_defined:
                response = self.client.request("GET", self.target.auth_url + DISCOVERY_PATH,
                                               headers={"Accept": "application/json"}, note="OpenID Connect discovery")
                if response.status == 200:
                    try:
                        body = response.json()
                    except BadBody:
                        body = None
                    endpoint = body.get("token_endpoint") if isinstance(body, dict) else None
                    # Never POST credentials to a plain-HTTP endpoint a target advertises (TLS-06).
                    if isinstance(endpoint, str) and endpoint.startswith("https://") and not self._refused(endpoint):
                        self._discovery = body
        return self._discovery

    def _refused(self, endpoint: str) -> bool:
        """A token endpoint on another https origin gets the client credentials only when not refused, and never silently.

        Plain-HTTP URLs are the harness's own TLS probes (the target never gets to choose one: TLS-06).
        """
        if not endpoint.startswith("https://") or same_origin(endpoint, self.target.auth_url):
            return False
        shown = self.client.secrets.excerpt(endpoint, 200)[0]
        if self.same_origin_only:
            warning = (f"WARNING: the token endpoint {shown} the target points to is on another origin than the auth "
                       f"URL; refused (--same-origin-token-endpoint): the run token comes from {self.legacy_token_url}")
        else:
            warning = (f"WARNING: the token endpoint {shown} the target points to is on another origin than the auth "
                       "URL; the client credentials were sent there (--same-origin-token-endpoint refuses it)")
        if warning not in self.warnings:
            self.warnings.append(warning)
        self.client.note(warning)
        return self.same_origin_only

    def token_url(self) -> str:
        document = self.discovery_document()
        if document is not None:
            return str(document["token_endpoint"])
        return self.legacy_token_url

    def working_token_url(self) -> str:
        """Where the run token came from: the discovered endpoint, or /auth/token after it failed (token())."""
        self.token()
        return self.legacy_token_url if self.fallback_note else self.token_url()

    def request_token(self, url: str | None = None, *, client_id: str | None = None,
                      client_secret: str | None = None, form: dict[str, str] | None = None,
                      note: str | None = None) -> Response:
        """POST a client-credentials token request; returns the raw response for cases to judge."""
        cid = self.target.client_id if client_id is None else client_id
        secret = self.target.client_secret.get_secret_value() if client_secret is None else client_secret
        url = url or self.token_url()
        if self._refused(url):
            raise CredentialsWithheld(f"not run: no credentials are sent to {url.split('?')[0][:200]}, on "
                                      "another origin than the auth URL (--same-origin-token-endpoint)")
        response = self.client.request(
            "POST", url,
            auth=(cid, secret),
            data=form if form is not None else {"grant_type": "client_credentials"},
            headers={"Accept": "application/json"},
            note=note or "Authenticate (client credentials)",
        )
        self._register_issued(response)
        return response

    def _register_issued(self, response: Response) -> None:
        """Register the tokens in the body as secrets (as decoded from JSON), then show the evidence anew.

        The excerpt is made again from the whole body, so a token that straddled its cut is redacted whole.
        """
        try:
            body = response.json()
        except BadBody:
            return
        if not isinstance(body, dict):
            return
        registered = False
        for key, kind in (("access_token", "bearer-token"), ("refresh_token", "refresh-token"), ("id_token", "id-token")):
            if isinstance(body.get(key), str) and body[key]:
                self.client.secrets.add(body[key], kind)
                registered = True
        if registered:
            self.client.show_body(response.exchange, response.body, response.truncated)

    def token(self) -> str:
        """The run's bearer token, obtained once and renewed when it expires.

        When the discovered token_endpoint fails but {auth-url}/auth/token works, the run token comes from
        the latter, with a note: the discovery cases report the failure once, every other case still
        judges its own requirement instead of failing on the run token.
        """
        if self._token is None or self._token.expired():
            url = self.token_url()
            try:
                self._token = parse_token(self.request_token(url, note="Authenticate (run token)"))
            except AuthError as exc:
                if url == self.legacy_token_url:
                    raise
                self._token = parse_token(self.request_token(
                    self.legacy_token_url, note="Authenticate (run token) at {auth-url}/auth/token: the discovered "
                                                "token_endpoint failed"))
                if self.fallback_note is None:
                    self.fallback_note = (f"the discovered token_endpoint {url} failed ({exc}); the run token was "
                                          f"taken from {self.legacy_token_url} so that the other cases still run "
                                          "(the OpenID discovery cases report the failure)")
        return self._token.value

    def current(self) -> Token | None:
        return self._token


def parse_token(response: Response) -> Token:
    """Token from an RFC 6749 §5.1 response, or AuthError saying what is wrong."""
    if response.status != 200:
        raise AuthError(f"token request answered HTTP {response.status}, expected 200")
    try:
        body = response.json()
    except BadBody as exc:
        raise AuthError(f"token response: {exc}") from None
    if not isinstance(body, dict):
        raise AuthError("token response is not a JSON object")
    value = body.get("access_token")
    if not isinstance(value, str) or not value:
        raise AuthError("token response has no access_token string")
    if not _SENDABLE_TOKEN.fullmatch(value):
        raise AuthError("token response's access_token holds characters an HTTP Authorization header cannot carry "
                        "(only printable ASCII, RFC 6749 Appendix A.12)")
    token_type = body.get("token_type")
    expires_in = body.get("expires_in")
    return Token(
        value=value,
        token_type=token_type if isinstance(token_type, str) else "",
        expires_in=expires_in if isinstance(expires_in, int) and not isinstance(expires_in, bool) else None,
        obtained_at=time.monotonic(),
    )
