"""Accounts of provider users: found by the provider's stable id, connected with a sealed grant.

The add-ons name their user by the provider's subject id (Google `sub`) and address; the first
request makes a disconnected account, and a completed consent (`connect_account`) stores the grant
and starts reading the mailbox's changes from that moment.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..mail.port import MailboxError, ReconnectNeeded
from ..store.models import Account, AccountStatus
from .deps import Deps, log
from .errors import ConflictError, ValidationError
from .watches import start_watch


@dataclass(frozen=True)
class ProviderUser:
    """Who a provider says is calling: a stable subject id and the mailbox address."""

    provider: str
    subject: str
    email: str
    name: str = ""


def account_for_user(deps: Deps, user: ProviderUser, timezone: str | None = None) -> int:
    """The account of this provider user, created (disconnected, nothing to sync) on first sight.

    Keyed by the subject id: an address that changed hands to another Google account is refused,
    never merged, and an address change of the same account follows it.
    """
    with deps.uow() as uow:
        account = uow.accounts.by_external_id(user.provider, user.subject)
        by_email = uow.accounts.by_email(user.provider, user.email)
        if account is None and by_email is not None:
            if by_email.external_id not in (None, user.subject):
                raise ConflictError(f"{user.email} is linked to another {user.provider} account.")
            account = by_email
            account.external_id = user.subject
        now = deps.clock()
        if account is None:
            account = Account(provider=user.provider, email=user.email, name=user.name or name_from_email(user.email),
                              external_id=user.subject, timezone=timezone or "UTC", policy={},
                              status=AccountStatus.DISCONNECTED.value, created_at=now, updated_at=now)
            uow.accounts.add(account)
        else:
            if account.email != user.email and by_email is None:
                account.email = user.email
            if timezone and account.timezone != timezone:
                account.timezone = timezone
        uow.commit()
        return account.id


def connect_account(deps: Deps, account_id: int, credentials: bytes) -> None:
    """Store a sealed grant, mark the account active, and read its changes from now on.

    A reconnect keeps the stored change cursor, so what happened while the grant was revoked is
    still read (a cursor the provider no longer keeps resets to re-reading the open intros' threads).
    The watch is started when push is configured; if that fails, the watch-renewal job retries it.
    No cursor (the feed could not be read now) is safe: the first sync then re-reads the open threads.
    """
    with deps.uow() as uow:
        account = uow.accounts.get(account_id)
        account.credentials = credentials
        account.status = AccountStatus.ACTIVE.value
        account.watch_expires_at = None
        account.updated_at = deps.clock()
        uow.commit()
        cursor = account.sync_cursor
    if cursor is None:
        try:
            cursor = deps.mailboxes(account).changes_since(None).cursor
        except ReconnectNeeded:
            raise
        except MailboxError as exc:  # the first sync reads every open intro's thread, then sets it
            log.warning("account %s connected, change cursor not set yet: %s", account_id, exc)
        else:
            with deps.uow() as uow:
                uow.accounts.get(account_id).sync_cursor = cursor
                uow.commit()
    start_watch(deps, account_id)


def rename_account(deps: Deps, account_id: int, name: str) -> None:
    """The name the introducer signs with (the sign-in tokens do not always carry one)."""
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise ValidationError("Your name: between 1 and 200 characters.")
    with deps.uow() as uow:
        account = uow.accounts.get(account_id)
        if account.name != name:
            account.name = name
            account.updated_at = deps.clock()
            uow.commit()


def name_from_email(email: str) -> str:
    """A readable stand-in until the user says their name: "dana.park@x" -> "Dana Park"."""
    local = email.split("@", 1)[0]
    return " ".join(part.capitalize() for part in local.replace("_", ".").replace("-", ".").split(".") if part) \
        or email
