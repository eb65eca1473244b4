"""A worker asked to stop gives back what it claimed, so another worker takes it at once (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from introducer.service import nudges
from introducer.service.deps import Deps
from introducer.store.models import DueWork
from introducer.templating import JinjaRenderer
from introducer.worker import run_sync_requests
from store_fixtures import T0, database_url, engine, seeded, uow_factory  # noqa: F401

LEASE = timedelta(minutes=5)


def _deps(uow_factory, mailboxes, worker_id="w1") -> Deps:
    return Deps(uow=uow_factory, mailboxes=mailboxes, clock=lambda: T0, renderer=JinjaRenderer(),
                worker_id=worker_id)


def test_due_work_claimed_by_a_stopping_worker_is_handed_back_untouched(uow_factory, seeded):
    account_a, intro_a, _, _ = seeded
    with uow_factory() as uow:
        for n in range(4):
            uow.due.schedule(account_a, intro_a, f"kind{n}", None, T0 - timedelta(minutes=n))
        uow.commit()

    def stop_while_busy(_account):  # the signal lands while the first row is being handled
        deps.stopping.set()
        raise RuntimeError("mailbox unavailable")

    deps = _deps(uow_factory, stop_while_busy)
    assert nudges.dispatch_due(deps) == 4
    with uow_factory() as uow:
        rows = sorted(uow.session.query(DueWork).all(), key=lambda w: w.due_at)
        assert all(w.status == "pending" and w.claimed_by is None for w in rows)
        # the three rows never started keep their due time; the one that failed is retried later
        assert [w.due_at for w in rows[:3]] == [T0 - timedelta(minutes=n) for n in (2, 1, 0)]
        assert [w.last_error for w in rows[:3]] == [None, None, None]
        claimed = uow.due.claim(T0, "w2", 10, LEASE)  # another worker, the same moment: no lease to wait out
        assert len(claimed) == 3


def test_sync_requests_leased_by_a_stopping_worker_are_released(uow_factory, seeded):
    account_a, _, account_b, _ = seeded
    with uow_factory() as uow:
        uow.sync.request(account_a, "push", T0 - timedelta(seconds=2))
        uow.sync.request(account_b, "push", T0 - timedelta(seconds=1))
        uow.commit()
    deps = _deps(uow_factory, lambda account: None)
    deps.stopping.set()
    assert run_sync_requests(SimpleNamespace(uow=uow_factory, deps=deps)) == 2
    with uow_factory() as uow:  # another worker, the same moment: no lease to wait out
        assert sorted(a for a, _ in uow.sync.take(10, T0, "w2")) == sorted([account_a, account_b])
