"""The safety net under push: every mailbox is read now and then even when notifications flow.

Google says Gmail pushes can be delayed or dropped and apps should still call history.list now and
then; Graph subscriptions lapse and send `missed` lifecycle events. So with push on, each active
account still gets a reconciliation sync (an ordinary cursor read, leased like any sync request)
once its interval has passed since its last complete read (`accounts.synced_at`):

    base      INTRODUCER_RECONCILE_SECONDS (600 s) x provider factor (Gmail 1, Outlook 1.5: 10 / 15 min)
    x 1/4     while one of its intros awaits an answer (a permission request or the intro is out)
    x 6       when it has no open intro at all (1 h / 1.5 h)

A reconciliation with nothing new costs one history.list (Gmail) or two delta rounds (Graph).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from ..domain.states import IntroState
from .deps import Deps

PROVIDER_FACTOR = {"outlook": 1.5}
AWAITING_ANSWER = frozenset({IntroState.AWAITING_CONSENT.value, IntroState.INTRODUCED.value})
WAITING_FACTOR = 0.25
IDLE_FACTOR = 6.0


def interval(base_seconds: float, provider: str, open_states: set[str]) -> timedelta:
    """How long an account may go without a complete read of its mailbox."""
    seconds = base_seconds * PROVIDER_FACTOR.get(provider, 1.0)
    if open_states & AWAITING_ANSWER:
        seconds *= WAITING_FACTOR
    elif not open_states:
        seconds *= IDLE_FACTOR
    return timedelta(seconds=seconds)


def due(synced_at: datetime | None, now: datetime, every: timedelta) -> bool:
    return synced_at is None or synced_at + every <= now


def request_due(deps: Deps, settings) -> int:
    """Record a "reconcile" sync request for every active account whose interval has passed."""
    now = deps.clock()
    requested = 0
    with deps.uow() as uow:
        open_states = uow.intros.open_states_by_account()
        for account in uow.accounts.list_active():
            every = interval(settings.reconcile_seconds, account.provider, open_states.get(account.id, set()))
            if due(account.synced_at, now, every):
                uow.sync.request(account.id, "reconcile", now)
                requested += 1
        uow.commit()
    return requested
