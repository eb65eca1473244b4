"""Keep push notifications alive: renew each mailbox's watch (Gmail) or subscription (Graph) before it lapses.

Gmail asks for users.watch at least every 7 days and recommends daily: a Gmail watch is renewed once
less than six of its seven days are left, i.e. about daily. Graph message subscriptions last under 7
days and renewing costs a PATCH: one is renewed when it has less than a day left. A lifecycle event
(`reauthorizationRequired`, `subscriptionRemoved`) marks the subscription as lapsed, and the frequent
`horizon=0` run picks those up within a minute.

A watch that had lapsed (its expiry passed, or a lifecycle event flagged it) may have missed
notifications: once it is renewed, the mailbox is read at once (a "watch_lapsed" sync request).
Watches start at connect (`start_watch`), not at the renewal job's next run.
"""
from __future__ import annotations

from datetime import timedelta

from ..mail.port import MailboxError, ReconnectNeeded
from .deps import Deps, log
from .progress import mark_reconnect

HORIZON = timedelta(days=1)
RENEW_BEFORE = {"gmail": timedelta(days=6), "outlook": HORIZON}


def renew_watches(deps: Deps, horizon: timedelta | None = None) -> int:
    """Renew the watches that expire within `horizon` (default: per provider, RENEW_BEFORE)."""
    now = deps.clock()
    with deps.uow() as uow:
        candidates = uow.accounts.watches_due(now + max(RENEW_BEFORE.values()))
    accounts = [a for a in candidates if a.watch_expires_at is None or a.watch_expires_at <= now + (
        horizon if horizon is not None else RENEW_BEFORE.get(a.provider, HORIZON))]
    renewed = 0
    for account in accounts:
        try:
            info = deps.mailboxes(account).watch()
        except ReconnectNeeded as exc:
            mark_reconnect(deps, account.id, str(exc))
            continue
        except MailboxError as exc:  # try again on the next run; polling still covers the gap
            log.warning("watch for account %s not renewed: %s", account.id, exc)
            continue
        with deps.uow() as uow:
            stored = uow.accounts.get(account.id)
            # no push for this mailbox (nothing configured): look again in a day, poll meanwhile
            stored.watch_expires_at = info.expires_at if info and info.expires_at else now + HORIZON
            if info and account.watch_expires_at is not None and account.watch_expires_at <= now:
                uow.sync.request(account.id, "watch_lapsed", now)  # notifications may have been lost
            uow.commit()
        renewed += 1
    return renewed


def start_watch(deps: Deps, account_id: int) -> None:
    """Start push for a newly connected mailbox; a failure leaves it to the renewal job (and the
    reconciliation poll reads the mailbox meanwhile)."""
    with deps.uow() as uow:
        account = uow.accounts.get(account_id)
    try:
        info = deps.mailboxes(account).watch()
    except ReconnectNeeded:
        raise
    except MailboxError as exc:
        log.warning("account %s: watch not started (%s); the renewal job will try again", account_id, exc)
        return
    if info is not None and info.expires_at is not None:
        with deps.uow() as uow:
            uow.accounts.get(account_id).watch_expires_at = info.expires_at
            uow.commit()
