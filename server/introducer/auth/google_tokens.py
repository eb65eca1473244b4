"""Checks the Google-signed ID tokens that reach us: add-on system and user tokens, Pub/Sub push.

Signature, expiry and audience are checked by google-auth (`id_token.verify_token`); this module
adds what the caller must check on top (issuer, service account, verified e-mail) and keeps
Google's certificates in memory for as long as their Cache-Control allows, so a busy add-on does
not fetch them on every request. A token that verified is remembered (with its audience) until it
expires: Pub/Sub sends the same push token with every push until it nears expiry, and checking its
signature again would prove nothing new. Every failure is an `AuthError` with a machine reason.
"""
from __future__ import annotations

import binascii
import json
import re
import threading
import time
from collections import OrderedDict
from typing import Any, Callable, Mapping

import google.auth.exceptions
import google.auth.transport
import google.auth.transport.requests
import requests
from google.oauth2 import id_token

from .errors import AuthError

GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
GOOGLE_ISSUERS = ("accounts.google.com", "https://accounts.google.com")
VERIFIED_TOKENS = 1024  # tokens remembered as verified, newest kept
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)", re.IGNORECASE)

# Quirk: google-auth reports every verification failure as InvalidValue or MalformedError (both
# ValueError); only the message tells which check failed. Matched in order; pinned by the tests
# in tests/integration/test_google_identity.py against the installed google-auth.
_REASONS = (
    ("certificate for key id", "unknown_key"),
    ("could not verify token signature", "bad_signature"),
    ("certificate key type does not match", "bad_signature"),
    ("unsupported signature algorithm", "bad_signature"),
    ("token expired", "expired"),
    ("token used too early", "not_yet_valid"),
    ("wrong audience", "wrong_audience"),
    ("does not contain required claim", "malformed"),
    ("wrong number of segments", "malformed"),
    ("can't parse segment", "malformed"),
)
# Our own words: google-auth's messages can quote decoded token segments, which stay out of logs.
_MESSAGES = {
    "unknown_key": "token is signed with a key Google does not publish",
    "bad_signature": "token signature does not verify",
    "expired": "token has expired",
    "not_yet_valid": "token is not valid yet (clock skew?)",
    "wrong_audience": "token was issued for a different audience",
    "malformed": "token is not a well-formed JWT",
}


class GoogleTokenVerifier:
    """Verifies Google ID tokens; the certificate URL is a setting so tests can serve their own."""

    def __init__(
        self,
        certs_url: str = GOOGLE_CERTS_URL,
        session: requests.Session | None = None,
        clock_skew_seconds: int = 30,
        *,
        clock: Callable[[], float] = time.monotonic,
        timeout_seconds: float = 10,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._certs_url = certs_url
        self._skew = clock_skew_seconds
        self._wall_clock = wall_clock
        self._verified: OrderedDict[tuple[str, str], dict] = OrderedDict()  # (token, audience) -> claims
        self._verified_lock = threading.Lock()
        transport = google.auth.transport.requests.Request(session=session or requests.Session())
        self._request = CachingRequest(transport, clock=clock, timeout_seconds=timeout_seconds)

    def verify_system_token(
        self, bearer: str | None, endpoint_url: str, service_account_email: str
    ) -> dict:
        """A Gmail add-on call: audience is the exact URL called, signer the add-on's account.

        See developers.google.com/workspace/add-ons/guides/alternate-runtimes.
        """
        return self._verify_service_account(bearer, endpoint_url, service_account_email)

    def verify_pubsub_token(self, bearer: str | None, audience: str, service_account_email: str) -> dict:
        """A Pub/Sub push: audience as configured on the subscription (default: the push URL).

        See cloud.google.com/pubsub/docs/authenticate-push-subscriptions.
        """
        return self._verify_service_account(bearer, audience, service_account_email)

    def verify_user_token(self, token: str | None, oauth_client_id: str) -> dict:
        """The add-on's userIdToken: audience is our OAuth client id; identifies the Google user."""
        claims = self._verify(_bare_token(token), oauth_client_id)
        if not claims.get("sub"):
            raise AuthError("malformed", "user token has no subject")
        if not claims.get("email"):
            raise AuthError("malformed", "user token has no e-mail (is userinfo.email granted?)")
        _require_verified_email(claims)
        return claims

    def _verify_service_account(self, bearer: str | None, audience: str, account: str) -> dict:
        claims = self._verify(_bare_token(bearer), audience)
        # Google writes service account addresses in lower case; a setting may not.
        if str(claims.get("email", "")).lower() != account.lower():
            raise AuthError("wrong_service_account", "token was issued to a different account")
        _require_verified_email(claims)
        return claims

    def _verify(self, token: str, audience: str) -> dict:
        if not audience:
            # An empty audience would make google-auth skip the audience check entirely.
            raise ValueError("an audience is required")
        remembered = self._remembered(token, audience)
        if remembered is not None:
            return remembered
        try:
            claims = id_token.verify_token(
                token,
                self._request,
                audience=audience,
                certs_url=self._certs_url,
                clock_skew_in_seconds=self._skew,
            )
        except google.auth.exceptions.TransportError as exc:
            raise AuthError("certs_unavailable", "could not fetch Google's certificates") from exc
        except Exception as exc:  # google-auth and PyJWT raise many types; map them all.
            reason = _reason_for(exc)
            raise AuthError(reason, _MESSAGES.get(reason, "ID token rejected")) from exc
        if claims.get("iss") not in GOOGLE_ISSUERS:
            raise AuthError("wrong_issuer", "token was not issued by Google")
        self._remember(token, audience, dict(claims))
        return dict(claims)

    def _remembered(self, token: str, audience: str) -> dict | None:
        """The claims of this token, verified before for this audience and not expired since."""
        with self._verified_lock:
            claims = self._verified.get((token, audience))
            if claims is None:
                return None
            if self._wall_clock() >= claims["exp"]:  # from then on, google-auth's own verdict
                del self._verified[(token, audience)]
                return None
            return dict(claims)

    def _remember(self, token: str, audience: str, claims: dict) -> None:
        if not isinstance(claims.get("exp"), (int, float)):
            return
        with self._verified_lock:
            self._verified[(token, audience)] = claims
            while len(self._verified) > VERIFIED_TOKENS:
                self._verified.popitem(last=False)


class CachingRequest(google.auth.transport.Request):
    """A google-auth transport that keeps successful GET responses while Cache-Control allows.

    Only GETs are cached and only for their max-age; anything without one is fetched each time.
    """

    def __init__(
        self,
        inner: google.auth.transport.Request,
        *,
        clock: Callable[[], float] = time.monotonic,
        timeout_seconds: float = 10,
    ) -> None:
        self._inner = inner
        self._clock = clock
        self._timeout = timeout_seconds
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, _StoredResponse]] = {}

    def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kwargs):
        if method.upper() != "GET":
            return self._inner(url, method, body, headers, timeout or self._timeout, **kwargs)
        # One lock for all URLs: we fetch one or two certificate URLs, and holding it during the
        # fetch stops a burst of requests from all fetching at once when the cache expires.
        with self._lock:
            cached = self._cache.get(url)
            if cached and cached[0] > self._clock():
                return cached[1]
            response = _StoredResponse.of(
                self._inner(url, "GET", body, headers, timeout or self._timeout, **kwargs)
            )
            lifetime = _cache_lifetime(response.headers) if response.status == 200 else 0
            if lifetime > 0:
                self._cache[url] = (self._clock() + lifetime, response)
            else:
                self._cache.pop(url, None)
            return response


class _StoredResponse(google.auth.transport.Response):
    def __init__(self, status: int, headers: Mapping[str, str], data: bytes) -> None:
        self._status, self._headers, self._data = status, dict(headers), data

    @classmethod
    def of(cls, response: google.auth.transport.Response) -> "_StoredResponse":
        return cls(response.status, response.headers, response.data)

    @property
    def status(self) -> int:
        return self._status

    @property
    def headers(self) -> Mapping[str, str]:
        return self._headers

    @property
    def data(self) -> bytes:
        return self._data


def _cache_lifetime(headers: Mapping[str, str]) -> int:
    """Seconds left from Cache-Control max-age, minus the Age a shared cache already added."""
    lowered = {key.lower(): value for key, value in headers.items()}
    control = lowered.get("cache-control", "")
    if "no-store" in control.lower() or "no-cache" in control.lower():
        return 0
    match = _MAX_AGE.search(control)
    if not match:
        return 0
    try:
        age = int(lowered.get("age", "0"))
    except ValueError:
        age = 0
    return max(0, int(match.group(1)) - age)


def _bare_token(value: str | None) -> str:
    """Accept an Authorization header value ("Bearer <jwt>") or a bare JWT from an event body."""
    if value is None or not value.strip():
        raise AuthError("missing_token", "no ID token was sent")
    parts = value.strip().split()
    if len(parts) == 1 and parts[0].lower() != "bearer":
        return parts[0]
    if len(parts) == 2 and parts[0].lower() == "bearer":
        return parts[1]
    raise AuthError("missing_token", "Authorization header is not a Bearer token")


def _require_verified_email(claims: Mapping[str, Any]) -> None:
    # Older Google tokens carried the string "true"; current ones a JSON boolean.
    if claims.get("email_verified") not in (True, "true"):
        raise AuthError("email_unverified", "token e-mail is not verified")


def _reason_for(exc: Exception) -> str:
    # PyJWT is what google-auth uses when a certificate URL serves JWKS rather than PEM.
    kind = type(exc).__name__
    by_pyjwt_type = {
        "ExpiredSignatureError": "expired",
        "InvalidAudienceError": "wrong_audience",
        "InvalidSignatureError": "bad_signature",
        "PyJWKClientError": "unknown_key",
        "DecodeError": "malformed",
        "ImmatureSignatureError": "not_yet_valid",
    }
    if kind in by_pyjwt_type:
        return by_pyjwt_type[kind]
    text = str(exc).lower()
    for needle, reason in _REASONS:
        if needle in text:
            return reason
    if isinstance(exc, (binascii.Error, UnicodeError, json.JSONDecodeError, TypeError)):
        return "malformed"
    return "invalid_token"
