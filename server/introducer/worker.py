"""Background jobs, declared as data; each calls one service function. APScheduler runs them.

Due work is not one scheduler job per nudge: it lives in the database and the `dispatch_due` tick claims
what is due, so any number of workers can run side by side (row claims keep them from doubling up).
"""
from __future__ import annotations

import logging
from datetime import timedelta
from dataclasses import dataclass
from typing import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from .bootstrap import Container
from .service.deps import Deps
from .service import ingest, nudges, outbound, progress, reconcile, watches

log = logging.getLogger("introducer.worker")
SYNC_LEASE = Deps.lease * Deps.LONG_LEASE_FACTOR  # the default long lease: a dead worker's sync request waits
RECONCILE_TICK = 60.0  # how often the worker looks for mailboxes due a reconciliation read


@dataclass(frozen=True)
class Job:
    id: str
    seconds: float
    run: Callable[[Container], object]
    only_with_sandbox: bool = False


def request_polls(c: Container) -> int:
    """Without push, ask for a sync of every active account (coalesced with pending requests)."""
    now = c.deps.clock()
    with c.uow() as uow:
        accounts = uow.accounts.list_active()
        for account in accounts:
            uow.sync.request(account.id, "poll", now)
        uow.commit()
    return len(accounts)


def run_sync_requests(c: Container, limit: int = 20) -> int:
    """Handle recorded sync requests (from webhooks, the sandbox, polling or reconciliation).

    Each is leased by one worker and deleted only after the mailbox was read (the cursor moved past
    what was read): a worker that dies in between leaves the lease to run out, and another worker
    takes the request then (Deps.long_lease)."""
    worker = c.deps.worker_id
    with c.uow() as uow:
        taken = uow.sync.take(limit, c.deps.clock(), worker, c.deps.long_lease)
        uow.commit()
    for index, (account_id, version) in enumerate(taken):
        if c.deps.stopping.is_set():  # asked to stop: give the rest back now rather than when the lease ends
            with c.uow() as uow:
                for left, _ in taken[index:]:
                    uow.sync.release(left, worker)
                uow.commit()
            break
        try:
            ingest.sync_account(c.deps, account_id)
        except Exception:  # one account's failure must not stop the others
            log.exception("sync of account %s failed", account_id)
            with c.uow() as uow:
                uow.sync.release(account_id, worker)
                uow.commit()
            continue
        with c.uow() as uow:
            uow.sync.finish(account_id, version, worker)
            uow.commit()
    return len(taken)


def tick_sandbox(c: Container) -> object:
    return c.world.tick()


def jobs(c: Container) -> list[Job]:
    s = c.settings
    declared = [
        Job("sync_requested", s.sync_seconds, run_sync_requests),
        Job("dispatch_due", s.dispatch_seconds, lambda c: nudges.dispatch_due(c.deps)),
        Job("retry_outbound", s.dispatch_seconds, lambda c: outbound.retry_pending(c.deps)),
        Job("relabel_drifted", s.dispatch_seconds, lambda c: progress.relabel_drifted(c.deps)),
        Job("sandbox_people", 1.0, tick_sandbox, only_with_sandbox=True),
    ]
    if s.public_url:
        declared.append(Job("renew_watches", 3 * 3600, lambda c: watches.renew_watches(c.deps)))
        # lapsed or flagged by a Graph lifecycle event (reauthorizationRequired, subscriptionRemoved): renew now
        declared.append(Job("renew_lapsed_watches", 60, lambda c: watches.renew_watches(c.deps, timedelta(0))))
        # push can be late, dropped or lapse: a slow, adaptive read of every mailbox is the safety net
        declared.append(Job("reconcile_mailboxes", RECONCILE_TICK, lambda c: reconcile.request_due(c.deps, s)))
    else:
        declared.append(Job("poll_mailboxes", s.poll_seconds, request_polls))
    return [j for j in declared if c.world is not None or not j.only_with_sandbox]


def _guarded(job: Job, c: Container) -> Callable[[], None]:
    def run() -> None:
        try:
            job.run(c)
        except Exception:
            log.exception("job %s failed", job.id)

    return run


def scheduler(c: Container, blocking: bool = False):
    sched = BlockingScheduler() if blocking else BackgroundScheduler(daemon=True)
    for job in jobs(c):
        sched.add_job(_guarded(job, c), "interval", seconds=job.seconds, id=job.id, max_instances=1,
                      coalesce=True, replace_existing=True)
    return sched


def run_once(c: Container) -> None:
    """Run every job once, in order (used by tests and `introducer worker --once`)."""
    for job in jobs(c):
        job.run(c)
