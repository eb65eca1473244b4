"""The webhooks' sync requests (store/notices.py, service/push.py) on SQLite and PostgreSQL: however many
notifications come, one pending request per account and one write while it waits untaken; a notification
after a worker took the request always leaves a new one for the next sync; never a lost notification."""
from __future__ import annotations

import threading
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import event

from introducer.service.push import mailbox_changed
from introducer.store.notices import GroupCommit
from store_fixtures import T0, add_account, database_url, engine, run_together, uow_factory  # noqa: F401

LEASE = timedelta(minutes=5)


@pytest.fixture
def writes(engine):  # noqa: F811
    """The INSERT statements sent to the database (the sync request upserts)."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def gmail(uow_factory):  # noqa: F811
    """Two connected Gmail accounts and the Deps a webhook uses: (deps, account ids by address)."""
    with uow_factory() as uow:
        ids = {email: add_account(uow, email, provider="gmail").id for email in ("ann@example.com", "zed@example.com")}
        uow.commit()
    return SimpleNamespace(uow=uow_factory, clock=lambda: T0), ids


def pending(uow_factory) -> dict[int, tuple[int, str | None]]:  # noqa: F811
    """{account id: (version, claimed by)} of every sync request."""
    from introducer.store.models import SyncRequest

    with uow_factory() as uow:
        return {r.account_id: (r.version, r.claimed_by) for r in uow.session.query(SyncRequest).all()}


def take(uow_factory, worker="w1", at=T0):  # noqa: F811
    with uow_factory() as uow:
        taken = uow.sync.take(20, at, worker, LEASE)
        uow.commit()
    return dict(taken)


def finish(uow_factory, account_id, version, worker="w1") -> bool:  # noqa: F811
    with uow_factory() as uow:
        done = uow.sync.finish(account_id, version, worker)
        uow.commit()
    return done


def test_many_notifications_make_one_request_per_account_and_one_write_each(gmail, uow_factory, writes):  # noqa: F811
    deps, ids = gmail
    for n in range(30):
        assert mailbox_changed(deps, "gmail", "ann@example.com", str(100 + n))
        assert mailbox_changed(deps, "gmail", "zed@example.com", str(100 + n))
    assert set(pending(uow_factory)) == set(ids.values())
    assert len(writes) == 2  # the first notification of each; the other 58 found it waiting and wrote nothing


def test_a_notification_after_the_request_was_taken_leaves_a_new_one_for_the_next_sync(gmail, uow_factory):  # noqa: F811
    deps, ids = gmail
    ann = ids["ann@example.com"]
    mailbox_changed(deps, "gmail", "ann@example.com")
    version = take(uow_factory)[ann]
    mailbox_changed(deps, "gmail", "ann@example.com")  # the worker may already have read past this change
    assert not finish(uow_factory, ann, version) or ann in pending(uow_factory)
    assert pending(uow_factory)[ann][1] is None  # kept, unleased: the next take reads the mailbox again
    assert ann in take(uow_factory, "w2", T0 + timedelta(seconds=1))


def test_a_request_that_waited_untaken_covers_the_notification_and_is_gone_after_its_sync(gmail, uow_factory):  # noqa: F811
    deps, ids = gmail
    ann = ids["ann@example.com"]
    mailbox_changed(deps, "gmail", "ann@example.com")
    mailbox_changed(deps, "gmail", "ann@example.com")  # before any worker took it: the coming sync covers it
    version = take(uow_factory)[ann]
    assert finish(uow_factory, ann, version)
    assert ann not in pending(uow_factory)


def test_a_request_given_back_after_a_failed_sync_still_waits_and_is_not_written_again(gmail, uow_factory, writes):  # noqa: F811
    deps, ids = gmail
    ann = ids["ann@example.com"]
    mailbox_changed(deps, "gmail", "ann@example.com")
    take(uow_factory)
    with uow_factory() as uow:
        uow.sync.release(ann, "w1")
        uow.commit()
    writes.clear()
    mailbox_changed(deps, "gmail", "ann@example.com")
    assert writes == [] and ann in take(uow_factory, "w2")


def test_a_request_whose_lease_ran_out_is_still_bumped_since_its_worker_may_finish_it(gmail, uow_factory):  # noqa: F811
    deps, ids = gmail
    ann = ids["ann@example.com"]
    mailbox_changed(deps, "gmail", "ann@example.com")
    version = take(uow_factory, at=T0 - timedelta(days=1))[ann]  # its lease ran out long ago
    mailbox_changed(deps, "gmail", "ann@example.com")  # the slow worker holds it past its lease, still reading
    assert finish(uow_factory, ann, version) is True  # its lease was not retaken: it gives the request back
    assert ann in pending(uow_factory)


def test_inactive_unknown_and_already_read_mailboxes_record_nothing(gmail, uow_factory):  # noqa: F811
    deps, ids = gmail
    with uow_factory() as uow:
        uow.accounts.get(ids["zed@example.com"]).status = "disconnected"
        uow.accounts.get(ids["ann@example.com"]).sync_cursor = "500"
        uow.commit()
    assert mailbox_changed(deps, "gmail", "zed@example.com", "900") is False
    assert mailbox_changed(deps, "gmail", "nobody@example.com", "900") is False
    assert mailbox_changed(deps, "gmail", "ann@example.com", "499") is False
    assert mailbox_changed(deps, "outlook", "ann@example.com", "900") is False
    assert pending(uow_factory) == {}
    assert mailbox_changed(deps, "gmail", "ann@example.com", "501") is True


def test_notifications_racing_a_worker_are_never_lost(gmail, uow_factory):  # noqa: F811
    """Eight webhook threads notify while a worker takes and finishes requests. Every notification that
    was answered after the worker's last take of its account left a request behind."""
    deps, ids = gmail
    accounts = list(ids)
    last_answered: dict[str, int] = {}
    taken_at: dict[int, int] = {}
    clock = iter(range(10**9))
    lock, stop = threading.Lock(), threading.Event()

    def worker() -> None:
        while not stop.is_set():
            taken = take(uow_factory, "w", T0)
            with lock:
                tick = next(clock)
                taken_at.update({account: tick for account in taken})
            for account, version in taken.items():
                finish(uow_factory, account, version, "w")

    def notify(n: int) -> None:
        for i in range(40):
            email = accounts[(n + i) % len(accounts)]
            with lock:
                started = next(clock)
            mailbox_changed(deps, "gmail", email)
            with lock:
                last_answered[email] = max(started, last_answered.get(email, -1))

    background = threading.Thread(target=worker)
    background.start()
    try:
        run_together(8, notify)
    finally:
        stop.set()
        background.join()
    left = pending(uow_factory)
    for email, started in last_answered.items():
        if started > taken_at.get(ids[email], -1):  # sent after the last take: its sync may have missed it
            assert ids[email] in left, email


def test_group_commit_writes_waiting_submissions_together_and_fails_them_together():
    calls: list[list] = []
    release = threading.Event()

    def write(rows: list) -> None:
        calls.append(list(rows))
        if len(calls) == 1:
            release.wait(5)  # the first write is slow: the others gather meanwhile
        if "bad" in rows:
            raise RuntimeError("the database refused")

    group = GroupCommit(write)
    first = threading.Thread(target=group.submit, args=([0],))
    first.start()
    while not calls:
        time.sleep(0.001)
    outcomes: dict[int, str] = {}

    def submit(n: int) -> None:
        try:
            group.submit([n, "bad"] if n == 3 else [n])
            outcomes[n] = "ok"
        except RuntimeError:
            outcomes[n] = "failed"

    others = [threading.Thread(target=submit, args=(n,)) for n in range(1, 5)]
    for thread in others:
        thread.start()
    while len(group._waiting) < 4:  # all four wait for the slow write
        time.sleep(0.001)
    release.set()
    for thread in [first, *others]:
        thread.join(5)
    assert len(calls) == 2 and sorted(map(str, calls[1])) == ["1", "2", "3", "4", "bad"]
    assert outcomes == {1: "failed", 2: "failed", 3: "failed", 4: "failed"}  # one commit: all or nothing
