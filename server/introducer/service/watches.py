"""Keep push notifications alive: renew each mailbox's watch (Gmail) or subscription (Graph) before it lapses.

Gmail asks for users.watch at least every 7 days (daily is recommended); Graph message subscriptions
last under 7 days. Renewing whatever expires within the next day, every few hours, covers both.
"""
from __future__ import annotations

from datetime import timedelta

from ..mail.port import MailboxError, ReconnectNeeded
from .deps import Deps, log
from .progress import mark_reconnect

HORIZON = timedelta(days=1)


def renew_watches(deps: Deps, horizon: timedelta = HORIZON) -> int:
    """Renew the watches that expire within `horizon`; returns how many were renewed."""
    now = deps.clock()
    with deps.uow() as uow:
        accounts = uow.accounts.watches_due(now + horizon)
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
            stored.watch_expires_at = info.expires_at if info and info.expires_at else now + horizon
            uow.commit()
        renewed += 1
    return renewed
