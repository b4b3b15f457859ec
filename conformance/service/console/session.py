"""The console's session: a signed (itsdangerous), Secure, HttpOnly, SameSite=Strict cookie.

It holds a random nonce and, once signed in, the SHA-256 of the account's API token (what the store keys
accounts by; never the token). Every request looks the account up again, so a disabled account or a rotated
token ends its sessions at once. The CSRF token of every form is an HMAC of the nonce; signing in draws a new
nonce. The signing key is PACT_CONSOLE_KEY when set (several instances, restarts keep sessions), else random
per process.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from conformance.service import accounts as acc
from conformance.service.store import Account, Store

SESSION_COOKIE = "pcc_session"
LANG_COOKIE = "pcc_lang"
MAX_AGE_S = 12 * 3600
LANGS = ("en", "ja")


@dataclass(frozen=True)
class Session:
    nonce: str
    token_hash: str | None = None
    fresh: bool = False  # not from the request's cookie: the response sets it


class Sessions:
    def __init__(self, key: str | None = None) -> None:
        self.key = (key or os.environ.get("PACT_CONSOLE_KEY") or secrets.token_urlsafe(32)).encode("utf-8")
        self.serializer = URLSafeTimedSerializer(self.key, salt="pact-console-session")

    def read(self, request: Request) -> Session:
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            try:
                data = self.serializer.loads(raw, max_age=MAX_AGE_S)
                if isinstance(data, dict) and isinstance(data.get("n"), str):
                    return Session(data["n"], data.get("h") if isinstance(data.get("h"), str) else None)
            except BadSignature:
                pass
        return Session(secrets.token_urlsafe(16), None, fresh=True)

    def signed_in(self, token: str) -> Session:
        return Session(secrets.token_urlsafe(16), acc.token_hash(token), fresh=True)

    def write(self, response: Response, session: Session | None) -> None:
        if session is None:
            response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
            return
        value = self.serializer.dumps({"n": session.nonce, "h": session.token_hash})
        response.set_cookie(SESSION_COOKIE, value, max_age=MAX_AGE_S, path="/", secure=True, httponly=True,
                            samesite="strict")

    def csrf(self, session: Session) -> str:
        return hmac.new(self.key, b"csrf:" + session.nonce.encode("utf-8"), hashlib.sha256).hexdigest()

    def csrf_ok(self, session: Session, given: str | None) -> bool:
        return not session.fresh and bool(given) and hmac.compare_digest(self.csrf(session), str(given))


def account_of(store: Store, session: Session) -> Account | None:
    """The enabled account the session signed in as, else None."""
    if not session.token_hash:
        return None
    account = store.account_by_token_hash(session.token_hash)
    return account if account is not None and not account.disabled else None


def token_account(store: Store, token: str) -> Account | None:
    return acc.authenticate(store, f"Bearer {token.strip()}")


def lang_of(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "")
    if lang in LANGS:
        return lang
    return "ja" if request.headers.get("accept-language", "").lower().startswith("ja") else "en"
