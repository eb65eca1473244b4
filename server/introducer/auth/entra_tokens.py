"""Checks the access tokens the Outlook task pane sends us (MSAL.js nested app authentication).

Rules from Microsoft's "Validate tokens" guidance (learn.microsoft.com/entra/identity-platform/
access-tokens): RS256 signature by a key from the published key set chosen by `kid`; v2 tokens only
(audience = our client id, issuer = {authority}/{tid}/v2.0 with `tid` a GUID); the signing key's own
`issuer`, when published, must match too; the delegated scope must include `access_as_user`; the tenant
must be one INTRODUCER_MS_TENANT accepts (auth/tenants.py).
Every failure is an `AuthError` with a machine reason.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import jwt
import requests

from .errors import AuthError
from .tenants import TenantPolicy

DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com"
DEFAULT_JWKS_URL = "https://login.microsoftonline.com/common/discovery/v2.0/keys"
KEYS_MAX_AGE = 24 * 3600  # Microsoft: "refresh keys at least every 24 hours"
UNKNOWN_KID_REFETCH = 60  # a token with an unknown kid may trigger a re-fetch at most this often
REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "tid", "oid")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EntraUser:
    """The signed-in Microsoft user a task-pane request acts for. Key users by (tid, oid)."""

    oid: str
    tid: str
    name: str | None
    preferred_username: str | None
    email: str | None
    scopes: frozenset[str]
    claims: dict[str, Any] = field(repr=False, compare=False)


class EntraTokenValidator:
    """Validates v2 access tokens issued to our API by the Microsoft identity platform."""

    def __init__(
        self,
        client_id: str,
        jwks_url: str = DEFAULT_JWKS_URL,
        authority_host: str = DEFAULT_AUTHORITY_HOST,
        session: requests.Session | None = None,
        required_scope: str = "access_as_user",
        leeway_seconds: int = 60,
        clock: Callable[[], float] | None = None,
        tenants: TenantPolicy | None = None,
    ) -> None:
        self.client_id = client_id
        self.tenants = tenants or TenantPolicy.parse("organizations")
        self.jwks_url = jwks_url
        self.authority_host = authority_host.rstrip("/")
        self.required_scope = required_scope
        self.leeway = leeway_seconds
        # requests (not PyJWKClient, which uses urllib) so one session carries proxies and CA settings
        self._session = session or requests.Session()
        self._clock = clock or time.time
        self._lock = threading.Lock()
        self._keys: dict[str, tuple[jwt.PyJWK, str | None]] = {}
        self._fetched_at: float | None = None  # last successful fetch
        self._attempted_at: float | None = None  # last attempt, successful or not

    def validate(self, bearer: str | None) -> EntraUser:
        """Check a bearer token (with or without the "Bearer " prefix) and return its user."""
        token = _strip_scheme(bearer)
        if not token:
            raise AuthError("missing_token", "no bearer token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthError("malformed", "token is not a well-formed JWT") from None
        if header.get("alg") != "RS256":
            # Only RS256: never let the token pick "none" or an HMAC keyed with our public key
            raise AuthError("bad_signature", f"unsupported signing algorithm {header.get('alg')!r}")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise AuthError("unknown_key", "token names no signing key")
        key, key_issuer = self._signing_key(kid)
        try:
            claims = jwt.decode(token, key.key, algorithms=["RS256"],
                                options={"verify_aud": False, "verify_iss": False, "verify_exp": False,
                                         "verify_iat": False, "verify_nbf": False})
        except jwt.InvalidSignatureError:
            raise AuthError("bad_signature", "token signature does not verify") from None
        except jwt.PyJWTError:
            raise AuthError("malformed", "token is not a well-formed JWT") from None
        missing = [c for c in REQUIRED_CLAIMS if c not in claims]
        if missing:
            raise AuthError("malformed", f"token lacks required claims: {', '.join(missing)}")
        self._check_times(claims)
        self._check_issuer(claims, key_issuer)
        if not self.tenants.allows(str(claims["tid"])):
            raise AuthError("tenant_not_allowed", "this server does not accept sign-ins from the token's tenant "
                                                  "(INTRODUCER_MS_TENANT)")
        if claims["aud"] != self.client_id:
            raise AuthError("wrong_audience", "token was issued for a different audience")
        scopes = frozenset(str(claims.get("scp", "")).split())
        if self.required_scope not in scopes:
            raise AuthError("missing_scope", f"token lacks the delegated scope {self.required_scope}")
        return EntraUser(oid=str(claims["oid"]), tid=str(claims["tid"]), name=claims.get("name"),
                         preferred_username=claims.get("preferred_username"),
                         email=claims.get("email") or claims.get("upn"), scopes=scopes, claims=claims)

    def _check_times(self, claims: dict) -> None:
        now = self._clock()
        try:
            exp, iat, nbf = float(claims["exp"]), float(claims["iat"]), float(claims.get("nbf", claims["iat"]))
        except (TypeError, ValueError):
            raise AuthError("malformed", "token times are not numbers") from None
        if exp < now - self.leeway:
            raise AuthError("expired", "token has expired")
        if min(iat, nbf) > now + self.leeway:
            raise AuthError("not_yet_valid", "token is not valid yet (clock skew?)")

    def _check_issuer(self, claims: dict, key_issuer: str | None) -> None:
        iss, tid = str(claims["iss"]), str(claims["tid"])
        prefix, suffix = f"{self.authority_host}/", "/v2.0"
        if not (iss.startswith(prefix) and iss.endswith(suffix)):
            if claims.get("ver") == "1.0" or iss.startswith("https://sts.windows.net/"):
                raise AuthError("wrong_issuer", "v1 token: set api.requestedAccessTokenVersion to 2 "
                                                "in the app registration manifest")
            raise AuthError("wrong_issuer", "token was not issued by the Microsoft identity platform v2 endpoint")
        if not _is_guid(tid) or iss != f"{prefix}{tid}{suffix}":
            raise AuthError("tenant_mismatch", "token issuer does not name the token's tenant")
        # A key may be published for one tenant (or a template for all): it must vouch for this issuer
        if key_issuer is not None and key_issuer.replace("{tenantid}", tid) != iss:
            raise AuthError("wrong_issuer", "token is signed with a key published for another issuer")

    def _signing_key(self, kid: str) -> tuple[jwt.PyJWK, str | None]:
        with self._lock:  # one fetch at a time; other requests wait for its result
            now = self._clock()
            stale = self._fetched_at is None or now - self._fetched_at >= KEYS_MAX_AGE
            # Unknown kids are attacker-controlled: they may cause at most one fetch per interval
            if (stale or kid not in self._keys) and (
                    self._attempted_at is None or now - self._attempted_at >= UNKNOWN_KID_REFETCH):
                self._fetch_keys(now)
            if not self._keys:
                raise AuthError("certs_unavailable", "Microsoft signing keys could not be fetched")
            found = self._keys.get(kid)
        if found is None:
            raise AuthError("unknown_key", "token is signed with a key Microsoft does not publish")
        return found

    def _fetch_keys(self, now: float) -> None:
        self._attempted_at = now
        try:
            response = self._session.get(self.jwks_url, timeout=10)
            response.raise_for_status()
            published = response.json()["keys"]
        except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
            # Keep serving the keys we have (Microsoft publishes new keys long before using them)
            log.warning("Microsoft signing keys could not be fetched: %s", exc)
            return
        keys: dict[str, tuple[jwt.PyJWK, str | None]] = {}
        for entry in published:
            if not isinstance(entry, dict) or entry.get("kty") != "RSA" or entry.get("use", "sig") != "sig":
                continue
            try:
                keys[entry["kid"]] = (jwt.PyJWK(entry, algorithm="RS256"), entry.get("issuer"))
            except (jwt.PyJWTError, KeyError):
                log.warning("skipping an unusable key in the Microsoft key set: %s", entry.get("kid"))
        self._keys, self._fetched_at = keys, now


def _strip_scheme(bearer: str | None) -> str:
    parts = (bearer or "").split()
    if parts and parts[0].lower() == "bearer":
        parts = parts[1:]
    return " ".join(parts)  # more than one part is no JWT: it fails as malformed


def _is_guid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False
