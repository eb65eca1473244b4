"""Due work, seen messages and sync requests under concurrent workers, on SQLite and PostgreSQL."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import text

from introducer.domain.model import Role
from introducer.store.coordination import due_key
from introducer.store.db import is_postgres
from store_fixtures import T0, add_account, database_url, engine, run_together, seeded, uow_factory  # noqa: F401

LEASE = timedelta(minutes=5)


def schedule_many(uow_factory, account_id: int, intro_id: int, count: int, *, at=T0) -> None:
    with uow_factory() as uow:
        for n in range(count):
            uow.due.schedule(account_id, intro_id, f"kind{n}", None, at + timedelta(seconds=n))
        uow.commit()


# due work

def test_scheduling_again_moves_the_pending_due_time_instead_of_adding_a_row(uow_factory, seeded):
    account_a, intro_a, _, _ = seeded
    with uow_factory() as uow:
        first = uow.due.schedule(account_a, intro_a, "consent_bump", Role.TARGET, T0)
        again = uow.due.schedule(account_a, intro_a, "consent_bump", "target", T0 + timedelta(days=3))
        uow.commit()
    assert first.id == again.id
    assert again.key == f"{intro_a}:consent_bump:target" == due_key(intro_a, "consent_bump", Role.TARGET)
    with uow_factory() as uow:
        [work] = uow.due.pending_for_intro(intro_a)
        assert work.due_at == T0 + timedelta(days=3) and work.role is Role.TARGET


def test_work_already_done_is_not_revived_by_scheduling_it_again(uow_factory, seeded):
    account_a, intro_a, _, _ = seeded
    with uow_factory() as uow:
        uow.due.schedule(account_a, intro_a, "requester_reminder", None, T0)
        [work] = uow.due.claim(T0, "w1", 10, LEASE)
        assert uow.due.complete(work)
        again = uow.due.schedule(account_a, intro_a, "requester_reminder", None, T0 + timedelta(days=1))
        uow.commit()
    assert again.status == "done" and again.due_at == T0
    with uow_factory() as uow:
        assert uow.due.pending_for_intro(intro_a) == []


def test_cancel_stops_pending_work_by_kind_and_role_and_scheduling_rearms_it(uow_factory, seeded):
    account_a, intro_a, account_b, intro_b = seeded
    with uow_factory() as uow:
        for role in (Role.REQUESTER, Role.TARGET):
            uow.due.schedule(account_a, intro_a, "consent_bump", role, T0)
        uow.due.schedule(account_a, intro_a, "expire", None, T0)
        uow.due.schedule(account_b, intro_b, "expire", None, T0)

        assert uow.due.cancel(intro_a, "consent_bump", Role.TARGET) == 1
        assert [w.key for w in uow.due.pending_for_intro(intro_a)] == [
            f"{intro_a}:consent_bump:requester", f"{intro_a}:expire"]
        assert uow.due.cancel(intro_a) == 2
        assert uow.due.pending_for_intro(intro_a) == []
        assert len(uow.due.pending_for_intro(intro_b)) == 1

        uow.due.schedule(account_a, intro_a, "expire", None, T0 + timedelta(days=1))
        assert [w.kind for w in uow.due.pending_for_intro(intro_a)] == ["expire"]


def test_claim_takes_only_due_rows_oldest_first_and_holds_them_for_the_lease(uow_factory, seeded):
    account_a, intro_a, _, _ = seeded
    with uow_factory() as uow:
        uow.due.schedule(account_a, intro_a, "later", None, T0 + timedelta(hours=1))
        uow.due.schedule(account_a, intro_a, "second", None, T0 - timedelta(minutes=1))
        uow.due.schedule(account_a, intro_a, "first", None, T0 - timedelta(minutes=2))
        uow.commit()
    with uow_factory() as uow:
        claimed = uow.due.claim(T0, "w1", 10, LEASE)
        uow.commit()
    assert [w.kind for w in claimed] == ["first", "second"]
    assert all(w.claimed_by == "w1" and w.claimed_until == T0 + LEASE and w.attempts == 1 for w in claimed)
    with uow_factory() as uow:
        assert uow.due.claim(T0 + LEASE - timedelta(seconds=1), "w2", 10, LEASE) == []


def test_a_claim_whose_lease_expired_can_be_claimed_again_and_the_first_worker_cannot_finish_it(
        uow_factory, seeded):
    account_a, intro_a, _, _ = seeded
    with uow_factory() as uow:
        uow.due.schedule(account_a, intro_a, "expire", None, T0)
        [stale] = uow.due.claim(T0, "crashed-worker", 10, LEASE)
        uow.commit()
    later = T0 + LEASE + timedelta(seconds=1)
    with uow_factory() as uow:
        [work] = uow.due.claim(later, "w2", 10, LEASE)
        uow.commit()
    assert work.id == stale.id and work.claimed_by == "w2" and work.attempts == 2
    with uow_factory() as uow:
        assert uow.due.complete(stale) is False
        assert uow.due.complete(work) is True
        uow.commit()
    with uow_factory() as uow:
        assert uow.due.pending_for_intro(intro_a) == []


def test_released_work_comes_back_at_the_retry_time_with_its_error(uow_factory, seeded):
    account_a, intro_a, _, _ = seeded
    retry_at = T0 + timedelta(minutes=30)
    with uow_factory() as uow:
        uow.due.schedule(account_a, intro_a, "close_loop", None, T0)
        [work] = uow.due.claim(T0, "w1", 10, LEASE)
        assert uow.due.release(work, "mailbox said 503", retry_at) is True
        uow.commit()
    with uow_factory() as uow:
        assert uow.due.claim(retry_at - timedelta(seconds=1), "w1", 10, LEASE) == []
        [again] = uow.due.claim(retry_at, "w1", 10, LEASE)
        assert again.last_error == "mailbox said 503" and again.attempts == 2


def test_rescheduling_claimed_work_revokes_the_claim(uow_factory, seeded):
    account_a, intro_a, _, _ = seeded
    with uow_factory() as uow:
        uow.due.schedule(account_a, intro_a, "consent_bump", Role.TARGET, T0)
        [work] = uow.due.claim(T0, "w1", 10, LEASE)
        uow.commit()
    with uow_factory() as uow:  # an automatic reply said the target is away for a week
        uow.due.schedule(account_a, intro_a, "consent_bump", Role.TARGET, T0 + timedelta(days=7))
        uow.commit()
    with uow_factory() as uow:
        assert uow.due.complete(work) is False
        [pending] = uow.due.pending_for_intro(intro_a)
        assert pending.due_at == T0 + timedelta(days=7) and pending.claimed_by is None


def test_concurrent_workers_never_claim_the_same_row(uow_factory, seeded, engine, report):
    account_a, intro_a, _, _ = seeded
    rows, workers = 300, 4
    schedule_many(uow_factory, account_a, intro_a, rows)
    now = T0 + timedelta(hours=1)

    def work(n: int) -> list[int]:
        mine: list[int] = []
        while True:
            with uow_factory() as uow:
                claimed = uow.due.claim(now, f"worker-{n}", 7, LEASE)
                uow.commit()
            assert len(claimed) <= 7
            if not claimed:
                return mine
            mine.extend(w.id for w in claimed)

    claims = run_together(workers, work)
    counts = Counter(work_id for worker in claims for work_id in worker)
    assert [work_id for work_id, times in counts.items() if times > 1] == []
    assert len(counts) == rows
    report(f"due claims on {engine.dialect.name}: {rows} rows over {workers} workers, "
           f"per worker {sorted(map(len, claims))}")


def test_a_postgres_claim_skips_rows_another_worker_holds_instead_of_waiting(uow_factory, seeded, engine):
    if not is_postgres(engine):
        pytest.skip("SQLite serialises writers; skipping locked rows is a PostgreSQL feature")
    account_a, intro_a, _, _ = seeded
    schedule_many(uow_factory, account_a, intro_a, 10)
    with uow_factory() as holder, uow_factory() as other:
        held = holder.due.claim(T0 + LEASE, "holder", 5, LEASE)  # locked, not yet committed
        other.session.execute(text("SET LOCAL lock_timeout = '2s'"))  # waiting would fail the test
        passed_by = other.due.claim(T0 + LEASE, "other", 5, LEASE)
        other.commit()
        holder.commit()
    assert len(held) == len(passed_by) == 5
    assert not {w.id for w in held} & {w.id for w in passed_by}


# seen messages

def test_marking_a_message_seen_is_true_once_and_then_false(uow_factory, seeded):
    account_a, intro_a, account_b, _ = seeded
    with uow_factory() as uow:
        assert uow.seen.is_seen(account_a, "m-1") is False
        assert uow.seen.mark(account_a, "m-1", intro_a) is True
        assert uow.seen.mark(account_a, "m-1", intro_a) is False
        uow.commit()
    with uow_factory() as uow:
        assert uow.seen.mark(account_a, "m-1", intro_a) is False
        assert uow.seen.is_seen(account_a, "m-1") is True
        assert uow.seen.is_seen(account_b, "m-1") is False


def test_concurrent_workers_marking_one_message_let_exactly_one_act_on_it(uow_factory, seeded):
    account_a, intro_a, _, _ = seeded

    def mark(n: int) -> bool:
        with uow_factory() as uow:
            newly = uow.seen.mark(account_a, "m-race", intro_a)
            uow.commit()
            return newly

    for round_ in range(5):
        assert sorted(run_together(6, mark)) == [False] * 5 + [True]
        with uow_factory() as uow:
            uow.session.execute(text("DELETE FROM seen_messages"))
            uow.commit()


# sync requests

def test_sync_requests_for_one_account_coalesce_into_one(uow_factory, seeded):
    account_a, _, account_b, _ = seeded
    with uow_factory() as uow:
        uow.sync.request(account_a, "push", T0)
        uow.sync.request(account_a, "push", T0 + timedelta(seconds=1))
        uow.sync.request(account_a, "missed", T0 + timedelta(seconds=2))
        uow.sync.request(account_b, "poll", T0 - timedelta(seconds=1))
        uow.commit()
    with uow_factory() as uow:
        assert uow.sync.pending_count() == 2
        row = uow.session.execute(text(
            f"SELECT requested_at, reason FROM sync_requests WHERE account_id = {account_a}")).one()
        assert row.reason == "missed"
        taken = uow.sync.take(10, T0, "w1")
        assert [account for account, _ in taken] == [account_b, account_a]
        uow.commit()
    with uow_factory() as uow:
        assert uow.sync.take(10, T0, "w2") == []  # leased: nobody else takes them
        for account, version in taken:
            assert uow.sync.finish(account, version, "w1")
        uow.commit()
    with uow_factory() as uow:
        assert uow.sync.pending_count() == 0 and uow.sync.take(10, T0, "w1") == []


def test_a_sync_request_leased_by_a_dead_worker_is_taken_again_when_the_lease_runs_out(uow_factory, seeded):
    account_a = seeded[0]
    with uow_factory() as uow:
        uow.sync.request(account_a, "push", T0)
        uow.commit()
    with uow_factory() as uow:
        [(account, version)] = uow.sync.take(10, T0, "dies", timedelta(minutes=5))
        uow.commit()  # … and the worker is killed before it reads the mailbox
    with uow_factory() as uow:
        assert uow.sync.take(10, T0 + timedelta(minutes=4), "other") == []
        assert uow.sync.take(10, T0 + timedelta(minutes=6), "other") == [(account_a, version)]
        uow.commit()
    with uow_factory() as uow:
        assert not uow.sync.finish(account_a, version, "dies")  # the late worker lost its lease
        assert uow.sync.finish(account_a, version, "other")
        uow.commit()
        assert uow.sync.pending_count() == 0


def test_a_request_made_during_a_sync_outlives_that_sync(uow_factory, seeded):
    account_a = seeded[0]
    with uow_factory() as uow:
        uow.sync.request(account_a, "push", T0)
        uow.commit()
    with uow_factory() as uow:
        [(_, version)] = uow.sync.take(10, T0, "w1")
        uow.commit()
    with uow_factory() as uow:
        uow.sync.request(account_a, "push", T0 + timedelta(seconds=1))  # a change while the mailbox is read
        uow.commit()
    with uow_factory() as uow:
        assert uow.sync.finish(account_a, version, "w1")
        uow.commit()
    with uow_factory() as uow:
        assert [a for a, _ in uow.sync.take(10, T0, "w1")] == [account_a]  # read again, not dropped


def test_concurrent_workers_take_each_sync_request_once(uow_factory):
    accounts = 60
    with uow_factory() as uow:
        ids = [add_account(uow, f"user{n}@example.com").id for n in range(accounts)]
        for n, account_id in enumerate(ids):
            uow.sync.request(account_id, "push", T0 + timedelta(seconds=n))
        uow.commit()

    def take(n: int) -> list[int]:
        taken: list[int] = []
        while True:
            with uow_factory() as uow:
                batch = [account for account, _ in uow.sync.take(4, T0, f"w{n}")]
                uow.commit()
            assert len(batch) <= 4
            if not batch:
                return taken
            taken.extend(batch)

    counts = Counter(account_id for batch in run_together(4, take) for account_id in batch)
    assert sorted(counts) == sorted(ids) and set(counts.values()) == {1}
