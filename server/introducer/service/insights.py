"""The Insights view: an account's intros and their timelines, read from the store and added up.

The arithmetic is in domain.insights (pure, tested against hand-written timelines); this module
only turns stored rows into its input. Everything an account has is read in two queries.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from ..domain.insights import Event, IntroFacts, insights
from .errors import NotFoundError

MAX_INTROS = 5000  # an introducer's whole history; far above what one person makes


def facts(uow, account_id: int) -> list[IntroFacts]:
    events = defaultdict(list)
    for e in uow.events.for_account(account_id):
        events[e.intro_id].append(Event(at=e.at, kind=e.kind, role=(e.detail or {}).get("role")))
    return [IntroFacts(id=i.id, created_at=i.created_at, state=str(i.state),
                       requester=(i.requester_name or i.requester_email, i.requester_email),
                       target=(i.target_name or i.target_email, i.target_email), context=i.context,
                       events=tuple(events.get(i.id, ())))
            for i in uow.intros.list(account_id, limit=MAX_INTROS)]


def for_account(uow, account_id: int, now: datetime, months: int = 12) -> dict:
    """Every number of the Insights view for one account, as of `now` (the service clock)."""
    account = uow.accounts.get(account_id)
    if account is None:
        raise NotFoundError("Unknown account.")
    return insights(facts(uow, account_id), now, account.timezone or "UTC", months)
