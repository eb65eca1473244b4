"""A provider told us a mailbox changed: make sure a sync request waits for the worker, nothing more.

Webhooks must answer at once, so no provider call happens here. Requests coalesce into one row per
account (store/coordination.py), so a burst of duplicate or reordered notifications is one sync; while
a request waits untaken, further notifications only read it (store/notices.py).
"""
from __future__ import annotations

from ..domain.numbers import whole_number
from .deps import Deps


def mailbox_changed(deps: Deps, provider: str, email: str, cursor: str | None = None) -> bool:
    """Record a sync request; False when there is nothing to do (unknown or inactive mailbox, or a
    notification for a point the stored cursor has already passed)."""
    notices = deps.uow.notices
    mailbox = notices.by_email(provider, email)
    if mailbox is None or mailbox.status != "active":
        return False
    seen, known = whole_number(cursor, max_digits=20), whole_number(mailbox.sync_cursor, max_digits=20)
    if seen is not None and known is not None and seen <= known:
        return False
    notices.request([mailbox], "push", deps.clock())
    return True
