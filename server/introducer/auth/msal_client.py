"""Connects an Outlook mailbox for background work, through MSAL: auth-code flow or on-behalf-of.

Each account has its own MSAL token cache, handed in and out as a serialized blob (the caller
encrypts it at rest). Background jobs turn the blob into a Graph access token with
`access_token`; a grant that can no longer be refreshed raises `ReconnectNeeded`.
References: learn.microsoft.com/entra/msal/python (token cache, acquire_token_silent) and
learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow.
"""
from __future__ import annotations

import functools
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import msal
import requests
from msal.authority import WELL_KNOWN_AUTHORITY_HOSTS
from msal.exceptions import MsalServiceError

from ..mail.port import MailboxError, ReconnectNeeded, TransientMailboxError
from .errors import AuthError
from .tenants import TenantPolicy

DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com"
GRAPH_MAIL_SCOPES = ("https://graph.microsoft.com/Mail.ReadWrite", "https://graph.microsoft.com/Mail.Send")
# Errors after which only the user can help: the grant is revoked, expired or lacks consent
_RECONNECT_ERRORS = frozenset({"invalid_grant", "interaction_required", "consent_required", "login_required"})
_DISCOVERY_MAX_AGE = 24 * 3600
_HTTP_TIMEOUT = (5, 30)


@dataclass(frozen=True)
class MicrosoftGrant:
    """A connected account: MSAL's id for it ("<oid>.<home tid>"), its sign-in name, its cache."""

    home_account_id: str
    username: str | None
    cache_blob: str
    name: str | None = None  # the ID token's display name, when the flow returned one


class MicrosoftConnect:
    """Server-side Microsoft sign-in with offline access, one MSAL cache per account."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        authority_host: str = DEFAULT_AUTHORITY_HOST,
        tenant: str = "organizations",
        graph_scopes: tuple[str, ...] = GRAPH_MAIL_SCOPES,
        http_client: requests.Session | None = None,
        tenants: TenantPolicy | None = None,
    ) -> None:
        self.client_id = client_id
        self._secret = client_secret
        self.redirect_uri = redirect_uri
        self.authority_host = authority_host.rstrip("/")
        self.tenant = tenant
        self.tenants = tenants or TenantPolicy.parse(tenant)
        self.scopes = list(graph_scopes)
        self._http = _DiscoveryCache(http_client or _default_session())
        host = urlsplit(self.authority_host).hostname
        # Instance discovery lives on login.microsoftonline.com and knows only Microsoft's clouds;
        # an authority host an operator configured is trusted as configured (msal's documented
        # "known authorities" pattern), which also keeps private deployments off Microsoft's servers.
        self._instance_discovery = None if host in WELL_KNOWN_AUTHORITY_HOSTS else False

    def start(self, login_hint: str | None = None) -> dict:
        """Begin the auth-code flow. Keep the returned dict in the session; send the user to flow["auth_uri"]."""
        return self._app(msal.SerializableTokenCache()).initiate_auth_code_flow(
            self.scopes, redirect_uri=self.redirect_uri, response_mode="form_post", login_hint=login_hint)

    def finish(self, flow: dict, form: dict) -> MicrosoftGrant:
        """Redeem the form_post answer (code, state) for tokens; raises AuthError when it fails."""
        if not flow.get("state") or flow.get("state") != form.get("state"):  # CSRF or a stale tab
            raise AuthError("bad_state", "the sign-in answer does not belong to this sign-in")
        cache = msal.SerializableTokenCache()
        app = self._app(cache)
        try:
            # msal mutates the flow it is given; the caller's copy stays as it was
            result = app.acquire_token_by_auth_code_flow(dict(flow), dict(form))
        except ValueError:  # msal's signal for an answer with neither code nor error
            raise AuthError("bad_state", "the sign-in answer is incomplete") from None
        except RuntimeError:  # the id_token nonce does not match the one this flow sent
            raise AuthError("bad_state", "the sign-in answer was replayed or tampered with") from None
        return self._grant(app, cache, result, self.tenants)

    def on_behalf_of(self, user_assertion: str, tenant_id: str) -> MicrosoftGrant:
        """Exchange a validated task-pane token for a Graph grant with a refresh token (OBO)."""
        if not _is_guid(tenant_id):
            raise AuthError("tenant_mismatch", "on-behalf-of needs the token's tenant id")
        cache = msal.SerializableTokenCache()
        # The tenant authority, not /organizations: the assertion was issued in that tenant
        app = self._app(cache, tenant=tenant_id)
        result = app.acquire_token_on_behalf_of(user_assertion, self.scopes)
        return self._grant(app, cache, result, self.tenants)

    def access_token(self, cache_blob: str, home_account_id: str) -> tuple[str, str | None]:
        """A Graph access token for the account, and the new cache blob if MSAL changed the cache.

        Raises ReconnectNeeded when no usable grant remains, TransientMailboxError on outages.
        """
        cache = msal.SerializableTokenCache()
        try:
            cache.deserialize(cache_blob)
        except (ValueError, TypeError):
            raise ReconnectNeeded("the stored Microsoft token cache is unreadable") from None
        home_tenant = home_account_id.rpartition(".")[2]
        try:
            app = self._app(cache, tenant=home_tenant if _is_guid(home_tenant) else self.tenant)
            account = next((a for a in app.get_accounts() if a.get("home_account_id") == home_account_id), None)
            if account is None:
                raise ReconnectNeeded("no Microsoft account in the stored token cache")
            result = app.acquire_token_silent_with_error(self.scopes, account=account)
        except (requests.RequestException, MsalServiceError) as exc:
            raise TransientMailboxError(f"Microsoft sign-in service unavailable: {exc}") from exc
        except ValueError as exc:  # msal: the authority refused discovery (unknown tenant, bad host)
            raise MailboxError(f"Microsoft sign-in authority unusable: {exc}") from exc
        if result is None:
            raise ReconnectNeeded("no usable Microsoft token left for this account")
        if "access_token" not in result:
            error = result.get("error", "")
            message = f"Microsoft refused the stored grant: {error}: {result.get('error_description', '')}"
            if error in _RECONNECT_ERRORS:
                raise ReconnectNeeded(message)
            if error in ("temporarily_unavailable", "server_error"):
                raise TransientMailboxError(message)
            raise MailboxError(message)  # e.g. invalid_client: our own registration needs fixing
        return result["access_token"], cache.serialize() if cache.has_state_changed else None

    def _app(self, cache: msal.SerializableTokenCache, tenant: str | None = None) -> msal.ConfidentialClientApplication:
        return msal.ConfidentialClientApplication(
            self.client_id, client_credential=self._secret, token_cache=cache, http_client=self._http,
            authority=f"{self.authority_host}/{tenant or self.tenant}", instance_discovery=self._instance_discovery)

    @staticmethod
    def _grant(app: msal.ConfidentialClientApplication, cache: msal.SerializableTokenCache,
               result: dict[str, Any], tenants: TenantPolicy) -> MicrosoftGrant:
        if "access_token" not in result:
            error = result.get("error") or "invalid_grant"
            reason = error if error in ("access_denied", "invalid_grant") else "invalid_grant"
            raise AuthError(reason, f"Microsoft did not grant access: {error}: {result.get('error_description', '')}")
        accounts = app.get_accounts()
        if len(accounts) != 1 or "refresh_token" not in result:
            # Without an account and a refresh token the background work could not run later
            raise AuthError("invalid_grant", "Microsoft returned no offline grant for this account")
        claims = result.get("id_token_claims") or {}
        home_account_id = accounts[0]["home_account_id"]
        # The tenant signed in to (a guest's differs from its home tenant), else the home tenant
        tenant = str(claims.get("tid") or home_account_id.rpartition(".")[2])
        if not tenants.allows(tenant):
            raise AuthError("tenant_not_allowed", "this server does not accept sign-ins from your organisation "
                                                  "(INTRODUCER_MS_TENANT)")
        name = claims.get("name") if isinstance(claims.get("name"), str) else None
        return MicrosoftGrant(home_account_id=home_account_id, username=accounts[0].get("username") or None,
                              cache_blob=cache.serialize(), name=name or None)


class _DiscoveryCache:
    """The http client handed to msal: caches the authority's discovery document for a day.

    A ConfidentialClientApplication is built per account and call (each has its own token cache),
    and each would otherwise fetch the openid-configuration again. Everything else passes through.
    """

    def __init__(self, session: requests.Session) -> None:
        self._session = session
        self._lock = threading.Lock()
        self._documents: dict[str, tuple[float, requests.Response]] = {}

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        if not url.endswith("/.well-known/openid-configuration") or kwargs.get("params"):
            return self._session.get(url, **kwargs)
        with self._lock:
            cached = self._documents.get(url)
        if cached and time.monotonic() - cached[0] < _DISCOVERY_MAX_AGE:
            return cached[1]
        response = self._session.get(url, **kwargs)
        if response.status_code == 200:
            with self._lock:
                self._documents[url] = (time.monotonic(), response)
        return response

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        return self._session.post(url, **kwargs)

    def close(self) -> None:
        self._session.close()


def _default_session() -> requests.Session:
    session = requests.Session()
    # requests has no session-wide timeout; a hung sign-in server must not hang a worker
    session.request = functools.partial(session.request, timeout=_HTTP_TIMEOUT)  # type: ignore[method-assign]
    return session


def _is_guid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False
