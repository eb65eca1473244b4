"""The "Connect Gmail" flow: one server-side OAuth consent that leaves us a refresh token.

The add-on's own tokens only live while the user interacts (there is no refresh token), so
watching the mailbox, handoffs and nudges need an offline grant of their own. `start` sends the
user to Google's consent screen, `finish` trades the returned code for tokens, and
`credentials_for` turns a stored refresh token back into google-auth credentials.
Which scopes and why: addin-manifest/gmail/SCOPES.md.
"""
from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit

import google.auth.exceptions
import google.auth.jwt
import requests
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import Flow
from oauthlib.oauth2.rfc6749.errors import InsecureTransportError, InvalidGrantError, OAuth2Error

from .errors import AuthError

if TYPE_CHECKING:
    from .google_tokens import GoogleTokenVerifier

GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
CONNECT_SCOPES = (
    "openid",  # an ID token, so we know which Google account was connected
    "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/gmail.modify",
)


class ConnectStart(NamedTuple):
    """Where to send the browser, and the two values to keep (server-side) until it comes back."""

    authorization_url: str
    state: str
    code_verifier: str


@dataclass(frozen=True)
class GoogleGrant:
    """The outcome of a consent: store `refresh_token` encrypted; the rest is for this session."""

    refresh_token: str
    access_token: str
    expiry: datetime.datetime | None  # timezone-aware UTC
    scopes: tuple[str, ...]  # as granted; include_granted_scopes may add earlier grants
    id_token_claims: dict[str, Any] = field(default_factory=dict)

    @property
    def email(self) -> str | None:
        return self.id_token_claims.get("email")

    @property
    def subject(self) -> str | None:
        """Google's stable account id: compare it with the add-on user's `sub`, not the e-mail."""
        return self.id_token_claims.get("sub")


class GoogleConnect:
    """The OAuth web-server flow (authorization code + PKCE) against Google or a stand-in."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        scopes: tuple[str, ...] | list[str] = CONNECT_SCOPES,
        auth_uri: str = GOOGLE_AUTH_URI,
        token_uri: str = GOOGLE_TOKEN_URI,
        *,
        id_token_verifier: "GoogleTokenVerifier | None" = None,
        timeout_seconds: float = 10,
    ) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self._redirect_uri = redirect_uri
        self._scopes = tuple(scopes)
        self._auth_uri = auth_uri
        self._token_uri = token_uri
        self._verifier = id_token_verifier
        self._timeout = timeout_seconds

    def start(self, login_hint: str | None = None) -> ConnectStart:
        """Build the consent URL. Keep `state` and `code_verifier` server-side, tied to the user."""
        flow = self._flow()
        extra = {"login_hint": login_hint} if login_hint else {}
        try:
            url, state = flow.authorization_url(
                access_type="offline",
                # Google returns a refresh token only when consent is shown; a reconnect needs one.
                prompt="consent",
                include_granted_scopes="true",
                **extra,
            )
        except InsecureTransportError:
            raise _insecure("the Google authorize URL (INTRODUCER_GOOGLE_AUTH_URL)") from None
        return ConnectStart(url, state, flow.code_verifier)

    def finish(self, authorization_response_url: str, state: str, code_verifier: str) -> GoogleGrant:
        """Check the redirect Google sent the browser to, and trade its code for tokens."""
        params = dict(parse_qsl(urlsplit(authorization_response_url).query))
        if not state or not hmac.compare_digest(params.get("state", "").encode(), state.encode()):
            raise AuthError("bad_state", "the sign-in response does not belong to this session")
        if "error" in params:
            reason = "access_denied" if params["error"] == "access_denied" else "consent_failed"
            raise AuthError(reason, f"Google answered {params['error']}")
        if not params.get("code"):
            raise AuthError("missing_code", "the sign-in response carries no code")
        flow = self._flow(state=state, code_verifier=code_verifier, autogenerate_code_verifier=False)
        token = self._fetch_token(flow, params["code"])
        scopes = _scope_list(token.get("scope")) or self._scopes
        missing = [scope for scope in self._scopes if scope not in scopes]
        if missing:
            # Granular consent lets people untick boxes; without these we cannot do the work.
            raise AuthError("missing_scope", "not granted: " + " ".join(missing))
        if not token.get("refresh_token"):
            raise AuthError("missing_refresh_token", "Google returned no refresh token")
        expires_at = token.get("expires_at")
        return GoogleGrant(
            refresh_token=token["refresh_token"],
            access_token=token["access_token"],
            expiry=datetime.datetime.fromtimestamp(expires_at, datetime.timezone.utc) if expires_at else None,
            scopes=tuple(scopes),
            id_token_claims=self._identity(token.get("id_token")),
        )

    def credentials_for(self, refresh_token: str) -> Credentials:
        """Credentials that fetch a fresh access token on first use (and whenever it expires)."""
        return Credentials(
            token=None,
            refresh_token=refresh_token,
            client_id=self._client_id,
            client_secret=self._client_secret,
            token_uri=self._token_uri,
            # Asking for our scopes only keeps earlier add-on grants out of background tokens.
            scopes=list(self._scopes),
        )

    @staticmethod
    def is_revoked_error(exc: BaseException) -> bool:
        return is_revoked_error(exc)

    def _flow(self, **kwargs) -> Flow:
        config = {
            "web": {
                "client_id": self._client_id,
                "client_secret": self._client_secret,
                "auth_uri": self._auth_uri,
                "token_uri": self._token_uri,
                "redirect_uris": [self._redirect_uri],
            }
        }
        return Flow.from_client_config(
            config, scopes=list(self._scopes), redirect_uri=self._redirect_uri, **kwargs
        )

    def _fetch_token(self, flow: Flow, code: str) -> dict:
        try:
            return dict(flow.fetch_token(code=code, timeout=self._timeout))
        except InsecureTransportError:
            raise _insecure("the Google token URL (INTRODUCER_GOOGLE_TOKEN_URL) or this server's callback URL "
                            "(INTRODUCER_PUBLIC_URL, or the proxy's forwarded scheme)") from None
        except InvalidGrantError as exc:
            raise AuthError("invalid_grant", "the code was already used, expired, or not ours") from exc
        except OAuth2Error as exc:
            raise AuthError("token_exchange_failed", f"Google answered {exc.error}") from exc
        except requests.RequestException as exc:
            raise AuthError("token_endpoint_unavailable", "could not reach Google's token endpoint") from exc
        except Warning as exc:
            # Quirk: oauthlib *raises* a bare Warning when the granted scopes differ from the
            # requested ones, which include_granted_scopes causes by design. The parsed token
            # rides on the exception; the scope check in `finish` decides what is acceptable.
            token = getattr(exc, "token", None)
            if token is None:
                raise
            return dict(token)

    def _identity(self, raw_id_token: str | None) -> dict[str, Any]:
        if not raw_id_token:
            if "openid" in self._scopes:
                raise AuthError("missing_id_token", "Google returned no ID token")
            return {}
        if self._verifier is not None:
            return self._verifier.verify_user_token(raw_id_token, self._client_id)
        # Without a verifier, rely on OIDC Core §3.1.3.7 (6): the token came straight from the
        # token endpoint over TLS, so its signature may be skipped; the audience may not.
        try:
            claims = dict(google.auth.jwt.decode(raw_id_token, verify=False))
        except ValueError as exc:
            raise AuthError("malformed", "Google returned an unreadable ID token") from exc
        if claims.get("aud") != self._client_id:
            raise AuthError("wrong_audience", "ID token was issued for another client")
        return claims


def _insecure(what: str) -> AuthError:
    # oauthlib refuses plain-http OAuth endpoints (OAUTHLIB_INSECURE_TRANSPORT=1 lifts that, for local
    # testing only): a setting to fix, named here, rather than a server error.
    return AuthError("insecure_transport", f"{what} must be https")


def is_revoked_error(exc: BaseException) -> bool:
    """True when a refresh failed because the grant is gone: mark the account "reconnect needed".

    Google answers `400 {"error": "invalid_grant"}` for revoked, expired (unused 6 months,
    password change) and otherwise withdrawn refresh tokens; google-auth raises RefreshError
    with that body as its second argument (google/oauth2/_client.py `_handle_error_response`).
    """
    if not isinstance(exc, google.auth.exceptions.RefreshError):
        return False
    for arg in exc.args:
        if isinstance(arg, dict) and arg.get("error") == "invalid_grant":
            return True
    return bool(exc.args) and isinstance(exc.args[0], str) and exc.args[0].startswith("invalid_grant")


def _scope_list(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return tuple(value.split())
    return tuple(value)
