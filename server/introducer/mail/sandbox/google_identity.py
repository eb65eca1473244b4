"""Google's sign-in endpoints for the sandbox: consent page, token endpoint, signing certificates.

With it the whole Gmail path runs offline (`introducer demo --provider gmail`): the real
google-auth-oauthlib flow gets a code from the consent page, trades it at `POST /token`, and
google-auth refreshes access tokens there; the Gmail face accepts only access tokens issued here.
Shapes follow Google: the token response `{access_token, expires_in, refresh_token (offline only),
scope, token_type: "Bearer", id_token}` and `400 {"error": "invalid_grant", ...}`
(developers.google.com/identity/protocols/oauth2/web-server), certificates as `{kid: PEM}` with
Cache-Control max-age (google_signing.py), PKCE per RFC 7636. Refresh tokens are sealed with
`secret` rather than kept in memory, so a demo restarted with the same secret still honours the
tokens its accounts stored. The routes are in google_identity_routes.py.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from .google_signing import SigningKey, mint_id_token, new_signing_key

ACCESS_TOKEN_SECONDS = 3599  # what Google answers in expires_in


@dataclass(frozen=True)
class GoogleAccount:
    sub: str
    email: str
    name: str = ""


def account_for(email: str, name: str = "") -> GoogleAccount:
    """The account of a sandbox address; `sub` is stable so reconnecting finds the same account."""
    digits = str(int(hashlib.sha256(email.strip().lower().encode()).hexdigest(), 16))
    return GoogleAccount("10" + digits[:19], email.strip().lower(), name)


@dataclass(frozen=True)
class AccessGrant:
    """What an access token stands for; the Gmail face resolves `userId=me` from it."""

    token: str
    sub: str
    email: str
    scopes: tuple[str, ...]
    client_id: str
    expires_at: float
    refresh_token: str | None = None

    def as_dict(self) -> dict:
        return {"sub": self.sub, "email": self.email, "scopes": self.scopes, "client_id": self.client_id,
                "expires_at": self.expires_at}


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    account: GoogleAccount
    challenge: str | None
    challenge_method: str
    refresh: bool
    used: bool = False


@dataclass(frozen=True)
class _Refresh:
    client_id: str
    account: GoogleAccount
    scopes: tuple[str, ...]


@dataclass
class GoogleIdentity:
    """The state behind the endpoints: registered clients, codes, refresh and access tokens, keys.

    `clock` (epoch seconds) decides access-token expiry; the Gmail face passes the sandbox world's
    clock so moving sandbox time expires tokens as real time would. ID tokens use real time, since
    google-auth checks them against the machine's clock.
    """

    clients: dict[str, str] = field(default_factory=dict)  # client id -> secret
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))  # seals refresh tokens
    certs_max_age: int = 19845  # the max-age Google sends with its certificates
    clock: Callable[[], float] = time.time
    certs_requests: int = 0
    authorize_requests: list[dict] = field(default_factory=list)
    token_requests: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.RLock()
        self._key: SigningKey | None = None
        self._codes: dict[str, _Code] = {}
        self._revoked: set[str] = set()
        self._access: dict[str, AccessGrant] = {}
        self._granted: dict[tuple[str, str], set[str]] = {}

    # --- ID tokens and certificates ----------------------------------------------------------
    @property
    def key(self) -> SigningKey:
        """The signing key, made on first use (an RSA key takes a noticeable moment to generate)."""
        with self._lock:
            if self._key is None:
                self._key = new_signing_key("sandbox-key-1")
            return self._key

    def certs(self) -> dict[str, str]:
        with self._lock:
            self.certs_requests += 1
        return {self.key.kid: self.key.cert_pem}

    def mint_id_token(self, audience: str, sub: str, email: str, *, key: SigningKey | None = None, **options) -> str:
        """An ID token signed with our key, or with `key` (not served: a forgery)."""
        return mint_id_token(key or self.key, audience, sub, email, **options)

    # --- consent -----------------------------------------------------------------------------
    def check_authorize(self, params: dict) -> tuple[int, str] | None:
        """Google's refusal of a malformed authorization request, or None when it may be shown."""
        if params.get("client_id") not in self.clients:
            return 401, "Error 401: invalid_client. The OAuth client was not found."
        if params.get("response_type") != "code" or not params.get("redirect_uri"):
            return 400, "Error 400: invalid_request"
        return None

    def consent(self, params: dict, account: GoogleAccount, *, deselected: set[str] | frozenset[str] = frozenset(),
                deny: bool = False) -> str:
        """The account answers the consent screen; returns the redirect back to the client."""
        with self._lock:
            self.authorize_requests.append(dict(params))
            target = params["redirect_uri"]
            if deny:
                return with_query(target, {"error": "access_denied", "state": params.get("state", "")})
            asked = tuple(params.get("scope", "").split())
            granted = tuple(s for s in asked if s not in deselected)  # boxes unticked on granular consent
            key = (params["client_id"], account.sub)
            first_time = key not in self._granted
            if params.get("include_granted_scopes") == "true":
                granted = tuple(dict.fromkeys(granted + tuple(sorted(self._granted.get(key, ())))))
            self._granted.setdefault(key, set()).update(granted)
            code = "4/0" + secrets.token_urlsafe(24)
            self._codes[code] = _Code(
                params["client_id"], target, granted, account, params.get("code_challenge"),
                params.get("code_challenge_method", "plain"),
                # Google issues a refresh token only offline, and again only when consent is shown.
                refresh=params.get("access_type") == "offline"
                and (first_time or "consent" in params.get("prompt", "").split()))
            return with_query(target, {"state": params.get("state", ""), "code": code, "scope": " ".join(granted)})

    def remember_grant(self, client_id: str, account: GoogleAccount, scopes) -> None:
        """Record scopes granted earlier (what include_granted_scopes adds back)."""
        with self._lock:
            self._granted.setdefault((client_id, account.sub), set()).update(scopes)

    def grant_offline(self, client_id: str, account: GoogleAccount, scopes) -> str:
        """A refresh token as if the account had connected: seeds demo accounts without a browser."""
        with self._lock:
            self.remember_grant(client_id, account, scopes)
            return self._seal(_Refresh(client_id, account, tuple(scopes)))

    def _seal(self, grant: _Refresh) -> str:
        body = json.dumps({"c": grant.client_id, "s": grant.account.sub, "e": grant.account.email,
                           "n": grant.account.name, "sc": list(grant.scopes), "j": secrets.token_hex(6)})
        data = base64.urlsafe_b64encode(body.encode()).decode("ascii").rstrip("=")
        return f"1//0{data}.{hmac.new(self.secret, data.encode(), hashlib.sha256).hexdigest()[:32]}"

    def _unseal(self, token: str) -> _Refresh | None:
        """The grant a refresh token stands for, or None when it is not ours or was revoked."""
        data, _, mac = token.removeprefix("1//0").rpartition(".")
        expected = hmac.new(self.secret, data.encode(), hashlib.sha256).hexdigest()[:32]
        if not data or not hmac.compare_digest(mac.encode(), expected.encode()) or token in self._revoked:
            return None
        body = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
        return _Refresh(body["c"], GoogleAccount(body["s"], body["e"], body["n"]), tuple(body["sc"]))

    # --- tokens ------------------------------------------------------------------------------
    def client_from(self, basic: tuple[str, str] | None, form: dict) -> str | None:
        """Google accepts client credentials as HTTP Basic or in the form body."""
        client_id, secret = basic if basic else (form.get("client_id"), form.get("client_secret"))
        if client_id in self.clients and secrets.compare_digest(str(secret or ""), self.clients[client_id]):
            return client_id
        return None

    def exchange(self, form: dict, client_id: str) -> tuple[dict, int]:
        """The token endpoint: authorization_code and refresh_token grants."""
        with self._lock:
            self.token_requests.append(dict(form))
            grant = form.get("grant_type")
            if grant == "authorization_code":
                return self._redeem(form, client_id)
            if grant == "refresh_token":
                held = self._unseal(form.get("refresh_token", ""))
                if held is None or held.client_id != client_id:
                    return error("invalid_grant", "Token has been expired or revoked."), 400
                asked = tuple(form["scope"].split()) if form.get("scope") else held.scopes
                if not set(asked) <= set(held.scopes):
                    return error("invalid_scope", "Some requested scopes were invalid."), 400
                return self._tokens(client_id, held.account, asked, form["refresh_token"]), 200
            return error("unsupported_grant_type", f"Invalid grant_type: {grant}"), 400

    def _redeem(self, form: dict, client_id: str) -> tuple[dict, int]:
        code = self._codes.get(form.get("code", ""))
        if code is None or code.used or code.client_id != client_id:
            return error("invalid_grant", "Malformed auth code."), 400
        if form.get("redirect_uri") != code.redirect_uri:
            return error("redirect_uri_mismatch", "Bad Request"), 400
        if code.challenge is not None and not _pkce_ok(code, form.get("code_verifier")):
            return error("invalid_grant", "Invalid code verifier."), 400
        code.used = True
        refresh = self._seal(_Refresh(client_id, code.account, code.scopes)) if code.refresh else None
        body = self._tokens(client_id, code.account, code.scopes, refresh)
        if refresh:
            body["refresh_token"] = refresh
        return body, 200

    def _tokens(self, client_id: str, account: GoogleAccount, scopes: tuple[str, ...], refresh: str | None) -> dict:
        access = "ya29.sandbox-" + secrets.token_urlsafe(24)
        self._access[access] = AccessGrant(access, account.sub, account.email, scopes, client_id,
                                           self.clock() + ACCESS_TOKEN_SECONDS, refresh)
        body = {"access_token": access, "expires_in": ACCESS_TOKEN_SECONDS, "scope": " ".join(scopes),
                "token_type": "Bearer"}
        if "openid" in scopes:
            body["id_token"] = self.mint_id_token(client_id, account.sub, account.email, azp=client_id)
        return body

    def access(self, token: str) -> AccessGrant | None:
        """The grant behind a bearer token, or None when unknown, expired or revoked (Google: 401)."""
        with self._lock:
            grant = self._access.get(token)
            if grant is None or grant.expires_at <= self.clock():
                return None
            if grant.refresh_token in self._revoked:
                return None
            return grant

    def access_tokens(self) -> dict[str, AccessGrant]:
        with self._lock:
            return dict(self._access)

    def revoke(self, token: str) -> bool:
        """Revoke a refresh token (and the access tokens it issued) or one access token."""
        with self._lock:
            if self._unseal(token) is not None:
                self._revoked.add(token)
                return True
            return self._access.pop(token, None) is not None

    def expire_access_tokens(self) -> None:
        """Make every issued access token stale, as an hour passing would."""
        with self._lock:
            self._access.clear()


def error(code: str, description: str) -> dict:
    return {"error": code, "error_description": description}


def _pkce_ok(code: _Code, verifier: str | None) -> bool:
    if not verifier:
        return False
    if code.challenge_method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii") == code.challenge
    return verifier == code.challenge


def with_query(url: str, params: dict) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
