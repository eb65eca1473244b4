"""Who is calling: every API request is authenticated by an ordered list of authenticators.

Each authenticator looks at the request and answers with an `Identity` (the request is signed in as
an account), `None` (not a credential it understands: ask the next one), or raises `AuthError` (its
kind of credential, but forged, expired or for an account that is gone). Today the sandbox session is
the only one; Google add-on tokens and Outlook task-pane bearer tokens join the list later.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, Protocol

from flask import Flask, current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer

from .errors import ApiError

AUTHENTICATORS = "introducer.authenticators"


@dataclass(frozen=True)
class Identity:
    account_id: int
    provider: str  # the account's provider must match, so a sandbox token never opens a Gmail account
    method: str


class AuthError(Exception):
    """A credential this authenticator owns, but it is not acceptable."""


class Authenticator(Protocol):
    def authenticate(self, req) -> Identity | None: ...


def init_app(app: Flask) -> None:
    app.extensions.setdefault(AUTHENTICATORS, [])


def add_authenticator(app: Flask, authenticator: Authenticator) -> None:
    app.extensions.setdefault(AUTHENTICATORS, []).append(authenticator)


def bearer_token(req) -> str | None:
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _unauthenticated(message: str) -> ApiError:
    return ApiError(401, "unauthenticated", message, headers={"WWW-Authenticate": 'Bearer realm="introducer"'})


def require_account() -> None:
    """Before each API request: find the caller's account or answer 401."""
    identity = None
    for authenticator in current_app.extensions.get(AUTHENTICATORS, []):
        try:
            identity = authenticator.authenticate(request)
        except AuthError as exc:
            raise _unauthenticated(str(exc)) from None
        if identity is not None:
            break
    if identity is None:
        raise _unauthenticated("Sign in first: send an Authorization: Bearer token.")
    container = current_app.extensions["introducer"]
    with container.uow() as uow:
        account = uow.accounts.get(identity.account_id)
        if account is None or account.provider != identity.provider:
            raise _unauthenticated("This sign-in is for an account that no longer exists.")
    g.identity = identity


def current_account_id() -> int:
    identity: Identity | None = g.get("identity")
    if identity is None:  # a route forgot require_account: fail closed
        raise _unauthenticated("Sign in first.")
    return identity.account_id


class SignedSessions:
    """Our own signed, expiring bearer tokens: `PREFIX` + an itsdangerous-signed payload naming the account.

    Expiry is in wall-clock time (not the sandbox clock, which the demo moves days ahead). Subclasses set
    the prefix, the salt, the provider the account must have and the wording of their errors.
    """

    PREFIX = ""
    SALT = ""
    PROVIDER = ""
    METHOD = ""
    INVALID = "This sign-in token is not valid; sign in again."
    EXPIRED = "Your sign-in expired; sign in again."

    DEFAULT_TTL = timedelta(hours=12)

    def __init__(self, secret: str, ttl: timedelta | None = None, now: Callable[[], float] = time.time):
        self._signer = URLSafeSerializer(secret, salt=self.SALT)
        self.ttl = ttl if ttl is not None else self.DEFAULT_TTL
        self._now = now

    def _issue(self, account_id: int, claims: dict, ttl: timedelta | None = None) -> str:
        expires = int(self._now() + (ttl if ttl is not None else self.ttl).total_seconds())
        return self.PREFIX + self._signer.dumps({"a": account_id, **claims, "exp": expires})

    def authenticate(self, req) -> Identity | None:
        token = bearer_token(req)
        if token is None or not token.startswith(self.PREFIX):
            return None
        try:
            payload = self._signer.loads(token[len(self.PREFIX):])
        except BadSignature:
            raise AuthError(self.INVALID) from None
        if not isinstance(payload, dict) or not isinstance(payload.get("a"), int):
            raise AuthError(self.INVALID)
        if payload.get("exp", 0) < self._now():
            raise AuthError(self.EXPIRED)
        return Identity(payload["a"], self.PROVIDER, self.METHOD)


class SandboxSessions(SignedSessions):
    """The demo's sign-in for sandbox mailboxes (`sbx.` tokens)."""

    PREFIX, SALT, PROVIDER, METHOD = "sbx.", "introducer.sandbox-session", "sandbox", "sandbox-session"

    def issue(self, account_id: int, email: str, ttl: timedelta | None = None) -> str:
        return self._issue(account_id, {"e": email}, ttl)

