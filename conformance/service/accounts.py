"""Accounts and their API tokens: a token is shown once and stored only as its SHA-256.

Tokens are 32 random bytes, so a fast hash is enough to make a stolen database useless for signing in
(passwords, which people choose, would need argon2: the console's sign-in uses a token).

Roles: a vendor starts runs and sees only its own; the secretariat reads every run and runs rounds;
an admin manages accounts (and reads as the secretariat does).
"""

from __future__ import annotations

import hashlib
import secrets

from conformance.service.store import Account, Run, Store

ROLES = ("vendor", "secretariat", "admin")
TOKEN_PREFIX = "pcs_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_account(store: Store, name: str, role: str) -> tuple[Account, str]:
    """A new account and its token (the only time the token exists in clear)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    token = new_token()
    return store.create_account(name, role, token_hash(token)), token


def rotate_token(store: Store, account_id: str) -> str:
    token = new_token()
    store.update_account(account_id, token_hash=token_hash(token))
    return token


def authenticate(store: Store, authorization: str | None) -> Account | None:
    """The enabled account of an `Authorization: Bearer <token>` header, else None."""
    if not authorization or not authorization.lower().startswith("bearer "):
        return None
    token = authorization[7:].strip()
    if not token.startswith(TOKEN_PREFIX):
        return None
    account = store.account_by_token_hash(token_hash(token))
    return account if account is not None and not account.disabled else None


def reads_every_run(account: Account) -> bool:
    return account.role in ("secretariat", "admin")


def may_read(account: Account, run: Run) -> bool:
    return run.account_id == account.id or reads_every_run(account)


def may_start_runs(account: Account) -> bool:
    return account.role in ("vendor", "secretariat")
