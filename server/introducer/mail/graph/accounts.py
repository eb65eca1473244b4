"""Outlook accounts: the sealed MSAL token cache of an account turned into a working `GraphMailbox`.

An account's credentials hold `{"cache": <serialised MSAL cache>, "home_account_id": "<oid>.<tid>"}`,
sealed with the token cipher. The mailbox asks MSAL for a Graph token when it needs one; when MSAL
refreshed it (a new cache), the new cache is sealed and written back in its own short unit of work.
A grant that can no longer be refreshed raises `ReconnectNeeded` (the service marks the account).

Webhooks: each account's subscription carries its own clientState, `<account id>.<HMAC of it>` keyed
by the configured secret, so a notification names its account and proves it came from a subscription
we made, without storing subscription ids (lifecycle events carry no resource, only the clientState).
"""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import threading
from collections.abc import Callable
from datetime import datetime

import requests

from ...auth.credentials import seal, unseal
from ...auth.crypto import CipherError
from ...auth.msal_client import MicrosoftConnect, MicrosoftGrant
from ...auth.tenants import TenantPolicy
from ...domain.numbers import whole_number
from ...domain.model import Person
from ..port import MailboxError, ReconnectNeeded
from .mailbox import GraphMailbox

CALLBACK_PATH = "/connect/microsoft/callback"
NOTIFY_PATH, LIFECYCLE_PATH = "/webhooks/graph", "/webhooks/graph/lifecycle"
_HTTP_TIMEOUT = (5, 30)
_CONNECTS: dict[tuple, MicrosoftConnect] = {}
_CONNECTS_LOCK = threading.Lock()


def http_session(settings) -> requests.Session:
    """A session for Microsoft's endpoints: the configured CA bundle, a timeout on every request."""
    session = requests.Session()
    if settings.ms_ca_bundle:
        session.verify = str(settings.ms_ca_bundle)
        # Quirk (psf/requests#3829): with trust_env, REQUESTS_CA_BUNDLE overrides Session.verify
        session.trust_env = False
    session.request = functools.partial(session.request, timeout=_HTTP_TIMEOUT)  # type: ignore[method-assign]
    return session


def redirect_uri(settings, fallback_base: str | None = None) -> str:
    base = (settings.public_url or fallback_base or "http://localhost").rstrip("/")
    return base + CALLBACK_PATH


def microsoft_connect(settings, fallback_base: str | None = None) -> MicrosoftConnect:
    """The MicrosoftConnect for these settings; one per configuration, so its discovery cache is shared."""
    if not settings.ms_client_id or settings.ms_client_secret is None:
        raise MailboxError("Outlook is not configured: set INTRODUCER_MS_CLIENT_ID and INTRODUCER_MS_CLIENT_SECRET")
    secret = settings.ms_client_secret.get_secret_value()
    key = (settings.ms_client_id, hashlib.sha256(secret.encode()).hexdigest(), settings.ms_authority_host,
           settings.ms_tenant, str(settings.ms_ca_bundle or ""), redirect_uri(settings, fallback_base))
    with _CONNECTS_LOCK:
        if key not in _CONNECTS:
            tenants = TenantPolicy.parse(settings.ms_tenant)
            _CONNECTS[key] = MicrosoftConnect(settings.ms_client_id, secret, key[-1],
                                              authority_host=settings.ms_authority_host,
                                              tenant=tenants.authority_segment, tenants=tenants,
                                              http_client=http_session(settings))
        return _CONNECTS[key]


# --- clientState ------------------------------------------------------------------------------------
def _state_secret(settings) -> bytes:
    configured = settings.graph_client_state
    return (configured.get_secret_value() if configured is not None else settings.secret("graph_client_state")).encode()


def _mac(settings, account_id: int) -> str:
    digest = hmac.new(_state_secret(settings), f"graph-client-state:{account_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def client_state_for(settings, account_id: int) -> str:
    """The clientState of this account's subscription (at most 128 characters, as Graph requires)."""
    return f"{account_id}.{_mac(settings, account_id)}"


def account_of_client_state(settings, value) -> int | None:
    """The account a notification's clientState names, or None when it is not one we issued."""
    account, _, mac = str(value or "").partition(".")
    account_id = whole_number(account, max_digits=12)
    if account_id is None or not mac.isascii():  # compare_digest takes ASCII text only
        return None
    return account_id if hmac.compare_digest(_mac(settings, account_id), mac) else None


# --- credentials --------------------------------------------------------------------------------------
def save_grant(uow_factory, cipher, account_id: int, grant: MicrosoftGrant, now: datetime) -> None:
    """Seal a fresh grant into the account; it becomes active (connected) again."""
    with uow_factory() as uow:
        account = uow.accounts.get(account_id)
        account.credentials = seal(cipher, {"cache": grant.cache_blob, "home_account_id": grant.home_account_id})
        account.external_id = grant.home_account_id
        account.status = "active"
        account.updated_at = now
        uow.commit()


def _open(cipher, blob: bytes | None) -> dict:
    try:
        credentials = unseal(cipher, blob)
    except (CipherError, ValueError) as exc:  # keys lost or blob damaged: only a new grant helps
        raise ReconnectNeeded(f"the stored Microsoft grant cannot be opened: {exc}") from None
    if not credentials.get("cache") or not credentials.get("home_account_id"):
        raise ReconnectNeeded("this Outlook account was never connected")
    return credentials


def token_supplier(settings, cipher, uow_factory, account_id: int, credentials: dict) -> Callable[[], str]:
    """Graph access tokens for the account; a cache MSAL changed is sealed and stored at once."""
    lock = threading.Lock()
    state = dict(credentials)

    def token() -> str:
        with lock:
            access, changed = microsoft_connect(settings).access_token(state["cache"], state["home_account_id"])
            if changed is not None:
                state["cache"] = changed
                with uow_factory() as uow:
                    stored = uow.accounts.get(account_id)
                    if stored is not None:
                        stored.credentials = seal(cipher, state)
                        uow.commit()
            return access

    return token


def webhook_urls(settings) -> tuple[str | None, str | None]:
    """(notification URL, lifecycle URL) under the public URL; (None, None) without one: the worker polls."""
    if not settings.public_url:
        return None, None
    base = settings.public_url.rstrip("/")
    return base + NOTIFY_PATH, base + LIFECYCLE_PATH


def mailbox_for_account(settings, cipher, uow_factory, account, *, clock: Callable[[], datetime] | None = None,
                        session: requests.Session | None = None, **options) -> GraphMailbox:
    """The GraphMailbox of a connected Outlook account (ReconnectNeeded when it is not connected).
    `clock`: what subscriptions and delta filters count from; other options go to GraphMailbox."""
    credentials = _open(cipher, account.credentials)
    notify, lifecycle = webhook_urls(settings)
    return GraphMailbox(
        Person(account.name, account.email),
        token_supplier(settings, cipher, uow_factory, account.id, credentials),
        settings.graph_url, notification_url=notify, lifecycle_url=lifecycle,
        client_state=client_state_for(settings, account.id), session=session or http_session(settings), clock=clock,
        **options)
