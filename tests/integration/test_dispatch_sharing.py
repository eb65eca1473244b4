"""Workers share due work: each claims a few rows at a time, so what one worker has not started yet is
there for the others (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import timedelta

from introducer.service import nudges
from introducer.service.deps import Deps
from introducer.store.models import DueWork
from introducer.templating import JinjaRenderer
from store_fixtures import T0, database_url, engine, seeded, uow_factory  # noqa: F401

LEASE = timedelta(minutes=5)


def test_a_busy_worker_leaves_the_rows_it_has_not_started_to_other_workers(uow_factory, seeded):
    account_a, intro_a, _, _ = seeded
    rows = 3 * nudges.CLAIM_BATCH
    with uow_factory() as uow:
        for n in range(rows):
            uow.due.schedule(account_a, intro_a, f"kind{n}", None, T0 - timedelta(minutes=n))
        uow.commit()
    taken_by_other: list[int] = []

    def busy(_account):  # while the first row is being handled, a second worker looks for due work
        if not taken_by_other:
            with uow_factory() as uow:
                taken_by_other.extend(w.id for w in uow.due.claim(T0, "w2", 50, LEASE))
                uow.commit()
        return None  # a kind with nothing to send: the row is simply done

    deps = Deps(uow=uow_factory, mailboxes=busy, clock=lambda: T0, renderer=JinjaRenderer(), worker_id="w1")
    assert nudges.dispatch_due(deps) == nudges.CLAIM_BATCH
    assert len(taken_by_other) == rows - nudges.CLAIM_BATCH
    with uow_factory() as uow:
        works = uow.session.query(DueWork).all()
    assert len([w for w in works if w.status == "done"]) == nudges.CLAIM_BATCH
    assert sorted(w.id for w in works if w.claimed_by == "w2" and w.status == "pending") == sorted(taken_by_other)


def test_one_tick_still_handles_up_to_its_limit_a_batch_at_a_time(uow_factory, seeded):
    account_a, intro_a, _, _ = seeded
    with uow_factory() as uow:
        for n in range(2 * nudges.CLAIM_BATCH + 1):
            uow.due.schedule(account_a, intro_a, f"kind{n}", None, T0 - timedelta(minutes=n))
        uow.commit()
    deps = Deps(uow=uow_factory, mailboxes=lambda _a: None, clock=lambda: T0, renderer=JinjaRenderer())
    assert nudges.dispatch_due(deps, limit=2 * nudges.CLAIM_BATCH) == 2 * nudges.CLAIM_BATCH
    assert nudges.dispatch_due(deps) == 1
    assert nudges.dispatch_due(deps) == 0
