"""Exactly-once outbound messages: a crash at any moment neither loses nor duplicates an email."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from introducer.domain.model import Policy
from introducer.mail.port import TransientMailboxError
from introducer.service import intros, outbound
from introducer.store.models import Outbound
from workflow_fixtures import demo, database_url, outbound_keys  # noqa: F401


class Crash(BaseException):
    """The process dies: not an error any handler catches."""


def _send_mode(demo) -> None:
    intros.update_settings(demo.deps, demo.account_id, {"permission_request": "send"})


def _rows(demo):
    with demo.container.uow() as uow:
        return uow.session.query(Outbound).order_by(Outbound.id).all()


def _permission_copies(demo) -> int:
    """How many permission requests reached Bob's inbox."""
    return sum(1 for s in demo.world.mailbox_threads("bob@stonevc.example")
               for m in demo.world.thread("bob@stonevc.example", s.thread_id)
               if str(m.parsed().get("X-Introducer-Key", "")) in outbound_keys(demo.container.uow, "permission_request"))


def test_a_crash_after_the_provider_sent_is_recovered_without_sending_again(demo):
    _send_mode(demo)
    demo.world.faults.arm("send:after", Crash())
    with pytest.raises(Crash):
        intros.start_intro(demo.deps, demo.account_id, demo.spec())
    [row] = _rows(demo)
    assert (row.status, row.attempts) == ("pending", 1)
    assert _permission_copies(demo) == 1
    demo.world.advance(outbound.LEASE + timedelta(seconds=1))
    assert outbound.retry_pending(demo.deps) == 1
    [row] = _rows(demo)
    assert row.status == "sent" and row.thread_id
    assert _permission_copies(demo) == 1


def test_a_crash_before_the_provider_call_sends_once_on_recovery(demo):
    _send_mode(demo)
    demo.world.faults.arm("send", Crash())
    with pytest.raises(Crash):
        intros.start_intro(demo.deps, demo.account_id, demo.spec())
    assert _permission_copies(demo) == 0
    demo.world.advance(outbound.LEASE + timedelta(seconds=1))
    outbound.retry_pending(demo.deps)
    assert [r.status for r in _rows(demo)] == ["sent"]
    assert _permission_copies(demo) == 1


def test_a_crash_after_a_draft_was_created_adopts_that_draft(demo):
    demo.world.faults.arm("create_draft:after", Crash())
    with pytest.raises(Crash):
        intros.start_intro(demo.deps, demo.account_id, demo.spec())
    assert len(demo.drafts()) == 1
    demo.world.advance(outbound.LEASE + timedelta(seconds=1))
    outbound.retry_pending(demo.deps)
    [row] = _rows(demo)
    assert row.status == "drafted" and row.draft_id == demo.drafts()[0].draft_id
    assert len(demo.drafts()) == 1


def test_a_throttled_send_is_retried_later_and_sent_once(demo):
    _send_mode(demo)
    demo.world.faults.arm("send", TransientMailboxError("429 Too Many Requests"), times=2)
    intros.start_intro(demo.deps, demo.account_id, demo.spec())
    assert [r.status for r in _rows(demo)] == ["pending"]
    for _ in range(3):
        demo.world.advance(timedelta(minutes=2))
        outbound.retry_pending(demo.deps)
    assert [r.status for r in _rows(demo)] == ["sent"]
    assert _permission_copies(demo) == 1


def test_two_workers_performing_the_same_message_send_it_once(demo):
    _send_mode(demo)
    demo.world.faults.arm("send", Crash())
    with pytest.raises(Crash):
        intros.start_intro(demo.deps, demo.account_id, demo.spec())
    demo.world.advance(outbound.LEASE + timedelta(seconds=1))
    [row] = _rows(demo)
    barrier = threading.Barrier(4)

    def worker():
        barrier.wait()
        outbound.perform(demo.deps, row.id)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status for r in _rows(demo)] == ["sent"]
    assert _permission_copies(demo) == 1


def test_policy_defaults_draft_the_permission_request(demo):
    assert Policy().permission_request.value == "draft"
    intros.start_intro(demo.deps, demo.account_id, demo.spec())
    assert [r.status for r in _rows(demo)] == ["drafted"]
    assert _permission_copies(demo) == 0


def test_a_message_recorded_under_a_readable_key_before_keys_became_macs_is_not_recorded_again(demo):
    from introducer.service import workflow
    from introducer.service.outbound import After

    demo.world.faults.arm("create_draft", Crash())  # recorded, never reached the provider
    with pytest.raises(Crash):
        intros.start_intro(demo.deps, demo.account_id, demo.spec())
    [row] = _rows(demo)
    with demo.container.uow() as uow:  # as an older version stored it
        uow.session.get(Outbound, row.id).key = f"intro-{row.intro_id}:permission_request:target"
        uow.commit()
    with demo.container.uow() as uow:
        intro = uow.intros.get(row.intro_id, demo.account_id)
        ctx = workflow.Ctx(demo.deps, uow, uow.accounts.get(demo.account_id), intro, After())
        workflow.ask(ctx, workflow.Role.TARGET)
        uow.commit()
    assert len(_rows(demo)) == 1


def test_the_configured_lease_decides_when_a_dead_workers_send_is_taken_over(demo):
    """INTRODUCER_LEASE_SECONDS: a shorter lease hands a dead worker's send to another worker sooner."""
    demo.deps.lease = timedelta(seconds=20)
    _send_mode(demo)
    demo.world.faults.arm("send", Crash())
    with pytest.raises(Crash):
        intros.start_intro(demo.deps, demo.account_id, demo.spec())
    demo.world.advance(timedelta(seconds=19))
    assert outbound.retry_pending(demo.deps) == 0  # still the dead worker's
    demo.world.advance(timedelta(seconds=2))
    outbound.retry_pending(demo.deps)
    assert [r.status for r in _rows(demo)] == ["sent"]
    assert _permission_copies(demo) == 1


def test_the_lease_setting_reaches_the_worker(tmp_path):
    from introducer.bootstrap import build
    from introducer.config import Settings

    container = build(Settings(data_dir=tmp_path, lease_seconds=20, sandbox=False))
    assert (container.deps.lease, container.deps.long_lease) == (timedelta(seconds=20), timedelta(seconds=50))
    assert build(Settings(data_dir=tmp_path / "default", sandbox=False)).deps.lease == outbound.LEASE
