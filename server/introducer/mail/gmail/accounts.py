"""Open a connected Gmail account as a `GmailMailbox`: its sealed refresh token, the configured endpoints.

The bootstrap's mailbox factory calls `mailbox_for_account` for every account with provider "gmail".
A mailbox holds an access token, so one is kept per worker thread and account (httplib2 is not
thread-safe) and reused until the account's credentials change: a sync, the outbound call after it
and the relabelling then share one token instead of fetching three. What is known about the mailbox
(label ids, draft ids) is shared by all threads of the process (labels.py), so labels are listed once.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from ...auth.credentials import unseal
from ...auth.crypto import CipherError, TokenCipher
from ...domain.model import Person
from ..port import ReconnectNeeded
from . import labels
from .mailbox import GmailMailbox, gmail_mailbox_for

REFRESH_TOKEN = "refresh_token"  # the key under which Connect Gmail seals the grant
KEEP_PER_THREAD = 32
_local = threading.local()
_drafts: dict[tuple, dict[str, str]] = {}  # per mailbox: message id -> draft id
_drafts_lock = threading.Lock()


def sealed_grant(refresh_token: str, subject: str | None = None) -> dict:
    """What Connect Gmail stores (sealed) in Account.credentials."""
    return {REFRESH_TOKEN: refresh_token, **({"sub": subject} if subject else {})}


def mailbox_for_account(settings, cipher: TokenCipher, uow_factory, account) -> GmailMailbox:
    """A GmailMailbox acting for `account`. No stored grant, or one no key opens: ReconnectNeeded.

    `uow_factory` is part of the factory signature for adapters that write token caches back (Graph);
    Google refresh tokens do not change when used, so nothing is written here. A revoked grant shows
    up on the first call (invalid_grant at the token endpoint) as ReconnectNeeded, which the service
    turns into the account's "reconnect needed" status.
    """
    if not account.credentials:
        raise ReconnectNeeded(f"gmail account {account.email} is not connected yet")
    if not settings.google_client_id or settings.google_client_secret is None:
        raise ReconnectNeeded("Gmail is not configured here (INTRODUCER_GOOGLE_CLIENT_ID / _SECRET)")
    cache = _thread_cache()
    key = (account.id, account.email, account.name, hashlib.sha256(account.credentials).hexdigest(),
           settings.gmail_api_url, settings.google_token_url, settings.google_pubsub_topic)
    mailbox = cache.get(key)
    if mailbox is not None:
        cache.move_to_end(key)
        return mailbox
    try:
        grant = unseal(cipher, account.credentials)
    except CipherError as exc:
        raise ReconnectNeeded(f"gmail account {account.email}: stored credentials cannot be opened ({exc})") from exc
    if not grant.get(REFRESH_TOKEN):
        raise ReconnectNeeded(f"gmail account {account.email} has no refresh token")
    same_mailbox = (account.id, account.email.lower(), settings.gmail_api_url)
    mailbox = gmail_mailbox_for(
        Person(account.name or account.email, account.email), grant[REFRESH_TOKEN], settings.google_client_id,
        settings.google_client_secret.get_secret_value(), settings.google_token_url, settings.gmail_api_url,
        settings.google_pubsub_topic, labels=labels.shared(same_mailbox), drafts=_shared_drafts(same_mailbox))
    cache[key] = mailbox
    while len(cache) > KEEP_PER_THREAD:
        cache.popitem(last=False)
    return mailbox


def forget_mailboxes() -> None:
    """Drop this thread's open mailboxes and what the process knows about mailboxes (tests that swap
    endpoints, worlds or credentials under one account id)."""
    _thread_cache().clear()
    labels.forget_all()
    with _drafts_lock:
        _drafts.clear()


def _shared_drafts(key: tuple) -> dict[str, str]:
    with _drafts_lock:
        return _drafts.setdefault(key, {})


def _thread_cache() -> OrderedDict:
    cache = getattr(_local, "mailboxes", None)
    if cache is None:
        cache = _local.mailboxes = OrderedDict()
    return cache
