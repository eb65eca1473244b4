"""A provider told us a mailbox changed: record one sync request for the worker, nothing more.

Webhooks must answer at once, so no provider call happens here. Requests coalesce into one row per
account (store/coordination.py), so a burst of duplicate or reordered notifications is one sync.
"""
from __future__ import annotations

from ..domain.numbers import whole_number
from .deps import Deps


def mailbox_changed(deps: Deps, provider: str, email: str, cursor: str | None = None) -> bool:
    """Record a sync request; False when there is nothing to do (unknown or inactive mailbox, or a
    notification for a point the stored cursor has already passed)."""
    with deps.uow() as uow:
        account = uow.accounts.by_email(provider, email)
        if account is None or account.status != "active":
            return False
        stored = account.sync_cursor
        seen, known = whole_number(cursor, max_digits=20), whole_number(stored, max_digits=20)
        if seen is not None and known is not None and seen <= known:
            return False
        uow.sync.request(account.id, "push", deps.clock())
        uow.commit()
    return True
